/**
 * The local database: RxDB with one collection per synced document type. The storage is passed
 * in: the app uses Dexie (IndexedDB); Node tests and benchmarks may pass RxDB's memory storage or
 * Dexie over fake-indexeddb. The same function is used everywhere so tests exercise the real
 * data layer.
 */
import {
  addRxPlugin,
  createRxDatabase,
  removeRxDatabase,
  type RxCollection,
  type RxConflictHandler,
  type RxDatabase,
  type RxStorage,
} from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import { RxDBUpdatePlugin } from 'rxdb/plugins/update';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { wrappedValidateZSchemaStorage } from 'rxdb/plugins/validate-z-schema';
import { rememberValidationMode, wrappedValidatePrecompiledStorage } from './validation';
import { COLLECTION_NAMES, collectionSchemas, type CollectionDocTypes, type CollectionName } from '../../../src-shared/model/schemas';
import { migrationStrategiesFor } from '../../../src-shared/model/migrations';
import { conflictHandlersRecordingTo, quarantineDocs } from './sync/review-lists';

addRxPlugin(RxDBMigrationSchemaPlugin);
addRxPlugin(RxDBLocalDocumentsPlugin);
addRxPlugin(RxDBUpdatePlugin);

export type TutorCollections = { [K in CollectionName]: RxCollection<CollectionDocTypes[K]> };
export type TutorDatabase = RxDatabase<TutorCollections>;

export interface CreateDatabaseOptions {
  /** Database name; one per practice on a laptop, e.g. 'tutordesk-demo'. */
  name: string;
  storage: RxStorage<unknown, unknown>;
  /**
   * Validate every write against the JSON schema. 'precompiled' (the app) runs Ajv validators
   * generated ahead of time (src-renderer/src/data/validation.ts): no eval, so the strict
   * Content-Security-Policy allows it. 'ajv' compiles the same validators at run time with
   * `new Function` (Node tests and tools). 'z-schema' is an interpreter: CSP-safe but slow.
   */
  validate?: 'precompiled' | 'ajv' | 'z-schema' | false;
  /**
   * Per-collection conflict handlers used by replication. Default: TutorDesk's sync policy
   * (src-shared/sync/policy.ts), recording conflicts that need a person in this database's
   * local `sync-conflicts` list (src-renderer/src/data/sync/review-lists.ts). Never RxDB's default,
   * which silently drops one laptop's offline edit.
   */
  conflictHandlers?: Partial<{ [K in CollectionName]: RxConflictHandler<CollectionDocTypes[K]> }>;
  /** Allow re-creating a database with the same name in the same process (tests). */
  ignoreDuplicate?: boolean;
  /** Only these collections (defaults to all). */
  collections?: readonly CollectionName[];
}

export async function createTutorDatabase(options: CreateDatabaseOptions): Promise<TutorDatabase> {
  const storage =
    options.validate === 'precompiled'
      ? wrappedValidatePrecompiledStorage({ storage: options.storage })
      : options.validate === 'ajv'
        ? wrappedValidateAjvStorage({ storage: options.storage })
        : options.validate === 'z-schema'
          ? wrappedValidateZSchemaStorage({ storage: options.storage })
          : options.storage;
  const db = await createRxDatabase<TutorCollections>({
    name: options.name,
    storage,
    multiInstance: false,
    eventReduce: true,
    localDocuments: true,
    closeDuplicates: options.ignoreDuplicate ?? false,
  });
  rememberValidationMode(db, options.validate ?? false);
  const names = options.collections ?? COLLECTION_NAMES;
  const syncPolicy = conflictHandlersRecordingTo(() => (db.closed ? null : db));
  // Occurrences (v1) carry their lesson's tutor: their migration reads the lessons, so the
  // lessons collection is added (and migrated) first.
  const migrations = migrationStrategiesFor({
    lessonTutors: async () => {
      const lessons = (db.collections as Partial<TutorCollections>).lessons;
      if (!lessons) return new Map();
      const docs = await lessons.find().exec();
      return new Map(docs.map((d) => [d.id, d.tutorId] as const));
    },
    // A record an older version accepted beyond today's hard limits: listed with the refused
    // changes, whole, never changed or dropped silently (docs/data-model.md "Versions and migrations").
    setAside: ({ collection, doc, problems }) =>
      quarantineDocs(db, [
        {
          collection,
          docId: String(doc.id),
          error: 'invalid',
          reason: `This record is beyond what this version of TutorDesk accepts (${Object.values(problems).join('; ')}), so it was set aside: it is kept whole in this list, not among the practice's records, and a server's copy (if this computer syncs) is unchanged.`,
          doc,
          quarantinedAt: new Date().toISOString(),
          origin: 'update',
        },
      ]),
  });
  const configFor = (list: readonly CollectionName[]) => {
    const config: Record<string, unknown> = {};
    for (const name of list) {
      config[name] = {
        schema: collectionSchemas[name],
        migrationStrategies: migrations[name] ?? {},
        localDocuments: false,
        conflictHandler: options.conflictHandlers?.[name] ?? syncPolicy[name],
      };
    }
    return config;
  };
  const first = names.filter((n) => n !== 'occurrences');
  if (first.length) await db.addCollections(configFor(first) as never);
  if (names.includes('occurrences')) await db.addCollections(configFor(['occurrences']) as never);
  return db;
}

/** Removes a (closed) database and all its collections from the storage. */
export async function removeTutorDatabase(name: string, storage: RxStorage<unknown, unknown>): Promise<void> {
  await removeRxDatabase(name, storage, false);
}

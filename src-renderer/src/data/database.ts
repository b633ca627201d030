/**
 * The local database: RxDB with one collection per synced document type. The storage is passed
 * in: the app uses Dexie (IndexedDB); Node tests and benchmarks may pass RxDB's memory storage or
 * Dexie over fake-indexeddb. The same function is used everywhere so tests exercise the real
 * data layer.
 */
import {
  addRxPlugin,
  createRxDatabase,
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
import { wrappedValidatePrecompiledStorage } from './validation';
import {
  COLLECTION_NAMES,
  collectionSchemas,
  type CollectionDocTypes,
  type CollectionName,
} from '../../../src-shared/model/schemas';
import { migrationStrategies } from '../../../src-shared/model/migrations';
import { conflictHandlersRecordingTo } from './sync-conflicts';

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
   * local `sync-conflicts` list (src-renderer/src/data/sync-conflicts.ts). Never RxDB's default,
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
  const names = options.collections ?? COLLECTION_NAMES;
  const config: Record<string, unknown> = {};
  const syncPolicy = conflictHandlersRecordingTo(() => (db.closed ? null : db));
  for (const name of names) {
    config[name] = {
      schema: collectionSchemas[name],
      migrationStrategies: migrationStrategies[name] ?? {},
      localDocuments: false,
      conflictHandler: options.conflictHandlers?.[name] ?? syncPolicy[name],
    };
  }
  await db.addCollections(config as never);
  return db;
}

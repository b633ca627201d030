/**
 * Schema validation of every write to the local database, with validators precompiled by Ajv's
 * standalone code generation (scripts/gen-validators.ts, `npm run gen:validators`).
 *
 * RxDB's ajv plugin compiles at run time with `new Function`, which the app's Content-Security-Policy
 * forbids. The z-schema plugin, an interpreter, was used before: it was correct but the largest cost
 * of a first sync (about half the CPU time of pulling 10,000 documents; docs/sync.md "Throughput").
 * The precompiled validators are the same Ajv programs as RxDB's ajv plugin, without eval.
 *
 * Every storage schema the app writes with has one: the collections, their replication
 * bookkeeping (checked without its copy of the document, getValidator below), RxDB's internal
 * store and local documents. A schema without one (a stale generated file, or an old schema
 * version read during a migration) is still validated, by z-schema.
 */
import { META_INSTANCE_SCHEMA_TITLE, wrappedValidateStorageFactory, type RxJsonSchema } from 'rxdb';
import { getValidator as getZSchemaValidator } from 'rxdb/plugins/validate-z-schema';
import { getValidator as getAjvValidator } from 'rxdb/plugins/validate-ajv';
import { PRECOMPILED, type PrecompiledValidator } from './generated/validators.js';
import { schemaFingerprint } from './schema-fingerprint';

/** The precompiled validator of a storage schema, if the generated file has one for it. */
export function precompiledValidatorFor(schema: RxJsonSchema<unknown>): PrecompiledValidator | undefined {
  return PRECOMPILED.get(schemaFingerprint(schema));
}

/** Schemas validated by the z-schema fallback since start-up (titles; diagnostics and tests). */
export const fallbackValidatedSchemas = new Set<string>();

/**
 * The validator of a storage schema. RxDB's replication bookkeeping documents (one per synced
 * document, schema title META_INSTANCE_SCHEMA_TITLE) carry a copy of the document in `docData`,
 * and their schema repeats the collection's properties there: validated as is, every pulled
 * document was checked three times (the sync client's check, the write to its collection and
 * this copy). The bookkeeping is validated without `docData`: that copy is always one RxDB
 * took from a document validated on its way into a collection or from the server (pull.ts checks
 * those before anything is written).
 */
function getValidator(schema: RxJsonSchema<unknown>) {
  const full = validatorOf(schema);
  if (schema.title !== META_INSTANCE_SCHEMA_TITLE) return full;
  return (doc: unknown) => {
    const { docData: _copy, ...own } = doc as Record<string, unknown>;
    return full(own);
  };
}

function validatorOf(schema: RxJsonSchema<unknown>): (doc: unknown) => unknown[] {
  const validate = precompiledValidatorFor(schema);
  if (validate) return (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []));
  fallbackValidatedSchemas.add(`${String(schema.title)}@${String(schema.version)}`);
  return getZSchemaValidator(schema) as (doc: unknown) => unknown[];
}

export const wrappedValidatePrecompiledStorage = wrappedValidateStorageFactory(getValidator as never, 'ajv-precompiled');

/** How a database validates its writes (createTutorDatabase's `validate` option). */
export type ValidationMode = 'precompiled' | 'ajv' | 'z-schema' | false;

const modes = new WeakMap<object, ValidationMode>();
const validators = new WeakMap<object, (doc: unknown) => unknown[]>();

/** Records how `db` validates (called by createTutorDatabase). */
export function rememberValidationMode(db: object, mode: ValidationMode): void {
  modes.set(db, mode);
}

type ValidationErrorLike = {
  instancePath?: string;
  path?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
};

function describeErrors(errors: unknown[]): string {
  const parts = (errors as ValidationErrorLike[]).slice(0, 4).map((e) => {
    const at = (e.instancePath ?? e.path ?? '').replace(/^\//, '').replace(/\//g, '.');
    const extra = e.params?.missingProperty ?? e.params?.additionalProperty;
    return `${at ? `${at}: ` : ''}${e.message ?? 'invalid'}${extra && !String(e.message).includes(extra) ? ` (${extra})` : ''}`;
  });
  return `${parts.join('; ')}${errors.length > 4 ? `; and ${errors.length - 4} more` : ''}`;
}

/**
 * A check of a document received from the sync server against the collection's local schema,
 * with the same validator the database's writes use (null when the database does not validate):
 * the reason it cannot be stored, or null when it can. The sync client uses it to set aside a
 * record the local schema refuses instead of failing the pull of its whole batch.
 */
export function localValidatorFor(
  db: object,
  collection: { schema: { jsonSchema: RxJsonSchema<unknown> } },
): ((doc: Record<string, unknown>) => string | null) | null {
  const mode = modes.get(db) ?? false;
  if (mode === false) return null;
  let validate = validators.get(collection);
  if (!validate) {
    const schema = collection.schema.jsonSchema;
    validate = mode === 'precompiled' ? getValidator(schema) : mode === 'ajv' ? getAjvValidator(schema) : getZSchemaValidator(schema);
    validators.set(collection, validate);
  }
  const check = validate;
  return (doc) => {
    // The form RxDB's storage validates: the document with its local bookkeeping fields.
    const errors = check({ ...doc, _meta: { lwt: 1 }, _rev: '1-0', _attachments: {} });
    return errors.length === 0 ? null : describeErrors(errors);
  };
}

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
 * bookkeeping, RxDB's internal store and local documents. A schema without one (a stale generated
 * file, or an old schema version read during a migration) is still validated, by z-schema.
 */
import { wrappedValidateStorageFactory, type RxJsonSchema } from 'rxdb';
import { getValidator as getZSchemaValidator } from 'rxdb/plugins/validate-z-schema';
import { PRECOMPILED, type PrecompiledValidator } from './generated/validators.js';
import { schemaFingerprint } from './schema-fingerprint';

/** The precompiled validator of a storage schema, if the generated file has one for it. */
export function precompiledValidatorFor(schema: RxJsonSchema<unknown>): PrecompiledValidator | undefined {
  return PRECOMPILED.get(schemaFingerprint(schema));
}

/** Schemas validated by the z-schema fallback since start-up (titles; diagnostics and tests). */
export const fallbackValidatedSchemas = new Set<string>();

function getValidator(schema: RxJsonSchema<unknown>) {
  const validate = precompiledValidatorFor(schema);
  if (validate) return (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []));
  fallbackValidatedSchemas.add(`${String(schema.title)}@${String(schema.version)}`);
  return getZSchemaValidator(schema);
}

export const wrappedValidatePrecompiledStorage = wrappedValidateStorageFactory(getValidator as never, 'ajv-precompiled');

/**
 * A schema's identity for the precompiled validators: its JSON with object keys sorted (RxDB
 * normalises a schema's key order before handing it to the storage; arrays keep their order).
 */
export function schemaFingerprint(schema: unknown): string {
  return JSON.stringify(schema, (_key, value: unknown) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) sorted[k] = (value as Record<string, unknown>)[k];
    return sorted;
  });
}

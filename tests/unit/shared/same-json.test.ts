import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJson } from '../../../src-shared/model/meta';

/** What stampChange compared before (src-shared/model/meta.ts stableJson): JSON with sorted keys. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** A copy with every object's keys in reverse order. */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reordered(x)]),
    );
  return v;
}

const values = fc.anything({
  withNullPrototype: false,
  withBigInt: false,
  withDate: false,
  withMap: false,
  withSet: false,
  withTypedArray: false,
  withSparseArray: false,
  withBoxedValues: false,
  maxDepth: 3,
});

describe('sameJson', () => {
  it('agrees with comparing the sorted-key JSON, for any two values', () => {
    fc.assert(
      fc.property(values, values, (a, b) => sameJson(a, b) === (stableJson(a) === stableJson(b))),
      { numRuns: 2000 },
    );
  });

  it('a value and its copy with other key order are the same; one changed leaf is not', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (a) => {
        expect(sameJson(a, reordered(a))).toBe(true);
        expect(sameJson({ x: a }, { x: a, y: 1 })).toBe(false);
      }),
      { numRuns: 500 },
    );
    expect(sameJson({ lines: [{ amount: 4500, qty: 1 }] }, { lines: [{ qty: 1, amount: 4501 }] })).toBe(false);
  });

  it('treats a key holding undefined as absent, and an undefined array item as null, as JSON does', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson(undefined, null)).toBe(false);
    expect(sameJson({ a: null }, {})).toBe(false);
  });
});

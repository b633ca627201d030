/**
 * `jsonEqual` / `docsEqual` compare without serialising (the replication calls them for every
 * pushed and pulled document); they must agree with comparing `canonicalJson` strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, docsEqual, jsonEqual, replicatedContent, type AnyDoc } from '../../src-shared/sync/merge';

/** The same value with object keys in another order and `undefined` members sprinkled in. */
function reshuffle(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => reshuffle(x, seed + i));
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x], i) => [k, reshuffle(x, seed + i)] as const);
    if (seed % 2) entries.reverse();
    const out: Record<string, unknown> = Object.fromEntries(entries);
    if (seed % 3 === 0) out[`u${seed}`] = undefined;
    return out;
  }
  return v;
}

const value = fc.jsonValue({ maxDepth: 3 });
const doc = fc.record({
  id: fc.constantFrom('a', 'b'),
  firstName: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
  subjects: fc.array(fc.constantFrom('Maths', 'Piano'), { maxLength: 2 }),
  rate: fc.option(fc.record({ amount: fc.integer({ min: 0, max: 3 }), currency: fc.constant('GBP') }), { nil: null }),
  _deleted: fc.option(fc.boolean(), { nil: undefined }),
  _rev: fc.option(fc.constantFrom('1-a', '2-b'), { nil: undefined }),
  _meta: fc.option(fc.record({ lwt: fc.integer() }), { nil: undefined }),
});

describe('jsonEqual', () => {
  it('agrees with canonicalJson on random JSON values, reordered or not', () => {
    fc.assert(
      fc.property(value, value, fc.nat(), (a, b, seed) => {
        expect(jsonEqual(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(jsonEqual(a, reshuffle(a, seed))).toBe(true);
        expect(jsonEqual(reshuffle(a, seed), b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('tells apart what serialises differently', () => {
    expect(jsonEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual([1, undefined], [1, null])).toBe(true);
    expect(jsonEqual([1], [1, null])).toBe(false);
    expect(jsonEqual({ a: [] }, { a: {} })).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
    expect(jsonEqual({ at: new Date(0) }, { at: new Date(0) })).toBe(true);
    expect(jsonEqual({ at: new Date(0) }, { at: new Date(1) })).toBe(false);
  });
});

describe('docsEqual', () => {
  it('agrees with comparing the canonical replicated content', () => {
    fc.assert(
      fc.property(doc, doc, fc.nat(), (a, b, seed) => {
        const expected = canonicalJson(replicatedContent(a as AnyDoc)) === canonicalJson(replicatedContent(b as AnyDoc));
        expect(docsEqual(a as AnyDoc, b as AnyDoc)).toBe(expected);
        expect(docsEqual(reshuffle(a, seed) as AnyDoc, b as AnyDoc)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('ignores RxDB’s local fields and treats a missing _deleted as false', () => {
    expect(docsEqual({ id: 'a', _rev: '1-x', _meta: { lwt: 1 } }, { id: 'a', _deleted: false })).toBe(true);
    expect(docsEqual({ id: 'a' }, { id: 'a', _deleted: true })).toBe(false);
  });
});

/**
 * stringifyInSlices (src-shared/search/json-slices.ts) writes the saved search index without
 * holding the thread: the same text as JSON.stringify for any value, with pauses between slices.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringifyInSlices } from '../../../src-shared/search/json-slices';

const noPause = () => Promise.resolve();

describe('stringifyInSlices', () => {
  it('gives the text JSON.stringify gives, for any JSON value and any slicing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 4 }), async (value, step, depth) => {
        expect(await stringifyInSlices(value, { pause: noPause, step, depth })).toBe(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('treats what JSON cannot represent as JSON.stringify does: toJSON, undefined, functions', async () => {
    const value = {
      when: new Date(Date.UTC(2026, 11, 7, 9, 30)),
      gone: undefined,
      fn: () => 1,
      list: [undefined, () => 2, new Date(0), { toJSON: (key: string) => `key ${key}` }, Number.NaN, -0],
      nested: { toJSON: () => ({ a: [1, 2, 3] }) },
    };
    for (const depth of [0, 1, 2, 5])
      expect(await stringifyInSlices(value, { pause: noPause, step: 1, depth })).toBe(JSON.stringify(value));
    expect(await stringifyInSlices(undefined, { pause: noPause })).toBe(undefined);
  });

  it('pauses once a slice has used its budget, and not for a small value', async () => {
    let t = 0;
    const now = () => (t += 1); // every look at the clock: 1 ms later
    let pauses = 0;
    const pause = () => {
      pauses += 1;
      return Promise.resolve();
    };
    const big = { index: Array.from({ length: 10_000 }, (_, i) => [`term${i}`, { 0: { [i]: 1 } }]), names: ['a', 'b'] };
    const text = await stringifyInSlices(big, { pause, now, step: 100, budgetMs: 5 });
    expect(text).toBe(JSON.stringify(big));
    // 100 looks at the clock (one per 100 entries), a pause after every fifth ms.
    expect(pauses).toBeGreaterThanOrEqual(15);

    pauses = 0;
    await stringifyInSlices({ a: [1, 2, 3] }, { pause, now, step: 100, budgetMs: 5 });
    expect(pauses).toBe(0);
  });
});

/** `instantWithin` (reports' range filter) answers as parsing every instant would. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantWithin } from '../../../src-shared/billing/reports';

const ms = fc.integer({ min: -2e12, max: 4e12 });
/** The same instant written as the schedule writes it, with an offset, or without milliseconds. */
const written = (t: number) =>
  fc.constantFrom(
    new Date(t).toISOString(),
    new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    new Date(t).toISOString().replace('Z', '+00:00'),
    new Date(t + 3_600_000).toISOString().replace('Z', '+01:00'),
  );

describe('instantWithin', () => {
  it('agrees with Date.parse for any instant, in any ISO form, and any bounds', () => {
    fc.assert(
      fc.property(
        ms,
        ms,
        ms.chain((t) => written(t).map((iso) => ({ t, iso }))),
        (a, b, { iso }) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          const ms_ = Date.parse(iso);
          expect(instantWithin(start, end)(iso)).toBe(ms_ >= start && ms_ < end);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('includes the start and leaves out the end', () => {
    const within = instantWithin(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-04-01T00:00:00Z'));
    expect(within('2026-03-01T00:00:00.000Z')).toBe(true);
    expect(within('2026-02-28T23:59:59.999Z')).toBe(false);
    expect(within('2026-03-31T23:59:59.999Z')).toBe(true);
    expect(within('2026-04-01T00:00:00.000Z')).toBe(false);
    expect(within('2026-04-01T00:30:00.000+01:00')).toBe(true);
    expect(within('not a date')).toBe(false);
  });
});

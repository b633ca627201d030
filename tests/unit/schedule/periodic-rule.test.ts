/**
 * The arithmetic expansion of plain periodic rules (recurrence.ts `periodicBetween`) against the
 * `rrule` library it replaces on the hot path: the same floating instants for any WEEKLY rule
 * (INTERVAL, BYDAY, WKST, UNTIL) or DAILY rule and any window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRule, periodicBetween, ruleInstances, WEEKDAY_CODES } from '../../../src-shared/schedule/recurrence';
import { icalUtc } from '../../../src-shared/schedule/time';

const DAY = 86_400_000;
const MIN = Date.parse('2020-01-01T00:00:00Z');

const rule = fc.record({
  startMinutes: fc.integer({ min: 0, max: 10 * 365 * 24 * 60 }),
  freq: fc.constantFrom('WEEKLY', 'WEEKLY', 'WEEKLY', 'DAILY'),
  interval: fc.integer({ min: 1, max: 4 }),
  byday: fc.option(fc.uniqueArray(fc.constantFrom(...WEEKDAY_CODES), { minLength: 1, maxLength: 7 }), { nil: undefined }),
  wkst: fc.option(fc.constantFrom(...WEEKDAY_CODES), { nil: undefined }),
  untilDays: fc.option(fc.integer({ min: 0, max: 800 }), { nil: undefined }),
  fromDays: fc.integer({ min: -60, max: 1200 }),
  lengthDays: fc.integer({ min: 0, max: 60 }),
  /** Window edges sometimes exactly on an instance (both edges are inclusive). */
  fromShift: fc.constantFrom(-7 * 3_600_000, 0),
  toShift: fc.constantFrom(0, 5 * 3_600_000),
});

type Rule = typeof rule extends fc.Arbitrary<infer T> ? T : never;

function build(r: Rule) {
  const startMs = MIN + r.startMinutes * 60_000;
  const parts = [`FREQ=${r.freq}`];
  if (r.interval > 1) parts.push(`INTERVAL=${r.interval}`);
  if (r.byday && r.freq === 'WEEKLY') parts.push(`BYDAY=${r.byday.join(',')}`);
  if (r.wkst) parts.push(`WKST=${r.wkst}`);
  if (r.untilDays !== undefined) parts.push(`UNTIL=${icalUtc(startMs + r.untilDays * DAY + 3_600_000)}`);
  return { startMs, rrule: parts.join(';') };
}

describe('periodic rules by arithmetic', () => {
  it('give exactly the instants the rrule library gives, in any window', () => {
    fc.assert(
      fc.property(rule, (r) => {
        const { startMs, rrule } = build(r);
        const compiled = compileRule(rrule, new Date(startMs).toISOString(), 'UTC')!;
        expect(compiled.periodic, rrule).not.toBeNull();
        const from = startMs + r.fromDays * DAY + r.fromShift;
        const to = startMs + (r.fromDays + r.lengthDays) * DAY + r.toShift;
        const library = compiled.rule.between(new Date(from), new Date(to), true).map((d) => d.getTime());
        expect(periodicBetween(compiled.periodic!, from, to), `${rrule} from ${new Date(startMs).toISOString()}`).toEqual(library);
      }),
      { numRuns: 3000 },
    );
  });

  it('keep a lesson at its wall-clock time across daylight saving (Europe/London)', () => {
    // Mondays 16:00 London from 2 March 2026: 16:00 GMT, then 16:00 BST (15:00 UTC) after 29 March.
    const got = ruleInstances(
      { rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '2026-03-02T16:00:00.000Z', timeZone: 'Europe/London' },
      Date.parse('2026-03-20T00:00:00Z'),
      Date.parse('2026-04-10T00:00:00Z'),
    ).map((ms) => new Date(ms).toISOString());
    expect(got).toEqual(['2026-03-23T16:00:00.000Z', '2026-03-30T15:00:00.000Z', '2026-04-06T15:00:00.000Z']);
  });

  it('are not used for rules that are not plain periods', () => {
    for (const rrule of ['FREQ=WEEKLY;COUNT=5', 'FREQ=MONTHLY;BYDAY=2MO', 'FREQ=WEEKLY;BYMONTH=3'])
      expect(compileRule(rrule, '2026-03-02T16:00:00.000Z', 'UTC')!.periodic, rrule).toBeNull();
  });
});

/**
 * The fast paths batch generation takes (docs/billing.md "Batch speed") give the same answers as
 * the plain ones they replace.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeClaimIds, claimId, ClaimIndex } from '../../../src-shared/billing/claims';
import { parseInstantMs } from '../../../src-shared/billing/dates';

describe('parseInstantMs', () => {
  it('equals Date.parse on canonical instants, including rolled-over days and far years', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseInstantMs(iso)).toBe(Date.parse(iso));
      }),
      { numRuns: 2000 },
    );
    for (const s of [
      '2026-02-31T00:00:00.000Z',
      '2026-02-29T23:59:59.999Z',
      '0099-01-01T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-03-29T01:30:00.000Z',
    ]) {
      expect(parseInstantMs(s)).toBe(Date.parse(s));
    }
  });
  it('equals Date.parse on other forms and nonsense (NaN)', () => {
    for (const s of [
      '2026-03-29T01:30:00Z',
      '2026-03-29T01:30:00.000+01:00',
      '2026-13-01T00:00:00.000Z',
      '2026-1a-01T00:00:00.000Z',
      'not a date',
      '',
      '2026-03-29 01:30:00.000Z',
      '2026-03-29T01:60:00.000Z',
    ]) {
      const expected = Date.parse(s);
      const got = parseInstantMs(s);
      if (Number.isNaN(expected)) expect(got).toBeNaN();
      else expect(got).toBe(expected);
    }
  });
});

describe('ClaimIndex', () => {
  it('answers as activeClaimIds does: voided invoices release their claims, several students per item', () => {
    const claims = [
      { id: claimId('occ-1', 'stu-a'), occurrenceId: 'occ-1', studentId: 'stu-a', invoiceId: 'inv-1' },
      { id: claimId('occ-1', 'stu-b'), occurrenceId: 'occ-1', studentId: 'stu-b', invoiceId: 'inv-1' },
      { id: claimId('occ-1', 'stu-c'), occurrenceId: 'occ-1', studentId: 'stu-c', invoiceId: 'inv-2' },
      { id: claimId('occ-2', 'stu-a'), occurrenceId: 'occ-2', studentId: 'stu-a', invoiceId: 'inv-void' },
      { id: claimId('monthly:2026-03', 'stu-a'), occurrenceId: 'monthly:2026-03', studentId: 'stu-a', invoiceId: 'inv-3' },
      { id: claimId('occ-1', 'stu-a'), occurrenceId: 'occ-1', studentId: 'stu-a', invoiceId: 'inv-1' },
    ];
    const invoices = [
      { id: 'inv-void', status: 'void' as const },
      { id: 'inv-1', status: 'issued' as const },
    ];
    const ids = activeClaimIds(claims, invoices);
    const index = ClaimIndex.of(claims, invoices);
    expect(index.size).toBe(ids.size);
    for (const item of ['occ-1', 'occ-2', 'occ-3', 'monthly:2026-03']) {
      for (const student of ['stu-a', 'stu-b', 'stu-c', 'stu-d']) {
        expect(index.has(item, student), `${item} ${student}`).toBe(ids.has(claimId(item, student)));
      }
    }
  });
});

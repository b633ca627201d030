import { describe, expect, it } from 'vitest';
import { claimId, detectDoubleBilling, orphanClaims } from '../../../src-shared/billing/claims';
import { removeItemsFromDraft } from '../../../src-shared/billing/drafts';
import { buildBillingState, generateDraftInvoice, generateMonthDrafts } from '../../../src-shared/billing/generate';
import { issueInvoice } from '../../../src-shared/billing/lifecycle';
import { checkTotals } from '../../../src-shared/billing/totals';
import type { BillingClaim, Invoice } from '../../../src-shared/model/types';
import { ctxAt, idGen, lesson, makeFamily, makeSettings, makeStudent } from './fixtures';

const settings = makeSettings();
const family = makeFamily('f1', { name: 'Okafor' });
const students = [makeStudent('s1', 'f1'), makeStudent('s2', 'f1')];
const lessons = [
  lesson('A@1', 's1', 'f1', '2026-03-02T16:00:00Z'),
  lesson('A@2', 's1', 'f1', '2026-03-09T16:00:00Z'),
  lesson('G@1', 's1', 'f1', '2026-03-04T16:00:00Z'), // a group lesson: one occurrence, two students
  lesson('G@1', 's2', 'f1', '2026-03-04T16:00:00Z'),
];
const MARCH = { periodStart: '2026-03-01', periodEnd: '2026-03-31' };

/** CouchDB/RxDB keep one version of a document id: here the later write wins. */
function mergeById<T extends { id: string; updatedAt: string }>(...stores: T[][]): T[] {
  const out = new Map<string, T>();
  for (const store of stores)
    for (const d of store) {
      const prev = out.get(d.id);
      if (!prev || d.updatedAt > prev.updatedAt) out.set(d.id, d);
    }
  return [...out.values()];
}

describe('double billing', () => {
  it('a group lesson is billed once per student, and claim ids are per occurrence and student', () => {
    const r = generateDraftInvoice({ family, students, lessons }, MARCH, buildBillingState([], []), {
      settings,
      ctx: ctxAt('2026-04-01T08:00:00Z'),
      newId: idGen('a'),
    });
    expect(r.claims.map((c) => c.id).sort()).toEqual(['A@1#s1', 'A@2#s1', 'G@1#s1', 'G@1#s2']);
    expect(claimId('G@1', 's2')).toBe('G@1#s2');
  });

  it('two laptops generating offline are detected after sync and fixed by trimming the draft', () => {
    // Both laptops have the same synced data and no claims; both generate March offline.
    const onA = generateMonthDrafts(
      { month: '2026-03', families: [family], students, lessons, claims: [], invoices: [] },
      { settings, ctx: ctxAt('2026-04-01T08:00:00Z', 'dev-a'), newId: idGen('a') },
    );
    const onB = generateMonthDrafts(
      { month: '2026-03', families: [family], students, lessons, claims: [], invoices: [] },
      { settings, ctx: ctxAt('2026-04-01T08:05:00Z', 'dev-b'), newId: idGen('b') },
    );
    const invA = onA.invoices[0]!;
    const invB = issueInvoice(onB.invoices[0]!, {
      issueDate: '2026-04-01',
      deviceCode: 'BBB',
      invoices: [],
      settings,
      ctx: ctxAt('2026-04-01T08:06:00Z', 'dev-b'),
    });
    // Same claim ids on both laptops: after sync one version of each survives (A's here: pretend its clock was later).
    const claimsA = onA.claims.map((c) => ({ ...c, updatedAt: '2026-04-01T09:00:00.000Z' }));
    const claims = mergeById<BillingClaim>(claimsA, onB.claims);
    expect(claims).toHaveLength(4);
    expect(claims.every((c) => c.invoiceId === invA.id)).toBe(true);
    const invoices: Invoice[] = [invA, invB];

    const findings = detectDoubleBilling(claims, invoices);
    expect(findings.map((f) => [f.claimId, f.kind])).toEqual([
      ['A@1#s1', 'billed_twice'],
      ['A@2#s1', 'billed_twice'],
      ['G@1#s1', 'billed_twice'],
      ['G@1#s2', 'billed_twice'],
    ]);
    for (const f of findings) {
      // The issued invoice is kept even though the surviving claim names the draft.
      expect(f.keepInvoiceId).toBe(invB.id);
      expect(f.rewriteClaim).toBe(true);
      expect(f.invoices.map((i) => [i.invoiceId, i.action])).toEqual([
        [invB.id, 'keep'],
        [invA.id, 'remove_line_from_draft'],
      ]);
      expect(f.message).toMatch(/billed on 2 invoices/);
      expect(f.message).toContain('INV-2026-BBB-0001');
      expect(f.message).toMatch(/remove the line from a draft/);
    }

    // Fix: remove the items from A's draft, point the claims at B's invoice.
    const { invoice: trimmed, removedClaimIds } = removeItemsFromDraft(
      invA,
      findings.map((f) => f.claimId),
    );
    expect(removedClaimIds.sort()).toEqual(['A@1#s1', 'A@2#s1', 'G@1#s1', 'G@1#s2']);
    expect(trimmed.lines).toEqual([]);
    expect(checkTotals(trimmed)).toEqual([]);
    const fixedClaims = claims.map((c) => ({ ...c, invoiceId: invB.id }));
    expect(detectDoubleBilling(fixedClaims, [trimmed, invB])).toEqual([]);
    // Without the draft at all (deleted), the claims are consistent too.
    expect(detectDoubleBilling(fixedClaims, [invB])).toEqual([]);
  });

  it('two issued invoices: keep the one the claim names, void the other with a credit note', () => {
    const a = generateDraftInvoice({ family, students: [students[0]!], lessons: lessons.slice(0, 1) }, MARCH, buildBillingState([], []), {
      settings,
      ctx: ctxAt('2026-04-01T08:00:00Z', 'dev-a'),
      newId: idGen('a'),
    });
    const b = generateDraftInvoice({ family, students: [students[0]!], lessons: lessons.slice(0, 1) }, MARCH, buildBillingState([], []), {
      settings,
      ctx: ctxAt('2026-04-01T08:00:00Z', 'dev-b'),
      newId: idGen('b'),
    });
    const ia = issueInvoice(a.invoice!, {
      issueDate: '2026-04-01',
      deviceCode: 'AAA',
      invoices: [],
      settings,
      ctx: ctxAt('2026-04-01T09:00:00Z', 'dev-a'),
    });
    const ib = issueInvoice(b.invoice!, {
      issueDate: '2026-04-01',
      deviceCode: 'BBB',
      invoices: [],
      settings,
      ctx: ctxAt('2026-04-01T08:30:00Z', 'dev-b'),
    });
    const [f] = detectDoubleBilling(a.claims, [ia, ib]);
    expect(f!.keepInvoiceId).toBe(ia.id); // the claim names A's, although B issued earlier
    expect(f!.rewriteClaim).toBe(false);
    expect(f!.invoices.find((i) => i.invoiceId === ib.id)!.action).toBe('void_with_credit_note');
    expect(f!.message).toMatch(/void INV-2026-BBB-0001 .* with a credit note/);
    // A void invoice no longer counts.
    expect(detectDoubleBilling(a.claims, [ia, { ...ib, status: 'void' }])).toEqual([]);
  });

  it('claims that point at the wrong invoice or are missing are reported; orphans are found', () => {
    const r = generateDraftInvoice({ family, students, lessons: lessons.slice(0, 2) }, MARCH, buildBillingState([], []), {
      settings,
      ctx: ctxAt('2026-04-01T08:00:00Z'),
      newId: idGen('c'),
    });
    const inv = r.invoice!;
    const wrong = r.claims.map((c, i) => (i === 0 ? { ...c, invoiceId: 'ghost' } : c)).slice(0, 1);
    const findings = detectDoubleBilling(wrong, [inv]);
    expect(findings.map((f) => [f.claimId, f.kind, f.claimInvoiceId, f.rewriteClaim])).toEqual([
      ['A@1#s1', 'claim_mismatch', 'ghost', true],
      ['A@2#s1', 'claim_mismatch', '', true],
    ]);
    expect(orphanClaims(wrong, [inv]).map((c) => c.id)).toEqual(['A@1#s1']);
  });
});

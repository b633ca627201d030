/**
 * What "consistent" means for the records that multi-document operations write together — the
 * invariants the intent log keeps, checked by tests after every failure point, and usable as a
 * health check of a practice's data. Pure.
 *
 * - every billing claim names a live invoice that bills its item (no orphan, no stale claim);
 * - every item a live invoice bills is claimed by that invoice (nothing can be billed twice),
 *   except on a line a partial credit note credited in full: its claim may have been released so
 *   the lesson can be billed again (`rebill`, docs/billing.md "Corrections and refunds");
 * - a void invoice has its credit note, and a full credit note's invoice is void;
 * - payments pay only issued invoices, never more than their amount;
 * - every student has its payer.
 */
import type { BillingClaim, Family, Invoice, Payment, Student } from '../model/types';
import { claimId } from '../billing/claims';
import { allocatedAmount } from '../billing/payments';
import { reversedIds } from '../billing/records';
import { lineGross } from '../billing/totals';

export interface PracticeState {
  families: readonly Family[];
  students: readonly Student[];
  invoices: readonly Invoice[];
  payments: readonly Payment[];
  billingclaims: readonly BillingClaim[];
}

export type InconsistencyCode =
  | 'orphan_claim'
  | 'stale_claim'
  | 'unclaimed_item'
  | 'void_without_credit_note'
  | 'credit_note_without_void'
  | 'allocation_to_unpayable'
  | 'over_allocated'
  | 'student_without_family';

export interface Inconsistency {
  code: InconsistencyCode;
  id: string;
  message: string;
}

/** What partial credit notes credited of each invoice line: `<invoice id>/<line id>` → amount and tax (positive). */
function creditedLines(invoices: readonly Invoice[]): Map<string, { amount: number; tax: number }> {
  const out = new Map<string, { amount: number; tax: number }>();
  for (const cn of invoices) {
    if (cn.kind !== 'credit_note' || !cn.creditNoteFor) continue;
    for (const l of cn.lines) {
      if (!l.creditsLineId) continue;
      const key = `${cn.creditNoteFor}/${l.creditsLineId}`;
      const c = out.get(key) ?? { amount: 0, tax: 0 };
      c.amount -= l.amount;
      c.tax -= l.taxAmount;
      out.set(key, c);
    }
  }
  return out;
}

export function checkConsistency(s: PracticeState): Inconsistency[] {
  const out: Inconsistency[] = [];
  const invoices = new Map(s.invoices.map((i) => [i.id, i]));
  const claims = new Map(s.billingclaims.map((c) => [c.id, c]));
  const billed = new Map<string, Set<string>>(); // invoice id → claim ids it bills
  const credited = creditedLines(s.invoices);
  for (const inv of s.invoices) {
    if (inv.kind !== 'invoice') continue;
    const items = new Set<string>();
    const mustClaim = new Set<string>();
    for (const l of inv.lines) {
      const c = credited.get(`${inv.id}/${l.id}`);
      const fullyCredited =
        !!c && l.amount > 0 && lineGross({ amount: l.amount - c.amount, taxAmount: l.taxAmount - c.tax }, inv.taxMode) <= 0;
      for (const occ of l.occurrenceIds) {
        items.add(claimId(occ, l.studentId));
        if (!fullyCredited) mustClaim.add(claimId(occ, l.studentId));
      }
    }
    billed.set(inv.id, items);
    if (inv.status === 'void') continue;
    for (const id of mustClaim) {
      const c = claims.get(id);
      if (!c || c.invoiceId !== inv.id)
        out.push({ code: 'unclaimed_item', id, message: `${inv.number || `draft ${inv.id}`} bills ${id} without holding its claim` });
    }
  }
  for (const c of s.billingclaims) {
    const inv = invoices.get(c.invoiceId);
    if (!inv || inv.status === 'void')
      out.push({ code: 'orphan_claim', id: c.id, message: `claim ${c.id} names ${inv ? 'a void' : 'a missing'} invoice ${c.invoiceId}` });
    else if (!billed.get(inv.id)?.has(c.id))
      out.push({ code: 'stale_claim', id: c.id, message: `claim ${c.id} names ${inv.number || inv.id}, which does not bill it` });
  }
  for (const inv of s.invoices) {
    if (inv.kind === 'invoice' && inv.status === 'void') {
      const cn = invoices.get(inv.voidedBy);
      if (!cn || cn.kind !== 'credit_note' || cn.creditNoteFor !== inv.id)
        out.push({ code: 'void_without_credit_note', id: inv.id, message: `${inv.number} is void without its credit note` });
    }
    if (inv.kind === 'credit_note' && inv.creditNoteFor) {
      const target = invoices.get(inv.creditNoteFor);
      const partial = inv.lines.length > 0 && inv.lines.every((l) => !!l.creditsLineId);
      if (!partial && (!target || target.status !== 'void' || target.voidedBy !== inv.id)) {
        out.push({
          code: 'credit_note_without_void',
          id: inv.id,
          message: `credit note ${inv.number} voids ${target?.number ?? inv.creditNoteFor}, which is not void`,
        });
      }
    }
  }
  const reversed = reversedIds(s.payments);
  for (const p of s.payments) {
    if (reversed.has(p.id)) continue;
    for (const a of p.allocations) {
      const inv = invoices.get(a.invoiceId);
      if (!inv || inv.kind !== 'invoice' || inv.status !== 'issued')
        out.push({
          code: 'allocation_to_unpayable',
          id: p.id,
          message: `payment ${p.id} pays ${inv ? `${inv.number || 'a draft'} (${inv.status})` : `a missing invoice ${a.invoiceId}`}`,
        });
    }
    if (allocatedAmount(p) > p.amount)
      out.push({ code: 'over_allocated', id: p.id, message: `payment ${p.id} is allocated beyond its amount` });
  }
  const families = new Set(s.families.map((f) => f.id));
  for (const st of s.students)
    if (!families.has(st.familyId))
      out.push({ code: 'student_without_family', id: st.id, message: `${st.firstName} ${st.lastName} has no payer (${st.familyId})` });
  return out;
}

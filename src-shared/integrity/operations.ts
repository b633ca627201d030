/**
 * The intents of the operations that write several documents, built from the results the domain
 * functions already return (docs/data-model.md "Writes that span several documents"). The data
 * layer stores the intent, writes `intent.writes`, then clears the intent (intent-log.ts).
 *
 * Unit of atomicity: one operation on one family. Generating a month's drafts is one intent per
 * family (its draft and its claims): half of the families drafted is a consistent state, and an
 * intent of 100,000 claims would be too big to store first.
 */
import type { ChangeContext } from '../model/meta';
import type { BillingClaim, Family, Invoice, Payment, Student } from '../model/types';
import type { BatchResult, DraftResult } from '../billing/generate';
import type { PartialCreditResult } from '../billing/corrections';
import type { VoidResult } from '../billing/lifecycle';
import type { ImportPlan } from '../students/csv-import';
import type { MergePlan } from '../students/merge';
import { intentFromWrites, put, remove, type Intent, type IntentWrite } from './intent-log';

type Ids = { ctx: ChangeContext; newId: () => string };

function byId<T extends { id: string }>(docs: Iterable<T>): Map<string, T> {
  return new Map([...docs].map((d) => [d.id, d]));
}

/** Issuing drafts (one or a batch): each draft becomes its issued version. */
export function issueIntent(drafts: readonly Invoice[], issued: readonly Invoice[], a: Ids): Intent {
  const before = byId(drafts);
  return intentFromWrites(
    'issue',
    `Issue ${issued.map((i) => i.number).join(', ')}`,
    issued.map((i) => put('invoices', before.get(i.id), i)),
    a.ctx,
    a.newId,
  );
}

/** Voiding: the credit note, the void invoice, the payments released to credit, the claims deleted. */
export function voidIntent(invoice: Invoice, result: VoidResult, payments: readonly Payment[], a: Ids): Intent {
  const before = byId(payments);
  const writes: IntentWrite[] = [
    put('invoices', null, result.creditNote),
    put('invoices', invoice, result.invoice),
    ...result.payments.map((p) => put('payments', before.get(p.id), p)),
    ...result.releasedClaims.map((c) => remove('billingclaims', c)),
  ];
  return intentFromWrites('void', `Void ${invoice.number}`, writes, a.ctx, a.newId);
}

/** Deleting a draft and the claims it holds. */
export function deleteDraftIntent(draft: Invoice, claims: readonly BillingClaim[], a: Ids): Intent {
  const writes = [remove('invoices', draft), ...claims.filter((c) => c.invoiceId === draft.id).map((c) => remove('billingclaims', c))];
  return intentFromWrites('delete_draft', 'Delete a draft invoice', writes, a.ctx, a.newId);
}

/** One family's generated draft and its claims. */
export function draftIntent(result: Pick<DraftResult, 'invoice' | 'claims'>, familyName: string, a: Ids): Intent | null {
  if (!result.invoice) return null;
  const writes = [
    put('invoices', null, result.invoice),
    ...result.claims.filter((c) => c.invoiceId === result.invoice!.id).map((c) => put('billingclaims', null, c)),
  ];
  return intentFromWrites('generate', `Draft invoice for ${familyName}`, writes, a.ctx, a.newId);
}

/** A month's batch: one intent per family. */
export function generateIntents(batch: BatchResult, families: Iterable<Family>, a: Ids): Intent[] {
  const names = new Map([...families].map((f) => [f.id, f.name]));
  const claimsOf = new Map<string, BillingClaim[]>();
  for (const c of batch.claims) claimsOf.set(c.invoiceId, [...(claimsOf.get(c.invoiceId) ?? []), c]);
  return batch.invoices.map((inv) =>
    draftIntent({ invoice: inv, claims: claimsOf.get(inv.id) ?? [] }, names.get(inv.familyId) ?? inv.familyId, a)!,
  );
}

/** A payment (new or edited) and the other payments whose allocations changed with it. */
export function paymentIntent(
  payment: Payment,
  changed: readonly Payment[],
  existing: readonly Payment[],
  a: Ids,
  operation: 'payment' | 'edit_payment' | 'refund' = 'payment',
): Intent {
  const before = byId(existing);
  const writes = [
    put('payments', before.get(payment.id), payment),
    ...changed.filter((p) => p.id !== payment.id).map((p) => put('payments', before.get(p.id), p)),
  ];
  return intentFromWrites(operation, `${operation === 'refund' ? 'Refund' : 'Payment'} of ${payment.date}`, writes, a.ctx, a.newId);
}

/** A partial credit note and the payments whose allocation it cut (and claims released to re-bill). */
export function creditNoteIntent(invoice: Invoice, result: PartialCreditResult, payments: readonly Payment[], a: Ids): Intent {
  const before = byId(payments);
  const writes = [
    put('invoices', null, result.creditNote),
    ...result.payments.map((p) => put('payments', before.get(p.id), p)),
    ...result.releasedClaims.map((c) => remove('billingclaims', c)),
  ];
  return intentFromWrites('credit_note', `Credit note for ${invoice.number}`, writes, a.ctx, a.newId);
}

/** A CSV import: the new families, then the students. */
export function importIntent(plan: Pick<ImportPlan, 'families' | 'students'>, a: Ids): Intent {
  const writes = [
    ...plan.families.map((f: Family) => put('families', null, f)),
    ...plan.students.map((s: Student) => put('students', null, s)),
  ];
  return intentFromWrites('import', `Import of ${plan.students.length} students`, writes, a.ctx, a.newId);
}

/**
 * A merge of two families or two students; or (`kind: 'follow-up'`) the references that still
 * pointed at merged records, moved after sync (src-shared/students/merge-followup.ts).
 */
export function mergeIntent(plan: { kind: MergePlan['kind'] | 'follow-up'; writes: MergePlan['writes'] }, a: Ids): Intent {
  return intentFromWrites(
    'merge',
    plan.kind === 'follow-up'
      ? 'Moving records to the family or student they were merged into'
      : `Merge of two ${plan.kind === 'family' ? 'families' : 'students'}`,
    plan.writes.map((w) => ({ collection: w.collection, id: w.id, before: w.before, after: w.after })),
    a.ctx,
    a.newId,
  );
}

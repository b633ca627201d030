/**
 * Write side of billing: every change is computed by src-shared/billing and persisted here.
 * Documents are modified with RxDB's incrementalModify, recomputing from the CURRENT stored
 * version (never a stale copy from the screen), and deletions carry a sync stamp (deleteDoc).
 *
 * Double billing is prevented on the normal path by inserting a draft's BillingClaims (one per
 * lesson/student, deterministic ids) BEFORE the draft, all or nothing: a lesson already claimed
 * makes the insert fail and nothing is written.
 */
import type { RxDocument } from 'rxdb';
import type { AppServices } from '../../app/AppContext';
import { deleteDoc } from '../../data';
import { insertAllOrNothing, newId } from '../../data';
import { claimId } from '../../../../src-shared/billing/claims';
import { todayIn } from '../../../../src-shared/billing/dates';
import { removeItemsFromDraft, type InvoiceValues } from '../../../../src-shared/billing/drafts';
import { issueInvoice, updateInvoice, voidInvoice } from '../../../../src-shared/billing/lifecycle';
import { chooseDeviceCode } from '../../../../src-shared/billing/numbering';
import { allocatePayment, applyFamilyCredit, createPayment, type AllocationTarget, type PaymentInput } from '../../../../src-shared/billing/payments';
import type { DoubleBillingFinding } from '../../../../src-shared/billing/claims';
import { stampChange } from '../../../../src-shared/model/meta';
import type { BillingClaim, Invoice, Payment } from '../../../../src-shared/model/types';

type Doc<T> = RxDocument<T> & { incrementalModify(fn: (prev: T) => T | Promise<T>): Promise<RxDocument<T>> };

async function findDoc<T>(app: AppServices, collection: 'invoices' | 'payments' | 'billingclaims', id: string): Promise<Doc<T>> {
  const coll = app.db.collections[collection] as unknown as { findOne(id: string): { exec(): Promise<Doc<T> | null> } };
  const doc = await coll.findOne(id).exec();
  if (!doc) throw new Error('That document no longer exists (deleted on another computer?)');
  return doc;
}

function plain<T>(doc: { toJSON(): unknown }): T {
  return doc.toJSON() as T;
}

const DEVICE_CODE_DOC = 'billing-device-code';

/**
 * This laptop's invoice-numbering device code (docs/billing.md "Invoice numbers"): chosen once
 * from the device id, avoiding codes other laptops are known to use, then kept locally for ever.
 */
export async function deviceCode(app: AppServices, invoices: readonly Invoice[]): Promise<string> {
  const local = await app.db.getLocal<{ code: string }>(DEVICE_CODE_DOC);
  const stored = local?.toJSON().data as { code?: string } | undefined;
  if (stored?.code) return stored.code;
  const code = chooseDeviceCode(app.device.deviceId, invoices);
  await app.db.upsertLocal(DEVICE_CODE_DOC, { code });
  return code;
}

/** Inserts drafts with their claims, all or nothing (claims first: a claimed lesson aborts). */
export async function insertDrafts(app: AppServices, invoices: Invoice[], claims: BillingClaim[]): Promise<void> {
  try {
    await insertAllOrNothing(app.db, [
      { collection: 'billingclaims', docs: claims },
      { collection: 'invoices', docs: invoices },
    ]);
  } catch (e) {
    if (/billingclaims/.test((e as Error).message)) {
      throw new Error('Some of these lessons were billed in the meantime (perhaps in another window). Nothing was saved; generate again.');
    }
    throw e;
  }
}

/** Deletes a draft and releases its claims so its lessons can be billed again. */
export async function deleteDraft(app: AppServices, invoice: Invoice): Promise<void> {
  if (invoice.status !== 'draft') throw new Error('Only a draft can be deleted; void an issued invoice with a credit note');
  const ctx = app.ctx();
  const claims = await app.db.billingclaims.find({ selector: { invoiceId: invoice.id } }).exec();
  await deleteDoc(app.db, 'invoices', invoice.id, ctx);
  for (const c of claims) await deleteDoc(app.db, 'billingclaims', c.id, ctx);
}

/**
 * Edits a draft: `change` receives the current stored draft and returns the next values (built
 * with the domain's draft functions, which refuse non-drafts). `releasedClaimIds` are deleted if
 * they still name this draft (a removed lesson line can then be billed again).
 */
export async function editDraft(app: AppServices, id: string, change: (draft: Invoice) => { next: InvoiceValues | Invoice; releasedClaimIds?: string[] }): Promise<Invoice> {
  const doc = await findDoc<Invoice>(app, 'invoices', id);
  const ctx = app.ctx();
  let released: string[] = [];
  const saved = await doc.incrementalModify((prev) => {
    const r = change(prev);
    released = r.releasedClaimIds ?? [];
    return updateInvoice(prev, r.next, { ...ctx, now: new Date() });
  });
  if (released.length) {
    const claims = await app.db.billingclaims.findByIds(released).exec();
    for (const c of claims.values()) if (c.invoiceId === id) await deleteDoc(app.db, 'billingclaims', c.id, ctx);
  }
  return plain<Invoice>(saved);
}

/** Issues drafts (numbers from this laptop's series, consecutive); returns the issued invoices. */
export async function issueDrafts(app: AppServices, ids: readonly string[], invoices: readonly Invoice[], issueDate: string): Promise<Invoice[]> {
  const settings = app.settings;
  if (!settings) throw new Error('The practice settings are missing');
  const code = await deviceCode(app, invoices);
  const known: Invoice[] = [...invoices];
  const out: Invoice[] = [];
  for (const id of ids) {
    const doc = await findDoc<Invoice>(app, 'invoices', id);
    const saved = plain<Invoice>(await doc.incrementalModify((prev) => issueInvoice(prev, { issueDate, deviceCode: code, invoices: known, settings, ctx: app.ctx() })));
    known.push(saved);
    out.push(saved);
  }
  return out;
}

/**
 * Voids an issued invoice with a credit note (issued at once): inserts the credit note, marks the
 * invoice void, moves payments allocated to it back to family credit and releases its claims.
 */
export async function voidWithCreditNote(app: AppServices, invoiceId: string, reason: string): Promise<Invoice> {
  const settings = app.settings;
  if (!settings) throw new Error('The practice settings are missing');
  const invoice = plain<Invoice>(await findDoc<Invoice>(app, 'invoices', invoiceId));
  const [invoices, payments, claims] = await Promise.all([
    app.db.invoices.find().exec(),
    app.db.payments.find({ selector: { familyId: invoice.familyId } }).exec(),
    app.db.billingclaims.find({ selector: { invoiceId } }).exec(),
  ]);
  const allInvoices = invoices.map((d) => d.toJSON() as Invoice);
  const ctx = app.ctx();
  const r = voidInvoice(invoice, {
    issueDate: todayIn(settings.timeZone, ctx.now),
    deviceCode: await deviceCode(app, allInvoices),
    invoices: allInvoices,
    settings,
    ctx,
    newId,
    reason,
    payments: payments.map((p) => p.toJSON() as Payment),
    claims: claims.map((c) => c.toJSON() as BillingClaim),
  });
  await app.db.invoices.insert(r.creditNote);
  const doc = await findDoc<Invoice>(app, 'invoices', invoiceId);
  await doc.incrementalModify((prev) => updateInvoice(prev, { ...prev, status: 'void', voidedBy: r.creditNote.id }, { ...ctx, now: new Date() }));
  for (const p of r.payments) {
    const pd = await findDoc<Payment>(app, 'payments', p.id);
    await pd.incrementalModify((prev) => stampChange<Payment>(prev, { ...prev, allocations: prev.allocations.filter((a) => a.invoiceId !== invoiceId) }, { ...ctx, now: new Date() }, () => prev.id));
  }
  for (const c of r.releasedClaims) await deleteDoc(app.db, 'billingclaims', c.id, ctx);
  return r.creditNote;
}

/**
 * Records a payment and allocates it: to `targets` (chosen invoices, in order) or oldest first.
 * Whatever is not allocated stays on the payment as family credit.
 */
export async function recordPayment(app: AppServices, input: PaymentInput, targets: AllocationTarget[] | undefined): Promise<Payment> {
  const settings = app.settings;
  if (!settings) throw new Error('The practice settings are missing');
  const [invoices, payments] = await Promise.all([
    app.db.invoices.find({ selector: { familyId: input.familyId } }).exec(),
    app.db.payments.find({ selector: { familyId: input.familyId } }).exec(),
  ]);
  const payment = createPayment(input, settings.currency, app.ctx(), newId);
  const allocated = allocatePayment(payment, {
    invoices: invoices.map((d) => d.toJSON() as Invoice),
    payments: payments.map((d) => d.toJSON() as Payment),
    ...(targets ? { targets } : {}),
  });
  const doc = await app.db.payments.insert(allocated);
  return doc.toJSON() as Payment;
}

/** Applies the family's unallocated payments (credit) to its open invoices (or to `invoiceIds`). */
export async function applyCredit(app: AppServices, familyId: string, invoiceIds?: string[]): Promise<number> {
  const [invoices, payments] = await Promise.all([
    app.db.invoices.find({ selector: { familyId } }).exec(),
    app.db.payments.find({ selector: { familyId } }).exec(),
  ]);
  const changed = applyFamilyCredit(familyId, {
    invoices: invoices.map((d) => d.toJSON() as Invoice),
    payments: payments.map((d) => d.toJSON() as Payment),
    ctx: app.ctx(),
    ...(invoiceIds ? { invoiceIds } : {}),
  });
  let applied = 0;
  for (const p of changed) {
    const before = payments.find((d) => d.id === p.id)!.toJSON() as Payment;
    applied += p.allocations.reduce((s, a) => s + a.amount, 0) - before.allocations.reduce((s, a) => s + a.amount, 0);
    const doc = await findDoc<Payment>(app, 'payments', p.id);
    await doc.incrementalModify((prev) => (prev.updatedAt === before.updatedAt ? { ...prev, ...p } : prev));
  }
  return applied;
}

/**
 * Applies the fix the domain proposes for one double-billing finding: removes the item from
 * drafts that should not bill it and points the claim at the invoice that keeps it. Issued
 * invoices that bill it twice need a credit note: returned for the UI to offer.
 */
export async function resolveDoubleBilling(app: AppServices, finding: DoubleBillingFinding): Promise<{ toVoid: string[] }> {
  const toVoid: string[] = [];
  for (const ref of finding.invoices) {
    if (ref.action === 'remove_line_from_draft') {
      await editDraft(app, ref.invoiceId, (draft) => ({ next: removeItemsFromDraft(draft, [finding.claimId]).invoice }));
    } else if (ref.action === 'void_with_credit_note') {
      toVoid.push(ref.invoiceId);
    }
  }
  if (finding.rewriteClaim) {
    const ctx = app.ctx();
    const keep = plain<Invoice>(await findDoc<Invoice>(app, 'invoices', finding.keepInvoiceId));
    const existing = await app.db.billingclaims.findOne(finding.claimId).exec();
    if (existing && !existing.deleted) {
      await (existing as unknown as Doc<BillingClaim>).incrementalModify((prev) => stampChange<BillingClaim>(prev, { ...prev, invoiceId: keep.id, familyId: keep.familyId }, ctx, () => prev.id));
    } else {
      const id = claimId(finding.itemId, finding.studentId);
      await app.db.billingclaims.insert(
        stampChange<BillingClaim>(undefined, { id, occurrenceId: finding.itemId, studentId: finding.studentId, invoiceId: keep.id, familyId: keep.familyId }, ctx, () => id),
      );
    }
  }
  return { toVoid };
}

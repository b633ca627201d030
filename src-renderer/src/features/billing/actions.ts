/**
 * Write side of billing: every change is computed by src-shared/billing and persisted here.
 * Documents are modified with RxDB's incrementalModify, recomputing from the CURRENT stored
 * version (never a stale copy from the screen), and deletions carry a sync stamp (deleteDoc).
 *
 * Operations that write several documents (generate, issue, void, delete or edit a draft, apply
 * credit, record a payment, a partial credit note) go through the intent log (`runIntents`, data/intents.ts): computed
 * from the current stored versions, checked unchanged before anything is written, and finished or
 * rolled back at next start if the storage fails half-way (docs/data-model.md "Writes that span
 * several documents"). Editing a payment, reversing one and refunding credit write one document
 * each (atomic already).
 *
 * Double billing is prevented on the normal path by a draft's BillingClaims (one per
 * lesson/student, deterministic ids): a lesson already claimed makes the operation fail before
 * anything is written.
 */
import type { RxDocument } from 'rxdb';
import type { AppServices } from '../../app/AppContext';
import { IntentError, newId, runIntent, runIntents } from '../../data';
import { claimId } from '../../../../src-shared/billing/claims';
import { todayIn } from '../../../../src-shared/billing/dates';
import { removeItemsFromDraft, type InvoiceValues } from '../../../../src-shared/billing/drafts';
import { issueInvoices, updateInvoice, voidInvoice } from '../../../../src-shared/billing/lifecycle';
import { chooseDeviceCode } from '../../../../src-shared/billing/numbering';
import {
  createPartialCreditNote,
  editPayment,
  refundCredit,
  reverseRecord,
  type PartialCreditInput,
  type PaymentEdit,
  type RefundInput,
} from '../../../../src-shared/billing/corrections';
import {
  allocatePayment,
  applyFamilyCredit,
  createPayment,
  type AllocationTarget,
  type PaymentInput,
} from '../../../../src-shared/billing/payments';
import type { DoubleBillingFinding } from '../../../../src-shared/billing/claims';
import { stampChange } from '../../../../src-shared/model/meta';
import { intentFromWrites, put, remove } from '../../../../src-shared/integrity/intent-log';
import {
  creditNoteIntent,
  deleteDraftIntent,
  draftIntent,
  issueIntent,
  paymentIntent,
  voidIntent,
} from '../../../../src-shared/integrity/operations';
import { humaniseWriteError } from '../../../../src-shared/validation/schema-limits';
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

/**
 * Runs a write of the correction actions: a refused write of the database (schema, conflict) is
 * told as people read it (humaniseWriteError), never with RxDB's own text; the domain's and this
 * file's own errors are sentences already and pass as they are.
 */
async function readable<T>(collection: 'invoices' | 'payments', write: () => Promise<T>, locale?: string): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (e && typeof e === 'object' && ('parameters' in e || 'status' in e || 'rxdb' in e)) {
      throw new Error(humaniseWriteError(e, { collection, locale }).summary, { cause: e });
    }
    throw e;
  }
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

/**
 * Inserts drafts with their claims: one intent per family's draft (a draft and its claims are
 * written together or not at all); a lesson claimed meanwhile aborts before anything is written.
 */
export async function insertDrafts(app: AppServices, invoices: Invoice[], claims: BillingClaim[]): Promise<void> {
  const ctx = app.ctx();
  const families = await app.db.families.findByIds([...new Set(invoices.map((i) => i.familyId))]).exec();
  const claimsOf = new Map<string, BillingClaim[]>();
  for (const c of claims) claimsOf.set(c.invoiceId, [...(claimsOf.get(c.invoiceId) ?? []), c]);
  const intents = invoices.map((invoice) =>
    draftIntent({ invoice, claims: claimsOf.get(invoice.id) ?? [] }, families.get(invoice.familyId)?.name ?? invoice.familyId, {
      ctx,
      newId,
    })!,
  );
  try {
    await runIntents(app.db, intents, ctx);
  } catch (e) {
    if (e instanceof IntentError && e.conflicts.some((k) => k.startsWith('billingclaims/'))) {
      throw new Error('Some of these lessons were billed in the meantime (perhaps in another window). Nothing was saved; generate again.');
    }
    throw e;
  }
}

/** Deletes a draft and releases its claims so its lessons can be billed again. */
export async function deleteDraft(app: AppServices, invoice: Invoice): Promise<void> {
  if (invoice.status !== 'draft') throw new Error('Only a draft can be deleted; void an issued invoice with a credit note');
  const ctx = app.ctx();
  const current = plain<Invoice>(await findDoc<Invoice>(app, 'invoices', invoice.id));
  if (current.status !== 'draft') throw new Error('Only a draft can be deleted; void an issued invoice with a credit note');
  const claims = await app.db.billingclaims.find({ selector: { invoiceId: invoice.id } }).exec();
  await runIntent(
    app.db,
    deleteDraftIntent(
      current,
      claims.map((c) => plain<BillingClaim>(c)),
      { ctx, newId },
    ),
    ctx,
  );
}

/**
 * Edits a draft: `change` receives the current stored draft and returns the next values (built
 * with the domain's draft functions, which refuse non-drafts). `releasedClaimIds` are deleted if
 * they still name this draft (a removed lesson line can then be billed again).
 */
export async function editDraft(
  app: AppServices,
  id: string,
  change: (draft: Invoice) => { next: InvoiceValues | Invoice; releasedClaimIds?: string[] },
): Promise<Invoice> {
  const doc = await findDoc<Invoice>(app, 'invoices', id);
  const ctx = app.ctx();
  const r = change(plain<Invoice>(doc));
  const released = r.releasedClaimIds ?? [];
  if (released.length === 0) {
    // One document: RxDB's incremental write recomputes from the stored version.
    const saved = await doc.incrementalModify((prev) => updateInvoice(prev, change(prev).next, { ...ctx, now: new Date() }));
    return plain<Invoice>(saved);
  }
  // The draft and the claims it releases, together (intent log).
  const prev = plain<Invoice>(doc);
  const next = updateInvoice(prev, r.next, { ...ctx, now: new Date() });
  const claims = [...(await app.db.billingclaims.findByIds(released).exec()).values()]
    .map((c) => plain<BillingClaim>(c))
    .filter((c) => c.invoiceId === id);
  const intent = intentFromWrites(
    'edit_draft',
    `Change of draft ${prev.number || prev.id}`,
    [put('invoices', prev, next), ...claims.map((c) => remove('billingclaims', c))],
    ctx,
    newId,
  );
  await runIntent(app.db, intent, ctx);
  return plain<Invoice>(await findDoc<Invoice>(app, 'invoices', id));
}

/** Issues drafts (numbers from this laptop's series, consecutive); returns the issued invoices. */
export async function issueDrafts(
  app: AppServices,
  ids: readonly string[],
  invoices: readonly Invoice[],
  issueDate: string,
): Promise<Invoice[]> {
  const settings = app.settings;
  if (!settings) throw new Error('The practice settings are missing');
  const code = await deviceCode(app, invoices);
  const ctx = app.ctx();
  // One read for all the drafts, and one numbering pass (consecutive numbers in the order given).
  const found = await app.db.invoices.findByIds([...ids]).exec();
  const drafts = ids.map((id) => {
    const doc = found.get(id);
    if (!doc) throw new Error('That document no longer exists (deleted on another computer?)');
    return doc.toJSON() as Invoice;
  });
  const out = issueInvoices(drafts, { issueDate, deviceCode: code, invoices, settings, ctx });
  // All the numbers together or none: a gap in the series is never left behind.
  await runIntent(app.db, issueIntent(drafts, out, { ctx, newId }), ctx);
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
  // The credit note, the void invoice, the payments moved to credit and the released claims:
  // together or not at all (intent log).
  await runIntent(
    app.db,
    voidIntent(
      invoice,
      r,
      payments.map((p) => p.toJSON() as Payment),
      { ctx, newId },
    ),
    ctx,
  );
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
  const ctx = app.ctx();
  const payment = createPayment(input, settings.currency, ctx, newId);
  const existing = payments.map((d) => d.toJSON() as Payment);
  const allocated = allocatePayment(payment, {
    invoices: invoices.map((d) => d.toJSON() as Invoice),
    payments: existing,
    ...(targets ? { targets } : {}),
  });
  await runIntent(app.db, paymentIntent(allocated, [], existing, { ctx, newId }), ctx);
  return plain<Payment>(await findDoc<Payment>(app, 'payments', allocated.id));
}

/**
 * Reverses a payment or a refund (a bounced transfer, a payment recorded by mistake): one new
 * record, `reversal:<id>`, that cancels it with the reason; the payment itself is never rewritten
 * (docs/billing.md "Corrections and refunds"). The reversal's deterministic id makes a second
 * reversal of the same payment (on another laptop too) fail instead of cancelling twice.
 */
export async function reversePayment(app: AppServices, paymentId: string, args: { reason: string; date: string }): Promise<Payment> {
  const target = plain<Payment>(await findDoc<Payment>(app, 'payments', paymentId));
  const payments = (await app.db.payments.find({ selector: { familyId: target.familyId } }).exec()).map((d) => plain<Payment>(d));
  const reversal = reverseRecord(target, {
    payments,
    reason: args.reason,
    date: args.date,
    ctx: app.ctx(),
    ...(app.settings ? { locale: app.settings.locale } : {}),
  });
  const doc = await app.db.payments.insert(reversal);
  return plain<Payment>(doc);
}

/**
 * Edits a payment while it is the latest word on that money (`paymentEditability`): the values it
 * replaces are kept on the payment (`revisions`, the audit trail). Recomputed from the stored
 * version inside the write, so an edit made meanwhile (another window, a sync) is never lost and a
 * reversal or refund that arrived meanwhile makes the edit fail instead.
 */
export async function editPaymentRecord(app: AppServices, paymentId: string, edit: PaymentEdit): Promise<Payment> {
  const doc = await findDoc<Payment>(app, 'payments', paymentId);
  const familyId = plain<Payment>(doc).familyId;
  const [invoices, payments] = await Promise.all([
    app.db.invoices.find({ selector: { familyId } }).exec(),
    app.db.payments.find({ selector: { familyId } }).exec(),
  ]);
  const inv = invoices.map((d) => plain<Invoice>(d));
  const others = payments.map((d) => plain<Payment>(d)).filter((p) => p.id !== paymentId);
  const saved = await readable(
    'payments',
    () =>
      doc.incrementalModify((prev) =>
        editPayment(prev, edit, { invoices: inv, payments: [...others, prev], ctx: { ...app.ctx(), now: new Date() } }),
      ),
    app.settings?.locale,
  );
  return plain<Payment>(saved);
}

/**
 * Pays back family credit (an overpayment, or what a credit note freed): one `refund` record that
 * says which payments' unallocated money it takes (newest first). Refused above the credit.
 */
export async function refundFamilyCredit(app: AppServices, input: RefundInput): Promise<Payment> {
  const settings = app.settings;
  if (!settings) throw new Error('The practice settings are missing');
  const payments = (await app.db.payments.find({ selector: { familyId: input.familyId } }).exec()).map((d) => plain<Payment>(d));
  const refund = refundCredit(input, { payments, currency: settings.currency, ctx: app.ctx(), newId, locale: settings.locale });
  const doc = await readable('payments', () => app.db.payments.insert(refund), settings.locale);
  return plain<Payment>(doc);
}

/**
 * A partial credit note for an issued invoice (chosen lines, in full or in part, or an amount
 * spread over the lines): the credit note (numbered at once), the payments whose allocation the
 * domain cut because they now cover more than the invoice owes (that money becomes family credit)
 * and, with `rebill`, the claims of lines credited in full (those lessons can be billed again) —
 * together or not at all (intent log). The invoice itself is not touched: issued invoices are
 * immutable.
 */
export async function creditInvoicePartly(app: AppServices, invoiceId: string, input: PartialCreditInput): Promise<Invoice> {
  const settings = app.settings;
  if (!settings) throw new Error('The practice settings are missing');
  const invoice = plain<Invoice>(await findDoc<Invoice>(app, 'invoices', invoiceId));
  const [invoices, payments, claims] = await Promise.all([
    app.db.invoices.find().exec(),
    app.db.payments.find({ selector: { familyId: invoice.familyId } }).exec(),
    input.rebill ? app.db.billingclaims.find({ selector: { invoiceId } }).exec() : Promise.resolve([]),
  ]);
  const allInvoices = invoices.map((d) => plain<Invoice>(d));
  const existing = payments.map((d) => plain<Payment>(d));
  const ctx = app.ctx();
  const r = createPartialCreditNote(invoice, input, {
    issueDate: todayIn(settings.timeZone, ctx.now),
    deviceCode: await deviceCode(app, allInvoices),
    invoices: allInvoices,
    settings,
    ctx,
    newId,
    payments: existing,
    claims: claims.map((c) => plain<BillingClaim>(c)),
    locale: settings.locale,
  });
  // A payment or claim changed meanwhile (another window, a sync) aborts before anything is written.
  await readable('invoices', () => runIntent(app.db, creditNoteIntent(invoice, r, existing, { ctx, newId }), ctx), settings.locale);
  return r.creditNote;
}

/** Applies the family's unallocated payments (credit) to its open invoices (or to `invoiceIds`). */
export async function applyCredit(app: AppServices, familyId: string, invoiceIds?: string[]): Promise<number> {
  const [invoices, payments] = await Promise.all([
    app.db.invoices.find({ selector: { familyId } }).exec(),
    app.db.payments.find({ selector: { familyId } }).exec(),
  ]);
  const ctx = app.ctx();
  const existing = payments.map((d) => d.toJSON() as Payment);
  const changed = applyFamilyCredit(familyId, {
    invoices: invoices.map((d) => d.toJSON() as Invoice),
    payments: existing,
    ctx,
    ...(invoiceIds ? { invoiceIds } : {}),
  });
  let applied = 0;
  for (const p of changed) {
    const before = existing.find((d) => d.id === p.id)!;
    applied += p.allocations.reduce((s, a) => s + a.amount, 0) - before.allocations.reduce((s, a) => s + a.amount, 0);
  }
  // Every payment whose allocation changed, together (intent log); a payment changed meanwhile
  // aborts before anything is written.
  const before = new Map(existing.map((p) => [p.id, p]));
  const intent = intentFromWrites(
    'payment',
    'Applying family credit',
    changed.map((p) => put('payments', before.get(p.id), p)),
    ctx,
    newId,
  );
  await runIntent(app.db, intent, ctx);
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
      await (existing as unknown as Doc<BillingClaim>).incrementalModify((prev) =>
        stampChange<BillingClaim>(prev, { ...prev, invoiceId: keep.id, familyId: keep.familyId }, ctx, () => prev.id),
      );
    } else {
      const id = claimId(finding.itemId, finding.studentId);
      await app.db.billingclaims.insert(
        stampChange<BillingClaim>(
          undefined,
          { id, occurrenceId: finding.itemId, studentId: finding.studentId, invoiceId: keep.id, familyId: keep.familyId },
          ctx,
          () => id,
        ),
      );
    }
  }
  return { toVoid };
}

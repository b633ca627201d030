/**
 * No double billing (docs/billing.md "Billing claims").
 *
 * Every billable item an invoice line charges for is claimed by a BillingClaim document whose id
 * is deterministic: `${itemId}#${studentId}`, where itemId is the occurrence id for a lesson,
 * `monthly:YYYY-MM` for a monthly fee and `package:<packageId>` for a package sale.
 *
 * - Normal path: invoice generation skips every item with an active claim, and the UI inserts the
 *   claims together with the draft; a second insert of the same claim id fails locally.
 * - Two laptops offline both bill the same lesson: both write the same claim id; after sync only
 *   one version survives, and `detectDoubleBilling` finds the lesson on two live invoices and
 *   explains which one to keep and what to do with the other.
 */
import { nextStamp, type ChangeContext } from '../model/meta';
import type { BillingClaim, Invoice, InvoiceLine } from '../model/types';

export function claimId(itemId: string, studentId: string): string {
  return `${itemId}#${studentId}`;
}

export function monthlyFeeItemId(month: string): string {
  return `monthly:${month}`;
}

export function packageItemId(packageId: string): string {
  return `package:${packageId}`;
}

/** Claim ids of one line (empty for manual lines). */
export function lineClaimIds(line: Pick<InvoiceLine, 'occurrenceIds' | 'studentId'>): string[] {
  return line.occurrenceIds.map((occ) => claimId(occ, line.studentId));
}

/** Claim ids of every line of an invoice. */
export function invoiceClaimIds(inv: Pick<Invoice, 'lines'>): string[] {
  return inv.lines.flatMap(lineClaimIds);
}

/**
 * The claim documents to insert with a new draft (one per billed item). Built directly (the same
 * result as `stampChange(undefined, …)` for a new document, which a test checks) because batch
 * generation writes ~100,000 of them. Appends to `out` when given (the batch's one claim list).
 */
export function buildClaimDocs(
  inv: Pick<Invoice, 'id' | 'familyId' | 'lines'>,
  ctx: ChangeContext,
  out: BillingClaim[] = [],
): BillingClaim[] {
  const nowIso = ctx.now.toISOString();
  const stamp = nextStamp(undefined, ctx.now, ctx.deviceId);
  // One frozen clock object shared by the claims of this call (identical values; never mutated:
  // stampChange copies fieldClock before changing it).
  const fieldClock = Object.freeze({ occurrenceId: stamp, studentId: stamp, invoiceId: stamp, familyId: stamp }) as Record<string, string>;
  for (const line of inv.lines) {
    for (const occ of line.occurrenceIds) {
      out.push({
        id: claimId(occ, line.studentId),
        occurrenceId: occ,
        studentId: line.studentId,
        invoiceId: inv.id,
        familyId: inv.familyId,
        createdAt: nowIso,
        updatedAt: nowIso,
        updatedBy: ctx.staffId,
        deviceId: ctx.deviceId,
        fieldClock,
      });
    }
  }
  return out;
}

/**
 * Ids of claims that still block billing: every claim except those whose invoice is known and
 * void (a voided invoice's claims are released; see lifecycle.voidInvoice). A claim whose invoice
 * has not synced yet is treated as active (conservative).
 */
export function activeClaimIds(
  claims: Iterable<Pick<BillingClaim, 'id' | 'invoiceId'>>,
  invoices: Iterable<Pick<Invoice, 'id' | 'status'>>,
): Set<string> {
  const out = new Set<string>();
  for (const c of liveClaims(claims, invoices)) out.add(c.id);
  return out;
}

/** The claims that still block billing: all but those whose invoice is known and void. */
function* liveClaims<C extends Pick<BillingClaim, 'invoiceId'>>(
  claims: Iterable<C>,
  invoices: Iterable<Pick<Invoice, 'id' | 'status'>>,
): Generator<C> {
  const voided = new Set<string>();
  for (const inv of invoices) if (inv.status === 'void') voided.add(inv.id);
  for (const c of claims) if (!voided.has(c.invoiceId)) yield c;
}

/**
 * The active claims (see activeClaimIds) indexed by item id, then student id. Batch generation asks
 * "is this lesson billed?" ~100,000 times; looking up the existing occurrence id string avoids
 * building (and hashing) a claim id string per lesson.
 */
export class ClaimIndex {
  private readonly byItem = new Map<string, string | Set<string>>();
  size = 0;

  add(itemId: string, studentId: string): void {
    const cur = this.byItem.get(itemId);
    if (cur === undefined) {
      this.byItem.set(itemId, studentId);
    } else if (typeof cur === 'string') {
      if (cur === studentId) return;
      this.byItem.set(itemId, new Set([cur, studentId]));
    } else {
      if (cur.has(studentId)) return;
      cur.add(studentId);
    }
    this.size += 1;
  }

  has(itemId: string, studentId: string): boolean {
    const cur = this.byItem.get(itemId);
    return cur !== undefined && (typeof cur === 'string' ? cur === studentId : cur.has(studentId));
  }

  static of(
    claims: Iterable<Pick<BillingClaim, 'occurrenceId' | 'studentId' | 'invoiceId'>>,
    invoices: Iterable<Pick<Invoice, 'id' | 'status'>>,
  ): ClaimIndex {
    const index = new ClaimIndex();
    for (const c of liveClaims(claims, invoices)) index.add(c.occurrenceId, c.studentId);
    return index;
  }
}

/** Claims held by an invoice (to delete when a draft is deleted or an invoice voided). */
export function claimsOfInvoice(invoiceId: string, claims: Iterable<BillingClaim>): BillingClaim[] {
  const out: BillingClaim[] = [];
  for (const c of claims) if (c.invoiceId === invoiceId) out.push(c);
  return out;
}

/** Claims whose invoice no longer exists or is void: safe to delete (housekeeping after sync). */
export function orphanClaims(claims: Iterable<BillingClaim>, invoices: Iterable<Pick<Invoice, 'id' | 'status'>>): BillingClaim[] {
  const live = new Set<string>();
  for (const inv of invoices) if (inv.status !== 'void') live.add(inv.id);
  const out: BillingClaim[] = [];
  for (const c of claims) if (!live.has(c.invoiceId)) out.push(c);
  return out;
}

export interface DoubleBilledInvoiceRef {
  invoiceId: string;
  number: string;
  status: Invoice['status'];
  lineId: string;
  lineAmount: number;
  /** Device that issued it, or that last wrote the draft. */
  deviceId: string;
  /** What to do with this invoice: nothing (kept), drop the line from the draft, or credit it. */
  action: 'keep' | 'remove_line_from_draft' | 'void_with_credit_note';
}

export interface DoubleBillingFinding {
  claimId: string;
  /** Occurrence id (or `monthly:…` / `package:…` item id). */
  itemId: string;
  studentId: string;
  /**
   * 'billed_twice': two or more live invoices charge for the item.
   * 'claim_mismatch': one invoice charges for it but the claim names another (or is missing):
   *   the claim should be rewritten to point at the invoice that bills it.
   */
  kind: 'billed_twice' | 'claim_mismatch';
  invoices: DoubleBilledInvoiceRef[];
  /** The invoice the synced claim names, '' when there is no claim. */
  claimInvoiceId: string;
  keepInvoiceId: string;
  /** The claim must be (re)written to name keepInvoiceId (it names another invoice or is missing). */
  rewriteClaim: boolean;
  message: string;
}

function describe(inv: Invoice): string {
  return inv.status === 'draft'
    ? `a draft (id ${inv.id}) from device ${inv.deviceId}`
    : `${inv.number || inv.id} (${inv.status}, device ${inv.issuedDeviceId || inv.deviceId})`;
}

/**
 * Finds items billed by more than one live invoice (kind 'invoice', status draft or issued) after
 * sync, and claims that disagree with the invoice that bills the item. The invoice to keep is an
 * issued one over a draft (a draft is cheap to fix); among equals the one the surviving claim
 * names; otherwise the earliest issued/created (ties: smaller id). Linear in the number of lines.
 * Fixes: `removeItemsFromDraft` for 'remove_line_from_draft', `voidInvoice` + re-issue for
 * 'void_with_credit_note', and rewrite the claim when `rewriteClaim`.
 */
export function detectDoubleBilling(claims: Iterable<BillingClaim>, invoices: Iterable<Invoice>): DoubleBillingFinding[] {
  const claimOwner = new Map<string, string>();
  for (const c of claims) claimOwner.set(c.id, c.invoiceId);
  const billedBy = new Map<string, { inv: Invoice; line: InvoiceLine }[]>();
  for (const inv of invoices) {
    if (inv.kind !== 'invoice' || inv.status === 'void') continue;
    for (const line of inv.lines) {
      for (const occ of line.occurrenceIds) {
        const key = claimId(occ, line.studentId);
        let list = billedBy.get(key);
        if (!list) billedBy.set(key, (list = []));
        if (!list.some((x) => x.inv.id === inv.id)) list.push({ inv, line });
      }
    }
  }
  const findings: DoubleBillingFinding[] = [];
  for (const [key, list] of billedBy) {
    const owner = claimOwner.get(key) ?? '';
    if (list.length === 1 && list[0]?.inv.id === owner) continue;
    const sorted = [...list].sort((a, b) => {
      const ai = a.inv.status === 'issued' ? 0 : 1;
      const bi = b.inv.status === 'issued' ? 0 : 1;
      if (ai !== bi) return ai - bi;
      const ao = a.inv.id === owner ? 0 : 1;
      const bo = b.inv.id === owner ? 0 : 1;
      if (ao !== bo) return ao - bo;
      const at = a.inv.issuedAt || a.inv.createdAt;
      const bt = b.inv.issuedAt || b.inv.createdAt;
      if (at !== bt) return at < bt ? -1 : 1;
      return a.inv.id < b.inv.id ? -1 : a.inv.id > b.inv.id ? 1 : 0;
    });
    const keep = sorted[0]!;
    const hash = key.lastIndexOf('#');
    const itemId = key.slice(0, hash);
    const studentId = key.slice(hash + 1);
    const refs: DoubleBilledInvoiceRef[] = sorted.map(({ inv, line }) => ({
      invoiceId: inv.id,
      number: inv.number,
      status: inv.status,
      lineId: line.id,
      lineAmount: line.amount,
      deviceId: inv.issuedDeviceId || inv.deviceId,
      action: inv.id === keep.inv.id ? 'keep' : inv.status === 'draft' ? 'remove_line_from_draft' : 'void_with_credit_note',
    }));
    if (list.length > 1) {
      const others = sorted.slice(1).map((x) => describe(x.inv));
      findings.push({
        claimId: key,
        itemId,
        studentId,
        kind: 'billed_twice',
        invoices: refs,
        claimInvoiceId: owner,
        keepInvoiceId: keep.inv.id,
        rewriteClaim: owner !== keep.inv.id,
        message:
          `"${keep.line.description}" (${itemId}, student ${studentId}) is billed on ${list.length} invoices: ` +
          `${describe(keep.inv)} and ${others.join(', ')} — probably generated on two laptops while offline. ` +
          `Keep ${keep.inv.number || 'the first'}; ` +
          sorted
            .slice(1)
            .map((x) =>
              x.inv.status === 'draft'
                ? `remove the line from ${describe(x.inv)}`
                : `void ${describe(x.inv)} with a credit note and re-issue it without this lesson`,
            )
            .join('; ') +
          '.',
      });
    } else {
      findings.push({
        claimId: key,
        itemId,
        studentId,
        kind: 'claim_mismatch',
        invoices: refs,
        claimInvoiceId: owner,
        keepInvoiceId: keep.inv.id,
        rewriteClaim: true,
        message: owner
          ? `"${keep.line.description}" is billed by ${describe(keep.inv)} but its billing claim names invoice ${owner}; the claim will be pointed at ${keep.inv.number || keep.inv.id}.`
          : `"${keep.line.description}" is billed by ${describe(keep.inv)} but has no billing claim; one will be written.`,
      });
    }
  }
  findings.sort((a, b) => (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0));
  return findings;
}

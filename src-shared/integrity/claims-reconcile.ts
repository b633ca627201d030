/**
 * Orphan billing claims found and released (or shown to a person), at start and after each sync
 * (docs/billing.md "Billing claims"). A claim that blocks billing without an invoice billing its
 * item means a lesson can never be billed again — the failure of issue 15 (claims written, then the
 * storage failed before the invoice). `orphanClaims` (claims.ts) finds the candidates; this decides:
 *
 * - RELEASE (delete the claim) when it is safe:
 *   · its invoice is known and void (voidInvoice normally deletes them; a sync may bring them back);
 *   · its invoice is known, live, no longer bills the item, and changed after the claim was written
 *     (a line removed from a draft);
 *   · its invoice is missing and the claim was written on THIS device, outside any pending intent
 *     (a failed write here: the invoice never existed);
 * - WAIT (do nothing yet) when the invoice may simply not have synced: another device's claim, the
 *   invoices' replication not caught up, or younger than the grace period;
 * - REVIEW (show to a person, with a sentence) when another device's claim names an invoice that is
 *   still missing after the invoices caught up and the grace period passed.
 *
 * Claims that a pending intent writes or deletes are left to intent recovery. Pure.
 */
import type { BillingClaim, Invoice } from '../model/types';
import { claimId, orphanClaims } from '../billing/claims';

export interface ClaimReconciliation {
  release: BillingClaim[];
  wait: BillingClaim[];
  review: { claim: BillingClaim; message: string }[];
}

export interface ReconcileArgs {
  claims: readonly BillingClaim[];
  invoices: readonly Invoice[];
  /** This laptop's device id. */
  deviceId: string;
  now: Date;
  /** `billingclaims/<id>` keys owned by pending intents (intent-log.pendingIntentDocs). */
  pendingDocs?: ReadonlySet<string>;
  /** The invoices collection's pull has caught up with the server (or there is no server). */
  invoicesCaughtUp: boolean;
  /** How long another device's claim may wait for its invoice (default one day). */
  graceMs?: number;
}

export function reconcileClaims(args: ReconcileArgs): ClaimReconciliation {
  const grace = args.graceMs ?? 24 * 3600_000;
  const out: ClaimReconciliation = { release: [], wait: [], review: [] };
  const invoices = new Map(args.invoices.map((i) => [i.id, i]));
  const pending = args.pendingDocs ?? new Set<string>();
  const candidates = new Set(orphanClaims(args.claims, args.invoices));
  // Stale: the invoice is live but no longer bills the item.
  for (const c of args.claims) {
    const inv = invoices.get(c.invoiceId);
    if (!inv || inv.status === 'void') continue;
    const bills = inv.lines.some((l) => l.occurrenceIds.some((o) => claimId(o, l.studentId) === c.id));
    if (!bills) candidates.add(c);
  }
  for (const c of args.claims) {
    if (!candidates.has(c) || pending.has(`billingclaims/${c.id}`)) continue;
    const inv = invoices.get(c.invoiceId);
    if (inv?.status === 'void') {
      out.release.push(c);
    } else if (inv) {
      if (c.updatedAt <= inv.updatedAt) out.release.push(c);
      else out.wait.push(c);
    } else if (c.deviceId === args.deviceId) {
      out.release.push(c);
    } else if (!args.invoicesCaughtUp || args.now.getTime() - Date.parse(c.updatedAt) < grace) {
      out.wait.push(c);
    } else {
      out.review.push({
        claim: c,
        message: `A billing claim written on device ${c.deviceId} on ${c.updatedAt.slice(0, 10)} says ${c.occurrenceId} (student ${c.studentId}) is billed by invoice ${c.invoiceId}, which no device has sent. Release it so the lesson can be billed again?`,
      });
    }
  }
  return out;
}

/**
 * Orphan billing claims, found and released at start and after each completed sync
 * (docs/billing.md "Billing claims"; the decision is `reconcileClaims`,
 * src-shared/integrity/claims-reconcile.ts). What is safe is released (a stamped deletion, synced
 * like any other); another laptop's claim whose invoice never arrived is listed for a person in the
 * local document `claims-review` (device-only), with "Release" on the Invoices screen.
 */
import { map, type Observable } from 'rxjs';
import { reconcileClaims } from '../../../src-shared/integrity/claims-reconcile';
import { pendingIntentDocs } from '../../../src-shared/integrity/intent-log';
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { BillingClaim, Invoice } from '../../../src-shared/model/types';
import type { TutorDatabase } from './database';
import { pendingIntents, watchHeldIntents } from './intents';
import { localDoc$ } from './local-docs';
import { deleteDoc } from './sync-delete';
import { firstValueFrom } from 'rxjs';

export const CLAIMS_REVIEW_DOC = 'claims-review';

export interface ClaimReview {
  claimId: string;
  occurrenceId: string;
  studentId: string;
  invoiceId: string;
  deviceId: string;
  message: string;
}

export interface ClaimsCheckResult {
  released: string[];
  waiting: string[];
  review: ClaimReview[];
}

const running = new WeakMap<TutorDatabase, Promise<ClaimsCheckResult>>();

/**
 * Releases the orphan claims that are safe to release and lists the ones that need a person.
 * `invoicesCaughtUp`: the invoices' pull has caught up with the server (after a completed sync),
 * or there is no server; at start, before any sync, it is false, so another laptop's claim waits.
 * Claims that an unfinished intent owns are left to intent recovery. One check at a time per database.
 */
export function checkOrphanClaims(db: TutorDatabase, ctx: ChangeContext, opts: { invoicesCaughtUp: boolean }): Promise<ClaimsCheckResult> {
  const prev = running.get(db);
  const next = (prev ?? Promise.resolve()).catch(() => undefined).then(() => runCheck(db, ctx, opts));
  running.set(db, next);
  return next;
}

async function runCheck(db: TutorDatabase, ctx: ChangeContext, opts: { invoicesCaughtUp: boolean }): Promise<ClaimsCheckResult> {
  if (db.closed) return { released: [], waiting: [], review: [] };
  const [claims, invoices, pending, held] = await Promise.all([
    db.billingclaims.find().exec(),
    db.invoices.find().exec(),
    pendingIntents(db),
    firstValueFrom(watchHeldIntents(db)),
  ]);
  const r = reconcileClaims({
    claims: claims.map((d) => d.toJSON() as BillingClaim),
    invoices: invoices.map((d) => d.toJSON() as Invoice),
    deviceId: ctx.deviceId,
    now: ctx.now,
    pendingDocs: pendingIntentDocs([...pending, ...held.map((h) => h.intent)]),
    invoicesCaughtUp: opts.invoicesCaughtUp,
  });
  const released: string[] = [];
  for (const c of r.release) if (await deleteDoc(db, 'billingclaims', c.id, { ...ctx, now: new Date() })) released.push(c.id);
  const review: ClaimReview[] = r.review.map(({ claim, message }) => ({
    claimId: claim.id,
    occurrenceId: claim.occurrenceId,
    studentId: claim.studentId,
    invoiceId: claim.invoiceId,
    deviceId: claim.deviceId,
    message,
  }));
  const stored = await db.getLocal<{ review: ClaimReview[] }>(CLAIMS_REVIEW_DOC);
  const before = JSON.stringify((stored?.toJSON().data as { review?: ClaimReview[] } | undefined)?.review ?? []);
  if (before !== JSON.stringify(review)) await db.upsertLocal(CLAIMS_REVIEW_DOC, { review });
  return { released, waiting: r.wait.map((c) => c.id), review };
}

/** The claims that need a person, now and after every change. */
export function watchClaimReviews(db: TutorDatabase): Observable<ClaimReview[]> {
  return localDoc$(db, CLAIMS_REVIEW_DOC).pipe(
    map((d) => ((d?.toJSON().data as { review?: ClaimReview[] } | undefined)?.review ?? []) as ClaimReview[]),
  );
}

/** A person releases a listed claim: the lesson can be billed again. */
export async function releaseReviewedClaim(db: TutorDatabase, claimId: string, ctx: ChangeContext): Promise<void> {
  const doc = await db.billingclaims.findOne(claimId).exec();
  if (doc && !doc.deleted) {
    // Only when it is still an orphan: its invoice may have arrived since the list was made.
    const inv = await db.invoices.findOne((doc.toJSON() as BillingClaim).invoiceId).exec();
    if (!inv || (inv.toJSON() as Invoice).status === 'void') await deleteDoc(db, 'billingclaims', claimId, ctx);
  }
  const stored = await db.getLocal<{ review: ClaimReview[] }>(CLAIMS_REVIEW_DOC);
  const review = ((stored?.toJSON().data as { review?: ClaimReview[] } | undefined)?.review ?? []).filter((r) => r.claimId !== claimId);
  await db.upsertLocal(CLAIMS_REVIEW_DOC, { review });
}

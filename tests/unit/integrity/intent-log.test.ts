/**
 * All-or-nothing multi-document writes (docs/data-model.md "Writes that span several documents").
 * For each operation — issue, void, delete a draft, generate, payment, import, merge, credit note —
 * the storage "fails" after every possible set of its writes (every subset: the executor may write
 * in any order), and at next start `planRecovery` finishes or rolls back: the state is then
 * consistent (`checkConsistency`) and is exactly the state before or after the operation. A crash
 * during the recovery itself is recovered the same way.
 */
import { describe, expect, it } from 'vitest';
import { buildClaimDocs } from '../../../src-shared/billing/claims';
import { createPartialCreditNote } from '../../../src-shared/billing/corrections';
import { makeLine, newDraftValues } from '../../../src-shared/billing/drafts';
import { buildBillingState, generateDraftInvoice } from '../../../src-shared/billing/generate';
import { issueInvoices, voidInvoice } from '../../../src-shared/billing/lifecycle';
import { allocatePayment, applyFamilyCredit, createPayment } from '../../../src-shared/billing/payments';
import { parseCsv } from '../../../src-shared/csv';
import { checkConsistency, type PracticeState } from '../../../src-shared/integrity/consistency';
import { reconcileClaims } from '../../../src-shared/integrity/claims-reconcile';
import {
  docKey,
  intentFromWrites,
  pendingIntentDocs,
  planRecovery,
  put,
  sameContent,
  type Intent,
} from '../../../src-shared/integrity/intent-log';
import {
  creditNoteIntent,
  deleteDraftIntent,
  draftIntent,
  importIntent,
  issueIntent,
  mergeIntent,
  paymentIntent,
  voidIntent,
} from '../../../src-shared/integrity/operations';
import type { SyncMeta } from '../../../src-shared/model/meta';
import type { Invoice, Payment } from '../../../src-shared/model/types';
import { guessMapping, planImport } from '../../../src-shared/students/csv-import';
import { planFamilyMerge, type MergeDocs } from '../../../src-shared/students/merge';
import { idGen, lesson } from '../billing/fixtures';
import { ctx, practice, settings } from '../shared/practice-fixture';

type State = PracticeState & MergeDocs & Record<string, readonly SyncMeta[]>;

const ids = { ctx, newId: idGen('intent') };

function stateOf(): State {
  const p = practice();
  return { ...p } as unknown as State;
}

function apply(state: State, steps: readonly { collection: string; id: string; doc?: SyncMeta | null; after?: SyncMeta | null }[]): State {
  const out = { ...state } as unknown as Record<string, SyncMeta[]>;
  for (const s of steps) {
    const doc = 'doc' in s ? s.doc! : s.after!;
    const list = (out[s.collection] ?? []).filter((d) => d.id !== s.id);
    out[s.collection] = doc ? [...list, doc] : list;
  }
  return out as unknown as State;
}

function current(state: State, intent: Intent): Map<string, SyncMeta | null> {
  const m = new Map<string, SyncMeta | null>();
  for (const w of intent.writes) m.set(docKey(w.collection, w.id), (state[w.collection] ?? []).find((d) => d.id === w.id) ?? null);
  return m;
}

/** Same content for every document the intent names. */
function sameAs(a: State, b: State, intent: Intent): boolean {
  const ca = current(a, intent);
  const cb = current(b, intent);
  return [...ca.keys()].every((k) => sameContent(ca.get(k) ?? null, cb.get(k) ?? null));
}

function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) out.push([...Array(n).keys()].filter((i) => mask & (1 << i)));
  return out;
}

/**
 * Fails the operation after every subset of its writes, recovers, and checks the result; then
 * fails the recovery after every prefix of its steps and recovers again. Returns how many of the
 * half-written states were inconsistent (to show the test bites).
 */
function exhaust(before: State, intent: Intent): number {
  expect(checkConsistency(before)).toEqual([]);
  const after = apply(before, intent.writes);
  expect(checkConsistency(after)).toEqual([]);
  let inconsistent = 0;
  const n = intent.writes.length;
  const sets = n <= 10 ? subsets(n) : [...Array(n + 1).keys()].map((k) => [...Array(k).keys()]);
  for (const set of sets) {
    const half = apply(
      before,
      set.map((i) => intent.writes[i]!),
    );
    if (checkConsistency(half).length > 0) inconsistent += 1;
    const plan = planRecovery(intent, current(half, intent));
    expect(plan.action, `after writes ${set.join(',')}`).not.toBe('needs_person');
    const recovered = apply(half, plan.steps);
    expect(checkConsistency(recovered), `after writes ${set.join(',')}, ${plan.action}`).toEqual([]);
    expect(sameAs(recovered, after, intent) || sameAs(recovered, before, intent), `after writes ${set.join(',')}`).toBe(true);
    if (set.length === 0) expect(plan.action).toBe('not_started');
    if (set.length === n) expect(plan.action).toBe('done');
    // Idempotent, and a crash during the recovery is recovered too.
    expect(['done', 'not_started']).toContain(planRecovery(intent, current(recovered, intent)).action);
    for (let j = 1; j < plan.steps.length; j++) {
      const partly = apply(half, plan.steps.slice(0, j));
      const again = apply(partly, planRecovery(intent, current(partly, intent)).steps);
      expect(checkConsistency(again)).toEqual([]);
      expect(sameAs(again, recovered, intent)).toBe(true);
    }
  }
  return inconsistent;
}

describe('every operation, failing after any of its writes, is finished at next start', () => {
  it('issue (a batch of two drafts)', () => {
    const s = stateOf();
    const extra = stampDraft('D2', 'f3', 's4');
    const before = apply(s, [
      { collection: 'invoices', id: extra.invoice.id, doc: extra.invoice },
      ...extra.claims.map((c) => ({ collection: 'billingclaims', id: c.id, doc: c })),
    ]);
    const drafts = before.invoices.filter((i) => i.status === 'draft');
    const issued = issueInvoices(drafts, { issueDate: '2026-03-02', deviceCode: 'AAA', invoices: before.invoices, settings, ctx });
    const intent = issueIntent(drafts, issued, ids);
    expect(intent.writes).toHaveLength(2);
    exhaust(before, intent);
  });

  it('void (credit note, void invoice, payment released, claims deleted)', () => {
    const s = stateOf();
    const inv = s.invoices.find((i) => i.id === 'I1')!;
    const result = voidInvoice(inv, {
      issueDate: '2026-03-10',
      deviceCode: 'AAA',
      invoices: s.invoices,
      settings,
      ctx,
      newId: idGen('cn'),
      reason: 'Wrong family',
      payments: s.payments,
      claims: s.billingclaims,
    });
    const intent = voidIntent(inv, result, s.payments, ids);
    expect(intent.writes.map((w) => w.collection)).toEqual(['invoices', 'invoices', 'payments', 'billingclaims', 'billingclaims']);
    expect(exhaust(s, intent)).toBeGreaterThan(0);
  });

  it('delete a draft (the draft and its claims)', () => {
    const s = stateOf();
    const intent = deleteDraftIntent(
      s.invoices.find((i) => i.id === 'D1')!,
      s.billingclaims,
      ids,
    );
    expect(intent.writes).toHaveLength(2);
    expect(exhaust(s, intent)).toBeGreaterThan(0);
  });

  it('generate (a family’s draft and its claims) — the orphan claim of issue 15 cannot stay', () => {
    const s = stateOf();
    const lessons = ['2026-02-09', '2026-02-16', '2026-02-23'].map((d) =>
      lesson(`L9@${d}T16:00:00.000Z`, 's4', 'f3', `${d}T16:00:00.000Z`),
    );
    const result = generateDraftInvoice(
      { family: s.families.find((f) => f.id === 'f3')!, students: s.students, lessons },
      { periodStart: '2026-02-01', periodEnd: '2026-02-28' },
      buildBillingState(s.billingclaims, s.invoices),
      { settings, ctx, newId: idGen('gen') },
    );
    const intent = draftIntent(result, 'Lee family', ids)!;
    expect(intent.writes).toHaveLength(4);
    expect(exhaust(s, intent)).toBeGreaterThan(0);
    // The failure of issue 15: claims stored, the invoice not. Recovery writes the invoice.
    const claimsOnly = apply(
      s,
      intent.writes.filter((w) => w.collection === 'billingclaims'),
    );
    expect(checkConsistency(claimsOnly).map((i) => i.code)).toEqual(['orphan_claim', 'orphan_claim', 'orphan_claim']);
    const plan = planRecovery(intent, current(claimsOnly, intent));
    expect(plan.action).toBe('finish');
    expect(plan.steps.map((x) => x.collection)).toEqual(['invoices']);
  });

  it('payment (a new payment, and the family credit applied from earlier ones)', () => {
    const s = stateOf();
    const credit1 = createPayment(
      { familyId: 'f2', date: '2026-02-20', amount: 3000, method: 'cash', reference: 'C1' },
      'GBP',
      ctx,
      idGen('pc'),
    );
    const credit2 = createPayment(
      { familyId: 'f2', date: '2026-02-21', amount: 2000, method: 'cash', reference: 'C2' },
      'GBP',
      ctx,
      idGen('pd'),
    );
    const before = apply(
      s,
      [credit1, credit2].map((p) => ({ collection: 'payments', id: p.id, doc: p })),
    );
    const fresh = allocatePayment(
      createPayment({ familyId: 'f2', date: '2026-03-06', amount: 1500, method: 'card', reference: 'NEW' }, 'GBP', ctx, idGen('pe')),
      { invoices: before.invoices, payments: before.payments },
    );
    const withFresh = [...before.payments, fresh] as Payment[];
    const changed = applyFamilyCredit('f2', { invoices: before.invoices, payments: withFresh.filter((p) => p.id !== fresh.id), ctx });
    const intent = paymentIntent(fresh, changed, before.payments as Payment[], ids);
    expect(intent.writes.length).toBeGreaterThanOrEqual(2);
    exhaust(before, intent);
  });

  it('import (families and their students)', () => {
    const s = stateOf();
    const csv = parseCsv(
      'Name,Family,Parent email\nKim Young,Young family,young@example.com\nLee Young,Young family,young@example.com\nNia Obi,Obi family,obi@example.com\nAdult Learner,,\n',
    );
    const plan = planImport(csv, guessMapping(csv.headers), s.families, ctx, 'GBP', idGen('imp'));
    expect(plan.issues).toEqual([]);
    const intent = importIntent(plan, ids);
    expect(intent.writes).toHaveLength(7);
    expect(exhaust(s, intent)).toBeGreaterThan(0);
  });

  it('merge of two families (students, issued invoice, payment and claims re-pointed)', () => {
    const s = stateOf();
    const intent = mergeIntent(planFamilyMerge('f1', 'f2', s, ctx), ids);
    expect(intent.writes.length).toBe(8);
    exhaust(s, intent);
  });

  it('partial credit note on a paid invoice (credit note and payment allocation cut)', () => {
    const s = stateOf();
    const inv = s.invoices.find((i) => i.id === 'I1')!;
    const result = createPartialCreditNote(
      inv,
      { amount: 6000, reason: 'Goodwill' },
      { issueDate: '2026-03-10', deviceCode: 'AAA', invoices: s.invoices, settings, ctx, newId: idGen('pcn'), payments: s.payments },
    );
    const intent = creditNoteIntent(inv, result, s.payments, ids);
    expect(intent.writes.map((w) => w.collection)).toEqual(['invoices', 'payments']);
    exhaust(s, intent);
  });
});

describe('recovery never overwrites what another device changed meanwhile', () => {
  it('asks a person when a half-written document was changed by a sync, naming it', () => {
    const s = stateOf();
    const draft = s.invoices.find((i) => i.id === 'D1')!;
    const intent = deleteDraftIntent(draft, s.billingclaims, ids);
    // The claim was deleted here; then a sync brought an edit of the draft from another laptop.
    const half = apply(s, [
      intent.writes[1]!,
      { collection: 'invoices', id: 'D1', doc: { ...draft, notes: 'edited elsewhere' } as Invoice },
    ]);
    const plan = planRecovery(intent, current(half, intent));
    expect(plan.action).toBe('needs_person');
    expect(plan).toMatchObject({ changed: [{ collection: 'invoices', id: 'D1' }] });
    expect(plan.message).toBe(
      'Delete a draft invoice had stopped half-way, and one of its records was changed on another device since: check invoices D1 before finishing or undoing it.',
    );
  });

  it('a document re-stamped by sync without a change of content counts as written', () => {
    const d = stampDraft('D3', 'f3', 's4');
    const intent = intentFromWrites('generate', 'x', [put('invoices', null, d.invoice)], ctx, ids.newId);
    const restamped = { ...d.invoice, updatedAt: '2030-01-01T00:00:00.000Z', fieldClock: {}, _rev: '3-abc' } as Invoice;
    expect(planRecovery(intent, new Map([[docKey('invoices', 'D3'), restamped]])).action).toBe('done');
  });

  it('an operation may prefer to roll back; a write listed twice is a programming error', () => {
    const d = stampDraft('D4', 'f3', 's4');
    const intent = intentFromWrites(
      'generate',
      'x',
      [put('invoices', null, d.invoice), put('billingclaims', null, d.claims[0]!)],
      ctx,
      ids.newId,
      'roll_back',
    );
    const plan = planRecovery(intent, new Map([[docKey('invoices', 'D4'), d.invoice]]));
    expect(plan).toMatchObject({ action: 'roll_back', steps: [{ collection: 'invoices', id: 'D4', doc: null }] });
    expect(() =>
      intentFromWrites('generate', 'x', [put('invoices', null, d.invoice), put('invoices', null, d.invoice)], ctx, ids.newId),
    ).toThrow('The operation writes invoices/D4 twice');
  });
});

describe('reconcileClaims: orphan claims released, or shown to a person', () => {
  const s = stateOf();
  const now = new Date('2026-03-20T09:00:00Z');
  const draft = stampDraft('D5', 'f3', 's4');
  const mine = draft.claims.map((c) => ({ ...c, deviceId: 'dev-a' }));
  const theirs = draft.claims.map((c) => ({ ...c, id: `${c.id}-b`, deviceId: 'dev-b', updatedAt: '2026-03-01T09:00:00.000Z' }));
  const fresh = draft.claims.map((c) => ({ ...c, id: `${c.id}-c`, deviceId: 'dev-c', updatedAt: '2026-03-20T08:00:00.000Z' }));
  const args = { invoices: s.invoices, deviceId: 'dev-a', now, invoicesCaughtUp: true };

  it('releases this device’s claims of an invoice that was never stored, and leaves the live ones', () => {
    const r = reconcileClaims({ ...args, claims: [...s.billingclaims, ...mine] });
    expect(r.release.map((c) => c.id)).toEqual(mine.map((c) => c.id));
    expect(r.wait).toEqual([]);
    expect(r.review).toEqual([]);
    // …unless a pending intent still owns them: recovery decides.
    const pending = pendingIntentDocs([
      intentFromWrites(
        'generate',
        'x',
        mine.map((c) => put('billingclaims', null, c)),
        ctx,
        ids.newId,
      ),
    ]);
    expect(reconcileClaims({ ...args, claims: mine, pendingDocs: pending }).release).toEqual([]);
  });

  it('waits for another device’s invoice while it may be on its way; then asks a person', () => {
    expect(reconcileClaims({ ...args, claims: fresh }).wait).toHaveLength(fresh.length);
    expect(reconcileClaims({ ...args, invoicesCaughtUp: false, claims: theirs }).wait).toHaveLength(theirs.length);
    const r = reconcileClaims({ ...args, claims: theirs });
    expect(r.review).toHaveLength(theirs.length);
    expect(r.review[0]!.message).toBe(
      `A billing claim written on device dev-b on 2026-03-01 says ${theirs[0]!.occurrenceId} (student s4) is billed by invoice D5, which no device has sent. Release it so the lesson can be billed again?`,
    );
  });

  it('releases the claims of a void invoice and the stale claim of a line removed later', () => {
    const inv = s.invoices.find((i) => i.id === 'I1')!;
    const voided = { ...inv, status: 'void' as const, voidedBy: 'cn' };
    const claims = s.billingclaims.filter((c) => c.invoiceId === 'I1');
    expect(reconcileClaims({ ...args, invoices: [voided], claims }).release).toHaveLength(claims.length);
    const d1 = s.invoices.find((i) => i.id === 'D1')!;
    const emptied = { ...d1, lines: [], updatedAt: '2026-03-05T00:00:00.000Z' };
    const d1Claims = s.billingclaims.filter((c) => c.invoiceId === 'D1');
    expect(reconcileClaims({ ...args, invoices: [emptied], claims: d1Claims }).release).toEqual(d1Claims);
    // A claim newer than the invoice version here: the invoice's newer version may still come.
    expect(reconcileClaims({ ...args, invoices: [{ ...emptied, updatedAt: '2026-01-01T00:00:00.000Z' }], claims: d1Claims }).wait).toEqual(
      d1Claims,
    );
  });
});

/** A draft for `familyId` billing one lesson of `studentId`, with its claims. */
function stampDraft(id: string, familyId: string, studentId: string) {
  const invoice = {
    ...newDraftValues({
      familyId,
      settings,
      periodStart: '2026-02-01',
      periodEnd: '2026-02-28',
      lines: [
        makeLine({
          id: `${id}-l`,
          kind: 'lesson',
          description: 'Lesson',
          unitAmount: 4000,
          occurrenceIds: [`LX@2026-02-1${id.length}T10:00:00.000Z`],
          studentId,
        }),
      ],
    }),
    id,
    createdAt: ctx.now.toISOString(),
    updatedAt: ctx.now.toISOString(),
    updatedBy: 'staff-1',
    deviceId: 'dev-a',
    fieldClock: {},
  } as Invoice;
  return { invoice, claims: buildClaimDocs(invoice, ctx) };
}

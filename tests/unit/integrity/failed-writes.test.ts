/**
 * Issue 15: multi-document writes are all-or-nothing from the user's point of view, on a real RxDB
 * database. For each user action that writes several documents — issue, void, delete a draft,
 * generate, apply credit / record a payment, import — the storage starts refusing every write
 * (QuotaExceededError) after the Nth document write, for every N from before the first write to
 * before the last; the action must report it; then the app "restarts" (the database is closed and
 * opened again on the same storage, like an app restart keeps IndexedDB) and runs its start-up
 * recovery. The state must then be exactly the state before the action or the state after it
 * (computed by running the same action without failure), consistent (`checkConsistency`: no
 * orphan claim, no invoice without its claims, no half-allocated payment), with no intent left.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RxStorage, RxStorageInstanceCreationParams } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { AppServices } from '../../../src-renderer/src/app/AppContext';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { IntentError, pendingIntents, recoverIntents } from '../../../src-renderer/src/data/intents';
import { checkOrphanClaims } from '../../../src-renderer/src/data/claims-check';
import {
  applyCredit,
  creditInvoicePartly,
  deleteDraft,
  insertDrafts,
  issueDrafts,
  recordPayment,
  voidWithCreditNote,
} from '../../../src-renderer/src/features/billing/actions';
import { importStudents } from '../../../src-renderer/src/features/students/import-action';
import { checkMoneyRecords } from '../../../src-shared/billing/corrections';
import { buildBillingState, generateDraftInvoice } from '../../../src-shared/billing/generate';
import { createPayment } from '../../../src-shared/billing/payments';
import { parseCsv } from '../../../src-shared/csv';
import { checkConsistency } from '../../../src-shared/integrity/consistency';
import { practiceFormat } from '../../../src-shared/locale/practice-locale';
import { sameContent } from '../../../src-shared/integrity/intent-log';
import type { SyncMeta } from '../../../src-shared/model/meta';
import type { CollectionName } from '../../../src-shared/model/schemas';
import type { BillingClaim, Family, Invoice, Payment, Student } from '../../../src-shared/model/types';
import { guessMapping, planImport } from '../../../src-shared/students/csv-import';
import { idGen, lesson } from '../billing/fixtures';
import { ctx, practice, settings } from '../shared/practice-fixture';

const COLLECTIONS = ['families', 'students', 'invoices', 'payments', 'billingclaims'] as const satisfies readonly CollectionName[];
type Coll = (typeof COLLECTIONS)[number];

/** What the storage does: refuse every write once `failAfter` documents of the collections were written. */
interface Failure {
  failAfter: number | null;
  written: number;
  failing: boolean;
  /** Refuse one write only, then work again (a passing failure). */
  once?: boolean;
}

function quotaError(): Error {
  const e = new Error('The quota has been exceeded.');
  e.name = 'QuotaExceededError';
  return e;
}

/** RxDB's memory storage, wrapped: document writes of the collections are counted and can fail. */
function failingStorage(base: RxStorage<unknown, unknown>, f: Failure): RxStorage<unknown, unknown> {
  return {
    ...base,
    async createStorageInstance<D>(params: RxStorageInstanceCreationParams<D, unknown>) {
      const inst = await base.createStorageInstance<D>(params);
      const counted = (COLLECTIONS as readonly string[]).includes(params.collectionName);
      const bulkWrite = inst.bulkWrite.bind(inst);
      inst.bulkWrite = async (rows, context) => {
        if (f.failing) throw quotaError();
        if (!counted || f.failAfter === null) {
          if (counted) f.written += rows.length;
          return bulkWrite(rows, context);
        }
        const room = f.failAfter - f.written;
        if (rows.length <= room) {
          f.written += rows.length;
          return bulkWrite(rows, context);
        }
        if (f.once) f.failAfter = null;
        else f.failing = true;
        if (room > 0) {
          f.written += room;
          await bulkWrite(rows.slice(0, room), context);
        }
        throw quotaError();
      };
      return inst;
    },
  };
}

let seq = 0;
let uuid = 0;
beforeEach(() => {
  // Deterministic ids, so the action run without failure writes the same documents.
  vi.spyOn(crypto, 'randomUUID').mockImplementation(() => `00000000-0000-4000-8000-${String(++uuid).padStart(12, '0')}` as never);
});
afterEach(() => vi.restoreAllMocks());

const base = getRxStorageMemory() as RxStorage<unknown, unknown>;

async function open(name: string, f: Failure): Promise<TutorDatabase> {
  return createTutorDatabase({ name, storage: failingStorage(base, f), validate: 'ajv', collections: COLLECTIONS });
}

function services(db: TutorDatabase): AppServices {
  const c = () => ({ ...ctx, now: new Date('2026-03-10T10:00:00Z') });
  return {
    db,
    device: { deviceId: ctx.deviceId, meStaffId: ctx.staffId },
    settings,
    chosenLocale: settings.locale,
    localeSource: 'chosen',
    format: practiceFormat(settings.locale, settings.timeZone, settings.currency),
    me: null,
    ctx: c,
    save: () => Promise.reject(new Error('not used')),
    setMe: () => Promise.resolve(),
  };
}

type Snapshot = Record<Coll, Map<string, SyncMeta>>;

async function snapshot(db: TutorDatabase): Promise<Snapshot> {
  const out = {} as Snapshot;
  for (const c of COLLECTIONS) {
    const docs = await (db.collections[c] as unknown as { find(): { exec(): Promise<{ toJSON(): unknown }[]> } }).find().exec();
    out[c] = new Map(docs.map((d) => [(d.toJSON() as SyncMeta).id, d.toJSON() as SyncMeta]));
  }
  return out;
}

function same(a: Snapshot, b: Snapshot): boolean {
  return COLLECTIONS.every((c) => a[c].size === b[c].size && [...a[c]].every(([id, doc]) => sameContent(doc, b[c].get(id) ?? null)));
}

/**
 * The invariants of `checkConsistency`, and the money checks run after sync (`checkMoneyRecords`):
 * no payment allocated beyond its amount, no invoice paid and credited beyond its total.
 */
function consistency(s: Snapshot) {
  const invoices = [...s.invoices.values()] as Invoice[];
  const payments = [...s.payments.values()] as Payment[];
  return [
    ...checkConsistency({
      families: [...s.families.values()] as Family[],
      students: [...s.students.values()] as Student[],
      invoices,
      payments,
      billingclaims: [...s.billingclaims.values()] as BillingClaim[],
    }),
    ...checkMoneyRecords(payments, invoices).map((f) => ({ code: f.code, id: f.recordIds.join(','), message: f.message })),
  ];
}

/** The sample practice (two Patel families, an issued invoice paid in part, a draft), plus extras. */
async function seed(db: TutorDatabase, extra: Partial<Record<Coll, SyncMeta[]>> = {}): Promise<void> {
  const p = practice();
  for (const c of COLLECTIONS) {
    const docs = [...(p[c] as unknown as SyncMeta[]), ...(extra[c] ?? [])];
    if (docs.length) await (db.collections[c] as unknown as { bulkInsert(d: SyncMeta[]): Promise<unknown> }).bulkInsert(docs);
  }
}

/** A draft for the Lee family (three lessons) and its claims, as generate makes them. */
function leeDraft(prefix: string) {
  const p = practice();
  const lessons = ['2026-02-09', '2026-02-16', '2026-02-23'].map((d) => lesson(`L9@${d}T16:00:00.000Z`, 's4', 'f3', `${d}T16:00:00.000Z`));
  return generateDraftInvoice(
    { family: p.families.find((f) => f.id === 'f3')!, students: p.students, lessons },
    { periodStart: '2026-02-01', periodEnd: '2026-02-28' },
    buildBillingState(p.billingclaims, p.invoices),
    { settings, ctx, newId: idGen(prefix) },
  );
}

interface Scenario {
  name: string;
  extra?: () => Partial<Record<Coll, SyncMeta[]>>;
  run: (app: AppServices) => Promise<unknown>;
}

const credit = (id: string, amount: number, date: string) =>
  createPayment({ familyId: 'f2', date, amount, method: 'cash', reference: id }, 'GBP', ctx, () => id);

const SCENARIOS: Scenario[] = [
  {
    name: 'issue two drafts',
    extra: () => {
      const d = leeDraft('pre');
      return { invoices: [d.invoice!], billingclaims: d.claims };
    },
    run: async (app) => {
      const invoices = (await app.db.invoices.find().exec()).map((d) => d.toJSON() as Invoice);
      return issueDrafts(
        app,
        invoices.filter((i) => i.status === 'draft').map((i) => i.id),
        invoices,
        '2026-03-10',
      );
    },
  },
  { name: 'void an issued, part-paid invoice', run: (app) => voidWithCreditNote(app, 'I1', 'Wrong family') },
  {
    name: 'delete a draft',
    run: async (app) => deleteDraft(app, (await app.db.invoices.findOne('D1').exec())!.toJSON() as Invoice),
  },
  {
    name: 'generate a draft (its claims and the invoice)',
    run: async (app) => {
      const d = leeDraft('gen');
      return insertDrafts(app, [d.invoice!], d.claims);
    },
  },
  {
    name: 'apply family credit (two payments allocated)',
    extra: () => ({ payments: [credit('cr-1', 3000, '2026-03-06'), credit('cr-2', 2000, '2026-03-07')] }),
    run: (app) => applyCredit(app, 'f2'),
  },
  {
    name: 'record a payment',
    run: (app) =>
      recordPayment(app, { familyId: 'f2', date: '2026-03-08', amount: 4000, method: 'card', reference: 'NEW', notes: '' }, undefined),
  },
  {
    // The no-show line of I1 (£45 of £90, £50 paid): the credit note, the payment's allocation
    // cut to the new balance (£5 becomes family credit), and the line's claim released to re-bill.
    name: 'partial credit note with re-billing (credit note, payment cut, claim released)',
    run: (app) => creditInvoicePartly(app, 'I1', { lines: [{ lineId: 'I1-b' }], reason: 'No-show not charged', rebill: true }),
  },
  {
    name: 'import students and families',
    run: (app) => {
      const csv = parseCsv(
        'Name,Family,Parent email\nKim Young,Young family,young@example.com\nLee Young,Young family,young@example.com\nNia Obi,Obi family,obi@example.com\n',
      );
      const plan = planImport(csv, guessMapping(csv.headers), practice().families, ctx, 'GBP', idGen('imp'));
      expect(plan.issues).toEqual([]);
      return importStudents(app, plan);
    },
  },
];

/** Runs the scenario on a fresh database without failure: the state before, after, and the writes. */
async function reference(s: Scenario): Promise<{ before: Snapshot; after: Snapshot; writes: number }> {
  uuid = 0;
  const f: Failure = { failAfter: null, written: 0, failing: false };
  const db = await open(`ref${++seq}`, f);
  try {
    await seed(db, s.extra?.());
    const before = await snapshot(db);
    const start = f.written;
    await s.run(services(db));
    const after = await snapshot(db);
    expect(consistency(before)).toEqual([]);
    expect(consistency(after)).toEqual([]);
    expect(same(before, after)).toBe(false);
    expect(await pendingIntents(db)).toEqual([]);
    return { before, after, writes: f.written - start };
  } finally {
    await db.remove();
  }
}

describe('a storage failure after any write of a multi-document action leaves no half-done state after a restart', () => {
  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const ref = await reference(s);
      for (let n = 0; n < ref.writes; n++) {
        uuid = 0;
        const name = `fail${++seq}`;
        const f: Failure = { failAfter: null, written: 0, failing: false };
        const db = await open(name, f);
        await seed(db, s.extra?.());
        f.failAfter = f.written + n;
        const error = await s.run(services(db)).then(
          () => null,
          (e: unknown) => e,
        );
        // The action says what happened, in words a person can act on.
        expect(error, `${s.name}, failing after ${n} of ${ref.writes} writes`).toBeInstanceOf(IntentError);
        expect((error as IntentError).outcome).toBe('pending');
        expect((error as Error).message).toMatch(
          /stopped half-way: the computer’s storage for TutorDesk is full\. .*completes it the next time it starts/,
        );
        await db.close();

        // Restart: the same storage, no longer full; the start-up recovery runs.
        f.failing = false;
        f.failAfter = null;
        const again = await open(name, f);
        try {
          const recovered = await recoverIntents(again, { ...ctx, now: new Date('2026-03-11T08:00:00Z') });
          expect(recovered.held).toEqual([]);
          const state = await snapshot(again);
          expect(consistency(state), `${s.name}, failing after ${n} writes`).toEqual([]);
          expect(same(state, ref.after) || same(state, ref.before), `${s.name}, failing after ${n} writes: neither before nor after`).toBe(
            true,
          );
          expect(await pendingIntents(again)).toEqual([]);
          // Recovery again is a no-op (idempotent).
          expect((await recoverIntents(again, ctx)).reports).toEqual([]);
          expect(same(await snapshot(again), state)).toBe(true);
        } finally {
          await again.remove();
        }
      }
    });
  }
});

describe('a failure that passes at once is undone at once', () => {
  it('void: a write refused once, then the storage answers again — nothing of the void is kept, and the action says so', async () => {
    const s = SCENARIOS[1]!;
    const ref = await reference(s);
    for (let n = 0; n < ref.writes; n++) {
      uuid = 0;
      const f: Failure = { failAfter: null, written: 0, failing: false };
      const db = await open(`transient${++seq}`, f);
      try {
        await seed(db);
        f.failAfter = f.written + n;
        f.once = true;
        const error = await s.run(services(db)).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(IntentError);
        expect((error as IntentError).outcome).toBe('nothing_saved');
        expect((error as Error).message).toBe(
          'Void INV-2026-AAA-0001 was not saved: the computer’s storage for TutorDesk is full. Nothing was saved.',
        );
        expect(same(await snapshot(db), ref.before)).toBe(true);
        expect(await pendingIntents(db)).toEqual([]);
      } finally {
        await db.remove();
      }
    }
  });
});

describe('orphan claims', () => {
  it('the claims of issue 15 (written before a failure, with no invoice and no intent) are released at start', async () => {
    uuid = 0;
    const f: Failure = { failAfter: null, written: 0, failing: false };
    const db = await open(`orphan${++seq}`, f);
    try {
      await seed(db);
      const d = leeDraft('orph');
      // What today's code left behind: the claims, no invoice, nothing to recover them.
      await db.billingclaims.bulkInsert(d.claims);
      expect(consistency(await snapshot(db)).map((i) => i.code)).toEqual(['orphan_claim', 'orphan_claim', 'orphan_claim']);
      const r = await checkOrphanClaims(db, { ...ctx, now: new Date('2026-03-11T08:00:00Z') }, { invoicesCaughtUp: false });
      expect(r.released.sort()).toEqual(d.claims.map((c) => c.id).sort());
      expect(consistency(await snapshot(db))).toEqual([]);
      // The lessons can be billed again.
      const again = leeDraft('orph2');
      await insertDrafts(services(db), [again.invoice!], again.claims);
      expect(consistency(await snapshot(db))).toEqual([]);
    } finally {
      await db.remove();
    }
  });

  it('another laptop’s claim waits for its invoice, and is listed for a person only once the invoices caught up and a day passed', async () => {
    uuid = 0;
    const f: Failure = { failAfter: null, written: 0, failing: false };
    const db = await open(`orphan${++seq}`, f);
    try {
      await seed(db);
      const d = leeDraft('other');
      const foreign = d.claims.map((c) => ({ ...c, deviceId: 'dev-other', updatedAt: '2026-03-10T09:00:00.000Z' }));
      await db.billingclaims.bulkInsert(foreign);
      const soon = await checkOrphanClaims(db, { ...ctx, now: new Date('2026-03-10T12:00:00Z') }, { invoicesCaughtUp: true });
      expect(soon).toMatchObject({ released: [], review: [] });
      expect(soon.waiting).toHaveLength(3);
      const beforeSync = await checkOrphanClaims(db, { ...ctx, now: new Date('2026-03-12T12:00:00Z') }, { invoicesCaughtUp: false });
      expect(beforeSync).toMatchObject({ released: [], review: [] });
      const late = await checkOrphanClaims(db, { ...ctx, now: new Date('2026-03-12T12:00:00Z') }, { invoicesCaughtUp: true });
      expect(late.released).toEqual([]);
      expect(late.review.map((r) => r.claimId).sort()).toEqual(foreign.map((c) => c.id).sort());
      expect(late.review[0]!.message).toMatch(/written on device dev-other .* which no device has sent/);
      // Nothing was deleted: a person decides.
      expect(await db.billingclaims.count().exec()).toBe(practice().billingclaims.length + 3);
    } finally {
      await db.remove();
    }
  });
});

describe('partial credit notes', () => {
  const inDb = async (db: TutorDatabase) => {
    const s = await snapshot(db);
    return { claims: [...s.billingclaims.values()] as BillingClaim[], invoices: [...s.invoices.values()] as Invoice[], s };
  };

  it('with “can be billed again”, the claims of the line credited in full are released and the lesson can be billed again', async () => {
    uuid = 0;
    const f: Failure = { failAfter: null, written: 0, failing: false };
    const db = await open(`rebill${++seq}`, f);
    try {
      await seed(db);
      const p = practice();
      const noShow = p.invoices.find((i) => i.id === 'I1')!.lines.find((l) => l.id === 'I1-b')!;
      const item = `${noShow.occurrenceIds[0]!}#s2`;
      expect((await inDb(db)).claims.map((c) => c.id)).toContain(item);

      const cn = await creditInvoicePartly(services(db), 'I1', {
        lines: [{ lineId: 'I1-b' }],
        reason: 'Charged at the wrong rate',
        rebill: true,
      });
      const after = await inDb(db);
      expect(after.claims.map((c) => c.id)).not.toContain(item);
      // The other line keeps its claim; the credit note is stored; the £50 payment now pays £45.
      expect(after.claims.filter((c) => c.invoiceId === 'I1').map((c) => c.id)).toEqual([
        `${p.invoices[0]!.lines[0]!.occurrenceIds[0]!}#s2`,
      ]);
      expect(after.invoices.find((i) => i.id === cn.id)).toMatchObject({ kind: 'credit_note', creditNoteFor: 'I1', total: -4500 });
      expect([...after.s.payments.values()].map((x) => (x as Payment).allocations)).toEqual([[{ invoiceId: 'I1', amount: 4500 }]]);
      expect(consistency(after.s)).toEqual([]);
      // The lesson is no longer claimed: generate would bill it again.
      const state = buildBillingState(after.claims, after.invoices);
      expect(state.claimed.has(noShow.occurrenceIds[0]!, 's2')).toBe(false);
      expect(state.claimed.has(p.invoices[0]!.lines[0]!.occurrenceIds[0]!, 's2')).toBe(true);
    } finally {
      await db.remove();
    }
  });

  it('without it, and for a line credited in part, the claims stay', async () => {
    for (const input of [
      { lines: [{ lineId: 'I1-b' }], reason: 'Goodwill' },
      { lines: [{ lineId: 'I1-b', amount: 1000 }], reason: 'Goodwill', rebill: true },
    ]) {
      uuid = 0;
      const f: Failure = { failAfter: null, written: 0, failing: false };
      const db = await open(`rebill${++seq}`, f);
      try {
        await seed(db);
        const before = (await inDb(db)).claims.map((c) => c.id).sort();
        await creditInvoicePartly(services(db), 'I1', input);
        const after = await inDb(db);
        expect(after.claims.map((c) => c.id).sort()).toEqual(before);
        expect(consistency(after.s)).toEqual([]);
      } finally {
        await db.remove();
      }
    }
  });
});

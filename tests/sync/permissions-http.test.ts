/**
 * The permission table (src-shared/sync/permissions.ts, docs/security.md) over HTTP against a real
 * embedded server: every role × collection × action, on the acting tutor's own documents and on
 * another tutor's, drafts and issued invoices, credit notes. The expected status comes from the
 * table (`decide`), the same function the UI uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_NAMES, type CollectionName } from '../../src-shared/model/schemas';
import { practiceDbName } from '../../src-shared/sync/names';
import { ACTIONS, decide, PERMISSIONS, type Action, type PracticeRole } from '../../src-shared/sync/permissions';
import { makeDoc } from './helpers/fixtures';
import { startTestServer, target, type TestServer } from './helpers/server';

let server: TestServer;
let PRACTICE: string;
let USERS: TestServer['users'];
const ctx = { staffId: 'staff-admin', deviceId: 'table-test', now: new Date('2026-03-01T10:00:00Z') };

beforeAll(async () => {
  server = await startTestServer();
  ({ practice: PRACTICE, users: USERS } = server);
  ACTORS = { admin: USERS.admin, tutor: USERS.alice };
}, 60_000);

afterAll(async () => {
  await server?.cleanup();
});

type Doc = Record<string, unknown>;
let ACTORS: Record<PracticeRole, { username: string; password: string; staffId: string }>;

/** Values that make a document belong to `owner` (for `own` grants), and a field to change. */
function ownerValues(c: CollectionName, owner: string): Doc {
  if (c === 'lessons')
    return { tutorId: owner, start: '2026-03-02T16:00:00.000Z', durationMinutes: 60, timeZone: 'Europe/London', rrule: 'FREQ=WEEKLY' };
  if (c === 'notes') return { authorId: owner };
  if (c === 'occurrences') return { lessonTutorId: owner, tutorId: '', lessonId: 'l', originalStart: '2026-03-02T16:00:00.000Z' };
  if (c === 'payments') return { amount: 100, currency: 'GBP', date: '2026-03-01' };
  return {};
}

const CHANGE: Record<CollectionName, (d: Doc) => Doc> = {
  students: (d) => ({ ...d, notes: 'changed' }),
  families: (d) => ({ ...d, notes: 'changed' }),
  staff: (d) => ({ ...d, phone: '0123 456789' }),
  settings: (d) => ({ ...d, phone: '0123 456789' }),
  lessons: (d) => ({ ...d, room: 'B2' }),
  occurrences: (d) => ({ ...d, room: 'B2' }),
  notes: (d) => ({ ...d, body: 'changed' }),
  invoices: (d) => ({ ...d, notes: 'changed' }),
  // An edit as the app makes it: the replaced values go to the history (PAYMENT_RULES).
  payments: (d) => ({
    ...d,
    amount: 999999,
    revisions: [
      {
        ...Object.fromEntries(['amount', 'date', 'method', 'reference', 'allocations', 'notes'].map((k) => [k, d[k]])),
        revisedAt: '2026-03-03T10:00:00.000Z',
        revisedBy: 'staff-admin',
        deviceId: 'http-test',
        reason: 'typo',
      },
    ],
  }),
  billingclaims: (d) => ({ ...d, familyId: 'fam-2' }),
  closures: (d) => ({ ...d, label: 'changed' }),
  messages: (d) => ({ ...d, state: 'cancelled' }),
};

let seq = 0;
function couchDoc(c: CollectionName, values: Doc): Doc {
  const id = `${c}-t${++seq}`;
  const { id: _id, ...rest } = makeDoc(c, id, values as never, ctx) as unknown as Doc;
  return { ...rest, _id };
}

const path = (c: CollectionName, id: string) => `/${practiceDbName(PRACTICE, c)}/${encodeURIComponent(id)}`;

async function stored(c: CollectionName, values: Doc): Promise<Doc> {
  const doc = couchDoc(c, values);
  expect((await server.admin('PUT', path(c, String(doc._id)), doc)).status).toBe(201);
  return (await server.admin('GET', path(c, String(doc._id)))).json as Doc;
}

/** Runs one action as `role` on a document of `c` with `values`; returns the HTTP status. */
async function attempt(role: PracticeRole, c: CollectionName, action: Action, values: Doc): Promise<{ status: number; doc: Doc }> {
  const actor = ACTORS[role];
  if (action === 'create') {
    const doc = couchDoc(c, values);
    return { status: (await server.as(actor, 'PUT', path(c, String(doc._id)), doc)).status, doc };
  }
  const doc = await stored(c, values);
  if (action === 'change') return { status: (await server.as(actor, 'PUT', path(c, String(doc._id)), CHANGE[c](doc))).status, doc };
  return { status: (await server.as(actor, 'DELETE', `${path(c, String(doc._id))}?rev=${String(doc._rev)}`)).status, doc };
}

const expected = (allowed: boolean, action: Action) => (allowed ? (action === 'delete' ? 200 : 201) : 403);

describe(`${target.title} the permission table over HTTP`, () => {
  for (const c of COLLECTION_NAMES) {
    it(`${c}: admin and tutor × create / change / delete`, async () => {
      const rows: string[] = [];
      for (const role of ['admin', 'tutor'] as const) {
        const me = ACTORS[role].staffId;
        // `own` grants: the actor's own document and another tutor's (bob's)
        const owners = PERMISSIONS[c][role].create === 'own' || PERMISSIONS[c][role].change === 'own' ? [me, USERS.bob.staffId] : [me];
        for (const owner of owners) {
          for (const action of ACTIONS) {
            const { status, doc } = await attempt(role, c, action, ownerValues(c, owner));
            const want = expected(decide(role, c, action, { doc, staffId: me }).allowed, action);
            rows.push(`${role} ${action} ${owner === me ? 'own' : "other's"}: ${status}`);
            expect(status, `${c}: ${role} ${action} (${owner === me ? 'own' : "another tutor's"} document)`).toBe(want);
          }
        }
      }
      expect(rows.length).toBeGreaterThanOrEqual(6);
    });
  }

  it('payments: never deleted, corrections by admins only, history kept, absurd amounts refused', async () => {
    const values = { familyId: 'fam-1', amount: 4500, currency: 'GBP', method: 'cash', date: '2026-03-02' };
    const reason = async (r: { status: number; json: unknown }) => [r.status, String((r.json as { reason?: string }).reason ?? '')];
    const p = await stored('payments', values);
    const url = path('payments', String(p._id));
    for (const role of ['admin', 'tutor'] as const) {
      expect(await reason(await server.as(ACTORS[role], 'DELETE', `${url}?rev=${String(p._rev)}`))).toEqual([
        403,
        'A payment is never deleted: reverse it with a reason instead.',
      ]);
    }
    // An edit that hides what it replaced, and one that rewrites the history.
    expect(await reason(await server.as(ACTORS.admin, 'PUT', url, { ...p, amount: 1 }))).toEqual([
      403,
      'An edited payment keeps the values it replaces in its history.',
    ]);
    const edited = await server.as(ACTORS.admin, 'PUT', url, CHANGE.payments(p));
    expect(edited.status).toBe(201);
    const now = (await server.admin('GET', url)).json as Doc;
    expect(await reason(await server.as(ACTORS.admin, 'PUT', url, { ...now, amount: 2, revisions: [] }))).toEqual([
      403,
      "A payment's history of edits cannot be rewritten.",
    ]);
    // A reversal: stored under reversal:<id>, with a reason, by an admin.
    const reversal = { ...values, _id: `reversal:${String(p._id)}`, kind: 'reversal', reverses: String(p._id), reason: 'Cheque bounced' };
    const rev = couchDoc('payments', reversal);
    rev._id = reversal._id;
    const revUrl = path('payments', String(rev._id));
    expect(await reason(await server.as(ACTORS.tutor, 'PUT', revUrl, rev))).toEqual([
      403,
      'Only a practice admin may record refunds and reversals.',
    ]);
    expect((await server.as(ACTORS.admin, 'PUT', revUrl, rev)).status).toBe(201);
    // The issue-15 payment of 99,999,999,999 (in pounds) is beyond the hard limit, for anyone.
    const absurd = couchDoc('payments', { ...values, amount: 9_999_999_999_900 });
    const refused = await server.as(ACTORS.admin, 'PUT', path('payments', String(absurd._id)), absurd);
    expect(refused.status).toBe(403);
    expect(String((refused.json as { reason?: string }).reason)).toMatch(/amount is more than 1000000000000/);
  });

  it('invoices: issued ones are immutable for everyone; voiding and credit notes for admins', async () => {
    const issued = { familyId: 'fam-1', status: 'issued', number: 'INV-7', currency: 'GBP', total: 100 };
    for (const role of ['admin', 'tutor'] as const) {
      for (const action of ['change', 'delete'] as const) {
        const want = expected(decide(role, 'invoices', action, { doc: issued }).allowed, action);
        expect(want).toBe(403);
        expect((await attempt(role, 'invoices', action, issued)).status, `${role} ${action} issued`).toBe(want);
      }
      // void: issued → void naming the credit note
      const inv = await stored('invoices', issued);
      const voided = await server.as(ACTORS[role], 'PUT', path('invoices', String(inv._id)), { ...inv, status: 'void', voidedBy: 'cn-1' });
      expect(voided.status, `${role} void`).toBe(decide(role, 'invoices', 'void', { doc: inv }).allowed ? 201 : 403);
      // issue a draft
      const draft = await stored('invoices', { ...issued, status: 'draft', number: '' });
      const issuing = await server.as(ACTORS[role], 'PUT', path('invoices', String(draft._id)), {
        ...draft,
        status: 'issued',
        number: `INV-${role}`,
      });
      expect(issuing.status, `${role} issue`).toBe(decide(role, 'invoices', 'issue', { doc: draft }).allowed ? 201 : 403);
      // credit notes
      const credit = {
        kind: 'credit_note',
        familyId: 'fam-1',
        status: 'issued',
        number: 'CN-1',
        currency: 'GBP',
        creditNoteFor: String(inv._id),
        total: -100,
      };
      expect((await attempt(role, 'invoices', 'create', credit)).status, `${role} credit note`).toBe(
        decide(role, 'invoices', 'create', { doc: credit }).allowed ? 201 : 403,
      );
    }
  });
});

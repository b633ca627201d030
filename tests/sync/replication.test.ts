/**
 * Integration: the app's data layer (createTutorDatabase + startSync) on simulated laptops, each
 * in its own process, against a real PouchDB Server started here.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_NAMES, type CollectionName } from '../../src-shared/model/schemas';
import { spawnLaptop, type Laptop } from './helpers/client';
import { startTestServer, target, type TestServer } from './helpers/server';
import { valuesFor } from './helpers/fixtures';
import { stampChange } from '../../src-shared/model/meta';
import type { Payment, Student } from '../../src-shared/model/types';
import { editPayment } from '../../src-shared/billing/corrections';
import { practiceDbName } from '../../src-shared/sync/names';

let server: TestServer;
let PRACTICE: string;
let USERS: TestServer['users'];
const laptops: Laptop[] = [];

beforeAll(async () => {
  server = await startTestServer();
  ({ practice: PRACTICE, users: USERS } = server);
}, 120_000);

afterAll(async () => {
  await server?.cleanup();
});

afterEach(async () => {
  for (const l of laptops) {
    l.assertNoUnhandled();
  }
  await Promise.all(laptops.splice(0).map((l) => l.kill()));
});

async function laptop(
  name: string,
  user: { username: string; password: string; staffId: string },
  collections?: readonly CollectionName[],
): Promise<Laptop> {
  const l = await spawnLaptop(name);
  laptops.push(l);
  await l.open(collections);
  await l.setActor(user.staffId, `dev-${name}`);
  return l;
}

const connect = (l: Laptop, user: { username: string; password: string }, extra: Record<string, unknown> = {}) =>
  l.startSync({ serverUrl: server.url, practice: PRACTICE, username: user.username, password: user.password, ...extra });

const sampleFor = (c: CollectionName, i: number, staffId: string): Record<string, unknown> => {
  const v = valuesFor(c) as Record<string, unknown>;
  if ('tutorId' in v) v.tutorId = staffId;
  if ('authorId' in v) v.authorId = staffId;
  if ('durationMinutes' in v && c === 'lessons') v.durationMinutes = 30 + i;
  if (c === 'students') Object.assign(v, { firstName: `First ${i}`, lastName: `Last ${i}` });
  if (c === 'closures') Object.assign(v, { label: `Closure ${i}`, startDate: '2026-12-24', endDate: '2026-12-26' });
  if ('notes' in v && typeof v.notes === 'string') v.notes = `written as #${i}`;
  return v;
};

async function expectSameAsServer(ls: Laptop[], collections: readonly CollectionName[]) {
  for (const c of collections) {
    const onServer = await server.dump(c);
    for (const l of ls) {
      const local = (await l.dump([c]))[c]!;
      expect(local, `${l.name} / ${c}`).toEqual(onServer);
    }
  }
}

describe(`${target.title} replication with a real server`, () => {
  it('converges every collection between two laptops', async () => {
    const a = await laptop('conv-a', USERS.admin);
    const b = await laptop('conv-b', USERS.admin);
    for (const [i, c] of COLLECTION_NAMES.entries()) {
      await a.write(c, c === 'settings' ? 'practice' : `a-${c}`, sampleFor(c, i, USERS.admin.staffId));
      if (c !== 'settings') await b.write(c, `b-${c}`, sampleFor(c, i + 100, USERS.admin.staffId));
    }
    await connect(a, USERS.admin);
    await connect(b, USERS.admin);
    await a.awaitInSync();
    await b.awaitInSync();
    // b's first pull may have run before a pushed: poll until both hold everything.
    await a.syncNow();
    await b.syncNow();
    for (const c of COLLECTION_NAMES) {
      const expected = c === 'settings' ? 1 : 2;
      expect((await server.dump(c)).length, c).toBe(expected);
    }
    await expectSameAsServer([a, b], COLLECTION_NAMES);
    const status = await a.status();
    expect(status?.state).toBe('up-to-date');
    expect(status?.pending).toBe(0);
    expect(status?.lastSyncedAt).toBeTruthy();
    // design documents never land in a collection
    expect(await a.get('students', '_design/tutordesk')).toBeNull();
  });

  it('offline edits on three laptops, then reconnection: everything arrives, the same record merges field by field', async () => {
    const cols = ['students', 'notes'] as const;
    const [a, b, c] = await Promise.all([
      laptop('off-a', USERS.admin, cols),
      laptop('off-b', USERS.admin, cols),
      laptop('off-c', USERS.admin, cols),
    ]);
    await a.write('students', 'shared', { ...valuesFor('students'), firstName: 'Grace', lastName: 'Hopper', phone: '', email: '' });
    await Promise.all([a, b, c].map((l) => connect(l, USERS.admin, { collections: cols })));
    await a.awaitInSync();
    await Promise.all(
      [b, c].map(async (l) => {
        await l.syncNow();
        expect((await l.get('students', 'shared'))?.firstName).toBe('Grace');
      }),
    );

    await Promise.all([a, b, c].map((l) => l.setOnline(false)));
    for (const l of [a, b, c]) expect((await l.waitForState('offline')).state).toBe('offline');
    await a.write('students', 'shared', { phone: '0111 222' });
    await b.write('students', 'shared', { email: 'grace@example.com' });
    await c.write('students', 'shared', { gradeLevel: 'Year 12' });
    for (const l of [a, b, c]) await l.write('students', `new-${l.name}`, { ...valuesFor('students'), firstName: l.name });
    expect((await a.status())?.pending).toBe(2);

    await Promise.all([a, b, c].map((l) => l.setOnline(true)));
    for (let round = 0; round < 2; round++) for (const l of [a, b, c]) await l.syncNow();

    const merged = await a.get('students', 'shared');
    expect(merged).toMatchObject({
      firstName: 'Grace',
      phone: '0111 222',
      email: 'grace@example.com',
      gradeLevel: 'Year 12',
      _deleted: false,
    });
    await expectSameAsServer([a, b, c], cols);
    expect((await server.dump('students')).filter((d) => String(d.id).startsWith('new-'))).toHaveLength(3);
    for (const l of [a, b, c]) expect((await l.status())?.pending).toBe(0);
  });

  it('a note edited on two laptops keeps both texts', async () => {
    const cols = ['notes'] as const;
    const [a, b] = await Promise.all([laptop('note-a', USERS.admin, cols), laptop('note-b', USERS.admin, cols)]);
    await a.write('notes', 'note-1', { ...valuesFor('notes'), authorId: USERS.admin.staffId, body: 'Started long division.' });
    await Promise.all([a, b].map((l) => connect(l, USERS.admin, { collections: cols })));
    await a.awaitInSync();
    await b.syncNow();
    expect((await b.get('notes', 'note-1'))?.body).toBe('Started long division.');
    await Promise.all([a, b].map((l) => l.setOnline(false)));
    await a.write('notes', 'note-1', { body: 'Long division: 3 of 5 correct.' });
    await new Promise((r) => setTimeout(r, 20));
    await b.write('notes', 'note-1', { body: 'Long division, needs practice with remainders.', homework: 'Sheet 4' });
    await Promise.all([a, b].map((l) => l.setOnline(true)));
    for (let round = 0; round < 2; round++) for (const l of [a, b]) await l.syncNow();
    for (const l of [a, b]) {
      const note = (await l.get('notes', 'note-1'))!;
      expect(note.body).toBe('Long division, needs practice with remainders.');
      expect(note.homework).toBe('Sheet 4');
      expect((note.conflicts as { body: string }[]).map((v) => v.body)).toEqual(['Long division: 3 of 5 correct.']);
    }
    await expectSameAsServer([a, b], cols);
  });

  it('a payment edited on two laptops at once: the later edit is kept, the other is in its history, a person is asked', async () => {
    const cols = ['payments'] as const;
    const [a, b] = await Promise.all([laptop('pay-a', USERS.admin, cols), laptop('pay-b', USERS.admin, cols)]);
    await a.write('payments', 'pay-1', {
      ...valuesFor('payments'),
      familyId: 'fam-1',
      date: '2026-03-02',
      amount: 4500,
      currency: 'GBP',
      method: 'bank_transfer',
      reference: 'REF 1',
      allocations: [],
      notes: '',
    });
    await Promise.all([a, b].map((l) => connect(l, USERS.admin, { collections: cols })));
    await a.awaitInSync();
    await b.syncNow();
    expect((await b.get('payments', 'pay-1'))?.amount).toBe(4500);
    // Both laptops stop syncing (no request can be in flight, unlike a simulated offline flag),
    // so the two edits are truly concurrent.
    await Promise.all([a, b].map((l) => l.stopSync()));
    // As EditPaymentDialog does: editPayment on the stored version, then the changed fields.
    const edit = async (l: Laptop, e: Parameters<typeof editPayment>[1], device: string) => {
      const p = (await l.get('payments', 'pay-1')) as unknown as Payment;
      const next = editPayment(p, e, {
        invoices: [],
        payments: [p],
        ctx: { staffId: USERS.admin.staffId, deviceId: device, now: new Date() },
      });
      const { amount, date, method, reference, allocations, notes, revisions } = next;
      await l.write('payments', 'pay-1', { amount, date, method, reference, allocations, notes, revisions });
    };
    await edit(a, { amount: 450, method: 'cash', reason: 'typed 4500 for 450' }, 'dev-pay-a');
    await new Promise((r) => setTimeout(r, 20));
    await edit(b, { amount: 5400, reference: 'REF 2', reason: 'digits swapped' }, 'dev-pay-b');
    await Promise.all([a, b].map((l) => connect(l, USERS.admin, { collections: cols })));
    for (let round = 0; round < 2; round++) for (const l of [a, b]) await l.syncNow();
    for (const l of [a, b]) {
      const p = (await l.get('payments', 'pay-1')) as unknown as Payment;
      // B's edit is later and kept whole; A's edit is in the history, next to both replaced originals.
      expect(p, l.name).toMatchObject({ amount: 5400, method: 'bank_transfer', reference: 'REF 2' });
      expect((p.revisions ?? []).map((r) => [r.amount, r.method, r.reference]).sort()).toEqual(
        [
          [4500, 'bank_transfer', 'REF 1'],
          [4500, 'bank_transfer', 'REF 1'],
          [450, 'cash', 'REF 1'],
        ].sort(),
      );
    }
    // The laptop whose push met the other edit records the conflict for a person.
    const recorded = [...(await a.conflicts()), ...(await b.conflicts())].filter((c) => c.collection === 'payments');
    expect(recorded.map((c) => [c.kind, c.docId])).toEqual([['payment-edited-twice', 'pay-1']]);
    await expectSameAsServer([a, b], cols);
  });

  it('delete versus edit: a later edit resurrects, an earlier edit loses to the delete', async () => {
    const cols = ['students'] as const;
    const [a, b] = await Promise.all([laptop('del-a', USERS.admin, cols), laptop('del-b', USERS.admin, cols)]);
    for (const id of ['del-1', 'del-2']) await a.write('students', id, { ...valuesFor('students'), firstName: id });
    await Promise.all([a, b].map((l) => connect(l, USERS.admin, { collections: cols })));
    await a.awaitInSync();
    await b.syncNow();
    await Promise.all([a, b].map((l) => l.setOnline(false)));
    const pause = () => new Promise((r) => setTimeout(r, 25));
    // del-1: deleted on a, then edited on b (later) → resurrected with the edit
    await a.remove('students', 'del-1');
    await pause();
    await b.write('students', 'del-1', { phone: '555' });
    // del-2: edited on b, then deleted on a (later) → deleted
    await b.write('students', 'del-2', { phone: '666' });
    await pause();
    await a.remove('students', 'del-2');
    // The deletions reach the server first, so b's push meets them as tombstones there.
    await a.setOnline(true);
    await a.syncNow();
    expect((await server.dump('students')).filter((d) => d._deleted).map((d) => d.id)).toEqual(['del-1', 'del-2']);
    await b.setOnline(true);
    for (let round = 0; round < 2; round++) for (const l of [b, a]) await l.syncNow();
    for (const l of [a, b]) {
      expect(await l.get('students', 'del-1')).toMatchObject({ _deleted: false, phone: '555' });
      expect(await l.get('students', 'del-2')).toMatchObject({ _deleted: true });
    }
    await expectSameAsServer([a, b], cols);
  });

  it('a document the server refuses is quarantined with its reason, the rest keeps flowing, and an edit retries it', async () => {
    const cols = ['lessons', 'students'] as const;
    const alice = await laptop('rej-alice', USERS.alice, cols);
    const lesson = (tutorId: string) => ({
      ...valuesFor('lessons'),
      tutorId,
      start: '2026-03-02T16:00:00.000Z',
      durationMinutes: 60,
      timeZone: 'Europe/London',
    });
    await alice.write('lessons', 'bobs-lesson', lesson(USERS.bob.staffId));
    await alice.write('lessons', 'alices-lesson', lesson(USERS.alice.staffId));
    await connect(alice, USERS.alice, { collections: cols });
    await alice.awaitInSync();
    await alice.write('students', 'after-refusal', { ...valuesFor('students'), firstName: 'Flows' });
    await alice.awaitInSync();
    const q = await alice.quarantine();
    expect(q.map((r) => [r.collection, r.docId, r.error])).toEqual([['lessons', 'bobs-lesson', 'forbidden']]);
    expect(q[0]!.reason).toMatch(/only change their own lessons/);
    expect(q[0]!.doc.tutorId).toBe(USERS.bob.staffId);
    expect((await alice.status())?.quarantined).toBe(1);
    const onServer = (await server.dump('lessons')).map((d) => d.id);
    expect(onServer).toContain('alices-lesson');
    expect(onServer).not.toContain('bobs-lesson');
    expect((await server.dump('students')).map((d) => d.id)).toContain('after-refusal');
    // still kept locally
    expect((await alice.get('lessons', 'bobs-lesson'))?.tutorId).toBe(USERS.bob.staffId);
    // the user fixes it: it is pushed again and leaves the quarantine
    await alice.write('lessons', 'bobs-lesson', { tutorId: USERS.alice.staffId });
    await alice.awaitInSync();
    await alice.syncNow();
    expect(await alice.quarantine()).toEqual([]);
    expect((await server.dump('lessons')).find((d) => d.id === 'bobs-lesson')?.tutorId).toBe(USERS.alice.staffId);
  });

  it('a record from the server that the local schema refuses is listed with its id and reason, and the rest of the pull goes on', async () => {
    const cols = ['students'] as const;
    const db = `/${practiceDbName(PRACTICE, 'students')}`;
    const stamped = (id: string, values: Record<string, unknown>) => {
      const { id: _id, ...rest } = stampChange<Student>(
        undefined,
        { ...valuesFor('students'), ...values, id } as never,
        { staffId: 's', deviceId: 'server', now: new Date('2026-03-01T10:00:00Z') },
        () => id,
      ) as unknown as Record<string, unknown>;
      return rest;
    };
    // Written by the server admin, whom the server's rules let through: one record is not valid here.
    expect((await server.admin('PUT', `${db}/pulled-bad`, { ...stamped('pulled-bad', { firstName: 'Bad' }), gradeLevel: 12 })).status).toBe(
      201,
    );
    for (const id of ['pulled-good-1', 'pulled-good-2'])
      expect((await server.admin('PUT', `${db}/${id}`, stamped(id, { firstName: id }))).status).toBe(201);
    const l = await laptop('pull-invalid', USERS.admin, cols);
    await connect(l, USERS.admin, { collections: cols });
    await l.awaitInSync();
    expect((await l.get('students', 'pulled-good-1'))?.firstName).toBe('pulled-good-1');
    expect((await l.get('students', 'pulled-good-2'))?.firstName).toBe('pulled-good-2');
    expect(await l.get('students', 'pulled-bad')).toBeNull();
    const q = await l.quarantine();
    expect(q.map((r) => [r.collection, r.docId, r.error, r.origin])).toEqual([['students', 'pulled-bad', 'invalid', 'server']]);
    expect(q[0]!.reason).toMatch(/gradeLevel/);
    expect(q[0]!.doc.gradeLevel).toBe(12);
    await expect.poll(async () => (await l.status())?.state, { timeout: 10_000 }).toBe('up-to-date');
    expect((await l.status())?.quarantined).toBe(1);
    // Corrected on the server: it arrives, and leaves the list.
    const current = (await server.admin('GET', `${db}/pulled-bad`)).json as Record<string, unknown>;
    expect((await server.admin('PUT', `${db}/pulled-bad`, { ...current, gradeLevel: 'Year 12' })).status).toBe(201);
    await l.syncNow();
    expect((await l.get('students', 'pulled-bad'))?.gradeLevel).toBe('Year 12');
    await expect.poll(() => l.quarantine(), { timeout: 10_000 }).toEqual([]);
  });
});

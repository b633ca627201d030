/**
 * Issue 15: a merge of two families or two students is finished after sync (docs/data-model.md
 * "Merging duplicates"). A lesson, a note and a payment another laptop wrote offline for the
 * duplicates, before it received the merge, end up pointing at the survivors — on both laptops and
 * on the server — and no laptop pushes a write the server refuses: a tutor's laptop moves its own
 * lessons and notes and leaves the payment (a payment's family is an admin's to change) for an
 * admin's laptop. Two laptops, each the app's data layer in its own process, against a real server
 * started here.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnLaptop, type Laptop } from './helpers/client';
import { startTestServer, target, type TestServer, type TestUser } from './helpers/server';
import { lessonValues, noteValues, studentValues, valuesFor } from './helpers/fixtures';
import type { CollectionName } from '../../src-shared/model/schemas';

let server: TestServer;
const laptops: Laptop[] = [];
const COLLECTIONS = ['families', 'students', 'lessons', 'occurrences', 'notes', 'invoices', 'payments', 'billingclaims'] as const;

beforeAll(async () => {
  server = await startTestServer();
}, 120_000);
afterAll(async () => {
  await server?.cleanup();
});
afterEach(async () => {
  for (const l of laptops) l.assertNoUnhandled();
  await Promise.all(laptops.splice(0).map((l) => l.kill()));
});

async function laptop(name: string, user: TestUser): Promise<Laptop> {
  const l = await spawnLaptop(name);
  laptops.push(l);
  await l.open(COLLECTIONS);
  await l.setActor(user.staffId, `dev-${name}`);
  await l.call('setDevice', { deviceId: `dev-${name}`, staffId: user.staffId });
  await l.startSync({ serverUrl: server.url, practice: server.practice, username: user.username, password: user.password, pollMs: 300 });
  return l;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The references the test follows, as a laptop or the server has them. */
type Refs = { lesson: unknown; note: unknown; payment: unknown };
const refsOf = (get: (c: CollectionName, id: string) => Promise<Record<string, unknown> | null | undefined>, p: string) =>
  Promise.all([get('lessons', `${p}-lesson`), get('notes', `${p}-note`), get('payments', `${p}-payment`)]).then(([l, n, pay]): Refs => ({
    lesson: l?.studentIds,
    note: n?.studentIds,
    payment: pay?.familyId,
  }));
const onLaptop = (l: Laptop, p: string) => refsOf((c, id) => l.get(c, id), p);
const onServer = (p: string) => refsOf(async (c, id) => (await server.dump(c)).find((d) => d.id === id), p);
const same = (a: Refs, b: Refs) => JSON.stringify(a) === JSON.stringify(b);

/** Two families and two students that are the same, made on A and received by B. */
async function duplicates(a: Laptop, b: Laptop, p: string): Promise<void> {
  await a.write('families', `${p}-fam-keep`, valuesFor('families', { name: 'Patel family', kind: 'family' }));
  await a.write('families', `${p}-fam-dup`, valuesFor('families', { name: 'The Patel Family', kind: 'family' }));
  await a.write('students', `${p}-stu-keep`, studentValues({ firstName: 'Aisha', lastName: 'Patel', familyId: `${p}-fam-keep` }));
  await a.write('students', `${p}-stu-dup`, studentValues({ firstName: 'Aïsha', lastName: 'PATEL', familyId: `${p}-fam-dup` }));
  await a.awaitInSync();
  await until('B has the duplicates', async () => (await b.get('students', `${p}-stu-dup`)) !== null);
}

/** What B writes for the duplicates while offline (as tutor `tutorId`). */
async function lateWrites(b: Laptop, p: string, tutorId: string): Promise<void> {
  await b.write('lessons', `${p}-lesson`, lessonValues({ tutorId, studentIds: [`${p}-stu-dup`] }));
  await b.write('notes', `${p}-note`, noteValues({ authorId: tutorId, studentIds: [`${p}-stu-dup`], title: 'Mock exam' }));
  await b.write(
    'payments',
    `${p}-payment`,
    valuesFor('payments', { familyId: `${p}-fam-dup`, date: '2026-03-06', amount: 4500, currency: 'GBP', method: 'cash' }),
  );
}

async function merge(a: Laptop, p: string): Promise<void> {
  await a.call('merge', { kind: 'family', survivorId: `${p}-fam-keep`, duplicateId: `${p}-fam-dup` });
  await a.call('merge', { kind: 'student', survivorId: `${p}-stu-keep`, duplicateId: `${p}-stu-dup` });
}

describe(`${target.title} merges finished after sync`, () => {
  it('a lesson, a note and a payment written offline for the duplicates end at the survivors on both laptops and the server, nothing refused', async () => {
    const p = 'm1';
    const a = await laptop('merge-a', server.users.admin);
    const b = await laptop('merge-b', server.users.alice);
    await duplicates(a, b, p);

    await b.setOnline(false);
    await lateWrites(b, p, server.users.alice.staffId);
    await merge(a, p);
    await a.awaitInSync();
    await b.setOnline(true);

    const want: Refs = { lesson: [`${p}-stu-keep`], note: [`${p}-stu-keep`], payment: `${p}-fam-keep` };
    await until('the server has every reference at the survivors', async () => same(await onServer(p), want), 40_000);
    await until('A has them', async () => same(await onLaptop(a, p), want));
    await until('B has them', async () => same(await onLaptop(b, p), want));
    await a.awaitInSync();
    await b.awaitInSync();
    expect(await onServer(p)).toEqual(want);
    expect(await a.quarantine()).toEqual([]);
    expect(await b.quarantine()).toEqual([]);
    // Both laptops may move the lesson and the note (the same change): no conflict for a person.
    expect(await a.conflicts()).toEqual([]);
    expect(await b.conflicts()).toEqual([]);
    // The duplicates stay, archived as merged.
    expect((await server.dump('students')).find((s) => s.id === `${p}-stu-dup`)).toMatchObject({
      status: 'archived',
      mergedInto: `${p}-stu-keep`,
    });
    expect((await server.dump('families')).find((f) => f.id === `${p}-fam-dup`)).toMatchObject({
      archived: true,
      mergedInto: `${p}-fam-keep`,
    });
  }, 90_000);

  it('a tutor’s laptop moves its own lesson and note but never pushes the payment’s move, which the admin’s laptop makes', async () => {
    const p = 'm2';
    const a = await laptop('merge-a2', server.users.admin);
    const b = await laptop('merge-b2', server.users.alice);
    await duplicates(a, b, p);

    await b.setOnline(false);
    await lateWrites(b, p, server.users.alice.staffId);
    await merge(a, p);
    await a.awaitInSync();
    // The admin's laptop is away: only the tutor's laptop can move anything.
    await a.setOnline(false);
    await b.setOnline(true);

    const byTutor: Refs = { lesson: [`${p}-stu-keep`], note: [`${p}-stu-keep`], payment: `${p}-fam-dup` };
    await until('the tutor moved its lesson and note', async () => same(await onServer(p), byTutor), 40_000);
    await b.syncNow();
    await b.awaitInSync();
    // Nothing refused: the payment's move was never pushed.
    expect(await b.quarantine()).toEqual([]);
    expect((await b.status())?.quarantined).toBe(0);
    expect(await onServer(p)).toEqual(byTutor);
    expect(await onLaptop(b, p)).toEqual(byTutor);

    // The admin's laptop comes back: it moves the payment.
    await a.setOnline(true);
    const want: Refs = { ...byTutor, payment: `${p}-fam-keep` };
    await until('the admin moved the payment', async () => same(await onServer(p), want), 40_000);
    await until('B has it', async () => same(await onLaptop(b, p), want));
    await a.awaitInSync();
    expect(await a.quarantine()).toEqual([]);
    expect(await b.quarantine()).toEqual([]);
  }, 120_000);
});

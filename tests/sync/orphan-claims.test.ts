/**
 * Issue 15: orphan billing claims are released after a completed sync cycle, and only when that is
 * safe (docs/billing.md "Billing claims"). Two laptops, each the app's data layer in its own process,
 * against a real server started here.
 *
 * - Laptop A's own claim whose draft was deleted on laptop B (which left the claim behind) is
 *   released by A after the sync that brings the deletion, and the release reaches the server.
 * - Laptop B's claim whose invoice has not reached A yet is never released by A: it waits, and
 *   once the invoice arrives the claim is simply consistent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnLaptop, type Laptop } from './helpers/client';
import { startTestServer, target, type TestServer } from './helpers/server';
import { invoiceValues } from './helpers/fixtures';
import { claimId as claimIdOf } from '../../src-shared/billing/claims';
import { makeLine } from '../../src-shared/billing/drafts';

let server: TestServer;
const laptops: Laptop[] = [];
const COLLECTIONS = ['invoices', 'billingclaims'] as const;

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

async function laptop(name: string, withDevice: boolean): Promise<Laptop> {
  const l = await spawnLaptop(name);
  laptops.push(l);
  await l.open(COLLECTIONS);
  await l.setActor(server.users.admin.staffId, `dev-${name}`);
  if (withDevice) await l.call('setDevice', { deviceId: `dev-${name}`, staffId: server.users.admin.staffId });
  await l.startSync({
    serverUrl: server.url,
    practice: server.practice,
    username: server.users.admin.username,
    password: server.users.admin.password,
    pollMs: 300,
  });
  return l;
}

const occ = (id: string) => `${id}@2026-02-02T16:00:00.000Z`;
const claim = (id: string, invoiceId: string) => ({ occurrenceId: occ(id), studentId: 'stu-1', invoiceId, familyId: 'fam-1' });
const claimId = (id: string) => claimIdOf(occ(id), 'stu-1');
/** A draft billing the lesson `id` for stu-1. */
const draftBilling = (id: string) =>
  invoiceValues({
    lines: [
      makeLine({
        id: `${id}-line`,
        kind: 'lesson',
        description: 'Maths · 2 Feb',
        unitAmount: 4500,
        occurrenceIds: [occ(id)],
        studentId: 'stu-1',
        serviceDate: '2026-02-02',
        tutorId: 't1',
        subject: 'Maths',
      }),
    ],
  });
const live = async (l: Laptop, c: 'invoices' | 'billingclaims', id: string) => {
  const d = await l.get(c, id);
  return d !== null && d._deleted !== true;
};

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`${target.title} orphan claims after sync`, () => {
  it('releases this laptop’s claim whose invoice was deleted elsewhere, and never another laptop’s claim whose invoice is on its way', async () => {
    const a = await laptop('orph-a', true);
    const b = await laptop('orph-b', false);
    await a.write('invoices', 'draft-1', draftBilling('lesson-1'));
    await a.write('billingclaims', claimId('lesson-1'), claim('lesson-1', 'draft-1'));
    await a.awaitInSync();
    // B is in sync when it has nothing to do, which may be before its live poll brings A's
    // writes: wait for them.
    await until(
      'B has the draft and its claim',
      async () => (await live(b, 'invoices', 'draft-1')) && live(b, 'billingclaims', claimId('lesson-1')),
    );

    // B deletes the draft and leaves its claim (a half-done delete); B's claim for its own
    // invoice arrives before the invoice does.
    await b.remove('invoices', 'draft-1');
    await b.write('billingclaims', claimId('lesson-2'), claim('lesson-2', 'draft-2'));
    await b.awaitInSync();
    await a.syncNow();
    await a.awaitInSync();
    await until('A released its orphan claim', async () => !(await live(a, 'billingclaims', claimId('lesson-1'))));
    // Released on the server too (the deletion was pushed).
    await a.awaitInSync();
    await until('the release reached B', async () => !(await live(b, 'billingclaims', claimId('lesson-1'))));
    // B's claim waits on A: its invoice has not arrived.
    expect(await live(a, 'billingclaims', claimId('lesson-2'))).toBe(true);

    // The invoice arrives: the claim is consistent and stays, after another completed cycle too.
    await b.write('invoices', 'draft-2', draftBilling('lesson-2'));
    await b.awaitInSync();
    await until('A has draft-2', async () => live(a, 'invoices', 'draft-2'));
    await a.syncNow();
    await a.awaitInSync();
    expect(await live(a, 'billingclaims', claimId('lesson-2'))).toBe(true);
  });
});

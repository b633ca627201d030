/**
 * Issue 15: the money records are checked after each completed sync (docs/billing.md "Corrections
 * and refunds", "After sync"). Two laptops, each the app's data layer in its own process, against a
 * real server started here: both refund the same family credit while offline; once both refunds
 * have synced, each laptop lists "refunded beyond its amount" for the payment (over_refunded) in its
 * device-local `money-review` — nothing is repaired without a person.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnLaptop, type Laptop } from './helpers/client';
import { startTestServer, target, type TestServer } from './helpers/server';
import { META_FIELDS } from '../../src-shared/model/meta';
import { refundCredit } from '../../src-shared/billing/corrections';
import { createPayment } from '../../src-shared/billing/payments';
import type { MoneyFinding } from '../../src-shared/billing/corrections';
import type { Payment } from '../../src-shared/model/types';

let server: TestServer;
const laptops: Laptop[] = [];
const COLLECTIONS = ['invoices', 'payments', 'billingclaims'] as const;

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

async function laptop(name: string): Promise<Laptop> {
  const l = await spawnLaptop(name);
  laptops.push(l);
  await l.open(COLLECTIONS);
  await l.setActor(server.users.admin.staffId, `dev-${name}`);
  await l.startSync({
    serverUrl: server.url,
    practice: server.practice,
    username: server.users.admin.username,
    password: server.users.admin.password,
    pollMs: 300,
  });
  return l;
}

/** A document's values without its sync bookkeeping (the laptop stamps its own). */
function values(doc: Payment): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !(META_FIELDS as readonly string[]).includes(k)));
}

async function review(l: Laptop): Promise<MoneyFinding[]> {
  return ((await l.call<{ findings: MoneyFinding[] } | null>('moneyReview'))?.findings ?? []) as MoneyFinding[];
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`${target.title} money records after sync`, () => {
  it('the same family credit refunded on two laptops offline is listed for a person on both after sync', async () => {
    const [a, b] = await Promise.all([laptop('money-a'), laptop('money-b')]);
    const admin = server.users.admin.staffId;
    // £50 paid and left as credit (an overpayment), recorded on A and synced to B.
    const payment = createPayment(
      { familyId: 'fam-1', date: '2026-02-01', amount: 5000, method: 'bank_transfer', reference: 'OVERPAID' },
      'GBP',
      { staffId: admin, deviceId: 'dev-money-a', now: new Date() },
      () => 'pay-1',
    );
    await a.write('payments', 'pay-1', values(payment));
    await a.awaitInSync();
    await until('B has the payment', async () => (await b.get('payments', 'pay-1')) !== null);
    // Both laptops checked after their syncs: nothing to look at yet.
    await Promise.all([a, b].map((l) => l.syncNow()));
    expect(await review(a)).toEqual([]);
    expect(await review(b)).toEqual([]);

    // Offline, each refunds the whole credit (each sees £50 of credit).
    await Promise.all([a, b].map((l) => l.setOnline(false)));
    for (const [l, id] of [
      [a, 'refund-a'],
      [b, 'refund-b'],
    ] as const) {
      const stored = (await l.get('payments', 'pay-1')) as unknown as Payment;
      const refund = refundCredit(
        { familyId: 'fam-1', amount: 5000, date: '2026-02-03', method: 'bank_transfer', reference: '', reason: 'Overpaid' },
        { payments: [stored], currency: 'GBP', ctx: { staffId: admin, deviceId: `dev-${l.name}`, now: new Date() }, newId: () => id },
      );
      await l.write('payments', id, values(refund));
    }
    await Promise.all([a, b].map((l) => l.setOnline(true)));
    for (let round = 0; round < 2; round++) for (const l of [a, b]) await l.syncNow();
    await until('both laptops have both refunds', async () => {
      for (const l of [a, b]) for (const id of ['refund-a', 'refund-b']) if ((await l.get('payments', id)) === null) return false;
      return true;
    });
    for (const l of [a, b]) await l.syncNow();

    for (const l of [a, b]) {
      await until(`${l.name} lists the double refund`, async () => (await review(l)).length > 0);
      expect(await review(l), l.name).toEqual([
        {
          code: 'over_refunded',
          recordIds: ['pay-1'],
          familyId: 'fam-1',
          message:
            'The payment of 1 Feb 2026 was allocated and refunded beyond its amount by £50.00: probably refunded on two laptops while offline.',
        },
      ]);
    }
    // Nothing was repaired: both refunds are still there.
    for (const id of ['refund-a', 'refund-b']) expect((await a.get('payments', id))?._deleted).toBe(false);
  });
});

/**
 * The money-records check of the data layer (src-renderer/src/data/money-check.ts) on a real RxDB
 * database: `checkMoneyRecords`' findings are stored in the device-local document `money-review`,
 * written in the practice locale (amounts and dates), and checked again while the list is shown,
 * so a finding a person put right goes away. Issue 15: "credit refunded twice" after sync.
 */
import { firstValueFrom, filter } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { checkMoneyRecordsOf, keepMoneyReviewFresh, MONEY_REVIEW_DOC, watchMoneyReview } from '../../../src-renderer/src/data/money-check';
import { refundCredit, reverseRecord } from '../../../src-shared/billing/corrections';
import { createPayment } from '../../../src-shared/billing/payments';
import { practiceFormat } from '../../../src-shared/locale/practice-locale';
import type { Payment, PracticeSettings } from '../../../src-shared/model/types';
import { ctxAt, makeSettings } from '../billing/fixtures';

let db: TutorDatabase | undefined;
let seq = 0;
afterEach(async () => {
  await db?.remove();
  db = undefined;
});

async function open(settings: PracticeSettings | null): Promise<TutorDatabase> {
  db = await createTutorDatabase({
    name: `money-check-${++seq}`,
    storage: getRxStorageMemory(),
    validate: 'ajv',
    collections: ['payments', 'invoices', 'settings'],
  });
  if (settings) await db.settings.insert(settings);
  return db;
}

/** £50 paid on 1 Feb 2026 and never allocated, refunded in full on two laptops while offline. */
function refundedTwice(currency: string): { payment: Payment; a: Payment; b: Payment } {
  const payment = createPayment(
    { familyId: 'fam-1', date: '2026-02-01', amount: 5000, method: 'bank_transfer', reference: 'OVERPAID' },
    currency,
    ctxAt('2026-02-01T09:00:00Z'),
    () => 'pay-1',
  );
  const refund = (id: string, deviceId: string) =>
    refundCredit(
      { familyId: 'fam-1', amount: 5000, date: '2026-02-03', method: 'bank_transfer', reference: '', reason: 'Overpaid' },
      { payments: [payment], currency, ctx: ctxAt('2026-02-03T09:00:00Z', deviceId), newId: () => id },
    );
  return { payment, a: refund('refund-a', 'dev-a'), b: refund('refund-b', 'dev-b') };
}

const stored = async (d: TutorDatabase) =>
  ((await d.getLocal(MONEY_REVIEW_DOC))?.toJSON().data ?? null) as {
    findings: { code: string; message: string; familyId: string; recordIds: string[] }[];
    locale: string;
  } | null;

describe('checkMoneyRecordsOf', () => {
  it('stores credit refunded on two laptops as a finding, with the amount and date in the practice locale', async () => {
    const d = await open(makeSettings());
    const { payment, a, b } = refundedTwice('GBP');
    await d.payments.bulkInsert([payment, a, b]);
    const findings = await checkMoneyRecordsOf(d);
    expect(findings).toEqual([
      {
        code: 'over_refunded',
        recordIds: ['pay-1'],
        familyId: 'fam-1',
        message:
          'The payment of 1 Feb 2026 was allocated and refunded beyond its amount by £50.00: probably refunded on two laptops while offline.',
      },
    ]);
    expect(await stored(d)).toEqual({ findings, locale: 'en-GB' });
    const watched = await firstValueFrom(watchMoneyReview(d));
    expect(watched).toEqual({ findings, locale: 'en-GB' });
  });

  it('writes a German practice’s messages the German way', async () => {
    const d = await open(makeSettings({ locale: 'de-DE', currency: 'EUR', timeZone: 'Europe/Berlin' }));
    const { payment, a, b } = refundedTwice('EUR');
    await d.payments.bulkInsert([payment, a, b]);
    const [finding] = await checkMoneyRecordsOf(d);
    const f = practiceFormat('de-DE', 'Europe/Berlin', 'EUR');
    expect(finding!.message).toBe(
      `The payment of ${f.date('2026-02-01')} was allocated and refunded beyond its amount by ${f.money(5000)}: probably refunded on two laptops while offline.`,
    );
    expect(finding!.message).toContain('50,00');
    expect(finding!.message).not.toContain('2026-02-01');
    expect((await stored(d))!.locale).toBe('de-DE');
  });

  it('consistent records: no finding, and an earlier list is emptied', async () => {
    const d = await open(makeSettings());
    const { payment, a } = refundedTwice('GBP');
    await d.payments.bulkInsert([payment, a]);
    await d.upsertLocal(MONEY_REVIEW_DOC, {
      findings: [{ code: 'over_refunded', recordIds: ['pay-1'], familyId: 'fam-1', message: 'old' }],
      locale: 'en-GB',
    });
    expect(await checkMoneyRecordsOf(d)).toEqual([]);
    expect(await stored(d)).toEqual({ findings: [], locale: 'en-GB' });
  });

  it('while the list is shown, reversing the extra refund removes the finding; a list in another locale is written again', async () => {
    const d = await open(makeSettings());
    const { payment, a, b } = refundedTwice('GBP');
    await d.payments.bulkInsert([payment, a, b]);
    await checkMoneyRecordsOf(d);
    const us = practiceFormat('en-US', 'Europe/London', 'GBP');
    const fresh = keepMoneyReviewFresh(d, { locale: us.locale, date: (x) => us.date(x) });
    try {
      // The practice's locale now differs from the stored list's: written again in it.
      const american = await firstValueFrom(watchMoneyReview(d).pipe(filter((r) => r.locale === 'en-US')));
      expect(american.findings[0]!.message).toContain('Feb 1, 2026');
      const reversal = reverseRecord(b, {
        payments: [payment, a, b],
        reason: 'Refunded twice',
        date: '2026-02-04',
        ctx: ctxAt('2026-02-04T09:00:00Z'),
      });
      await d.payments.insert(reversal);
      const after = await firstValueFrom(watchMoneyReview(d).pipe(filter((r) => r.findings.length === 0)));
      expect(after).toEqual({ findings: [], locale: 'en-US' });
    } finally {
      fresh.unsubscribe();
    }
  });

  it('a list corrected while it was not on screen is checked again when it appears', async () => {
    const d = await open(makeSettings());
    const { payment, a, b } = refundedTwice('GBP');
    await d.payments.bulkInsert([payment, a, b]);
    await checkMoneyRecordsOf(d);
    // The extra refund is reversed on the ledger screen; nothing re-checks there.
    await d.payments.insert(
      reverseRecord(b, { payments: [payment, a, b], reason: 'Twice', date: '2026-02-04', ctx: ctxAt('2026-02-04T09:00:00Z') }),
    );
    expect((await stored(d))!.findings).toHaveLength(1);
    const gb = practiceFormat('en-GB', 'Europe/London', 'GBP');
    const fresh = keepMoneyReviewFresh(d, { locale: gb.locale, date: (x) => gb.date(x) });
    try {
      expect(await firstValueFrom(watchMoneyReview(d).pipe(filter((r) => r.findings.length === 0)))).toEqual({
        findings: [],
        locale: 'en-GB',
      });
    } finally {
      fresh.unsubscribe();
    }
  });

  it('without payments or invoices in the database, does nothing', async () => {
    db = await createTutorDatabase({
      name: `money-check-${++seq}`,
      storage: getRxStorageMemory(),
      validate: false,
      collections: ['students'],
    });
    expect(await checkMoneyRecordsOf(db)).toEqual([]);
    expect(await stored(db)).toBeNull();
  });
});

import { expect, test } from '@playwright/test';
import { loadSample, openApp, pageErrors } from './helpers';

/**
 * Issue 15: what the integrity checks cannot put right alone is shown to a person on the Invoices
 * screen — another laptop's billing claim whose invoice never arrived (the orphan-claim check after
 * a sync), and an operation that stopped half-way while another laptop changed one of its records
 * (intent recovery). Releasing the claim removes it from the list and from the database. Light and
 * dark screenshots.
 */
for (const colorScheme of ['light', 'dark'] as const) {
  test(`invoices: records that need a person are listed and can be resolved (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await openApp(page);
    await loadSample(page);
    await page.evaluate(() => window.__tutordeskTest!.billing.integrityReview());
    const claims = () => page.evaluate(() => window.__tutordeskTest!.count('billingclaims'));
    const claimsBefore = await claims();
    await page.getByRole('link', { name: 'Invoices' }).click();
    const review = page.getByRole('region', { name: 'Needs your attention' });
    await expect(review).toBeVisible();
    await expect(review).toContainText('2 billing records could not be put right automatically.');
    await expect(review.getByRole('listitem')).toHaveCount(2);
    await expect(review.getByRole('listitem').first()).toContainText(
      /“Applying family credit” stopped half-way on this computer, and the payment of £[\d,.]+ on \d+ \w+ 20\d\d \(.+ family\) was changed on another computer since, so it was neither completed nor undone\./,
    );
    await expect(review.getByRole('listitem').nth(1)).toContainText(
      /Another computer marked \S+ \S+’s lesson of \d+ \w+ 20\d\d as billed, but the invoice it named never arrived\. Until the claim is released, the lesson cannot be billed again\./,
    );
    await page.screenshot({ path: `screenshots/integrity-review-${colorScheme}.png` });

    await review.getByRole('button', { name: /^Release the claim on \S+ \S+’s lesson of / }).click();
    await expect(review.getByRole('listitem')).toHaveCount(1);
    await expect.poll(claims).toBe(claimsBefore - 1);
    await review.getByRole('button', { name: 'Keep the records as they are now: Applying family credit' }).click();
    await expect(review).toBeHidden();
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

/**
 * Issue 15: the money records are checked after sync (`checkMoneyRecords`), and what disagrees is
 * listed under its own heading with the family, the amounts and dates in the practice locale, and
 * a button to the family's ledger; reversing the extra refund there clears it.
 */
test('invoices: credit refunded on two laptops is listed, opens the family’s ledger, and goes once put right', async ({ browser }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await openApp(page);
  await loadSample(page);
  const { familyName, paymentDate } = await page.evaluate(() => window.__tutordeskTest!.billing.refundedTwice());
  // The sample practice writes dates the British way: "5 Dec 2026".
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${paymentDate}T00:00:00Z`),
  );
  await page.getByRole('link', { name: 'Invoices' }).click();
  const review = page.getByRole('region', { name: 'Needs your attention' });
  await expect(review).toContainText('1 billing record could not be put right automatically.');
  const money = review.getByRole('region', { name: 'Money records that disagree after sync' });
  await expect(money.getByRole('heading', { name: 'Money records that disagree after sync', level: 2 })).toBeVisible();
  await expect(money.getByRole('listitem')).toHaveCount(1);
  await expect(money.getByRole('listitem')).toContainText(
    `${familyName}: The payment of ${day} was allocated and refunded beyond its amount by £50.00: probably refunded on two laptops while offline.`,
  );
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `screenshots/integrity-review-money-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });

  await money.getByRole('button', { name: `Open the ledger of ${familyName}` }).click();
  await expect(page.getByRole('heading', { name: `${familyName}: account`, level: 1 })).toBeVisible();
  const refunds = page.getByRole('table', { name: 'Ledger' }).getByRole('row').filter({ hasText: 'Refund to the family' });
  await expect(refunds).toHaveCount(2);
  await refunds
    .first()
    .getByRole('button', { name: /^Reverse the refund of £50\.00/ })
    .click();
  const reverse = page.getByRole('dialog', { name: 'Reverse the refund of £50.00' });
  await reverse.getByRole('textbox', { name: 'Reason' }).fill('Refunded twice: only one transfer was made');
  await reverse.getByRole('button', { name: 'Reverse £50.00' }).click();
  await expect(reverse).toBeHidden();

  await page.getByRole('link', { name: 'Invoices' }).click();
  await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Needs your attention' })).toBeHidden();
  expect(pageErrors(page)).toEqual([]);
  await context.close();
});

test('the sample practice’s billing claims are all held by their invoices: the checks release nothing', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  const claims = () => page.evaluate(() => window.__tutordeskTest!.count('billingclaims'));
  const before = await claims();
  expect(before).toBeGreaterThan(0);
  // A restart runs intent recovery and the start-up check; then the check as after a sync.
  await page.reload();
  await page.getByRole('link', { name: 'Invoices' }).click();
  await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible();
  expect(await page.evaluate(() => window.__tutordeskTest!.billing.checkClaims())).toEqual({ released: [], waiting: [], review: [] });
  expect(await claims()).toBe(before);
  await expect(page.getByRole('region', { name: 'Needs your attention' })).toHaveCount(0);
  // Its money records agree too: the start-up check stored an empty list.
  await expect.poll(() => page.evaluate(() => window.__tutordeskTest!.billing.moneyFindings())).toEqual([]);
  expect(pageErrors(page)).toEqual([]);
});

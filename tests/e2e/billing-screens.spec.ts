import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { loadSample, openApp, pageErrors, openSettings } from './helpers';

async function downloadCsv(page: Page, button: ReturnType<Page['getByRole']>): Promise<Record<string, string>[]> {
  const download = page.waitForEvent('download');
  await button.click();
  const text = readFileSync((await (await download).path())!, 'utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  return Papa.parse<Record<string, string>>(text.slice(1), { header: true, skipEmptyLines: true }).data;
}

/**
 * The billing screens with the sample practice (whose sample lessons are billed for the two
 * previous months), in light and dark mode: screenshots under screenshots/ for review, plus
 * checks that each screen shows real data.
 */
for (const colorScheme of ['light', 'dark'] as const) {
  test(`billing screens (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const shot = (name: string, fullPage = false) => page.screenshot({ path: `screenshots/billing-${name}-${colorScheme}.png`, fullPage });
    await openApp(page);
    await loadSample(page);

    await page.getByRole('link', { name: 'Invoices' }).click();
    const table = page.getByRole('table', { name: 'Invoices' });
    await expect(table.getByRole('row').nth(5)).toBeVisible();
    await expect(page.getByRole('group', { name: 'Invoice totals' })).toContainText('Outstanding');
    await shot('invoices');

    // An issued invoice with a payment.
    await page.getByLabel('Filter invoices by status').selectOption('open');
    await table.getByRole('row').nth(1).click();
    await expect(page.getByRole('table', { name: 'Invoice lines' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(/Invoice INV-/);
    await shot('invoice-detail');
    await page.getByRole('button', { name: 'Record payment' }).click();
    await expect(page.getByRole('dialog', { name: 'Record a payment' })).toBeVisible();
    await shot('payment-dialog');
    await page.getByRole('dialog', { name: 'Record a payment' }).getByRole('button', { name: 'Cancel' }).click();

    // A draft.
    await page.getByRole('button', { name: '← All invoices' }).click();
    await page.getByLabel('Filter invoices by status').selectOption('draft');
    await table.getByRole('row').nth(1).click();
    await expect(page.getByRole('button', { name: 'Issue invoice' })).toBeVisible();
    await shot('invoice-draft');

    await page.getByRole('button', { name: '← All invoices' }).click();
    await page.getByRole('button', { name: 'Generate drafts for a month' }).click();
    await shot('generate-dialog');
    // The sample already billed last month: the summary says so, and which families were skipped.
    const gen = page.getByRole('dialog', { name: 'Generate drafts for a month' });
    await gen.getByRole('button', { name: 'Generate drafts' }).click();
    await expect(gen.getByRole('heading', { name: /^Summary for / })).toBeVisible();
    await expect(gen.getByText(/billable lessons of the month were already invoiced/)).toBeVisible();
    await gen.getByText(/nothing to bill/).click();
    await shot('generate-summary');
    await gen.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('link', { name: 'Payments' }).click();
    await expect(page.getByRole('table', { name: 'Payments' }).getByRole('row').nth(2)).toBeVisible();
    await shot('payments');
    await page.getByRole('tab', { name: 'Outstanding' }).click();
    await expect(page.getByRole('table', { name: 'Outstanding by age' })).toBeVisible();
    await shot('outstanding');
    await page.getByRole('table', { name: 'Outstanding by age' }).getByRole('row').nth(1).click();
    await expect(page.getByRole('table', { name: 'Ledger' })).toBeVisible();
    await shot('ledger');

    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('button', { name: 'Last 12 months' }).click();
    await expect(page.getByRole('img', { name: /Bar chart of income by month/ })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Hours and income by tutor' }).getByRole('row').nth(2)).toBeVisible();
    await shot('reports', true);
    const income = await downloadCsv(page, page.getByRole('button', { name: 'Export income by month as CSV' }));
    expect(income).toHaveLength(12);
    expect(Object.keys(income[0]!)).toEqual([
      'Month',
      'Invoiced (net)',
      'Tax',
      'Invoiced (total)',
      'Received',
      'Refunded',
      'Invoices',
      'Credit notes',
      'Currency',
    ]);
    const tutorsCsv = await downloadCsv(page, page.getByRole('button', { name: 'Export tutors report as CSV' }));
    expect(tutorsCsv.length).toBeGreaterThan(1);

    await page.getByRole('link', { name: 'Payroll' }).click();
    await expect(page.getByRole('table', { name: 'Pay by tutor' }).getByRole('row').nth(2)).toBeVisible();
    await shot('payroll', true);
    // Statuses read as words, as on every other screen, not as codes.
    await expect(page.getByText('payable lessons (attended, cancelled by student (late) and no-show)')).toBeVisible();
    // The CSV's amounts add up to the total on screen.
    const payroll = await downloadCsv(page, page.getByRole('button', { name: 'Summary CSV' }));
    const total = (
      await page.getByRole('table', { name: 'Pay by tutor' }).getByRole('row', { name: /Total/ }).getByRole('cell').last().innerText()
    ).replace(/[£,]/g, '');
    expect(payroll.reduce((sum, r) => sum + Math.round(Number(r.Amount) * 100), 0)).toBe(Math.round(Number(total) * 100));

    await openSettings(page, 'Billing');
    await page.getByRole('button', { name: 'Save billing settings' }).scrollIntoViewIfNeeded();
    await shot('settings');

    await page.getByRole('link', { name: 'Students' }).click();
    await page.getByRole('table', { name: 'Students' }).getByRole('row').nth(1).click();
    await page.getByRole('group', { name: 'Billing' }).scrollIntoViewIfNeeded();
    await shot('student-billing');

    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

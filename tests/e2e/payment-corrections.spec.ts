import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { loadSample, openApp, pageErrors } from './helpers';

/**
 * Issue 15: payments are corrected the way accounting software does it, with history kept. A
 * payment is edited while it is the latest word (its earlier values shown as its history); family
 * credit is refunded with a reason (ledger, statement PDF and CSV, Reports, payments CSV), and the
 * refund can be reversed. Screenshots of each dialog and changed screen in light and dark.
 */

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-refund-'));
  try {
    const file = join(dir, 'statement.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** "£1,234.50" → 123450 (the sample practice is in GBP, en-GB). */
function pence(text: string | null): number {
  const m = /(−|-)?£([\d,]+)\.(\d\d)/.exec(text ?? '');
  if (!m) throw new Error(`No amount in ${text}`);
  return (m[1] ? -1 : 1) * (Number(m[2]!.replace(/,/g, '')) * 100 + Number(m[3]));
}

const gbp = (p: number) => `£${(p / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

async function shots(page: Page, name: string) {
  // The toasts of earlier steps would cover the screen: they go after a few seconds.
  await expect(page.getByRole('status').filter({ hasText: /recorded|saved|exported|reversed|issued|changed/ })).toHaveCount(0);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `screenshots/corrections-${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Opens the account of the first family that owes money; returns its id and balance (pence). */
async function openOwingFamily(page: Page): Promise<{ familyId: string; owed: number }> {
  await page.getByRole('link', { name: 'Payments' }).click();
  await page.getByRole('tab', { name: 'Outstanding' }).click();
  await page.getByRole('table', { name: 'Outstanding by age' }).getByRole('row').nth(1).click();
  await expect(page.getByRole('table', { name: 'Ledger' })).toBeVisible();
  const familyId = /family=([^&]+)/.exec(page.url())![1]!;
  return { familyId, owed: pence(await page.getByTestId('ledger-balance').textContent()) };
}

async function recordPayment(page: Page, amount: string, reference: string) {
  await page.getByRole('button', { name: 'Record payment' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record a payment' });
  await dialog.getByRole('textbox', { name: 'Amount' }).fill(amount);
  await dialog.getByRole('textbox', { name: 'Reference' }).fill(reference);
  await dialog.getByRole('button', { name: 'Record payment' }).click();
  await expect(dialog).toBeHidden();
}

test('a payment is edited while it is the latest word, and its history is shown', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  const { owed } = await openOwingFamily(page);
  const ledger = page.getByRole('table', { name: 'Ledger' });
  await recordPayment(page, '45', 'BACS 1');
  await expect(page.getByTestId('ledger-balance')).toHaveText(gbp(Math.abs(owed - 4500)));

  const row = ledger.getByRole('row').filter({ hasText: 'BACS 1' });
  await row.getByRole('button', { name: /^Edit the payment of £45\.00 on / }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit the payment of £45.00' });
  const amount = dialog.getByRole('textbox', { name: 'Amount' });
  await expect(amount).toHaveValue('45.00');
  // The same checks as recording a payment: the hard limit is refused at the field.
  await amount.fill('99,999,999,999');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog.getByText(/The payment is larger than any tutoring practice charges/)).toBeVisible();
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  // Ambiguous input is refused in the practice locale.
  await amount.fill('1,000,50');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog.getByText(/Check the separators/)).toBeVisible();

  await amount.fill('40');
  await dialog.getByRole('textbox', { name: 'Why it is changed' }).fill('Typed 45 for 40');
  await expect(dialog.getByText(/Will pay .*\(£40\.00\)/)).toBeVisible();
  await shots(page, 'edit-dialog');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('ledger-balance')).toHaveText(gbp(Math.abs(owed - 4000)));
  await expect(row).toContainText('£40.00');
  await expect(row.getByText('Edited once')).toBeVisible();

  // A second edit: the reference.
  await row.getByRole('button', { name: /^Edit the payment of £40\.00 on / }).click();
  const again = page.getByRole('dialog', { name: 'Edit the payment of £40.00' });
  await again.getByRole('textbox', { name: 'Reference' }).fill('BACS 2');
  await again.getByRole('button', { name: 'Save changes' }).click();
  await expect(again).toBeHidden();
  const edited = ledger.getByRole('row').filter({ hasText: 'BACS 2' });
  await edited.getByText('Edited 2 times').click();
  const history = edited.getByRole('list', { name: /^Edit history of the payment of / });
  await expect(history.getByRole('listitem')).toHaveCount(2);
  await expect(history.getByRole('listitem').nth(0)).toContainText('Amount: £45.00 → £40.00');
  await expect(history.getByRole('listitem').nth(0)).toContainText('Typed 45 for 40');
  await expect(history.getByRole('listitem').nth(1)).toContainText('Reference: “BACS 1” → “BACS 2”');
  await shots(page, 'ledger-history');

  // Once reversed, it is no longer the latest word: Edit is disabled, with the reason.
  await edited.getByRole('button', { name: /^Reverse the payment of £40\.00/ }).click();
  const reverse = page.getByRole('dialog', { name: 'Reverse the payment of £40.00' });
  await reverse.getByRole('textbox', { name: 'Reason' }).fill('Recorded on the wrong family');
  await reverse.getByRole('button', { name: 'Reverse £40.00' }).click();
  await expect(reverse).toBeHidden();
  await expect(edited.getByRole('button', { name: /^Edit/ })).toHaveCount(0);
  await expect(page.getByTestId('ledger-balance')).toHaveText(gbp(Math.abs(owed)));
  expect(pageErrors(page)).toEqual([]);
});

test('family credit is refunded with a reason: ledger, statement, Reports and CSV; the refund is reversed', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await loadSample(page);
  const { familyId, owed } = await openOwingFamily(page);
  const ledger = page.getByRole('table', { name: 'Ledger' });
  const summary = page.getByRole('group', { name: 'Account summary' });
  await expect(page.getByRole('button', { name: 'Refund credit…' })).toHaveCount(0);

  // Overpay by £100.00: the family is in credit.
  await recordPayment(page, ((owed + 10000) / 100).toFixed(2), 'OVERPAID');
  await expect(summary).toContainText('In credit');
  await expect(page.getByTestId('ledger-balance')).toHaveText('£100.00');

  await page.getByRole('button', { name: 'Refund credit…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Refund credit to / });
  const amount = dialog.getByRole('textbox', { name: 'Amount' });
  await expect(amount).toHaveValue('100.00');
  // More than the credit: refused at the field, with the figure.
  await amount.fill('150');
  await dialog.getByRole('button', { name: 'Record refund' }).click();
  await expect(dialog.getByText("The family's credit is £100.00: a refund cannot be more")).toBeVisible();
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('Say why the money is paid back')).toBeVisible();
  await shots(page, 'refund-dialog-errors');
  await amount.fill('60');
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('Overpaid the autumn term');
  await dialog.getByRole('textbox', { name: 'Reference' }).fill('REFUND-7');
  await shots(page, 'refund-dialog');
  await dialog.getByRole('button', { name: 'Record refund' }).click();
  await expect(dialog).toBeHidden();

  // Ledger: a refund entry (a charge) with its reason; £40.00 of credit is left.
  const refundRow = ledger.getByRole('row').filter({ hasText: 'Refund to the family' });
  await expect(refundRow).toContainText('Overpaid the autumn term');
  await expect(refundRow).toContainText('£60.00');
  await expect(page.getByTestId('ledger-balance')).toHaveText('£40.00');
  await expect(summary).toContainText('In credit');
  // The payment a refund was taken from is no longer the latest word: Edit is disabled, and says why.
  const overpaid = ledger
    .getByRole('row')
    .filter({ hasText: 'OVERPAID' })
    .getByRole('button', { name: /^Edit the payment of/ });
  await expect(overpaid).toBeDisabled();
  // The date in the practice locale (en-GB: "6 Dec 2026"), never ISO.
  await expect(overpaid).toHaveAccessibleDescription(
    /^Part of this payment was refunded on \d{1,2} [A-Z][a-z]{2} \d{4}: reverse the refund first/,
  );
  await shots(page, 'ledger-refund');

  // Statement: CSV (downloaded) and the PDF (the statement HTML printed, read with pdftotext).
  const today = await page.evaluate(() => new Date().toISOString().slice(0, 10));
  const from = `${today.slice(0, 4)}-01-01`;
  const statementDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Statement CSV' }).click();
  const statementCsv = readFileSync((await (await statementDownload).path())!, 'utf8');
  const entries = Papa.parse<Record<string, string>>(statementCsv.slice(1), { header: true, skipEmptyLines: true }).data;
  const refundEntry = entries.find((e) => e.Type === 'Refund');
  expect(refundEntry?.Description).toContain('Overpaid the autumn term');
  expect(refundEntry?.Debit).toBe('60');
  const html = await page.evaluate(([id, f, t]) => window.__tutordeskTest!.billing.statementHtml(id!, f!, t!), [familyId, from, today]);
  const printPage = await browser.newPage();
  await printPage.setContent(html, { waitUntil: 'load' });
  const text = pdfText(await printPage.pdf({ preferCSSPageSize: true, printBackground: true })).replace(/\s+/g, ' ');
  await printPage.close();
  expect(text).toContain('Overpaid the autumn term');
  expect(text).toMatch(/Refunded to you £60\.00/);

  // Payments CSV: the refund is its own row, negative, with its reason.
  await page.getByRole('button', { name: '← Payments' }).click();
  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = readFileSync((await (await csvDownload).path())!, 'utf8');
  const rows = Papa.parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: true }).data;
  const refundCsv = rows.filter((r) => r.Type === 'Refund');
  expect(refundCsv).toHaveLength(1);
  expect(refundCsv[0]).toMatchObject({ Amount: '-60', Reason: 'Overpaid the autumn term', Reference: 'REFUND-7', 'Family ID': familyId });
  expect(refundCsv[0]!['Refunded from']).toContain('OVERPAID');

  // Reports: this month's received, refunded and net received agree.
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.getByRole('button', { name: 'Last 12 months' }).click();
  const income = page.getByRole('table', { name: 'Income by month' });
  const headers = await income.getByRole('columnheader').allTextContents();
  const month = new Date(`${today}T12:00:00Z`).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const cells = await income.getByRole('row').filter({ hasText: month }).getByRole('cell').allTextContents();
  const cell = (h: string) => cells[headers.indexOf(h)] ?? null;
  expect(pence(cell('Refunded'))).toBe(-6000);
  expect(pence(cell('Net received'))).toBe(pence(cell('Received')) - 6000);
  await expect(income.getByRole('row').filter({ hasText: month })).toContainText('-£60.00');
  await income.getByRole('row').filter({ hasText: month }).scrollIntoViewIfNeeded();
  await shots(page, 'reports-refunded');

  // The refund is reversed with the existing Reverse…: the credit comes back.
  await page.getByRole('link', { name: 'Payments' }).click();
  await page.getByRole('searchbox', { name: 'Search payments' }).fill('REFUND-7');
  await page.getByRole('table', { name: 'Payments' }).getByRole('row').filter({ hasText: 'REFUND-7' }).click();
  const row = page.getByRole('table', { name: 'Ledger' }).getByRole('row').filter({ hasText: 'Refund to the family' });
  await row.getByRole('button', { name: /^Reverse the refund of £60\.00/ }).click();
  const reverse = page.getByRole('dialog', { name: 'Reverse the refund of £60.00' });
  await reverse.getByRole('textbox', { name: 'Reason' }).fill('The transfer was returned');
  await reverse.getByRole('button', { name: 'Reverse £60.00' }).click();
  await expect(reverse).toBeHidden();
  await expect(page.getByTestId('ledger-balance')).toHaveText('£100.00');
  await expect(page.getByRole('table', { name: 'Ledger' }).getByRole('row').filter({ hasText: 'Reversal of the refund' })).toContainText(
    'The transfer was returned',
  );
  expect(pageErrors(page)).toEqual([]);
});

test('a partial credit note against chosen lines: the invoice stays issued and owes less, in the app and the PDF', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  await loadSample(page);
  await page.getByRole('link', { name: 'Invoices' }).click();
  // An open invoice nothing has been paid or credited on yet (the sample practice pays some
  // invoices in part, depending on today's date).
  const totals = page.getByRole('table', { name: 'Totals' });
  for (let row = 1; ; row++) {
    await page.getByRole('link', { name: 'Invoices' }).click();
    await page.getByLabel('Filter invoices by status').selectOption('open');
    await page.getByRole('table', { name: 'Invoices' }).getByRole('row').nth(row).click();
    const received = totals.getByRole('row', { name: /Payments received/ });
    await expect(received).toBeVisible();
    const unpaid = pence(await received.textContent()) === 0 && (await totals.getByRole('row', { name: /Credited/ }).count()) === 0;
    if (unpaid) break;
    expect(row, 'an open invoice without payments in the first ten').toBeLessThan(10);
  }
  const heading = (await page.getByRole('heading', { level: 1 }).textContent())!;
  const number = heading.replace(/^Invoice /, '');
  const invoiceId = /id=([^&]+)/.exec(page.url())![1]!;
  const dueBefore = pence(await totals.getByRole('row', { name: /Balance due/ }).textContent());

  await page.getByRole('button', { name: 'Credit note…' }).click();
  const dialog = page.getByRole('dialog', { name: `Credit part of ${number}` });
  await dialog.getByRole('button', { name: 'Issue credit note' }).click();
  await expect(dialog.getByText('Tick at least one line to credit, or credit an amount')).toBeVisible();
  await expect(dialog.getByText('Say why the invoice is credited (it is printed on the credit note)')).toBeVisible();

  // The first line in full, £10.00 of the second.
  const lines = dialog.getByRole('table', { name: 'Lines to credit' });
  const first = lines.getByRole('row').nth(1);
  const firstLeft = pence((await first.getByRole('cell').nth(2).textContent())!);
  await first.getByRole('checkbox').check();
  const second = lines.getByRole('row').nth(2);
  await second.getByRole('checkbox').check();
  await second.getByRole('textbox').fill('10');
  const credit = firstLeft + 1000;
  await expect(dialog.getByText(`Credit note total ${gbp(credit)}. ${number} will owe ${gbp(dueBefore - credit)}.`)).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('Two lessons charged at the wrong rate');
  await shots(page, 'credit-note-dialog');
  await dialog.getByRole('button', { name: `Issue credit note for ${gbp(credit)}` }).click();
  await expect(dialog).toBeHidden();

  // The invoice is still issued (not void) and owes less; the credit note is named.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await expect(page.getByText(/^Void$/)).toHaveCount(0);
  await expect(totals.getByRole('row', { name: /Balance due/ })).toContainText(gbp(dueBefore - credit));
  await expect(totals.getByRole('row', { name: /^Credited \(CN-/ })).toContainText(`-${gbp(credit)}`);
  const notice = page.getByText(/^Credited £[\d,.]+ by credit note CN-/);
  await expect(notice).toContainText('Two lessons charged at the wrong rate');
  await shots(page, 'invoice-credited');

  // The invoice PDF: the credit note lowers the balance due.
  const html = await page.evaluate((id) => window.__tutordeskTest!.billing.invoiceHtml(id), invoiceId);
  const printPage = await browser.newPage();
  await printPage.setContent(html, { waitUntil: 'load' });
  const text = pdfText(await printPage.pdf({ preferCSSPageSize: true, printBackground: true }));
  await printPage.close();
  expect(text).toMatch(new RegExp(`Credited by CN-[0-9A-Z-]+\\s+-${gbp(credit).replace(/[.$]/g, '\\$&')}`));
  expect(text).toMatch(new RegExp(`Balance due\\s+${gbp(dueBefore - credit).replace(/[.$]/g, '\\$&')}`));

  // An amount beyond what is left is refused at the field, with the figure.
  await page.getByRole('button', { name: 'Credit note…' }).click();
  const again = page.getByRole('dialog', { name: `Credit part of ${number}` });
  await again.getByRole('radio', { name: 'An amount spread over the lines' }).check();
  await again.getByRole('textbox', { name: 'Amount to credit' }).fill('99,999');
  await again.getByRole('textbox', { name: 'Reason' }).fill('Goodwill');
  await again.getByRole('button', { name: 'Issue credit note' }).click();
  await expect(again.getByText(/^At most £[\d,.]+ is left to credit on /)).toBeVisible();
  await again.getByRole('button', { name: 'Cancel' }).click();
  await again.getByRole('alertdialog', { name: 'Discard your changes?' }).getByRole('button', { name: 'Discard' }).click();

  // The credit note itself: credits the invoice in part.
  await page.getByRole('button', { name: /^Open CN-/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Credit note CN-/);
  await expect(page.getByText(`Credits invoice ${number} in part: Two lessons charged at the wrong rate.`)).toBeVisible();
  await expect(totals.getByRole('row', { name: /^Total/ })).toContainText(`-${gbp(credit)}`);
  expect(pageErrors(page)).toEqual([]);
});

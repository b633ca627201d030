/**
 * Billing end to end: a month's drafts from attended lessons, editing and issuing one, a partial
 * then a full payment (balance and status change), the ledger, voiding through a credit note
 * (the lessons can be billed again), the PDF (the app's own HTML printed by Chromium's page.pdf
 * and read back with pdftotext) and the accountant CSV (BOM, columns, totals).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { createPractice, openApp, pageErrors, chooseOption, openSettings } from './helpers';

const MONTH = '2026-03';
// A 2×2 red PNG.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

async function addAdultStudent(page: Page, first: string, last: string, rate = '') {
  await page.getByRole('link', { name: 'Students' }).click();
  await page.getByRole('button', { name: 'New student' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New student' });
  await dialog.getByLabel('First name').fill(first);
  await dialog.getByLabel('Last name').fill(last);
  await chooseOption(dialog, 'Who pays', 'The student (an adult paying for themselves)');
  await dialog.getByLabel('Subjects').fill('Maths');
  if (rate) await dialog.getByLabel('Default lesson rate').fill(rate);
  await dialog.getByRole('button', { name: 'Add student' }).click();
  await expect(dialog).toBeHidden();
}

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-pdf-'));
  try {
    const file = join(dir, 'invoice.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a month of billing: drafts, issue, partial and full payment, ledger, void via credit note, PDF and CSV', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  await createPractice(page);
  await addAdultStudent(page, 'Ren', 'Nakamura'); // practice default rate £45
  await addAdultStudent(page, 'Ada', 'Okafor', '30.00');

  // VAT on top, and payment instructions for the invoice.
  await openSettings(page, 'Billing');
  const billing = page.getByRole('form', { name: 'Billing' });
  await billing.getByLabel('Tax', { exact: true }).selectOption('exclusive');
  await billing.getByLabel('Tax rate (%)').fill('20');
  await billing.getByLabel('Tax name').fill('VAT');
  await billing.getByLabel('Payment instructions').fill('Bank transfer, sort code 12-34-56 <quote the invoice number>');
  // A logo: too large is refused with a message; a small PNG is shown and saved.
  await billing
    .getByLabel('Upload logo image')
    .setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(300 * 1024, 1) });
  await expect(billing.getByText(/The logo is 300 KB; use an image of at most 200 KB/)).toBeVisible();
  await billing
    .getByLabel('Upload logo image')
    .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(PNG_BASE64, 'base64') });
  await expect(billing.getByRole('img', { name: 'Current logo' })).toBeVisible();
  await billing.getByRole('button', { name: 'Save billing settings' }).click();
  await expect(page.getByText('Billing settings saved')).toBeVisible();

  // Four weekly lessons each in March: three attended, one cancelled by the tutor (not billable).
  const seeded = await page.evaluate(
    (month) =>
      window.__tutordeskTest!.billing.seedLessons({
        month,
        families: 2,
        statuses: ['attended', 'attended', 'cancelled_tutor', 'attended'],
      }),
    MONTH,
  );
  expect(seeded.families).toEqual(['Ada Okafor', 'Ren Nakamura']);

  // Batch drafts for the month, with progress and a summary.
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('button', { name: 'Generate drafts for a month' }).first().click();
  let gen = page.getByRole('dialog', { name: 'Generate drafts for a month' });
  await gen.getByLabel('Month').fill(MONTH);
  await gen.getByRole('button', { name: 'Generate drafts' }).click();
  await expect(gen.getByRole('heading', { name: 'Summary for March 2026' })).toBeVisible();
  await expect(gen.getByRole('progressbar', { name: 'Generating drafts' })).toHaveAttribute('aria-valuenow', '100');
  // Ren: 3 × £45 + 20 % = £162; Ada: 3 × £30 + 20 % = £108.
  await expect(gen.getByText('Drafts created').locator('..')).toContainText('2');
  await expect(gen.getByText('Lessons billed').locator('..')).toContainText('6');
  await expect(gen.getByText('Total of the drafts').locator('..')).toContainText('£270.00');
  await gen.getByRole('button', { name: 'Show the drafts' }).click();
  const table = page.getByRole('table', { name: 'Invoices' });
  await expect(table.getByRole('row')).toHaveCount(3);

  // Edit Ren's draft: a workbook with a line discount; totals follow the lines.
  await table.getByRole('row', { name: /Ren Nakamura/ }).click();
  await expect(page.getByRole('heading', { name: 'Draft invoice', level: 1 })).toBeVisible();
  const lines = page.getByRole('table', { name: 'Invoice lines' });
  await expect(lines.getByRole('row')).toHaveCount(4);
  await page.getByRole('button', { name: 'Add item' }).click();
  const item = page.getByRole('dialog', { name: 'Add an item' });
  await item.getByLabel('Description').fill('Workbook "Algebra 1"');
  await item.getByLabel('Unit price').fill('12.50');
  await item.getByLabel('Line discount').fill('2.50');
  await item.getByRole('button', { name: 'Add item' }).click();
  await expect(item).toBeHidden();
  const totals = page.getByRole('table', { name: 'Totals' });
  // (135 + 12.50 − 2.50) = 145, VAT 29, total 174.
  await expect(totals.getByRole('row', { name: /Subtotal/ })).toContainText('£145.00');
  await expect(totals.getByRole('row', { name: /VAT 20%/ })).toContainText('£29.00');
  await expect(totals.getByRole('row', { name: /^Total/ })).toContainText('£174.00');

  // Issue: numbered, and no more edits offered.
  await page.getByRole('button', { name: 'Issue invoice' }).click();
  await page.getByRole('dialog', { name: 'Issue this invoice?' }).getByRole('button', { name: 'Issue invoice' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Invoice INV-\d{4}-[0-9A-Z]{3}-0001$/);
  const number = (await page.getByRole('heading', { level: 1 }).innerText()).replace('Invoice ', '');
  await expect(page.getByText('Unpaid', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add item' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Remove line/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Edit line/ })).toHaveCount(0);
  const invoiceId = new URL(page.url()).hash.split('id=')[1]!;

  // A partial payment, then the rest.
  await page.getByRole('button', { name: 'Record payment' }).click();
  let pay = page.getByRole('dialog', { name: 'Record a payment' });
  await expect(pay.getByRole('textbox', { name: 'Amount', exact: true })).toHaveValue('174.00');
  await pay.getByRole('textbox', { name: 'Amount', exact: true }).fill('0');
  await pay.getByRole('button', { name: 'Record payment' }).click();
  await expect(pay.getByText('Enter an amount greater than zero')).toBeVisible();
  await pay.getByRole('textbox', { name: 'Amount', exact: true }).fill('100');
  await pay.getByLabel('Reference').fill('=HYPERLINK("x")');
  await pay.getByRole('button', { name: 'Record payment' }).click();
  await expect(pay).toBeHidden();
  await expect(page.getByText('Partially paid', { exact: true })).toBeVisible();
  await expect(totals.getByRole('row', { name: /Balance due/ })).toContainText('£74.00');
  await page.getByRole('button', { name: 'Record payment' }).click();
  pay = page.getByRole('dialog', { name: 'Record a payment' });
  await expect(pay.getByRole('textbox', { name: 'Amount', exact: true })).toHaveValue('74.00');
  await pay.getByLabel('Method').selectOption('card');
  await pay.getByRole('button', { name: 'Record payment' }).click();
  await expect(pay).toBeHidden();
  await expect(page.getByText('Paid', { exact: true })).toBeVisible();
  await expect(totals.getByRole('row', { name: /Balance due/ })).toContainText('£0.00');
  await expect(page.getByRole('button', { name: 'Record payment' })).toHaveCount(0);

  // PDF: the app's print path, then the same HTML printed to a real PDF and read as text.
  const frame = page.waitForEvent('frameattached');
  await page.getByRole('button', { name: 'Download PDF' }).click();
  await (await frame).waitForLoadState();
  const html = await page.evaluate((id) => window.__tutordeskTest!.billing.invoiceHtml(id), invoiceId);
  expect(html).toContain(`<img src="data:image/png;base64,${PNG_BASE64}"`);
  const printPage = await browser.newPage();
  await printPage.setContent(html, { waitUntil: 'load' });
  const text = pdfText(await printPage.pdf({ preferCSSPageSize: true, printBackground: true }));
  await printPage.close();
  expect(text).toContain(number);
  expect(text).toContain('Maple Tutoring');
  expect(text).toContain('Ren Nakamura');
  expect(text).toContain('Workbook "Algebra 1"');
  expect(text).toMatch(/VAT 20%\s+£29\.00/);
  expect(text).toMatch(/Total\s+£174\.00/);
  expect(text).toMatch(/Payments received\s+-£174\.00/);
  expect(text).toMatch(/Balance due\s+£0\.00/);
  expect(text).toContain('=HYPERLINK("x")');
  expect(text).toMatch(/P\s*A\s*I\s*D/); // the stamp is letter-spaced
  expect(text).toContain('Bank transfer, sort code 12-34-56 <quote the invoice number>');

  // The family ledger: invoice, two payments, settled.
  await page.getByRole('button', { name: 'Ren Nakamura' }).click();
  const ledger = page.getByRole('table', { name: 'Ledger' });
  await expect(ledger.getByRole('row')).toHaveCount(4);
  await expect(ledger.getByRole('row').nth(1)).toContainText('£174.00');
  await expect(ledger.getByRole('row').nth(3)).toContainText('£0.00');
  await expect(page.getByRole('group', { name: 'Account summary' })).toContainText('all settled');
  // Statement for the year as CSV: opening balance, the three entries, closing balance.
  const statementDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Statement CSV' }).click();
  const statement = readFileSync((await (await statementDownload).path())!, 'utf8');
  expect(statement.charCodeAt(0)).toBe(0xfeff);
  const entries = Papa.parse<Record<string, string>>(statement.slice(1), { header: true, skipEmptyLines: true }).data;
  expect(entries.map((e) => [e.Type, e.Debit, e.Credit, e.Balance])).toEqual([
    ['Opening balance', '0', '0', '0'],
    ['Invoice', '174', '0', '174'],
    ['Payment', '0', '100', '74'],
    ['Payment', '0', '74', '0'],
    ['Closing balance', '0', '0', '0'],
  ]);
  expect(entries.find((e) => e.Type === 'Payment' && e.Credit === '100')!.Reference).toBe(`'=HYPERLINK("x")`); // formula neutralised

  // Ada: issue, pay part, then void with a credit note: the payment becomes credit and the
  // lessons can be billed again.
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByLabel('Filter invoices by status').selectOption('draft');
  await page.getByRole('button', { name: 'Issue 1 draft…' }).click();
  await page.getByRole('dialog', { name: 'Issue 1 draft?' }).getByRole('button', { name: 'Issue 1 invoice' }).click();
  await page.getByLabel('Filter invoices by status').selectOption('all');
  await table.getByRole('row', { name: /Ada Okafor/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/-0002$/);
  await page.getByRole('button', { name: 'Record payment' }).click();
  pay = page.getByRole('dialog', { name: 'Record a payment' });
  await pay.getByRole('textbox', { name: 'Amount', exact: true }).fill('50');
  await pay.getByRole('button', { name: 'Record payment' }).click();
  await expect(pay).toBeHidden();
  await page.getByRole('button', { name: 'Void…' }).click();
  const voidDialog = page.getByRole('dialog', { name: /^Void INV-/ });
  await voidDialog.getByRole('button', { name: 'Void and issue credit note' }).click();
  await expect(voidDialog.getByText('Give a reason: it is printed on the credit note')).toBeVisible();
  await voidDialog.getByRole('textbox', { name: 'Reason' }).fill('Wrong rate');
  await voidDialog.getByRole('button', { name: 'Void and issue credit note' }).click();
  await expect(voidDialog).toBeHidden();
  await expect(page.getByText('Void', { exact: true })).toBeVisible();
  await expect(page.getByText(/Voided by credit note CN-\d{4}-[0-9A-Z]{3}-0001/)).toBeVisible();
  await page.getByRole('button', { name: /^Open CN-/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Credit note CN-/);
  await expect(page.getByRole('table', { name: 'Totals' }).getByRole('row', { name: /^Total/ })).toContainText('-£108.00');
  await page.getByRole('button', { name: 'Ada Okafor' }).click();
  await expect(page.getByRole('group', { name: 'Account summary' })).toContainText('£50.00'); // credit
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('button', { name: 'Generate drafts for a month' }).first().click();
  gen = page.getByRole('dialog', { name: 'Generate drafts for a month' });
  await gen.getByLabel('Month').fill(MONTH);
  await gen.getByRole('button', { name: 'Generate drafts' }).click();
  await expect(gen.getByText('Drafts created').locator('..')).toContainText('1');
  await expect(gen.getByText('Total of the drafts').locator('..')).toContainText('£108.00');
  await expect(gen.getByText(/3 billable lessons of the month were already invoiced/)).toBeVisible();
  await gen.getByRole('button', { name: 'Done' }).click();

  // CSV of the invoices issued this month.
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('dialog', { name: 'Export' }).getByLabel('Month issued').fill(new Date().toISOString().slice(0, 7));
  // One PDF per invoice of the month into a folder (the browser build downloads the HTML files).
  const files: string[] = [];
  page.on('download', (d) => files.push(d.suggestedFilename()));
  await page.getByRole('dialog', { name: 'Export' }).getByRole('button', { name: 'PDF of every invoice…' }).click();
  await expect.poll(() => files.length).toBe(3);
  expect(files).toContain(`${number} Ren Nakamura.html`);
  const download = page.waitForEvent('download');
  await page.getByRole('dialog', { name: 'Export' }).getByRole('button', { name: 'Invoices (CSV)' }).click();
  const csv = readFileSync((await (await download).path())!, 'utf8');
  expect(files.at(-1)).toBe(`invoices-${new Date().toISOString().slice(0, 7)}.csv`);
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const parsed = Papa.parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: true });
  expect(parsed.meta.fields).toEqual(
    expect.arrayContaining([
      'Number',
      'Type',
      'Status',
      'Family',
      'Issue date',
      'Net',
      'Tax',
      'Total',
      'Paid',
      'Balance',
      'Credits invoice',
      'Voided by',
    ]),
  );
  const rows = parsed.data;
  expect(rows).toHaveLength(3);
  const ren = rows.find((r) => r.Number === number)!;
  expect([ren.Net, ren.Tax, ren.Total, ren.Paid, ren.Balance, ren.Status]).toEqual(['145', '29', '174', '174', '0', 'Issued']);
  const voided = rows.find((r) => r.Status === 'Void')!;
  const credit = rows.find((r) => r.Type === 'Credit note')!;
  expect(voided.Total).toBe('108');
  expect(credit.Total).toBe('-108');
  expect(credit['Credits invoice']).toBe(voided.Number);
  expect(voided['Voided by']).toBe(credit.Number);
  // Net invoiced = what Ren owes; the void and its credit note cancel out.
  expect(rows.reduce((s, r) => s + Number(r.Total), 0)).toBe(174);
});

test('a lesson billed on two laptops offline is flagged after sync and fixed from the invoices screen', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await addAdultStudent(page, 'Mei', 'Tanaka');
  await page.evaluate((month) => window.__tutordeskTest!.billing.seedLessons({ month, families: 1, weeks: 3 }), MONTH);

  // This laptop: draft for March, issued.
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('button', { name: 'New invoice' }).click();
  const dialog = page.getByRole('dialog', { name: 'New invoice' });
  await chooseOption(dialog, 'Family', 'Mei Tanaka');
  await dialog.getByLabel('From').fill(`${MONTH}-01`);
  await dialog.getByLabel('To').fill(`${MONTH}-31`);
  await dialog.getByRole('button', { name: 'Create draft' }).click();
  await expect(page.getByRole('table', { name: 'Invoice lines' }).getByRole('row')).toHaveCount(4);
  await page.getByRole('button', { name: 'Issue invoice' }).click();
  await page.getByRole('dialog', { name: 'Issue this invoice?' }).getByRole('button', { name: 'Issue invoice' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Invoice INV-/);
  const invoiceId = new URL(page.url()).hash.split('id=')[1]!;

  // The normal path refuses to bill the lessons again.
  await page.getByRole('button', { name: '← All invoices' }).click();
  await page.getByRole('button', { name: 'New invoice' }).click();
  await chooseOption(dialog, 'Family', 'Mei Tanaka');
  await dialog.getByLabel('From').fill(`${MONTH}-01`);
  await dialog.getByLabel('To').fill(`${MONTH}-31`);
  await dialog.getByRole('button', { name: 'Create draft' }).click();
  await expect(dialog.getByText('Nothing new to bill: the 3 billable lessons of this period are already invoiced.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  // The family and dates were chosen: the dialog asks before throwing them away.
  await dialog.getByRole('alertdialog', { name: 'Discard your changes?' }).getByRole('button', { name: 'Discard' }).click();

  // Another laptop billed the same lessons while offline; its draft arrives by sync.
  const otherId = await page.evaluate((id) => window.__tutordeskTest!.billing.duplicateFromOtherLaptop(id), invoiceId);
  await expect(page.getByRole('alert').filter({ hasText: '3 items are billed twice.' })).toBeVisible();
  await page.getByRole('button', { name: 'Review double billing' }).click();
  const review = page.getByRole('dialog', { name: 'Double billing' });
  await expect(review.getByRole('list', { name: 'Double billing findings' }).getByRole('listitem')).toHaveCount(3);
  await review.getByRole('button', { name: 'Fix all 3 in drafts' }).click();
  await expect(page.getByText('3 items fixed')).toBeVisible();
  await review.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(page.getByRole('button', { name: 'Review double billing' })).toHaveCount(0);

  // The issued invoice keeps the lessons; the other laptop's draft lost them.
  await page.goto(`/?testHooks=1#/invoices?id=${otherId}`);
  await expect(page.getByRole('heading', { name: 'Draft invoice', level: 1 })).toBeVisible();
  await expect(page.getByText('No lines yet. Add an item or a credit.')).toBeVisible();
});

test('a prepaid package: set up on the student, sold once, consumed by lessons, balance shown', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await addAdultStudent(page, 'Lia', 'Moreau');
  await page
    .getByRole('table', { name: 'Students' })
    .getByRole('row', { name: /Lia Moreau/ })
    .click();
  let student = page.getByRole('dialog', { name: 'Lia Moreau' });
  const billingGroup = student.getByRole('group', { name: 'Billing' });
  await billingGroup.getByLabel('Billing model').selectOption('package');
  await expect(page.getByText('Billing model saved')).toBeVisible();
  await billingGroup.getByRole('button', { name: 'Add package' }).click();
  const form = billingGroup.getByRole('group', { name: 'New package' });
  await form.getByLabel('Lessons in the package').fill('5');
  await form.getByLabel('Package price').fill('200');
  await form.getByLabel('Bought on').fill(`${MONTH}-01`);
  await form.getByLabel('Package description').fill('5 maths lessons');
  await form.getByRole('button', { name: 'Save package' }).click();
  const packages = billingGroup.getByRole('list', { name: 'Prepaid packages' });
  await expect(packages.getByRole('listitem')).toHaveCount(1);
  await expect(packages).toContainText('5 of 5 lessons left');
  await expect(packages).toContainText('not invoiced yet');
  await student.getByRole('button', { name: 'Cancel' }).click();

  await page.evaluate((month) => window.__tutordeskTest!.billing.seedLessons({ month, families: 1, weeks: 3 }), MONTH);
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('button', { name: 'Generate drafts for a month' }).first().click();
  const gen = page.getByRole('dialog', { name: 'Generate drafts for a month' });
  await gen.getByLabel('Month').fill(MONTH);
  await gen.getByRole('button', { name: 'Generate drafts' }).click();
  await expect(gen.getByText('Total of the drafts').locator('..')).toContainText('£200.00');
  await gen.getByRole('button', { name: 'Show the drafts' }).click();
  await page
    .getByRole('table', { name: 'Invoices' })
    .getByRole('row', { name: /Lia Moreau/ })
    .click();
  const lines = page.getByRole('table', { name: 'Invoice lines' });
  await expect(lines.getByRole('row')).toHaveCount(5);
  await expect(lines.getByRole('row', { name: /5 maths lessons/ })).toContainText('£200.00');
  await expect(lines.getByRole('row', { name: /package, lesson 3 of 5/ })).toContainText('£0.00');

  await page.getByRole('link', { name: 'Students' }).click();
  await page
    .getByRole('table', { name: 'Students' })
    .getByRole('row', { name: /Lia Moreau/ })
    .click();
  student = page.getByRole('dialog', { name: 'Lia Moreau' });
  await expect(student.getByRole('list', { name: 'Prepaid packages' })).toContainText('2 of 5 lessons left');
  await expect(student.getByRole('list', { name: 'Prepaid packages' })).not.toContainText('not invoiced yet');
});

test('a family on a monthly fee: set on the family form, one fee line, lessons included', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await addAdultStudent(page, 'Omar', 'Haddad');
  await page.getByRole('link', { name: 'Families' }).click();
  await page
    .getByRole('table', { name: 'Families' })
    .getByRole('row', { name: /Omar Haddad/ })
    .click();
  const family = page.getByRole('dialog', { name: 'Omar Haddad' });
  const group = family.getByRole('group', { name: 'Billing' });
  await group.getByLabel('Family billing model').selectOption('monthly');
  await expect(page.getByText('Billing model saved')).toBeVisible();
  await group.getByLabel('Monthly fee per student').fill('150');
  await group.getByRole('button', { name: 'Save monthly fee' }).click();
  await expect(page.getByText('Monthly fee saved')).toBeVisible();
  await expect(family.getByRole('button', { name: 'Ledger' })).toBeVisible();
  await family.getByRole('button', { name: 'Cancel' }).click();

  await page.evaluate((month) => window.__tutordeskTest!.billing.seedLessons({ month, families: 1, weeks: 4 }), MONTH);
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('button', { name: 'Generate drafts for a month' }).first().click();
  const gen = page.getByRole('dialog', { name: 'Generate drafts for a month' });
  await gen.getByLabel('Month').fill(MONTH);
  await gen.getByRole('button', { name: 'Generate drafts' }).click();
  await expect(gen.getByText('Total of the drafts').locator('..')).toContainText('£150.00');
  await gen.getByRole('button', { name: 'Show the drafts' }).click();
  await page
    .getByRole('table', { name: 'Invoices' })
    .getByRole('row', { name: /Omar Haddad/ })
    .click();
  const lines = page.getByRole('table', { name: 'Invoice lines' });
  await expect(lines.getByRole('row')).toHaveCount(6);
  await expect(lines.getByRole('row', { name: /Monthly fee, March 2026/ })).toContainText('£150.00');
  await expect(lines.getByRole('row', { name: /included in the monthly fee/ })).toHaveCount(4);
});

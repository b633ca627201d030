/**
 * One locale for the practice (docs/billing.md "One locale for the practice"): a computer whose
 * browser language is en-US sets up a GBP / Europe/London practice; the welcome screen offers
 * English (United Kingdom), and the schedule, the invoices and the PDF write "1 Nov 2026", never
 * "Nov 1, 2026". Choosing German (Germany) in Settings changes dates and money on the screens and
 * in the PDF.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { openApp, pageErrors, chooseOption } from './helpers';

test.use({ locale: 'en-US', timezoneId: 'Europe/London' });

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

const MONTHS_EN = 'January|February|March|April|May|June|July|August|September|October|November|December';
const SHORT_EN = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';
/** "Nov 1, 2026" / "Nov 1" / "November 1, 2026": the US order this test must never see. */
const US_DATE = new RegExp(`\\b(${SHORT_EN}|${MONTHS_EN}) \\d{1,2}(, \\d{4})?\\b`);

async function pdfText(browser: Browser, page: Page, invoiceId: string): Promise<string> {
  const html = await page.evaluate((id) => window.__tutordeskTest!.billing.invoiceHtml(id), invoiceId);
  const printPage = await browser.newPage();
  await printPage.setContent(html, { waitUntil: 'load' });
  const pdf = await printPage.pdf({ preferCSSPageSize: true, printBackground: true });
  await printPage.close();
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-locale-'));
  try {
    const file = join(dir, 'invoice.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an en-US computer on a GBP / London practice writes UK dates everywhere; German (Germany) in Settings changes them', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  expect(await page.evaluate(() => navigator.language)).toBe('en-US');

  // The welcome screen: the locale follows the practice's currency and zone, with a sample.
  await page.getByLabel('Practice name').fill('Maple Tutoring');
  await page.getByLabel('Your name').fill('Jo Brown');
  await page.getByLabel('Currency').fill('GBP');
  await page.getByLabel('Time zone').fill('Europe/London');
  const chooser = page.getByLabel('Language for dates and amounts');
  await expect(chooser).toHaveValue('en-GB');
  await expect(page.getByText('Written as: 3 Nov 2026, 16:00 · £1,234.56')).toBeVisible();
  await page.getByRole('button', { name: 'Create my practice' }).click();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
  expect(await page.evaluate(() => window.__tutordeskTest!.storedLocale())).toBe('en-GB');

  // An adult student, and four attended weekly lessons from Sunday 1 November 2026, 16:00.
  await page.getByRole('button', { name: 'New student' }).first().click();
  const student = page.getByRole('dialog', { name: 'New student' });
  await student.getByLabel('First name').fill('Ren');
  await student.getByLabel('Last name').fill('Nakamura');
  await chooseOption(student, 'Who pays', 'The student (an adult paying for themselves)');
  await student.getByLabel('Subjects').fill('Maths');
  await student.getByRole('button', { name: 'Add student' }).click();
  await expect(student).toBeHidden();
  await page.evaluate(() => window.__tutordeskTest!.billing.seedLessons({ month: '2026-11', families: 1 }));

  // Schedule: days are "Sunday 6 December", not "Sunday, December 6".
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await expect(page.getByRole('heading', { name: 'Schedule', level: 1 })).toBeVisible();
  const ukDay = new RegExp(`^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \\d{1,2} (${MONTHS_EN}),`);
  await expect(page.getByRole('group', { name: ukDay }).first()).toBeVisible();
  await expect(page.getByRole('group', { name: new RegExp(`^\\w+, (${MONTHS_EN}) \\d`) })).toHaveCount(0);

  // Invoices: the lines say "Sun 1 Nov 2026, 16:00"; dates and money are UK style.
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('button', { name: 'Generate drafts for a month' }).first().click();
  const gen = page.getByRole('dialog', { name: 'Generate drafts for a month' });
  await gen.getByLabel('Month').fill('2026-11');
  await gen.getByRole('button', { name: 'Generate drafts' }).click();
  await expect(gen.getByRole('heading', { name: 'Summary for November 2026' })).toBeVisible();
  await gen.getByRole('button', { name: 'Show the drafts' }).click();
  await page
    .getByRole('table', { name: 'Invoices' })
    .getByRole('row', { name: /Ren Nakamura/ })
    .click();
  await expect(page.getByRole('heading', { name: 'Draft invoice', level: 1 })).toBeVisible();
  const lines = page.getByRole('table', { name: 'Invoice lines' });
  await expect(lines).toContainText(/Sun,? 1 Nov 2026,? 16:00/);
  await expect(lines).toContainText('£45.00');
  const main = page.getByRole('main');
  expect(await main.innerText()).not.toMatch(US_DATE);
  const invoiceId = new URL(page.url()).hash.split('id=')[1]!;

  let text = await pdfText(browser, page, invoiceId);
  expect(text).toContain('1 Nov 2026 – 30 Nov 2026'); // the billing period
  expect(text).toMatch(/Sun,? 1 Nov 2026,? 16:00/);
  expect(text).toContain('£180.00');
  expect(text).not.toMatch(US_DATE);

  // Settings: German (Germany), chosen and saved.
  await page.getByRole('link', { name: 'Settings' }).click();
  const practice = page.getByRole('form', { name: 'Practice' });
  await expect(practice.getByLabel('Language for dates and amounts')).toHaveValue('en-GB');
  await practice.getByLabel('Language for dates and amounts').selectOption('de-DE');
  await expect(practice.getByText(/Written as: 3\. Nov\. 2026, 16:00 · 1\.234,56\s£/)).toBeVisible();
  await practice.getByRole('button', { name: 'Save practice settings' }).click();
  await expect(page.getByText('Practice settings saved')).toBeVisible();

  // The same invoice: German dates and amounts (the lines keep the words they were issued with).
  await page.getByRole('link', { name: 'Invoices' }).click();
  const invoices = page.getByRole('table', { name: 'Invoices' });
  await expect(invoices.getByRole('row', { name: /Ren Nakamura/ })).toContainText(/180,00\s£/);
  await invoices.getByRole('row', { name: /Ren Nakamura/ }).click();
  await expect(page.getByRole('table', { name: 'Invoice lines' })).toContainText(/45,00\s£/);
  await expect(page.getByRole('main')).toContainText('Ren Nakamura · Nov. 2026');
  expect(await page.getByRole('main').innerText()).not.toMatch(/£\d/);
  text = await pdfText(browser, page, invoiceId);
  expect(text).toMatch(/180,00\s£/);
  expect(text).toContain('1. Nov. 2026 – 30. Nov. 2026');
  expect(text).not.toContain('£180.00');

  // The schedule in German: "Sonntag, 6. Dezember".
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await expect(
    page
      .getByRole('group', { name: /^(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d{1,2}\. [A-ZÄÖÜ][a-zäöü]+,/ })
      .first(),
  ).toBeVisible();
});

test('Settings points out a locale that does not fit the practice, and changes it only when asked', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Practice name').fill('Maple Tutoring');
  await page.getByLabel('Your name').fill('Jo Brown');
  await page.getByLabel('Currency').fill('GBP');
  await page.getByLabel('Time zone').fill('Europe/London');
  // As older versions did: the browser's language stored as the practice locale.
  await page.getByLabel('Language for dates and amounts').selectOption('en-US');
  await page.getByRole('button', { name: 'Create my practice' }).click();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();

  await page.getByRole('link', { name: 'Settings' }).click();
  const practice = page.getByRole('form', { name: 'Practice' });
  const chooser = practice.getByLabel('Language for dates and amounts');
  await expect(chooser).toHaveValue('en-US');
  const hint = practice.getByRole('status').filter({ hasText: 'this practice is in the United Kingdom' });
  await expect(hint).toContainText('Use English (United Kingdom)?');
  // Nothing changed by itself.
  await expect(chooser).toHaveValue('en-US');
  await hint.getByRole('button', { name: 'Use English (United Kingdom)' }).click();
  await expect(chooser).toHaveValue('en-GB');
  await expect(hint).toBeHidden();
  await practice.getByRole('button', { name: 'Save practice settings' }).click();
  await expect(page.getByText('Practice settings saved')).toBeVisible();

  // '' = follow this computer: an en-US computer on a London practice still writes UK dates.
  await chooser.selectOption('');
  await expect(practice.getByText('Written as: 3 Nov 2026, 16:00 · £1,234.56')).toBeVisible();
  await practice.getByRole('button', { name: 'Save practice settings' }).click();
  await expect(page.getByText('Practice settings saved').first()).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__tutordeskTest!.storedLocale())).toBe('');
  await expect(chooser).toHaveValue('');
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createPractice, openApp, pageErrors, chooseOption } from './helpers';

/**
 * Issue 15: the invoice, its PDF and CSV printed a late cancellation or a no-show exactly like a
 * lesson that took place. Generated lines now say why they are charged, in the app and in the PDF
 * (the app's HTML printed by Chromium, read back with pdftotext).
 */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-reasons-'));
  try {
    const file = join(dir, 'invoice.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('late cancellation and no-show lines say why they are charged, in the app and the PDF', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await createPractice(page);
  await page.getByRole('link', { name: 'Students' }).click();
  await page.getByRole('button', { name: 'New student' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New student' });
  await dialog.getByLabel('First name').fill('Ren');
  await dialog.getByLabel('Last name').fill('Nakamura');
  await chooseOption(dialog, 'Who pays', 'The student (an adult paying for themselves)');
  await dialog.getByLabel('Subjects').fill('Maths');
  await dialog.getByRole('button', { name: 'Add student' }).click();
  await expect(dialog).toBeHidden();

  await page.evaluate(() =>
    window.__tutordeskTest!.billing.seedLessons({
      month: '2026-03',
      families: 1,
      statuses: ['attended', 'cancelled_student_late', 'no_show', 'attended'],
    }),
  );
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('button', { name: 'Generate drafts for a month' }).first().click();
  const gen = page.getByRole('dialog', { name: 'Generate drafts for a month' });
  await gen.getByLabel('Month').fill('2026-03');
  await gen.getByRole('button', { name: 'Generate drafts' }).click();
  await expect(gen.getByText('Lessons billed').locator('..')).toContainText('4');
  await gen.getByRole('button', { name: 'Show the drafts' }).click();
  await page
    .getByRole('table', { name: 'Invoices' })
    .getByRole('row', { name: /Ren Nakamura/ })
    .click();

  const lines = page.getByRole('table', { name: 'Invoice lines' });
  await expect(lines.getByRole('row').filter({ hasText: 'Late cancellation: cancelled with less than 24 hours' })).toHaveCount(1);
  await expect(lines.getByRole('row').filter({ hasText: 'No-show: the lesson was missed without notice' })).toHaveCount(1);

  const invoiceId = new URL(page.url()).hash.split('id=')[1]!;
  const html = await page.evaluate((id) => window.__tutordeskTest!.billing.invoiceHtml(id), invoiceId);
  const printPage = await browser.newPage();
  await printPage.setContent(html, { waitUntil: 'load' });
  const text = pdfText(await printPage.pdf({ preferCSSPageSize: true, printBackground: true })).replace(/\s+/g, ' ');
  await printPage.close();
  expect(text).toContain('Late cancellation: cancelled with less than 24 hours');
  expect(text).toContain('No-show: the lesson was missed without notice');
  expect(pageErrors(page)).toEqual([]);
});

/**
 * Screenshots (light and dark) of the locale chooser on the welcome screen, the Settings locale
 * part with its suggestion, and the import preview marking the rows that match existing students.
 * Saved under screenshots/locale/ (not committed).
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp, pageErrors } from './helpers';

test.use({ locale: 'en-US', timezoneId: 'Europe/London' });

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

async function shoot(page: Page, name: string, target?: ReturnType<Page['locator']>) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    const path = `screenshots/locale/${name}-${scheme}.png`;
    if (target) await target.screenshot({ path });
    else await page.screenshot({ path });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('screenshots of the locale chooser, the Settings suggestion and the import preview', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await page.getByLabel('Practice name').fill('Maple Tutoring');
  await page.getByLabel('Your name').fill('Jo Brown');
  await page.getByLabel('Currency').fill('GBP');
  await page.getByLabel('Time zone').fill('Europe/London');
  await expect(page.getByLabel('Language for dates and amounts')).toHaveValue('en-GB');
  await shoot(page, 'welcome');
  await page.getByLabel('Language for dates and amounts').selectOption('en-US');
  await page.getByRole('button', { name: 'Create my practice' }).click();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();

  await page.getByRole('link', { name: 'Settings' }).click();
  const practice = page.getByRole('form', { name: 'Practice' });
  await expect(practice.getByRole('button', { name: 'Use English (United Kingdom)' })).toBeVisible();
  await practice.getByRole('heading', { name: 'Money, language and time' }).scrollIntoViewIfNeeded();
  await shoot(page, 'settings-suggestion', practice);

  // The import preview: students imported, then the app's own export with a new row and a
  // same-name student of another family added.
  await page.getByRole('link', { name: 'Students' }).click();
  const choose = async (file: string) => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: /Choose (a CSV file|another file)/ }).click();
    await (await chooser).setFiles(file);
  };
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await choose(fileURLToPath(new URL('./fixtures/students-good.csv', import.meta.url)));
  await page.getByRole('button', { name: 'Import 4 students' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const exported = readFileSync((await (await download).path())!, 'utf8').trimEnd();
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-shots-'));
  const file = join(dir, 'students-again.csv');
  const width = exported.split(/\r?\n/)[0]!.split(',').length;
  const row = (first: string, last: string, family: string) =>
    [first, last, 'active', 'Maths', '', '40.00', 'GBP', '', '', 'no', family, '', '', ''].concat(Array(width - 14).fill('')).join(',');
  writeFileSync(file, `${exported}\r\n${row('Sam', 'Okafor', 'Okafor family')}\r\n${row('Ada', 'Lovelace', 'Byron family')}\r\n`);
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await choose(file);
  const dialog = page.getByRole('dialog', { name: 'Import students from CSV' });
  await expect(dialog.getByRole('table', { name: 'Rows that match existing students' })).toBeVisible();
  await dialog.getByRole('table', { name: 'Rows that match existing students' }).evaluate((t) => t.scrollIntoView({ block: 'end' }));
  await shoot(page, 'import-preview');
});

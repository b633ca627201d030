import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { loadSample, openApp, pageErrors } from './helpers';

/**
 * Visits the foundation's screens in light and dark mode with a sample practice and saves a
 * screenshot of each under screenshots/ (looked at by the developers; not compared by CI).
 */
for (const colorScheme of ['light', 'dark'] as const) {
  test(`foundation screens (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 880 } });
    const page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: `screenshots/${name}-${colorScheme}.png` });
    await openApp(page);
    await expect(page.getByRole('heading', { name: 'Welcome to TutorDesk' })).toBeVisible();
    await shot('welcome');
    await loadSample(page);
    await expect(page.getByRole('table', { name: 'Students' }).getByRole('row').nth(5)).toBeVisible();
    await shot('students');
    await page.getByRole('button', { name: 'Columns' }).click();
    await shot('students-columns');
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('button', { name: 'New student' }).first().click();
    await page.getByRole('dialog', { name: 'New student' }).getByRole('button', { name: 'Add student' }).click();
    await shot('student-new-errors');
    await page.getByRole('dialog', { name: 'New student' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose a CSV file…' }).click();
    await (await chooser).setFiles(fileURLToPath(new URL('./fixtures/students-bad.csv', import.meta.url)));
    await expect(page.getByRole('list', { name: 'Import problems' })).toBeVisible();
    await shot('import-errors');
    await page.getByRole('dialog', { name: 'Import students from CSV' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: 'Families' }).click();
    await expect(page.getByRole('table', { name: 'Families' }).getByRole('row').nth(3)).toBeVisible();
    await shot('families');
    await page.getByRole('table', { name: 'Families' }).getByRole('row').nth(2).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await shot('family-edit');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: 'Staff' }).click();
    await expect(page.getByRole('table', { name: 'Staff' })).toBeVisible();
    await shot('staff');
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
    await shot('settings');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

test('archive and restore a family', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  await page.getByRole('link', { name: 'Families' }).click();
  const table = page.getByRole('table', { name: 'Families' });
  const row = table.getByRole('row').nth(1);
  const name = (await row.getByRole('cell').first().innerText()).trim();
  await row.click();
  await page.getByRole('dialog', { name }).getByRole('button', { name: 'Archive' }).click();
  await expect(table.getByRole('row', { name: new RegExp(name) })).toHaveCount(0);
  await page.getByLabel('Filter families by status').selectOption('archived');
  await table.getByRole('row', { name: new RegExp(name) }).click();
  await page.getByRole('dialog', { name }).getByRole('button', { name: 'Restore' }).click();
  await page.getByLabel('Filter families by status').selectOption('current');
  await expect(table.getByRole('row', { name: new RegExp(name) })).toBeVisible();
});

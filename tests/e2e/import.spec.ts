import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { createPractice, openApp, pageErrors, studentsTable } from './helpers';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

async function chooseFile(page: Page, file: string) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: /Choose (a CSV file|another file)/ }).click();
  await (await chooser).setFiles(file);
}

test('a CSV with bad rows shows every problem with its line number and imports nothing', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await page.getByRole('button', { name: 'Import CSV' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import students from CSV' });
  await chooseFile(page, fixture('students-bad.csv'));
  await expect(dialog.getByText('students-bad.csv')).toBeVisible();
  const problems = dialog.getByRole('list', { name: 'Import problems' });
  await expect(problems).toContainText('Line 3, Family e-mail: Enter a valid e-mail address');
  await expect(problems).toContainText('Line 4, First name: Enter the first name');
  await expect(problems).toContainText('Line 5, Status: Unknown status “retired”');
  await expect(problems).toContainText('Line 5, Lesson rate: Use digits only');
  await expect(dialog.getByRole('button', { name: /^Import/ })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await page.evaluate(() => window.__tutordeskTest!.count('students'))).toBe(0);
  expect(await page.evaluate(() => window.__tutordeskTest!.count('families'))).toBe(0);
  await expect(page.getByRole('heading', { name: 'No students yet' })).toBeVisible();
});

test('a good CSV is previewed, mapped and imported with its families', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await page.getByRole('button', { name: 'Import CSV' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import students from CSV' });
  await chooseFile(page, fixture('students-good.csv'));
  await expect(dialog.getByLabel('First name')).toHaveValue('First name');
  await expect(dialog.getByLabel('Family e-mail')).toHaveValue('Family e-mail');
  await expect(dialog.getByRole('table', { name: 'Preview of the first rows' })).toContainText('Lovelace');
  await expect(dialog.getByText('Ready: 4 students, 3 new families.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Import 4 students' }).click();
  await expect(dialog).toBeHidden();
  const table = studentsTable(page);
  await expect(table.getByRole('row', { name: /Ada Lovelace/ })).toContainText('Lovelace family');
  await expect(table.getByRole('row', { name: /Grace Hopper/ })).toContainText('Self (adult)');
  await expect(table.getByRole('row', { name: /Mary "Molly" Jackson/ })).toContainText('£1,000.00');
  expect(await page.evaluate(() => window.__tutordeskTest!.count('students'))).toBe(4);
  expect(await page.evaluate(() => window.__tutordeskTest!.count('families'))).toBe(3);
  await page.getByLabel('Filter by status').selectOption('paused');
  await expect(table.getByRole('row', { name: /Byron Lovelace/ })).toBeVisible();
});

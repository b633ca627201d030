import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPractice, loadSample, openApp, pageErrors, studentsTable } from './helpers';

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

test('re-importing the app’s own students export marks every row and creates no duplicate', async ({ page }) => {
  test.setTimeout(90_000);
  await openApp(page);
  await loadSample(page);
  const before = {
    students: await page.evaluate(() => window.__tutordeskTest!.count('students')),
    families: await page.evaluate(() => window.__tutordeskTest!.count('families')),
  };
  expect(before.students).toBeGreaterThan(8);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const exported = (await (await download).path())!;
  const lines = readFileSync(exported, 'utf8').trim().split(/\r?\n/).length - 1;
  expect(lines).toBe(before.students);

  await page.getByRole('button', { name: 'Import CSV' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import students from CSV' });
  await chooseFile(page, exported);
  // Every row is marked with what it matches, and skipped by default.
  const matches = dialog.getByRole('table', { name: 'Rows that match existing students' });
  await expect(dialog.getByRole('heading', { name: `${before.students} rows match existing students` })).toBeVisible();
  await expect(matches.getByRole('row')).toHaveCount(before.students + 1);
  await expect(matches.getByText('Already a student', { exact: true })).toHaveCount(before.students);
  await expect(matches.getByText('Possible duplicate', { exact: true })).toHaveCount(0);
  await expect(matches.getByRole('row').nth(1)).toContainText(/is already a student/);
  const preview = dialog.getByRole('table', { name: 'Preview of the first rows' });
  await expect(preview.getByText('Already a student', { exact: true })).toHaveCount(8);
  await expect(dialog.getByText('Every row matches a student already in TutorDesk: nothing new to import.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: /^Import/ })).toBeDisabled();

  // A row can be imported anyway, on purpose; untick it again.
  const first = matches.getByRole('checkbox').first();
  await first.check();
  await expect(dialog.getByRole('button', { name: 'Import 1 student' })).toBeEnabled();
  await first.uncheck();
  await expect(dialog.getByRole('button', { name: /^Import/ })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await page.evaluate(() => window.__tutordeskTest!.count('students'))).toBe(before.students);
  expect(await page.evaluate(() => window.__tutordeskTest!.count('families'))).toBe(before.families);
});

test('importing the same file twice imports only the new rows the second time', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  for (const round of [1, 2]) {
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import students from CSV' });
    await chooseFile(page, fixture('students-good.csv'));
    if (round === 1) {
      await dialog.getByRole('button', { name: 'Import 4 students' }).click();
      await expect(dialog).toBeHidden();
      continue;
    }
    await expect(dialog.getByRole('heading', { name: '4 rows match existing students' })).toBeVisible();
    const matches = dialog.getByRole('table', { name: 'Rows that match existing students' });
    await expect(matches.getByRole('row', { name: /Ada Lovelace/ })).toContainText('Already a student');
    await expect(dialog.getByRole('button', { name: /^Import/ })).toBeDisabled();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  }
  expect(await page.evaluate(() => window.__tutordeskTest!.count('students'))).toBe(4);
  expect(await page.evaluate(() => window.__tutordeskTest!.count('families'))).toBe(3);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`a CSV saved by Excel in Windows-1252 or UTF-16 reads its accented names, and the encoding can be changed (${colorScheme})`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await openApp(page);
    await createPractice(page);
    const dir = mkdtempSync(join(tmpdir(), 'tutordesk-csv-'));
    const text = 'First name,Last name,Family name,Family e-mail\r\nZoë,Müller,Müller family,mueller@example.com\r\n';
    const latin1 = join(dir, 'excel-western.csv');
    writeFileSync(latin1, Buffer.from(text, 'latin1'));
    const utf16 = join(dir, 'excel-unicode.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));

    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import students from CSV' });
    await chooseFile(page, latin1);
    const preview = dialog.getByRole('table', { name: 'Preview of the first rows' });
    await expect(dialog.getByText('1 row, 4 columns')).toBeVisible();
    await expect(dialog.getByLabel('Read the file as')).toHaveValue('windows-1252');
    await expect(dialog.getByText('Detected from the file (not valid UTF-8).', { exact: false })).toBeVisible();
    await expect(preview).toContainText('Zoë');
    await expect(preview).toContainText('Müller');
    // Read as UTF-8 instead, the names break and the dialog says so.
    await dialog.getByLabel('Read the file as').selectOption('utf-8');
    await expect(dialog.getByRole('alert').filter({ hasText: 'cannot be read as Unicode (UTF-8)' })).toContainText('3 characters');
    await expect(preview).toContainText('Zo\uFFFD');
    await dialog.getByLabel('Read the file as').selectOption('windows-1252');
    await expect(preview).toContainText('Zoë');
    await page.screenshot({ path: `screenshots/import-encoding-${colorScheme}.png` });

    // UTF-16 with its mark: the headers are found and the import goes through.
    await chooseFile(page, utf16);
    await expect(dialog.getByLabel('Read the file as')).toHaveValue('utf-16le');
    await expect(dialog.getByText('Ready: 1 student, 1 new family.')).toBeVisible();
    await dialog.getByRole('button', { name: 'Import 1 student' }).click();
    await expect(dialog).toBeHidden();
    await expect(studentsTable(page).getByRole('row', { name: /Zoë Müller/ })).toContainText('Müller family');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import Papa from 'papaparse';
import { createPractice, loadSample, openApp, pageErrors, studentsTable, chooseOption } from './helpers';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

test('first run explains what to do and sets up a practice', async ({ page }) => {
  await openApp(page);
  await expect(page.getByRole('heading', { name: 'Welcome to TutorDesk' })).toBeVisible();
  // Bad input gets specific messages, nothing is created.
  await page.getByLabel('Currency').fill('XX');
  await page.getByRole('button', { name: 'Create my practice' }).click();
  await expect(page.getByText('Enter the practice name')).toBeVisible();
  await expect(page.getByText('Enter your name')).toBeVisible();
  await expect(page.getByText('Enter an ISO 4217 currency code, e.g. GBP, EUR or USD')).toBeVisible();
  await createPractice(page);
  await expect(page.getByRole('heading', { name: 'No students yet' })).toBeVisible();
  await expect(page.getByText('Signed in as')).toContainText('Jo Brown');
});

test('create, edit, archive and restore a student and a family; data survives a reload', async ({ page }) => {
  await openApp(page);
  await createPractice(page);

  // A family first.
  await page.getByRole('link', { name: 'Families' }).click();
  await page.getByRole('button', { name: 'New family' }).click();
  const famDialog = page.getByRole('dialog', { name: 'New family' });
  await famDialog.getByLabel('Family name').fill('Nakamura family');
  await famDialog.getByLabel('Parent / guardian').fill('Aiko Nakamura');
  await famDialog.getByRole('textbox', { name: 'E-mail' }).fill('aiko@@example');
  await famDialog.getByRole('button', { name: 'Add family' }).click();
  await expect(famDialog.getByText('Enter a valid e-mail address, e.g. name@example.com')).toBeVisible();
  await famDialog.getByRole('textbox', { name: 'E-mail' }).fill('aiko@example.com');
  await famDialog.getByLabel('City').fill('Leeds');
  await famDialog.getByRole('button', { name: 'Add family' }).click();
  await expect(famDialog).toBeHidden();
  await expect(page.getByRole('table', { name: 'Families' }).getByRole('row', { name: /Nakamura family/ })).toBeVisible();

  // A student, with validation errors shown next to the fields.
  await page.getByRole('link', { name: 'Students' }).click();
  await page.getByRole('button', { name: 'New student' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New student' });
  await dialog.getByLabel('E-mail').fill('not-an-email');
  await dialog.getByLabel('Phone').fill('12');
  await dialog.getByLabel('Default lesson rate').fill('-5');
  await dialog.getByRole('button', { name: 'Add student' }).click();
  await expect(dialog.getByText('Enter the first name')).toBeVisible();
  await expect(dialog.getByText('Choose who pays (a family, or the student themselves)')).toBeVisible();
  await expect(dialog.getByText('Enter a valid e-mail address, e.g. name@example.com')).toBeVisible();
  await expect(dialog.getByText('That phone number is too short')).toBeVisible();
  await expect(dialog.getByText('The amount cannot be negative')).toBeVisible();
  await expect(dialog.getByLabel('First name')).toHaveAttribute('aria-invalid', 'true');

  await dialog.getByLabel('First name').fill('Ren');
  await dialog.getByLabel('Last name').fill('Nakamura');
  await chooseOption(dialog, 'Who pays', 'Nakamura family');
  await dialog.getByLabel('Subjects').fill('Maths, Physics, maths');
  await dialog.getByLabel('Default lesson rate').fill('52.50');
  await dialog.getByLabel('E-mail').fill('ren@example.com');
  await dialog.getByLabel('Phone').fill('+44 7700 900123');
  await dialog.getByRole('button', { name: 'Add student' }).click();
  await expect(dialog).toBeHidden();
  const row = studentsTable(page).getByRole('row', { name: /Ren Nakamura/ });
  await expect(row).toContainText('Nakamura family');
  await expect(row).toContainText('£52.50');
  await expect(row).toContainText('Maths');
  await expect(row).toContainText('Physics');

  // An adult who pays for themselves.
  await page.getByRole('button', { name: 'New student' }).first().click();
  const adult = page.getByRole('dialog', { name: 'New student' });
  await adult.getByLabel('First name').fill('Grace');
  await adult.getByLabel('Last name').fill('Hopper');
  await chooseOption(adult, 'Who pays', 'The student (an adult paying for themselves)');
  await adult.getByLabel('E-mail').fill('grace@example.com');
  await adult.getByRole('button', { name: 'Add student' }).click();
  await expect(studentsTable(page).getByRole('row', { name: /Grace Hopper/ })).toContainText('Self (adult)');

  // Edit.
  await row.click();
  const edit = page.getByRole('dialog', { name: 'Ren Nakamura' });
  await edit.getByLabel('Status').selectOption('paused');
  await edit.getByLabel('Year / level').fill('Year 9');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(studentsTable(page).getByRole('row', { name: /Ren Nakamura/ })).toContainText('Paused');

  // Archive: hidden from the default view, visible under "Archived"; restore brings it back.
  await studentsTable(page)
    .getByRole('row', { name: /Ren Nakamura/ })
    .click();
  await page.getByRole('dialog', { name: 'Ren Nakamura' }).getByRole('button', { name: 'Archive' }).click();
  await expect(studentsTable(page).getByRole('row', { name: /Ren Nakamura/ })).toHaveCount(0);
  await page.getByLabel('Filter by status').selectOption('archived');
  await expect(studentsTable(page).getByRole('row', { name: /Ren Nakamura/ })).toContainText('Archived');

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
  await page.getByLabel('Filter by status').selectOption('archived');
  await studentsTable(page)
    .getByRole('row', { name: /Ren Nakamura/ })
    .click();
  const restore = page.getByRole('dialog', { name: 'Ren Nakamura' });
  await expect(restore.getByLabel('Year / level')).toHaveValue('Year 9');
  await restore.getByRole('button', { name: 'Restore' }).click();
  await page.getByLabel('Filter by status').selectOption('current');
  await expect(studentsTable(page).getByRole('row', { name: /Ren Nakamura/ })).toContainText('Active');
  await expect(studentsTable(page).getByRole('row', { name: /Grace Hopper/ })).toBeVisible();
});

test('search, filter, sort and choose columns in a sample practice', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  const table = studentsTable(page);
  const total = await page.evaluate(() => window.__tutordeskTest!.count('students'));
  expect(total).toBe(60);
  await page.getByLabel('Filter by status').selectOption('all');
  await expect(page.getByText(`${total} students`)).toBeVisible();

  await page.getByLabel('Search students').fill('piano');
  await expect(page.getByText(/^Showing \d+ of 60 students$/)).toBeVisible();
  const rows = table.getByRole('row');
  const count = await rows.count();
  expect(count).toBeGreaterThan(1);
  for (let i = 1; i < count; i++) await expect(rows.nth(i)).toContainText('Piano');

  await page.getByLabel('Search students').fill('');
  await page.getByLabel('Filter by status').selectOption('paused');
  const paused = table.getByRole('row');
  const pausedCount = await paused.count();
  expect(pausedCount).toBeGreaterThan(1);
  for (let i = 1; i < pausedCount; i++) await expect(paused.nth(i)).toContainText('Paused');

  // Sorting by name descending.
  await page.getByLabel('Filter by status').selectOption('all');
  const nameHeader = table.getByRole('columnheader', { name: /Name/ });
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  const first = (await table.getByRole('row').nth(1).innerText()).split('\n').find((t) => t.trim().length > 2)!;
  const second = (await table.getByRole('row').nth(2).innerText()).split('\n').find((t) => t.trim().length > 2)!;
  expect(first.localeCompare(second)).toBeGreaterThanOrEqual(0);

  // Column visibility.
  await expect(table.getByRole('columnheader', { name: /Phone/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('checkbox', { name: 'Phone' }).check();
  await page.getByRole('checkbox', { name: 'E-mail' }).uncheck();
  await expect(table.getByRole('columnheader', { name: /Phone/ })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: /E-mail/ })).toHaveCount(0);
});

test('searching keeps the chosen sort order, and matches every word in any order', async ({ page }) => {
  // The table sorts all rows once and each keystroke only filters that order (ui/table-row-models.ts).
  await openApp(page);
  await loadSample(page);
  const table = studentsTable(page);
  await page.getByLabel('Filter by status').selectOption('all');
  await expect(page.getByText('60 students', { exact: true })).toBeVisible();
  const nameHeader = table.getByRole('columnheader', { name: /Name/ });
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  const names = async () => {
    const out: string[] = [];
    for (const row of (await table.getByRole('row').all()).slice(1))
      out.push((await row.getByRole('cell').first().innerText()).split('\n').at(-1)!.trim());
    return out;
  };
  const descending = (list: string[]) => list.every((n, i) => i === 0 || list[i - 1]!.toLowerCase() >= n.toLowerCase());

  const search = page.getByRole('searchbox', { name: 'Search students' });
  await search.fill('piano');
  await expect(page.getByText(/^Showing \d+ of 60 students$/)).toBeVisible();
  const pianists = await names();
  expect(pianists.length).toBeGreaterThan(1);
  expect(descending(pianists), pianists.join(', ')).toBe(true);

  // Words in any order and any case, each matched anywhere in the row's text.
  const [firstName, lastName] = pianists[0]!.split(' ');
  await search.fill(`${lastName!.toUpperCase()}   ${firstName!.toLowerCase()} piano`);
  await expect(table.getByRole('row', { name: new RegExp(pianists[0]!) })).toBeVisible();
  for (const n of await names()) expect(n.toLowerCase()).toContain(lastName!.toLowerCase());
  await search.fill(`${lastName} zzzz-nobody`);
  await expect(page.getByText('No students match your search and filters.')).toBeVisible();

  // Back to everyone, still in the chosen order; sorting again while searching re-sorts.
  await search.fill('');
  await expect(page.getByText('60 students', { exact: true })).toBeVisible();
  expect(descending(await names())).toBe(true);
  await search.fill('piano');
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'none');
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  const ascending = await names();
  expect(
    ascending.every((n, i) => i === 0 || ascending[i - 1]!.toLowerCase() <= n.toLowerCase()),
    ascending.join(', '),
  ).toBe(true);
  expect([...ascending].sort()).toEqual([...pianists].sort());
});

test('with 2,000 students the table renders only the rows in view, scrolls by itself and filters at once', async ({ page }) => {
  // The table is virtualised: only if its scroll box has a bounded height. When the card grew to
  // the height of every row, all rows were rendered (10,000 students froze the screen for a minute).
  await openApp(page);
  await page.getByRole('button', { name: 'Load a sample practice' }).waitFor();
  await page.evaluate(() => window.__tutordeskTest!.loadSample(2000));
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
  await page.getByRole('combobox', { name: 'Filter by status' }).selectOption('all');
  const table = studentsTable(page);
  await expect(table).toHaveAttribute('aria-rowcount', '2001');
  // The count under the table is on screen, not below 2,000 rows of page.
  await expect(page.getByText('2,000 students', { exact: true })).toBeInViewport();
  const rows = table.getByRole('row');
  expect(await rows.count()).toBeLessThan(100);

  // Scrolling over the table scrolls its rows; the page header stays where it is.
  const firstRow = rows.nth(1);
  await expect(firstRow).toHaveAttribute('aria-rowindex', '2');
  await firstRow.hover();
  await page.mouse.wheel(0, 20_000);
  await expect(firstRow).not.toHaveAttribute('aria-rowindex', '2');
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeInViewport();
  expect(await rows.count()).toBeLessThan(100);

  await page.getByRole('searchbox', { name: 'Search students' }).fill('pi');
  await expect(page.getByText(/^Showing [\d,]+ of 2,000 students$/)).toBeInViewport();
  for (const row of (await rows.all()).slice(1, 6)) await expect(row).toContainText('Piano');
});

test('CSV export of the students table is RFC 4180 with a BOM and neutralised formulas', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await page.getByRole('button', { name: 'New student' }).first().click();
  const d = page.getByRole('dialog', { name: 'New student' });
  await d.getByLabel('First name').fill('=HYPERLINK("x")');
  await d.getByLabel('Last name').fill('Smith, Jr.');
  await chooseOption(d, 'Who pays', 'The student (an adult paying for themselves)');
  await d.getByRole('button', { name: 'Add student' }).click();
  await expect(d).toBeHidden();
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^students-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const rows = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data;
  expect(rows[0]!.slice(0, 3)).toEqual(['First name', 'Last name', 'Status']);
  expect(rows[1]![0]).toBe(`'=HYPERLINK("x")`);
  expect(rows[1]![1]).toBe('Smith, Jr.');
  expect(rows[1]![9]).toBe('yes');
});

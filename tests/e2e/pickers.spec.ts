/**
 * Pickers that scale (issue 19): "Who pays" in the New student dialog and the students and tutor
 * of the New lesson dialog are searchable comboboxes (ui/Combobox.tsx) over a practice of 1,000
 * students and ~700 payers. Selected by role and name only: type-ahead, the keyboard (arrows,
 * Enter, Escape), the list being virtualised (a few dozen options in the DOM, not hundreds), and
 * the chosen values saved. Screenshots of both open lists, light and dark.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openApp, pageErrors, studentsTable } from './helpers';

test.use({ locale: 'en-GB', timezoneId: 'Europe/London' });

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

async function bigPractice(page: Page, students = 1000): Promise<void> {
  await openApp(page);
  await page.getByRole('button', { name: 'Load a sample practice' }).waitFor();
  await page.evaluate((n) => window.__tutordeskTest!.loadSample(n), students);
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible({ timeout: 60_000 });
}

const optionsIn = (scope: Locator) => scope.getByRole('listbox').getByRole('option');

/** Opens a picker's list with ↓: a virtualised list, so a page of options is in the DOM, not every choice. */
async function opensVirtualisedList(scope: Locator, name: string): Promise<void> {
  await scope.getByRole('combobox', { name }).press('ArrowDown');
  await expect(scope.getByRole('listbox', { name })).toBeVisible();
  await expect(optionsIn(scope).nth(3)).toBeVisible();
  const inDom = await optionsIn(scope).count();
  expect(inDom, 'a virtualised list: a page of options, not every choice').toBeGreaterThan(3);
  expect(inDom).toBeLessThan(40);
}

test('"Who pays" finds a family among hundreds by typing and by keyboard', async ({ page }) => {
  test.setTimeout(120_000);
  await bigPractice(page);
  await page.getByRole('button', { name: 'New student' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New student' });
  await dialog.getByLabel('First name').fill('Zed');
  await dialog.getByLabel('Last name').fill('Quill');

  const payer = dialog.getByRole('combobox', { name: 'Who pays' });
  await expect(payer).toHaveAttribute('aria-expanded', 'false');
  await expect(payer).toHaveAttribute('aria-busy', 'false');
  // Opening lists every payer, but only the visible options are in the DOM.
  await payer.press('ArrowDown');
  await expect(payer).toHaveAttribute('aria-expanded', 'true');
  const list = dialog.getByRole('listbox', { name: 'Who pays' });
  await expect(list).toBeVisible();
  const inDom = await optionsIn(dialog).count();
  expect(inDom, 'a virtualised list: a page of options, not every payer').toBeGreaterThan(3);
  expect(inDom).toBeLessThan(40);
  await expect(payer).toHaveAttribute('aria-activedescendant', /.+/);

  // Type-ahead: every option left contains the words typed, in any order, ignoring case.
  await payer.fill('kowalski FAM');
  await expect(optionsIn(dialog).first()).toHaveText(/Kowalski/);
  for (const text of await optionsIn(dialog).allTextContents()) expect(text).toMatch(/kowalski.* family/i);
  await dialog.getByRole('combobox', { name: 'Who pays' }).screenshot({ path: 'screenshots/picker-who-pays-field-light.png' });
  await page.screenshot({ path: 'screenshots/picker-who-pays-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'screenshots/picker-who-pays-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });

  // Nothing matches: said so, no option.
  await payer.fill('zzzz no such family');
  await expect(list).toContainText('Nothing matches “zzzz no such family”.');
  await expect(optionsIn(dialog)).toHaveCount(0);

  // Escape closes the list only; the dialog stays open and the field shows nothing chosen.
  await payer.press('Escape');
  await expect(payer).toHaveAttribute('aria-expanded', 'false');
  await expect(dialog).toBeVisible();
  await expect(payer).toHaveValue('');

  // Arrow down to the second match, Enter chooses it.
  await payer.fill('kowalski family');
  await payer.press('ArrowDown');
  const second = optionsIn(dialog).nth(1);
  await expect(second).toHaveAttribute('id', (await payer.getAttribute('aria-activedescendant'))!);
  await payer.press('Enter');
  await expect(payer).toHaveAttribute('aria-expanded', 'false');
  const picked = await payer.inputValue();
  expect(picked).toMatch(/Kowalski.* family/);
  await expect(dialog).toBeVisible();

  await dialog.getByRole('button', { name: 'Add student' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('searchbox', { name: 'Search students' }).fill('Zed Quill');
  await expect(studentsTable(page).getByRole('row', { name: /Zed Quill/ })).toContainText(picked);
});

test('"Who pays" is required, and the adult-pays choice is found by typing', async ({ page }) => {
  test.setTimeout(120_000);
  await bigPractice(page, 200);
  await page.getByRole('button', { name: 'New student' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New student' });
  await dialog.getByLabel('First name').fill('Ada');
  await dialog.getByRole('button', { name: 'Add student' }).click();
  const payer = dialog.getByRole('combobox', { name: 'Who pays' });
  await expect(payer).toHaveAttribute('aria-invalid', 'true');
  await payer.fill('adult paying');
  await dialog.getByRole('option', { name: 'The student (an adult paying for themselves)' }).click();
  await expect(payer).toHaveValue('The student (an adult paying for themselves)');
  await dialog.getByRole('button', { name: 'Add student' }).click();
  await expect(dialog).toBeHidden();
});

test('the New lesson dialog picks students and a tutor by typing, keyboard and click', async ({ page }) => {
  test.setTimeout(120_000);
  await bigPractice(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await page.getByRole('button', { name: 'New lesson' }).click();
  const dialog = page.getByRole('dialog', { name: 'New lesson' });
  const students = dialog.getByRole('combobox', { name: 'Students' });
  await expect(students).toBeVisible();

  // Type-ahead, then Enter chooses the active option; the list stays open for another choice.
  await students.fill('maya davies');
  const first = optionsIn(dialog).first();
  await expect(first).toContainText('Maya Davies');
  await students.press('Enter');
  await expect(dialog.getByRole('list', { name: 'Chosen students' })).toContainText('Maya Davies');
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(dialog.getByRole('listbox', { name: 'Students' })).toHaveAttribute('aria-multiselectable', 'true');
  await expect(students).toHaveAttribute('aria-expanded', 'true');

  // A second student by click.
  await students.fill('davies');
  const other = optionsIn(dialog).filter({ hasNotText: 'Maya Davies' }).first();
  const otherName = (await other.locator('.combo-label').textContent())!;
  await other.click();
  const chosen = dialog.getByRole('list', { name: 'Chosen students' });
  await expect(chosen.getByRole('listitem')).toHaveCount(2);
  await expect(chosen).toContainText(otherName);
  await page.screenshot({ path: 'screenshots/picker-lesson-students-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'screenshots/picker-lesson-students-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });

  // Choosing a chosen one again takes it out; so does its Remove button.
  await dialog
    .getByRole('option', { name: new RegExp(`^${otherName}`) })
    .first()
    .click();
  await expect(chosen.getByRole('listitem')).toHaveCount(1);
  await students.press('Escape');
  await expect(students).toHaveAttribute('aria-expanded', 'false');
  await expect(dialog).toBeVisible();

  // The tutor: a single-value combobox.
  const tutor = dialog.getByRole('combobox', { name: 'Tutor' });
  await tutor.click();
  await expect(dialog.getByRole('listbox', { name: 'Tutor' })).toBeVisible();
  await tutor.press('End');
  await tutor.press('Enter');
  const tutorAfter = await tutor.inputValue();
  expect(tutorAfter).not.toBe('');

  await dialog.getByLabel('Subject').fill('Maths');
  await dialog.getByLabel('Date').fill('2027-03-15');
  await dialog.getByLabel('Start time').fill('16:00');
  await dialog.getByLabel('Repeats').selectOption({ label: 'Does not repeat' });
  await dialog.getByRole('button', { name: 'Book lesson' }).click();
  const clash = page.getByRole('button', { name: 'Book anyway' });
  await Promise.race([clash.waitFor().then(() => clash.click()), dialog.waitFor({ state: 'hidden' })]);
  await expect(dialog).toBeHidden();
});

test("the schedule's student filter finds one student among hundreds by typing", async ({ page }) => {
  test.setTimeout(120_000);
  await bigPractice(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  const filters = page.getByRole('group', { name: 'Filters' });
  const student = filters.getByRole('combobox', { name: 'Filter by student' });
  await expect(student).toHaveValue('All students');
  await expect(page.getByRole('status').filter({ hasText: /this week/ })).not.toContainText('(filtered)');

  await opensVirtualisedList(filters, 'Filter by student');

  await student.fill('maya davies');
  await expect(optionsIn(filters).first()).toHaveText('Maya Davies');
  await student.press('Enter');
  await expect(student).toHaveValue('Maya Davies');
  await expect(filters.getByRole('listbox', { name: 'Filter by student' })).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: /this week/ })).toContainText('(filtered)');

  await filters.getByRole('button', { name: 'Clear filters' }).click();
  await expect(student).toHaveValue('All students');
  await expect(page.getByRole('status').filter({ hasText: /this week/ })).not.toContainText('(filtered)');
});

test('payments, the ledger, new invoices and the schedule export pick among hundreds by typing', async ({ page }) => {
  test.setTimeout(180_000);
  await bigPractice(page);
  const nav = page.getByRole('navigation', { name: 'Main' });

  // Record a payment: the family is found by typing, among ~700, in a virtualised list.
  await nav.getByRole('link', { name: 'Payments' }).click();
  await page.getByRole('button', { name: 'Record payment' }).click();
  const pay = page.getByRole('dialog', { name: 'Record a payment' });
  const payer = pay.getByRole('combobox', { name: 'Family' });
  await opensVirtualisedList(pay, 'Family');
  await payer.fill('kowalski fam');
  for (const text of await optionsIn(pay).allTextContents()) expect(text).toMatch(/kowalski.* family/i);
  const kowalski = (await optionsIn(pay).first().textContent())!;
  await page.screenshot({ path: 'screenshots/picker-payment-family-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'screenshots/picker-payment-family-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });
  await payer.press('Enter');
  await expect(payer).toHaveValue(kowalski);
  await pay.getByRole('textbox', { name: 'Amount', exact: true }).fill('25');
  await pay.getByRole('button', { name: 'Record payment' }).click();
  await expect(pay).toBeHidden();

  // The payment just recorded heads the list, above the sample's many payments of the same day.
  // Then the family's account: the picker shows the family, and switches to another by typing.
  const newest = page.getByRole('table', { name: 'Payments' }).getByRole('row').nth(1);
  await expect(newest).toContainText(kowalski);
  await expect(newest).toContainText('Bank transfer');
  await expect(newest).toContainText('£25.00');
  await newest.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${kowalski}: account`);
  const account = page.getByRole('combobox', { name: 'Family' });
  await expect(account).toHaveValue(kowalski);
  await account.fill('davies');
  const davies = (await optionsIn(page.locator('main')).first().textContent())!;
  expect(davies).toMatch(/davies/i);
  await account.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${davies}: account`);

  // New invoice: the same picker; Enter on the first match.
  await nav.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('button', { name: 'New invoice' }).click();
  const invoice = page.getByRole('dialog', { name: 'New invoice' });
  const family = invoice.getByRole('combobox', { name: 'Family' });
  await family.fill(kowalski);
  await expect(optionsIn(invoice).first()).toHaveText(kowalski);
  await family.press('Enter');
  await expect(family).toHaveValue(kowalski);
  await invoice.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('alertdialog', { name: 'Discard your changes?' }).getByRole('button', { name: 'Discard' }).click();
  await expect(invoice).toBeHidden();

  // The schedule export: whose schedule, among every tutor and student.
  await nav.getByRole('link', { name: 'Schedule' }).click();
  await page.getByRole('button', { name: 'Export…' }).click();
  const exporting = page.getByRole('dialog', { name: 'Export schedule' });
  const who = exporting.getByRole('combobox', { name: 'Whose schedule' });
  await expect(who).toHaveValue('Whole practice');
  await who.fill('maya davies');
  await expect(optionsIn(exporting).first()).toHaveText('Student: Maya Davies');
  await who.press('Enter');
  await expect(who).toHaveValue('Student: Maya Davies');
  await page.screenshot({ path: 'screenshots/picker-export-who-light.png' });
  await exporting.getByLabel('From').fill('2020-01-01');
  await exporting.getByLabel('To').fill('2020-01-31');
  const download = page.waitForEvent('download');
  await exporting.getByRole('button', { name: 'Export' }).click();
  expect((await download).suggestedFilename()).toMatch(/maya-davies/);
});

import { expect, test } from '@playwright/test';
import { createPractice, openApp, pageErrors, chooseOption } from './helpers';

/**
 * Issue 15: a 5,000-character room showed "Could not save: RxDB Error-Code: VD2…" and 19,480
 * characters of the record. The schema's limit is the form's limit: the field says so, by name,
 * and nothing is booked. The room is chosen from Settings › Rooms now (issue 17), so the free-text
 * Location field carries the check.
 */
test.use({ locale: 'en-GB', timezoneId: 'Europe/London' });

test('a 5,000-character location is a field error of the lesson form, never raw RxDB text', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await page.getByRole('button', { name: 'New student' }).first().click();
  const student = page.getByRole('dialog', { name: 'New student' });
  await student.getByLabel('First name').fill('Ada');
  await student.getByLabel('Last name').fill('Lovelace');
  await chooseOption(student, 'Who pays', 'The student (an adult paying for themselves)');
  await student.getByRole('button', { name: 'Add student' }).click();
  await expect(student).toBeHidden();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await page.getByRole('button', { name: 'New lesson' }).click();
  const dialog = page.getByRole('dialog', { name: 'New lesson' });
  await dialog.getByRole('combobox', { name: 'Students' }).fill('Ada');
  await dialog.getByRole('option', { name: 'Ada Lovelace' }).first().click();
  await dialog.getByLabel('Subject').fill('Maths');
  await dialog.getByLabel('Date').fill('2027-03-15');
  await dialog.getByLabel('Start time').fill('16:00');
  const location = dialog.getByLabel('Location', { exact: true });
  await location.fill('x'.repeat(5000));
  await dialog.getByRole('button', { name: 'Book lesson' }).click();
  await expect(dialog.getByText('Location: at most 500 characters')).toBeVisible();
  await expect(location).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).not.toContainText(/RxDB|VD2/);
  await page.screenshot({ path: 'screenshots/form-limits-location-light.png' });

  // Within the limit, the lesson is booked.
  await location.fill('Main office');
  await dialog.getByRole('button', { name: 'Book lesson' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: /Maths with Ada Lovelace/ }).first()).toBeVisible();
  expect(pageErrors(page)).toEqual([]);
});

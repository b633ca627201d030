import { expect, test } from '@playwright/test';
import { createPractice, openApp, pageErrors, chooseOption } from './helpers';

/**
 * Issue 15: a second "Patel family" was saved silently. Creating a family whose name (accents and
 * case ignored), e-mail or phone matches an existing one shows the match and asks.
 */
for (const colorScheme of ['light', 'dark'] as const) {
  test(`a duplicate family is flagged on create, and can still be added (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await openApp(page);
    await createPractice(page);
    await page.getByRole('link', { name: 'Families' }).click();

    const addFamily = async (name: string, email: string) => {
      await page.getByRole('button', { name: 'New family' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'New family' });
      await dialog.getByRole('textbox', { name: 'Family name' }).fill(name);
      await dialog.getByRole('textbox', { name: 'E-mail' }).fill(email);
      await dialog.getByRole('button', { name: 'Add family' }).click();
      return dialog;
    };
    const first = await addFamily('Patel family', 'raj@example.com');
    await expect(first).toBeHidden();

    // Accents and case ignored, "the … family" too: the match is shown and the form asks.
    const second = await addFamily('The Pätel Family', 'office@example.com');
    const warning = second.getByRole('alert').filter({ hasText: 'This family may already exist.' });
    await expect(warning).toContainText('Patel family');
    await expect(warning.getByRole('button', { name: 'Open Patel family' })).toBeVisible();
    await page.screenshot({ path: `screenshots/duplicates-family-${colorScheme}.png` });
    await expect(page.getByRole('table', { name: 'Families' }).getByRole('row')).toHaveCount(2);

    // The same e-mail under another name is flagged as well; the person may still add it.
    await second.getByRole('textbox', { name: 'Family name' }).fill('Raj Patel household');
    await second.getByRole('textbox', { name: 'E-mail' }).fill('RAJ@example.com');
    await second.getByRole('button', { name: 'Add family' }).click();
    await expect(second.getByRole('alert').filter({ hasText: 'This family may already exist.' })).toContainText('raj@example.com');
    await second.getByRole('button', { name: 'Add a new family anyway' }).click();
    await expect(second).toBeHidden();
    await expect(page.getByRole('table', { name: 'Families' }).getByRole('row')).toHaveCount(3);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

test('a duplicate student is flagged on create, whatever the accents and case', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  const addStudent = async (first: string, last: string) => {
    await page.getByRole('button', { name: 'New student' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New student' });
    await dialog.getByLabel('First name').fill(first);
    await dialog.getByLabel('Last name').fill(last);
    await chooseOption(dialog, 'Who pays', 'The student (an adult paying for themselves)');
    await dialog.getByRole('button', { name: 'Add student' }).click();
    return dialog;
  };
  await expect(await addStudent('Aisha', 'Patel')).toBeHidden();
  const second = await addStudent('aïsha', 'PATEL');
  await expect(second.getByRole('alert').filter({ hasText: 'This student may already exist.' })).toContainText('Aisha Patel');
  await expect(second.getByRole('button', { name: 'Open Aisha Patel' })).toBeVisible();
  await second.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('table', { name: 'Students' }).getByRole('row')).toHaveCount(2);
  expect(pageErrors(page)).toEqual([]);
});

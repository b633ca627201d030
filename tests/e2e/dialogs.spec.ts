import { expect, test } from '@playwright/test';
import { createPractice, openApp, pageErrors, chooseOption } from './helpers';

/**
 * Issue 17, keyboard and lost edits: a dialog opens with the focus in its first field, returns it
 * to the button that opened it, and Escape, × or Cancel on a changed form ask before discarding.
 */
test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`a filled New student dialog is not lost to Escape (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await openApp(page);
    await createPractice(page);
    const opener = page.getByRole('button', { name: 'New student' }).first();
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'New student' });
    // Typing goes straight into the first field.
    await expect(dialog.getByLabel('First name')).toBeFocused();
    await page.keyboard.type('Ada');
    await dialog.getByLabel('Last name').fill('Lovelace');

    await page.keyboard.press('Escape');
    const ask = dialog.getByRole('alertdialog', { name: 'Discard your changes?' });
    await expect(ask).toBeVisible();
    await expect(ask.getByRole('button', { name: 'Keep editing' })).toBeFocused();
    await page.screenshot({ path: `screenshots/dialog-discard-${colorScheme}.png` });
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await expect(dialog.getByLabel('First name')).toHaveValue('Ada');
    await expect(dialog.getByLabel('Last name')).toHaveValue('Lovelace');

    // × and Cancel ask too; Escape on the question keeps editing.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(ask).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(ask).toBeHidden();
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await ask.getByRole('button', { name: 'Discard' }).click();
    await expect(dialog).toBeHidden();
    // The focus is back on the button that opened the dialog.
    await expect(opener).toBeFocused();
    await context.close();
  });
}

test('an untouched dialog closes on Escape at once', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await page.getByRole('button', { name: 'New student' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New student' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('a student deleted by mistake comes back with Undo', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await page.getByRole('button', { name: 'New student' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New student' });
  await dialog.getByLabel('First name').fill('Grace');
  await dialog.getByLabel('Last name').fill('Hopper');
  await chooseOption(dialog, 'Who pays', 'The student (an adult paying for themselves)');
  await dialog.getByRole('button', { name: 'Add student' }).click();
  await expect(dialog).toBeHidden();
  const table = page.getByRole('table', { name: 'Students' });
  await table.getByRole('row', { name: /Grace Hopper/ }).click();
  await page.getByRole('dialog', { name: 'Grace Hopper' }).getByRole('button', { name: 'Delete' }).click();
  await expect(table.getByRole('row', { name: /Grace Hopper/ })).toHaveCount(0);
  const toast = page.getByRole('status').filter({ hasText: 'Grace Hopper deleted' });
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(table.getByRole('row', { name: /Grace Hopper/ })).toBeVisible();
  await expect(page.getByText('Student restored')).toBeVisible();
});

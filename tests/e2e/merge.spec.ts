import { expect, test, type Page } from '@playwright/test';
import { createPractice, openApp, pageErrors, chooseOption } from './helpers';

/**
 * Issue 15: a family entered twice can be merged. The family kept takes over the other's
 * students; a field both have (the e-mail) is the person's choice; the duplicate is archived as
 * merged, never deleted; the student keeps the chosen family as payer after a reload.
 */
async function addFamily(page: Page, name: string, email: string, anyway = false): Promise<void> {
  await page.getByRole('link', { name: 'Families' }).click();
  await page.getByRole('button', { name: 'New family' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New family' });
  await dialog.getByRole('textbox', { name: 'Family name' }).fill(name);
  await dialog.getByRole('textbox', { name: 'E-mail' }).fill(email);
  await dialog.getByRole('button', { name: 'Add family' }).click();
  if (anyway) await dialog.getByRole('button', { name: 'Add a new family anyway' }).click();
  await expect(dialog).toBeHidden();
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`two families entered twice are merged, the person choosing which e-mail stays (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await openApp(page);
    await createPractice(page);
    await addFamily(page, 'Patel family', 'raj@example.com');
    await addFamily(page, 'The Patel Family', 'office@example.com', true);

    // Aisha is entered under the second one.
    await page.getByRole('link', { name: 'Students' }).click();
    await page.getByRole('button', { name: 'New student' }).first().click();
    const newStudent = page.getByRole('dialog', { name: 'New student' });
    await newStudent.getByLabel('First name').fill('Aisha');
    await newStudent.getByLabel('Last name').fill('Patel');
    await chooseOption(newStudent, 'Who pays', 'The Patel Family');
    await newStudent.getByRole('button', { name: 'Add student' }).click();
    await expect(newStudent).toBeHidden();

    await page.getByRole('link', { name: 'Families' }).click();
    const table = page.getByRole('table', { name: 'Families' });
    await table.getByRole('row', { name: /The Patel Family/ }).click();
    await page.getByRole('dialog', { name: 'The Patel Family' }).getByRole('button', { name: 'Merge into…' }).click();

    const merge = page.getByRole('dialog', { name: 'Merge The Patel Family into another family' });
    // The likely match is chosen first; the picker lists it first, marked as such.
    const keep = merge.getByRole('combobox', { name: 'Family to keep' });
    await expect(keep).toHaveValue('Patel family');
    await keep.press('ArrowDown');
    await expect(merge.getByRole('listbox', { name: 'Family to keep' }).getByRole('option').first()).toHaveText(
      /Patel family\s*Looks like the same family/,
    );
    await keep.press('Escape');
    await expect(merge.getByRole('region', { name: 'What happens' })).toContainText(
      'Patel family takes over 1 student of The Patel Family',
    );
    const email = merge.getByRole('radiogroup', { name: 'E-mail' });
    await expect(email.getByRole('radio', { name: /raj@example\.com/ })).toBeChecked();
    await email.getByRole('radio', { name: /office@example\.com/ }).check();
    await page.screenshot({ path: `screenshots/merge-family-${colorScheme}.png` });
    await merge.getByRole('button', { name: 'Merge into Patel family' }).click();
    await expect(merge).toBeHidden();
    await expect(page.getByText('The Patel Family merged into Patel family')).toBeVisible();

    // The family kept: the chosen e-mail and the student.
    const kept = page.getByRole('dialog', { name: 'Patel family' });
    await expect(kept.getByRole('textbox', { name: 'E-mail' })).toHaveValue('office@example.com');
    await expect(kept.getByRole('region', { name: /Students/ }).or(kept.locator('section', { hasText: 'Students (1)' }))).toContainText(
      'Aisha Patel',
    );
    await kept.getByRole('button', { name: 'Cancel' }).click();

    // The duplicate is archived as merged, not deleted; nothing is lost after a reload.
    await page.reload();
    await page.getByRole('link', { name: 'Families' }).click();
    await expect(table.getByRole('row', { name: /The Patel Family/ })).toHaveCount(0);
    await page.getByLabel('Filter families by status').selectOption('archived');
    await expect(table.getByRole('row', { name: /The Patel Family/ })).toHaveCount(1);
    await table.getByRole('row', { name: /The Patel Family/ }).click();
    const merged = page.getByRole('dialog', { name: 'The Patel Family' });
    await expect(merged.getByRole('button', { name: 'Merge into…' })).toHaveCount(0);
    await merged.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: 'Students' }).click();
    await page.getByRole('table', { name: 'Students' }).getByRole('row', { name: /Aisha/ }).click();
    await expect(page.getByRole('dialog', { name: 'Aisha Patel' }).getByRole('combobox', { name: 'Who pays' })).toHaveValue('Patel family');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

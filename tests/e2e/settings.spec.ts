import { expect, test, type Page } from '@playwright/test';
import { loadSample, openApp, openSettings, pageErrors } from './helpers';

/**
 * Issue 17, daily use in a centre: Settings is a sectioned page with its own navigation (the
 * section is in the address), and changes are not lost by leaving: a changed form with its own
 * Save asks before the screen changes, and a draft invoice's notes save themselves.
 */
test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

/** The content area does not scroll: the page fits the window. */
async function fitsTheWindow(page: Page): Promise<void> {
  const main = page.getByRole('main');
  const { scroll, client } = await main.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
  expect(scroll).toBeLessThanOrEqual(client + 1);
}

const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const leaveQuestion = (page: Page) => page.getByRole('alertdialog', { name: 'Discard unsaved changes?' });

test('settings sections: chosen from their navigation, kept in the address and on reload', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  await loadSample(page);
  const nav = await openSettings(page);
  // Practice is first and chosen when no section is named.
  await expect(page.getByRole('heading', { name: 'Practice', level: 2 })).toBeVisible();
  const names = await nav.getByRole('link').allTextContents();
  expect(names.slice(0, 2)).toEqual(['Practice', 'This computer']);
  for (const title of ['Schedule', 'Attendance policy', 'Billing', 'Sync', 'Backups']) expect(names).toContain(title);
  await fitsTheWindow(page);

  for (const [title, id, heading] of [
    ['This computer', 'computer', 'This computer'],
    ['Billing', 'billing', 'Billing'],
    ['Schedule', 'schedule', 'Schedule'],
    ['Attendance policy', 'attendance-policy', 'Attendance policy'],
    ['Backups', 'backup', 'Backups'],
  ] as const) {
    await nav.getByRole('link', { name: title, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`#/settings\\?section=${id}$`));
    await expect(page.getByRole('heading', { name: heading, level: 2 })).toBeVisible();
    await expect(nav.getByRole('link', { name: title, exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
    // The page fits the window; a long section scrolls beside the navigation.
    await fitsTheWindow(page);
  }

  // The section survives a reload and can be linked to.
  await nav.getByRole('link', { name: 'Billing', exact: true }).click();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Billing', level: 2 })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Billing', exact: true })).toHaveAttribute('aria-current', 'page');
  await page.goto('/?testHooks=1#/settings?section=schedule');
  await expect(page.getByRole('heading', { name: 'Schedule', level: 2 })).toBeVisible();

  // By keyboard: Up and Down move between the sections, Enter opens one.
  await nav.getByRole('link', { name: 'Practice', exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(nav.getByRole('link', { name: 'This computer' })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(nav.getByRole('link').last()).toBeFocused();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'This computer', level: 2 })).toBeVisible();
  await expect(page).toHaveURL(/section=computer$/);
});

test('a changed settings form asks before it is left; a saved one does not', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  await loadSample(page);
  const nav = await openSettings(page);
  const name = page.getByLabel('Practice name');
  const stored = await name.inputValue();

  // Typing, then another screen: asked, with the focus on the safe choice.
  await name.fill('Maple Tutoring Centre');
  await sidebar(page).getByRole('link', { name: 'Students' }).click();
  const ask = leaveQuestion(page);
  await expect(ask).toBeVisible();
  await expect(ask).toContainText('Practice settings');
  await expect(ask.getByRole('button', { name: 'Keep editing' })).toBeFocused();
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(ask).toBeHidden();
  await expect(page).toHaveURL(/#\/settings/);
  await expect(name).toHaveValue('Maple Tutoring Centre');

  // Escape keeps editing too; so does Back (the address is put back).
  await nav.getByRole('link', { name: 'Billing', exact: true }).click();
  await expect(ask).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(ask).toBeHidden();
  await expect(name).toHaveValue('Maple Tutoring Centre');
  await page.goBack();
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(page).toHaveURL(/#\/settings/);
  await expect(name).toHaveValue('Maple Tutoring Centre');

  // Discarding leaves, and the stored name stays.
  await sidebar(page).getByRole('link', { name: 'Students' }).click();
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
  await openSettings(page);
  await expect(name).toHaveValue(stored);

  // Saved: leaving does not ask.
  await name.fill('Maple Tutoring Centre');
  await page.getByRole('button', { name: 'Save practice settings' }).click();
  await expect(page.getByText('Practice settings saved')).toBeVisible();
  await sidebar(page).getByRole('link', { name: 'Students' }).click();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
  await expect(ask).toBeHidden();
  await openSettings(page);
  await expect(name).toHaveValue('Maple Tutoring Centre');

  // The other sections with a Save ask too; an error goes once its field is corrected.
  await nav.getByRole('link', { name: 'Attendance policy', exact: true }).click();
  const hours = page.getByLabel('Cancellation notice window (hours)');
  await hours.fill('-3');
  await page.getByRole('button', { name: 'Save attendance policy' }).click();
  await expect(hours).toHaveAttribute('aria-invalid', 'true');
  await hours.fill('48');
  await expect(hours).not.toHaveAttribute('aria-invalid', 'true');
  await nav.getByRole('link', { name: 'Billing', exact: true }).click();
  await expect(ask).toContainText('Attendance policy');
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('heading', { name: 'Billing', level: 2 })).toBeVisible();
  await page.getByLabel('Invoice number prefix').fill('TD');
  await page.getByRole('link', { name: 'Schedule', exact: true }).first().click();
  await expect(ask).toContainText('Billing settings');
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await page.getByRole('button', { name: 'Save billing settings' }).click();
  await expect(page.getByText('Billing settings saved')).toBeVisible();
  await nav.getByRole('link', { name: 'Schedule', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Schedule', level: 2 })).toBeVisible();
  await page.getByLabel('Minutes before the lesson').fill('30');
  await sidebar(page).getByRole('link', { name: 'Students' }).click();
  await expect(ask).toContainText('reminder settings');
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
});

test('a draft invoice’s notes save themselves and survive leaving the invoice', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  await loadSample(page);
  await sidebar(page).getByRole('link', { name: 'Invoices' }).click();
  await page.getByLabel('Filter invoices by status').selectOption('draft');
  await page.getByRole('table', { name: 'Invoices' }).getByRole('row').nth(1).click();
  await expect(page.getByRole('button', { name: 'Issue invoice' })).toBeVisible();
  const notes = page.getByRole('region', { name: 'Notes' });
  const field = notes.getByLabel('Notes printed on the invoice');
  const status = notes.getByRole('status');

  // Typed, then left at once: saved on the way out, no question asked.
  await field.fill('Thank you! Lessons resume on 8 September.');
  await expect(status).toHaveText(/Unsaved changes|Saving…/);
  await sidebar(page).getByRole('link', { name: 'Students' }).click();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
  await expect(leaveQuestion(page)).toBeHidden();
  await page.goBack();
  await expect(field).toHaveValue('Thank you! Lessons resume on 8 September.');
  await expect(status).toHaveText('Saved');

  // After a pause it saves by itself, saying so, and a reload finds it.
  await field.fill('Thank you! Lessons resume on 9 September.');
  await expect(status).toHaveText('Saved');
  await page.reload();
  await expect(field).toHaveValue('Thank you! Lessons resume on 9 September.');
});

for (const colorScheme of ['light', 'dark'] as const) {
  for (const size of [
    { width: 1024, height: 700 },
    { width: 1920, height: 1080 },
  ]) {
    test(`settings page and the unsaved-changes question look right (${colorScheme}, ${size.width}×${size.height})`, async ({
      browser,
    }) => {
      const context = await browser.newContext({ colorScheme, viewport: size });
      const page = await context.newPage();
      const shot = (name: string) =>
        page.screenshot({ path: `screenshots/settings-${name}-${size.width}x${size.height}-${colorScheme}.png` });
      await openApp(page);
      await loadSample(page);
      const nav = await openSettings(page);
      await expect(page.getByLabel('Practice name')).toBeVisible();
      await fitsTheWindow(page);
      await shot('practice');
      await nav.getByRole('link', { name: 'Billing', exact: true }).click();
      await expect(page.getByLabel('Invoice number prefix')).toBeVisible();
      await fitsTheWindow(page);
      await shot('billing');
      await page.getByLabel('Invoice number prefix').fill('TD');
      await sidebar(page).getByRole('link', { name: 'Students' }).click();
      await expect(leaveQuestion(page).getByRole('button', { name: 'Keep editing' })).toBeFocused();
      await shot('unsaved');
      await leaveQuestion(page).getByRole('button', { name: 'Keep editing' }).click();
      expect(pageErrors(page)).toEqual([]);
      await context.close();
    });
  }
}

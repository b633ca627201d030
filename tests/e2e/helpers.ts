import { expect, type Locator, type Page } from '@playwright/test';

/** Opens the app on a fresh profile (each Playwright context has its own IndexedDB). */
export async function openApp(page: Page, query = '?testHooks=1'): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/${query}`);
  (page as Page & { __errors?: string[] }).__errors = errors;
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { __errors?: string[] }).__errors ?? [];
}

/** Creates a practice through the welcome form, as a new user would. */
export async function createPractice(page: Page, practice = 'Maple Tutoring', me = 'Jo Brown'): Promise<void> {
  await page.getByLabel('Practice name').fill(practice);
  await page.getByLabel('Your name').fill(me);
  await page.getByLabel('Currency').fill('GBP');
  await page.getByLabel('Time zone').fill('Europe/London');
  await page.getByRole('button', { name: 'Create my practice' }).click();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
}

export async function loadSample(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Load a sample practice' }).click();
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
}

export const studentsTable = (page: Page) => page.getByRole('table', { name: 'Students' });

/** Chooses `option` in the combobox named `name` (ui/Combobox.tsx): types it, then clicks the option of that name. */
export async function chooseOption(scope: Locator, name: string, option: string): Promise<void> {
  const box = scope.getByRole('combobox', { name });
  await box.fill(option);
  await scope.getByRole('listbox', { name }).getByRole('option', { name: option }).first().click();
}

/**
 * Opens Settings from the sidebar and chooses one of its sections in the settings navigation
 * ("Practice", "This computer", "Billing", "Backups"…), returning the navigation.
 */
export async function openSettings(page: Page, section = 'Practice'): Promise<Locator> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Settings sections' });
  const link = nav.getByRole('link', { name: section, exact: true });
  await link.click();
  await expect(link).toHaveAttribute('aria-current', 'page');
  return nav;
}

/** Adds a student who pays for themselves through the New student dialog, as a user would. */
export async function addAdultStudent(page: Page, first: string, last: string): Promise<void> {
  await page.getByRole('button', { name: 'New student' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New student' });
  await dialog.getByLabel('First name').fill(first);
  await dialog.getByLabel('Last name').fill(last);
  await chooseOption(dialog, 'Who pays', 'The student (an adult paying for themselves)');
  await dialog.getByRole('button', { name: 'Add student' }).click();
  await expect(dialog).toBeHidden();
}

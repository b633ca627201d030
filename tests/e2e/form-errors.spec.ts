import { expect, test } from '@playwright/test';
import { createPractice, openApp, pageErrors } from './helpers';

/**
 * Issue 17: every problem of a form shows at once (the welcome form named the rate only after the
 * currency was fixed), and a field's error goes as soon as the field is corrected (Settings kept
 * its errors until the next Save).
 */
test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

test('the welcome form names every problem at once, and each goes when its field is fixed', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Currency').fill('ABC');
  await page.getByLabel('Default lesson rate').fill('forty');
  await page.getByRole('button', { name: 'Create my practice' }).click();
  const setup = page.getByRole('region', { name: 'Set up your practice' });
  await expect(setup.getByText('Enter the practice name')).toBeVisible();
  await expect(setup.getByText('Enter your name')).toBeVisible();
  await expect(setup.getByText(/ISO 4217 currency code/)).toBeVisible();
  await expect(setup.getByLabel('Default lesson rate')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Practice name').fill('Maple Tutoring');
  await expect(setup.getByText('Enter the practice name')).toBeHidden();
  await expect(setup.getByText('Enter your name')).toBeVisible();
  await page.getByLabel('Currency').fill('GBP');
  await expect(setup.getByText(/ISO 4217 currency code/)).toBeHidden();
  await expect(setup.getByLabel('Default lesson rate')).toHaveAttribute('aria-invalid', 'true');
});

test('Settings drops a field’s error once the field is corrected', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  const practice = page.getByRole('form', { name: 'Practice' });
  await practice.getByLabel('Practice name').fill('');
  await practice.getByLabel('E-mail').fill('not an address');
  await practice.getByRole('button', { name: /^Save/ }).click();
  await expect(practice.getByText('Enter the practice name')).toBeVisible();
  await practice.getByLabel('Practice name').fill('Maple Tutoring');
  await expect(practice.getByText('Enter the practice name')).toBeHidden();
  // The other field's error stays until that field is fixed.
  await expect(practice.getByLabel('E-mail')).toHaveAttribute('aria-invalid', 'true');
  await practice.getByLabel('E-mail').fill('office@maple.example');
  await expect(practice.getByLabel('E-mail')).not.toHaveAttribute('aria-invalid', 'true');
});

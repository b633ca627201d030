import { expect, test } from '@playwright/test';
import { createPractice, loadSample, openApp, pageErrors } from './helpers';

/**
 * Issue 17: the Invoices month filter said "--------- ----" when empty (a bare month input). It is
 * now a list of the months the invoices cover, named in the practice locale, with "All months".
 */
test('the month filter names its months and "All months"', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  await page.getByRole('link', { name: 'Invoices' }).click();
  const filter = page.getByLabel('Filter invoices by month');
  await expect(filter.locator('option:checked')).toHaveText('All months');
  const options = await filter.locator('option').allTextContents();
  expect(options.length).toBeGreaterThan(2);
  for (const o of options.slice(1)) expect(o).toMatch(/^[A-Z][a-z]+ \d{4}$/);
  // The table's footer counts what the filter shows ("Showing 12 of 50 invoices").
  const shown = page.getByText(/^Showing [\d,]+ of [\d,]+ invoices$/);
  await filter.selectOption({ index: 2 });
  await expect(shown).toBeVisible();
  const [n, total] = ((await shown.textContent()) ?? '').match(/[\d,]+/g)!.map((x) => Number(x.replace(/,/g, '')));
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThan(total!);
  await filter.selectOption({ label: 'All months' });
  await expect(shown).toBeHidden();
  expect(pageErrors(page)).toEqual([]);
});

test('an empty period says so instead of drawing an axis of zeros', async ({ page }) => {
  await openApp(page);
  await createPractice(page);
  await page.getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('note').filter({ hasText: 'Nothing invoiced or received in this period yet.' })).toBeVisible();
  await expect(page.getByRole('img', { name: /Bar chart of income/ })).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/reports-empty-light.png' });
  expect(pageErrors(page)).toEqual([]);
});

import { expect, test } from '@playwright/test';
import { loadSample, openApp, pageErrors } from './helpers';

/**
 * Issue 15: a mistyped payment of 99,999,999,999 was accepted without a word, and nothing could
 * reverse a payment. Now the hard limit refuses it at the field, an amount far above what the
 * family owes asks for a confirmation naming the figure, and a payment is reversed with a reason
 * (its own record in the ledger). Run in light and dark mode, with screenshots of both dialogs.
 */
for (const colorScheme of ['light', 'dark'] as const) {
  test(`payments: absurd amounts refused or confirmed, and reversed with a reason (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: `screenshots/money-${name}-${colorScheme}.png` });
    await openApp(page);
    await loadSample(page);

    // A family's account (the first family that owes money).
    await page.getByRole('link', { name: 'Payments' }).click();
    await page.getByRole('tab', { name: 'Outstanding' }).click();
    await page.getByRole('table', { name: 'Outstanding by age' }).getByRole('row').nth(1).click();
    const ledger = page.getByRole('table', { name: 'Ledger' });
    await expect(ledger).toBeVisible();
    const rowsBefore = await ledger.getByRole('row').count();
    const balanceBefore = await page.getByTestId('ledger-balance').textContent();

    await page.getByRole('button', { name: 'Record payment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Record a payment' });
    const amount = dialog.getByRole('textbox', { name: 'Amount' });

    // The hard limit: refused at the field, nothing recorded.
    await amount.fill('99,999,999,999');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await expect(dialog.getByText(/The payment is larger than any tutoring practice charges: at most £10,000,000,000\.00/)).toBeVisible();
    await expect(amount).toHaveAttribute('aria-invalid', 'true');
    await expect(dialog).toBeVisible();

    // Far above what the family owes: a confirmation that names the figure.
    await amount.fill('5,000');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await expect(dialog.getByRole('alert').filter({ hasText: 'Is £5,000.00 right?' })).toContainText(/more than|owes nothing/);
    const confirm = dialog.getByRole('button', { name: 'Record £5,000.00' });
    await expect(confirm).toBeVisible();
    await shot('payment-confirm');
    // Changing the amount withdraws the question.
    await amount.fill('5,001');
    await expect(dialog.getByRole('button', { name: 'Record payment' })).toBeVisible();
    await amount.fill('5,000');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect(ledger.getByRole('row')).toHaveCount(rowsBefore + 1);
    const paymentRow = ledger.getByRole('row').filter({ hasText: '£5,000.00' });
    await expect(paymentRow).toContainText('Payment');

    // Reversed with a reason: the payment stays, marked reversed, and the reversal is its own entry.
    await paymentRow.getByRole('button', { name: /^Reverse the payment of £5,000\.00 on / }).click();
    const reverse = page.getByRole('dialog', { name: 'Reverse the payment of £5,000.00' });
    await expect(reverse).toBeVisible();
    await reverse.getByRole('button', { name: 'Reverse £5,000.00' }).click();
    await expect(reverse.getByText('Say why the payment is reversed')).toBeVisible();
    await reverse.getByRole('textbox', { name: 'Reason' }).fill('Typed the wrong amount');
    await shot('reverse-dialog');
    await reverse.getByRole('button', { name: 'Reverse £5,000.00' }).click();
    await expect(reverse).toBeHidden();
    await expect(ledger.getByRole('row')).toHaveCount(rowsBefore + 2);
    await expect(ledger.getByRole('row').filter({ hasText: 'Reversal of the payment of' })).toContainText('Typed the wrong amount');
    await expect(ledger.getByRole('row').filter({ hasText: '(reversed)' })).toContainText('Reversed');
    await expect(page.getByTestId('ledger-balance')).toHaveText(balanceBefore!);
    await shot('ledger-reversed');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

test('an invoice line price: the hard limit is refused, a price far above the rates is confirmed', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByLabel('Filter invoices by status').selectOption('draft');
  await page.getByRole('table', { name: 'Invoices' }).getByRole('row').nth(1).click();
  await page.getByRole('button', { name: 'Add item' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add an item' });
  await dialog.getByRole('textbox', { name: 'Description' }).fill('Exam fee');
  const price = dialog.getByRole('textbox', { name: 'Unit price' });
  await price.fill('99,999,999,999');
  await dialog.getByRole('button', { name: 'Add item' }).click();
  await expect(dialog.getByText(/The price is larger than any tutoring practice charges/)).toBeVisible();
  await expect(price).toHaveAttribute('aria-invalid', 'true');

  await price.fill('50,000');
  await dialog.getByRole('button', { name: 'Add item' }).click();
  await expect(dialog.getByRole('alert').filter({ hasText: 'Is £50,000.00 right?' })).toContainText(/times the practice's highest/);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `screenshots/money-line-confirm-${colorScheme}.png` });
  }
  await dialog.getByRole('button', { name: 'Use £50,000.00' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('table', { name: 'Invoice lines' }).getByRole('row').filter({ hasText: 'Exam fee' })).toContainText(
    '£50,000.00',
  );
  expect(pageErrors(page)).toEqual([]);
});

test('one confirmed absurd payment does not rescale the income chart: it is named off the scale', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  await page.getByRole('link', { name: 'Payments' }).click();
  await page.getByRole('tab', { name: 'Outstanding' }).click();
  await page.getByRole('table', { name: 'Outstanding by age' }).getByRole('row').nth(1).click();
  await page.getByRole('button', { name: 'Record payment' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record a payment' });
  await dialog.getByRole('textbox', { name: 'Amount' }).fill('5,000,000');
  await dialog.getByRole('button', { name: 'Record payment' }).click();
  await dialog.getByRole('button', { name: 'Record £5,000,000.00' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('link', { name: 'Reports' }).click();
  await page.getByRole('button', { name: 'Last 12 months' }).click();
  const note = page.getByRole('note').filter({ hasText: 'Off the scale' });
  await expect(note).toContainText(/Received in \w+ \d{4}: £5,00\d,\d{3}\.\d\d/);
  // The axis stays at the practice's usual figures: no tick in the millions.
  await expect(page.getByRole('img', { name: /Bar chart of income by month/ })).not.toContainText(/£\d+(\.\d)?M/);
  await page.waitForTimeout(1500); // the bars' animation, for the screenshot only
  await page.screenshot({ path: 'screenshots/money-reports-off-scale-light.png' });
  expect(pageErrors(page)).toEqual([]);
});

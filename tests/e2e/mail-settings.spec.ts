import { expect, test } from '@playwright/test';
import { loadSample, openApp, openSettings, pageErrors } from './helpers';

/**
 * Settings › E-mail and Settings › E-mail templates in the browser build: the browser cannot send
 * (the desktop app keeps the SMTP account), so the E-mail section says so; the templates editor
 * works everywhere (the templates are practice settings and sync).
 */
test.afterEach(async ({ page }) => {
  expect(pageErrors(page)).toEqual([]);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the E-mail section says sending needs the desktop app (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await openApp(page);
    await loadSample(page);
    await openSettings(page, 'E-mail');
    await expect(page.getByRole('heading', { name: 'E-mail', level: 2 })).toBeVisible();
    const note = page.getByRole('note', { name: /Sending e-mail needs the TutorDesk desktop app/ });
    await expect(note).toBeVisible();
    await expect(note).toContainText('queued');
    // No account form in the browser.
    await expect(page.getByLabel('Mail server (SMTP host)')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Send a test e-mail' })).toHaveCount(0);
    await page.screenshot({ path: `screenshots/mail-email-${colorScheme}.png` });
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

test('the templates editor checks, previews safely, saves and resets a template', async ({ page }) => {
  await openApp(page);
  await loadSample(page);

  // A family whose name holds HTML: the preview must show it as text.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Families', exact: true }).click();
  await page.getByRole('button', { name: 'New family' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New family' });
  await dialog.getByRole('textbox', { name: 'Family name' }).fill('Odd <b>&" family');
  await dialog.getByRole('textbox', { name: 'E-mail' }).fill('odd@example.com');
  await dialog.getByRole('button', { name: 'Add family' }).click();
  await expect(dialog).toBeHidden();

  await openSettings(page, 'E-mail templates');
  const editor = page.getByRole('region', { name: 'E-mail templates' });
  await expect(page.getByRole('tab', { name: 'Invoice' })).toHaveAttribute('aria-selected', 'true');
  const subject = editor.getByRole('textbox', { name: 'Subject' });
  const preview = page.frameLocator('iframe[title="Preview"]');
  await expect(preview.locator('body')).toContainText('Dear Jo Lee');

  // An unknown placeholder is named at once; the template cannot be saved and the preview waits.
  await subject.fill('Invoice {{famly.name}}');
  await expect(editor.getByText('Unknown placeholder {{famly.name}}')).toBeVisible();
  await expect(subject).toHaveAttribute('aria-invalid', 'true');
  await expect(editor.getByRole('button', { name: 'Save template' })).toBeDisabled();
  await expect(page.getByText('The preview appears once the template has no problems.')).toBeVisible();

  // A placeholder inserted at the caret: the preview shows the example value.
  await subject.fill('Your invoice, ');
  await subject.focus();
  await editor.getByRole('button', { name: 'Insert {{family.name}}' }).click();
  await expect(subject).toHaveValue('Your invoice, {{family.name}}');
  await expect(page.getByTestId('preview-subject')).toHaveText('Your invoice, Lee family');
  const body = editor.getByRole('textbox', { name: 'Message' });
  await body.fill('Hello {{family.name}},\n\nThanks.');
  await expect(preview.locator('body')).toContainText('Hello Lee family,');

  // Previewed for the family with HTML in its name: shown literally, not as markup.
  await page.getByLabel('Preview for').selectOption({ label: 'Odd <b>&" family' });
  await expect(preview.locator('body')).toContainText('Hello Odd <b>&" family,');
  await expect(preview.locator('b')).toHaveCount(0);
  await page.getByRole('tab', { name: 'Plain text' }).click();
  await expect(page.getByLabel('Plain text preview')).toContainText('Hello Odd <b>&" family,');
  await page.getByRole('tab', { name: 'E-mail', exact: true }).click();
  await page.getByLabel('Preview for').selectOption({ label: 'Example values (Lee family)' });
  await page.screenshot({ path: 'screenshots/mail-templates-edit.png' });

  // Saved, it survives a reload.
  await editor.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByText('Invoice template saved')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'E-mail templates', level: 2 })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Subject' })).toHaveValue('Your invoice, {{family.name}}');
  await expect(page.getByRole('tab', { name: /Invoice/ })).toContainText('Edited');

  // Reset to default, then save: the default words are back.
  await page.getByRole('button', { name: 'Reset to default' }).click();
  await expect(page.getByRole('textbox', { name: 'Subject' })).toHaveValue('Invoice {{invoice.number}} from {{practice.name}}');
  await page.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByRole('button', { name: 'Reset to default' })).toBeDisabled();
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Subject' })).toHaveValue('Invoice {{invoice.number}} from {{practice.name}}');
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the templates section and automatic invoicing (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await openApp(page);
    await loadSample(page);
    await openSettings(page, 'E-mail templates');
    await page.getByRole('tab', { name: 'Lesson reminder' }).click();
    await expect(page.frameLocator('iframe[title="Preview"]').locator('body')).toContainText('Maths with Sam Khan');
    await page.screenshot({ path: `screenshots/mail-templates-${colorScheme}.png` });
    await page.getByRole('region', { name: 'Preview' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `screenshots/mail-preview-${colorScheme}.png` });

    // Automatic invoicing: on, day 5, kept after a reload.
    const auto = page.getByRole('form', { name: 'Automatic monthly invoicing' });
    await auto.getByRole('checkbox', { name: 'Make draft invoices automatically each month' }).check();
    await auto.getByLabel('Day of the month').selectOption('5');
    await auto.getByRole('button', { name: 'Save automatic invoicing' }).click();
    await expect(page.getByText('Draft invoices will be made on day 5 of each month')).toBeVisible();
    await page.reload();
    // At this start the automatic invoicing job records its run in the settings, which draws the
    // form afresh (it may be replaced while being scrolled to: try again).
    await expect(auto.getByRole('checkbox', { name: 'Make draft invoices automatically each month' })).toBeChecked();
    await expect(auto.getByLabel('Day of the month')).toHaveValue('5');
    await expect(async () => auto.scrollIntoViewIfNeeded({ timeout: 1000 })).toPass({ timeout: 15_000 });
    await page.screenshot({ path: `screenshots/mail-automation-${colorScheme}.png` });
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

test('a family opts in to lesson reminders once it has an e-mail address', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Families', exact: true }).click();
  await page.getByRole('button', { name: 'New family' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New family' });
  const reminders = dialog.getByRole('checkbox', { name: 'E-mail a reminder the day before each lesson' });
  await expect(reminders).toBeDisabled();
  await expect(dialog.getByText('Add an e-mail address to send reminders.')).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Family name' }).fill('Reminded family');
  await dialog.getByRole('textbox', { name: 'E-mail' }).fill('reminded@example.com');
  await reminders.check();
  await dialog.getByRole('button', { name: 'Add family' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('searchbox', { name: 'Search families' }).fill('Reminded');
  await page.getByRole('table', { name: 'Families' }).getByRole('row').filter({ hasText: 'Reminded family' }).click();
  const edit = page.getByRole('dialog', { name: 'Reminded family' });
  await expect(edit.getByRole('checkbox', { name: 'E-mail a reminder the day before each lesson' })).toBeChecked();
});

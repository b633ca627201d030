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

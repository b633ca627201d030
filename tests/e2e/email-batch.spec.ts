/**
 * The desktop e-mail account and the batch after issuing a month, against the desktop app's own
 * mail service and a real SMTP server on loopback (mail-host.ts):
 * - Settings › E-mail: set up the account, a test e-mail arrives; a wrong password gets the exact
 *   answer, and nothing is sent;
 * - issuing 50 families' drafts offers to e-mail them: one batch, skipped families named, a progress
 *   bar while queuing and in the Outbox, every family with an address gets exactly one e-mail with
 *   its invoice PDF.
 */
import { expect, test } from '@playwright/test';
import { pageErrors, openSettings } from './helpers';
import { PASSWORD, USER, pdfText, shot, withMailHost } from './mail-host';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

test('Settings › E-mail on the desktop: set up the account, a test e-mail arrives, a wrong password gets the exact answer', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await withMailHost(
    page,
    browser,
    async ({ received, smtpPort, service }) => {
      await openSettings(page, 'E-mail');
      const form = page.getByRole('form', { name: 'E-mail' });
      await form.getByLabel('Provider').selectOption('other');
      await form.getByLabel('Mail server (SMTP host)').fill('127.0.0.1');
      await form.getByLabel('Port').fill(String(smtpPort));
      await form.getByLabel('Security').selectOption('none');
      await form.getByLabel('User name').fill(USER);
      await form.getByLabel('Password').fill('not-the-password');
      await form.getByLabel('From name').fill('Brightside Tutoring');
      await form.getByLabel('From address').fill(USER);
      await form.getByRole('button', { name: 'Set up e-mail account' }).click();
      await expect(form.getByRole('button', { name: 'Save e-mail account' })).toBeVisible();
      // The host keeps the password; the page never gets it back.
      expect(await service.getAccount()).toMatchObject({ host: '127.0.0.1', port: smtpPort, hasPassword: true });
      expect(JSON.stringify(await page.evaluate(() => window.tutordesk ?? null))).not.toContain('not-the-password');

      const test = page.getByRole('form', { name: 'Send a test e-mail' });
      await test.getByLabel('To').fill('me@brightside.example');
      await test.getByRole('button', { name: 'Send a test e-mail' }).click();
      await expect(test.getByRole('alert')).toContainText('Wrong user name or password');
      await expect(test.getByRole('alert')).toContainText('Username and Password not accepted');
      expect(received).toHaveLength(0);
      await shot(page, 'email-settings-wrong-password');

      await form.getByLabel('Password').fill(PASSWORD);
      await form.getByRole('button', { name: 'Save e-mail account' }).click();
      await test.getByRole('button', { name: 'Send a test e-mail' }).click();
      await expect(test.getByRole('status')).toContainText('Test e-mail sent');
      expect(received).toHaveLength(1);
      expect(received[0]!.to).toMatchObject({ value: [{ address: 'me@brightside.example' }] });
      await shot(page, 'email-settings-sent');
    },
    { account: false },
  );
});

test('issuing 50 families’ drafts offers one e-mail batch: progress, skipped named, each family gets its invoice once', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  await withMailHost(page, browser, async ({ received }) => {
    const fixture = await page.evaluate(() => window.__tutordeskTest!.draftsForNewFamilies(51));
    await page.evaluate(() => (location.hash = '#/invoices'));
    await page.getByLabel('Filter invoices by status').selectOption('draft');
    await page.getByRole('button', { name: /^Issue \d+ drafts…$/ }).click();
    await page
      .getByRole('dialog', { name: /^Issue \d+ drafts\?$/ })
      .getByRole('button', { name: /^Issue \d+ invoices$/ })
      .click();

    const email = page.getByRole('dialog', { name: /^E-mail \d+ invoices$/ });
    await expect(email.getByRole('region', { name: 'Skipped' })).toContainText('No e-mail address');
    await expect(email.getByRole('region', { name: 'Skipped' })).toContainText(fixture.withoutEmail);
    await shot(page, 'email-batch-dialog');
    const send = email.getByRole('button', { name: /^Send \d+ e-mails$/ });
    const queued = Number(/\d+/.exec((await send.textContent()) ?? '')![0]);
    expect(queued).toBeGreaterThanOrEqual(50);
    await send.click();
    await expect(page.getByText(`Invoices: ${queued} e-mails queued, 1 skipped (no e-mail)`)).toBeVisible();

    const progress = page.getByRole('progressbar', { name: 'Batch progress' });
    await expect(progress).toBeVisible();
    await expect(progress).toHaveAttribute('aria-valuenow', String(queued), { timeout: 120_000 });
    await expect(page.getByText(`${queued} of ${queued} e-mails sent`)).toBeVisible();
    await shot(page, 'email-batch-outbox');

    expect(received).toHaveLength(queued);
    const to = received.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0]!.address!);
    expect(new Set(to).size).toBe(queued);
    for (const address of fixture.emails) expect(to).toContain(address);
    const one = received.find((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0]!.address === fixture.emails[0])!;
    const pdf = one.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(pdfText(pdf.content)).toContain('Batch 01 family');
  });
});

/**
 * A lesson reminder end to end: a family that asked for reminders has a lesson tomorrow; at the
 * app's start the lesson reminders job (features/mail/lesson-reminders-job.ts) queues the
 * reminder under its deterministic id, the outbox runner hands it to the desktop app's own mail
 * service (src-main/mail/service.ts, in the test's Node process behind the page's bridge:
 * testing/mail-hooks.ts), and it arrives at a real SMTP server on loopback. Starting again sends
 * nothing more. Set-up as tests/e2e/email.spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { type AddressObject, type ParsedMail } from 'mailparser';
import { createMailService, type MailService } from '../../src-main/mail/service';
import { loadSample, openApp, pageErrors } from './helpers';
import { USER, exposeMailHost, keychain, saveTestAccount, startSmtp } from './mail-host';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

async function restartAsDesktop(page: Page, hash = ''): Promise<void> {
  await page.goto(`/?testHooks=1&desktopMail=1${hash}`);
  await page.waitForFunction(() => window.__tutordeskTest !== undefined);
}

test('a lesson reminder is queued at start and arrives once at the mail server', async ({ page }) => {
  test.setTimeout(120_000);
  const received: ParsedMail[] = [];
  const smtp = await startSmtp(received);
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-reminders-'));
  const service: MailService = createMailService({
    dir,
    safeStorage: keychain(),
    platform: 'linux',
    renderPdf: () => Promise.reject(new Error('a lesson reminder has no PDF')),
  });
  try {
    await saveTestAccount(service, smtp.port);
    await exposeMailHost(page, service);
    await openApp(page);
    await loadSample(page);
    const family = await page.evaluate(() => window.__tutordeskTest!.reminderFamily());

    // The app starts again, now as the desktop app with a mail account: the job runs at start.
    await restartAsDesktop(page);
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(1);
    const m = received[0]!;
    expect((m.to as AddressObject).value.map((a) => a.address)).toEqual([family.email]);
    expect(m.from?.value[0]).toMatchObject({ address: USER, name: 'Brightside Tutoring' });
    expect(m.subject).toMatch(/^Lesson reminder for /);
    expect(m.text).toContain('Chemistry');
    expect(m.text).toContain(family.firstName);
    expect(m.messageId).toBe(`<lesson-reminder-${family.familyId}-${family.date}@brightside.example>`);

    await page.getByRole('link', { name: 'Outbox' }).click();
    await expect(page.getByRole('table', { name: 'E-mails' }).getByText('Sent', { exact: true })).toBeVisible({ timeout: 30_000 });

    // Another start finds the reminder's record and queues nothing.
    await restartAsDesktop(page, '#/outbox');
    await expect(page.getByRole('table', { name: 'E-mails' }).getByText('Sent', { exact: true })).toBeVisible();
    await page.waitForTimeout(2000);
    expect(received).toHaveLength(1);
  } finally {
    service.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

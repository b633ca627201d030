/**
 * E-mailing an invoice end to end: the invoice page's "E-mail…" dialog previews the message, the
 * outbox queues it, the outbox runner hands it to the desktop app's own mail service
 * (src-main/mail/service.ts, run here in the test's Node process behind the page's bridge:
 * testing/mail-hooks.ts), which sends it over SMTP to a real server on loopback started by this
 * test. The message that arrives is parsed (mailparser) and its PDF read back with pdftotext.
 * In the browser build alone, the app says plainly that sending needs the desktop app.
 */
import { expect, test } from '@playwright/test';
import { type AddressObject } from 'mailparser';
import { loadSample, openApp, pageErrors } from './helpers';
import { USER, pdfText, shot, withMailHost } from './mail-host';

const FAMILY = `O'Brien & <Sons> "Tutees"`;

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

test('the browser build says sending needs the desktop app and offers the mail app instead', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  const invoice = await page.evaluate(() => window.__tutordeskTest!.issuedInvoiceFor('Lee family'));
  await page.evaluate((id) => (location.hash = `#/invoices?id=${id}`), invoice.id);
  await page.getByRole('button', { name: 'E-mail…' }).click();
  const dialog = page.getByRole('dialog', { name: `E-mail invoice ${invoice.number}` });
  await expect(dialog.getByRole('note')).toContainText('Sending e-mail needs the TutorDesk desktop app');
  await expect(dialog.getByRole('button', { name: 'Open in my mail app' })).toBeEnabled();
});

test('an invoice e-mailed from its page arrives once, escaped, with its PDF; the outbox says sent', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await withMailHost(page, browser, async ({ received }) => {
    const invoice = await page.evaluate((name) => window.__tutordeskTest!.issuedInvoiceFor(name), FAMILY);

    await page.evaluate((id) => (location.hash = `#/invoices?id=${id}`), invoice.id);
    await page.getByRole('button', { name: 'E-mail…' }).click();
    const dialog = page.getByRole('dialog', { name: `E-mail invoice ${invoice.number}` });
    await expect(dialog.getByText(invoice.email)).toBeVisible();
    // The family's name with < & and quotes is text in the preview, not markup.
    await expect(dialog.frameLocator('iframe[title="Message preview"]').locator('body')).toContainText(FAMILY);
    await shot(page, 'email-invoice-dialog');
    await dialog.getByRole('button', { name: 'Plain text' }).click();
    await expect(dialog.getByLabel('Plain text of the message')).toContainText(invoice.number);
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(dialog).toBeHidden();

    await page.getByRole('link', { name: 'Outbox' }).click();
    const table = page.getByRole('table', { name: 'E-mails' });
    await expect(table.getByText('Sent', { exact: true })).toBeVisible({ timeout: 30_000 });
    await shot(page, 'email-outbox');
    expect(received).toHaveLength(1);
    const m = received[0]!;
    expect((m.to as AddressObject).value.map((a) => a.address)).toEqual([invoice.email]);
    expect(m.from?.value[0]).toMatchObject({ address: USER, name: 'Brightside Tutoring' });
    expect(m.subject).toContain(invoice.number);
    expect(m.text).toContain(FAMILY);
    expect(m.html).toBeTruthy();
    expect(m.html as string).not.toContain('<Sons>');
    expect(m.html as string).toContain('&lt;Sons&gt;');
    const pdf = m.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.filename).toMatch(/\.pdf$/);
    expect(pdfText(pdf!.content)).toContain(invoice.number);

    // The family's page leads to its communication history.
    await page.getByRole('link', { name: 'Families' }).click();
    await page.getByRole('table', { name: 'Families' }).getByText(FAMILY).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'E-mails' }).click();
    await expect(page.getByRole('heading', { level: 1, name: `E-mails to ${FAMILY}` })).toBeVisible();
    await expect(page.getByRole('table', { name: 'E-mails' }).getByRole('row')).toHaveCount(2);

    // A reload does not send it again: the record says sent, and the host's journal knows the id.
    await page.reload();
    await page.waitForFunction(() => window.__tutordeskTest !== undefined);
    await page.evaluate(() => window.__tutordeskTest!.desktopMail());
    await expect(page.getByRole('table', { name: 'E-mails' }).getByText('Sent', { exact: true })).toBeVisible();
    await page.waitForTimeout(1500);
    expect(received).toHaveLength(1);
  });
});

/**
 * Overdue reminders end to end: the Invoices screen's "Overdue reminders…" lists the families
 * with overdue invoices by age, the person chooses some (one of them has no e-mail address), and
 * "Send reminders" queues one reminder per family in one batch, each with the family's statement
 * PDF attached. The outbox runner hands them to the desktop app's own mail service (run in the
 * test's Node process behind the page's bridge, testing/mail-hooks.ts), which sends them over SMTP
 * to a real server on loopback started by this test. Set-up as in email.spec.ts.
 */
import { expect, test } from '@playwright/test';
import { type AddressObject } from 'mailparser';
import { loadSample, openApp, pageErrors } from './helpers';
import { pdfText, shot, withMailHost } from './mail-host';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

test('overdue reminders go once per chosen family with the statement; a family without e-mail is skipped', async ({ page, browser }) => {
  test.setTimeout(150_000);
  await withMailHost(page, browser, async ({ received }) => {
    const fixture = await page.evaluate(() => window.__tutordeskTest!.overdueFamilies(2));
    const chosen = fixture.withEmail;
    const skipped = fixture.withoutEmail;

    await page.evaluate(() => (location.hash = '#/invoices'));
    await page.getByRole('button', { name: 'Overdue reminders…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Overdue reminders' });
    await expect(dialog.getByRole('checkbox', { name: `Remind ${skipped.name}` })).toBeVisible();
    const send = dialog.getByRole('button', { name: 'Send reminders' });
    await expect(send).toBeDisabled();

    // "Select all" of an age group ticks every family of the group, and unticks them again.
    const groupOf = dialog.getByRole('table').filter({ has: page.getByRole('checkbox', { name: `Remind ${chosen[0]!.name}` }) });
    const groupName = (await groupOf.getAttribute('aria-label'))!;
    const selectAll = dialog.getByRole('checkbox', { name: `Select all ${groupName}` });
    await selectAll.check();
    for (const box of await groupOf.getByRole('checkbox').all()) await expect(box).toBeChecked();
    await selectAll.uncheck();
    for (const box of await groupOf.getByRole('checkbox').all()) await expect(box).not.toBeChecked();

    for (const f of [...chosen, skipped]) await dialog.getByRole('checkbox', { name: `Remind ${f.name}` }).check();
    const skippedRow = dialog.getByRole('row').filter({ has: page.getByRole('checkbox', { name: `Remind ${skipped.name}` }) });
    await expect(skippedRow).toContainText('Skipped: No e-mail address');
    for (const f of chosen) {
      await expect(dialog.getByRole('row').filter({ has: page.getByRole('checkbox', { name: `Remind ${f.name}` }) })).toContainText(
        f.email,
      );
    }
    await expect(dialog).toContainText('3 families chosen');
    await shot(page, 'overdue-reminders');

    await send.click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText('Overdue reminders: 2 queued, 1 skipped (no e-mail)')).toBeVisible();
    await expect(page).toHaveURL(/#\/outbox\?batch=[0-9a-f-]{36}$/);
    const bar = page.getByRole('progressbar', { name: 'Batch progress' });
    await expect(bar).toHaveAttribute('aria-valuemax', '2');
    await expect(bar).toHaveAttribute('aria-valuenow', '2', { timeout: 30_000 });
    await expect(page.getByRole('region', { name: 'Batch progress' })).toContainText('2 of 2 e-mails sent');
    await expect(page.getByRole('table', { name: 'E-mails' }).getByText('Sent', { exact: true })).toHaveCount(2);
    await shot(page, 'overdue-outbox');

    expect(received).toHaveLength(2);
    for (const f of chosen) {
      const mine = received.filter((m) => (m.to as AddressObject).value.some((a) => a.address === f.email));
      expect(mine, `one reminder to ${f.name}`).toHaveLength(1);
      const m = mine[0]!;
      expect(m.subject).toContain('A reminder about your account');
      const pdf = m.attachments.filter((a) => a.contentType === 'application/pdf');
      expect(pdf).toHaveLength(1);
      expect(pdf[0]!.filename).toMatch(/^Statement .*\.pdf$/);
      const text = pdfText(pdf[0]!.content);
      expect(text).toMatch(/statement/i);
      expect(text).toContain(f.name);
    }
    // The family without an address got nothing: every message went to a chosen family.
    const addresses = received.flatMap((m) => (m.to as AddressObject).value.map((a) => a.address));
    expect(addresses.sort()).toEqual(chosen.map((f) => f.email).sort());
    expect(await page.evaluate(() => window.__tutordeskTest!.count('messages'))).toBe(2);
  });
});

test('a statement e-mailed from the ledger arrives once with the PDF of the chosen period', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await withMailHost(page, browser, async ({ received }) => {
    const [family] = (await page.evaluate(() => window.__tutordeskTest!.overdueFamilies(1))).withEmail;
    await page.evaluate((id) => (location.hash = `#/payments/ledger?family=${id}`), family!.id);
    await page.getByLabel('Statement from').fill('2026-01-01');
    await page.getByRole('button', { name: 'E-mail statement…' }).click();
    const dialog = page.getByRole('dialog', { name: `E-mail statement to ${family!.name}` });
    await expect(dialog.getByText(family!.email)).toBeVisible();
    await expect(dialog.getByText(`Statement ${family!.name} 2026-01-01 to`)).toBeVisible();
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(1);
    const m = received[0]!;
    expect((m.to as AddressObject).value.map((a) => a.address)).toEqual([family!.email]);
    expect(m.subject).toContain('Your statement');
    const pdf = m.attachments.filter((a) => a.contentType === 'application/pdf');
    expect(pdf).toHaveLength(1);
    expect(pdf[0]!.filename).toMatch(/^Statement .* 2026-01-01 to \d{4}-\d{2}-\d{2}\.pdf$/);
    const text = pdfText(pdf[0]!.content);
    expect(text).toContain(family!.name);
    expect(text).toMatch(/INV-\d{4}-TST-\d{4}/);
  });
});

test('in the browser build the ledger offers the mail app for a statement', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  const [family] = (await page.evaluate(() => window.__tutordeskTest!.overdueFamilies(1))).withEmail;
  await page.evaluate((id) => (location.hash = `#/payments/ledger?family=${id}`), family!.id);
  await page.getByRole('button', { name: 'E-mail statement…' }).click();
  const dialog = page.getByRole('dialog', { name: `E-mail statement to ${family!.name}` });
  await expect(dialog.getByRole('note')).toContainText('Sending e-mail needs the TutorDesk desktop app');
  await expect(dialog.getByRole('button', { name: 'Open in my mail app' })).toBeEnabled();
});

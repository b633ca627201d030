/**
 * A progress report end to end: from a student's page, "Progress report…" shows the term's
 * figures and notes; two notes are ticked and goals written (with markup characters), and the
 * report is e-mailed through the outbox, the desktop app's own mail service (run here behind the
 * page's bridge: testing/mail-hooks.ts) and a real SMTP server on loopback. The message that
 * arrives is parsed and its PDF read back with pdftotext and looked at as an image (pdftoppm).
 * The set-up is email.spec.ts's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { type AddressObject } from 'mailparser';
import { loadSample, openApp, pageErrors } from './helpers';
import { shot, withMailHost } from './mail-host';

const CHOSEN = ['Fractions breakthrough', 'Timed practice review'];
const UNCHOSEN = 'Exam technique check';
const GOALS = 'Secure <b>fractions</b> & "long division"\nOne past paper a fortnight';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

/** The PDF's text (pdftotext), and its first page as a PNG in screenshots/ to look at. */
function readPdf(pdf: Buffer, png: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-report-'));
  try {
    writeFileSync(join(dir, 'a.pdf'), pdf);
    mkdirSync('screenshots', { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', join(dir, 'a.pdf'), png.replace(/\.png$/, '')]);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('in the browser build the report dialog offers the mail app and says sending needs the desktop app', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  const s = await page.evaluate((t) => window.__tutordeskTest!.studentWithNotes(t), [...CHOSEN, UNCHOSEN]);
  await page.evaluate((id) => (location.hash = `#/students/timeline?id=${id}`), s.studentId);
  await page.getByRole('button', { name: 'Progress report…' }).click();
  const dialog = page.getByRole('dialog', { name: `Progress report for ${s.name}` });
  await dialog.getByRole('button', { name: 'E-mail to the family…' }).click();
  const message = page.getByRole('dialog', { name: `E-mail ${s.name}’s progress report` });
  await expect(message.getByRole('note')).toContainText('Sending e-mail needs the TutorDesk desktop app');
  await expect(message.getByRole('button', { name: 'Open in my mail app' })).toBeEnabled();
});

test('a progress report e-mailed from the student page arrives with the chosen notes and goals in its PDF', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await withMailHost(page, browser, async ({ received }) => {
    const s = await page.evaluate((t) => window.__tutordeskTest!.studentWithNotes(t), [...CHOSEN, UNCHOSEN]);

    await page.evaluate((id) => (location.hash = `#/students/timeline?id=${id}`), s.studentId);
    await page.getByRole('button', { name: 'Progress report…' }).click();
    const dialog = page.getByRole('dialog', { name: `Progress report for ${s.name}` });
    const figures = dialog.getByRole('region', { name: 'The report’s figures' });
    await expect(figures).toContainText(`${s.figures.taken}Lessons taken`);
    await expect(figures).toContainText(`${s.figures.missed}Missed`);
    const rate = s.figures.attendanceRate === null ? '—' : `${s.figures.attendanceRate}%`;
    await expect(figures).toContainText(`${rate}Attendance`);

    for (const title of [...CHOSEN, UNCHOSEN]) await expect(dialog.getByRole('checkbox', { name: title })).not.toBeChecked();
    for (const title of CHOSEN) await dialog.getByRole('checkbox', { name: title }).check();
    await dialog.getByRole('textbox', { name: 'Goals' }).fill(GOALS);
    await shot(page, 'progress-report-dialog');

    await dialog.getByRole('button', { name: 'E-mail to the family…' }).click();
    const message = page.getByRole('dialog', { name: `E-mail ${s.name}’s progress report` });
    await expect(message.getByText(s.email)).toBeVisible();
    await expect(message.getByText(/^Progress report .*\.pdf$/)).toBeVisible();
    await message.getByRole('button', { name: 'Send' }).click();
    await expect(message).toBeHidden();

    await page.getByRole('link', { name: 'Outbox' }).click();
    const table = page.getByRole('table', { name: 'E-mails' });
    await expect(table.getByText('Sent', { exact: true })).toBeVisible({ timeout: 30_000 });
    expect(received).toHaveLength(1);
    const m = received[0]!;
    expect((m.to as AddressObject).value.map((a) => a.address)).toEqual([s.email]);
    expect(m.subject).toMatch(new RegExp(`^${s.firstName}'s progress report from \\S`));
    expect(m.text).toContain(`Please find attached ${s.firstName}'s progress report for `);
    const pdf = m.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.filename).toMatch(new RegExp(`^Progress report ${s.name} \\d{4}-\\d{2}-\\d{2} to \\d{4}-\\d{2}-\\d{2}\\.pdf$`));
    const text = readPdf(pdf!.content, 'screenshots/progress-report-pdf.png');
    writeFileSync('test-results/progress-report-pdf.txt', text);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(s.name);
    for (const title of CHOSEN) expect(flat).toContain(title);
    expect(flat).not.toContain(UNCHOSEN);
    expect(text).toContain('Secure <b>fractions</b> & "long division"');
    expect(text).toContain('One past paper a fortnight');
    expect(flat).toMatch(new RegExp(`\\b${s.figures.taken}\\b`));
    expect(flat).toContain(rate);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { loadSample, openApp, pageErrors, studentsTable, openSettings } from './helpers';

/**
 * Issue 16: a whole practice goes into one backup file from Settings (here protected by a
 * passphrase) and comes back on a fresh computer from the first-run screen. Bad files and a
 * wrong passphrase are refused with their reason and nothing is restored.
 */
const PASSPHRASE = 'maple syrup on tuesdays';

async function chooseBackup(page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: /Choose (a backup file|another file)/ }).click();
  await (await chooser).setFiles(file);
}

const COLLECTIONS = [
  'students',
  'families',
  'staff',
  'settings',
  'lessons',
  'occurrences',
  'notes',
  'invoices',
  'payments',
  'billingclaims',
  'closures',
];

/** How many records of each kind the practice in `page` holds. */
async function counts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async (names) => {
    const out: Record<string, number> = {};
    for (const c of names) out[c] = await window.__tutordeskTest!.count(c);
    return out;
  }, COLLECTIONS);
}

/** The names in the Students table's first rows (each cell starts with the avatar's initials). */
async function firstStudentNames(page: Page): Promise<string[]> {
  await page.getByRole('link', { name: 'Students' }).click();
  const rows = studentsTable(page).getByRole('row');
  await expect(rows.nth(1)).toBeVisible();
  const names: string[] = [];
  for (let i = 1; i <= 5; i++)
    names.push((await rows.nth(i).getByRole('cell').first().innerText()).replace(/^\p{Lu}{1,3}\s*(?=\p{Lu})/u, '').trim());
  return names;
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`a practice backed up with a passphrase is restored on a fresh computer (${colorScheme})`, async ({ browser }) => {
    test.setTimeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'tutordesk-backup-'));
    const source = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const a = await source.newPage();
    await openApp(a);
    await loadSample(a);
    const before = await counts(a);
    expect(before.students).toBeGreaterThan(5);
    const names = await firstStudentNames(a);
    expect(names.every((n) => / /.test(n))).toBe(true);

    await openSettings(a, 'Backups');
    const card = a.getByRole('region', { name: 'Backups' });
    await expect(card.getByRole('status', { name: 'Last backup' })).toHaveText('This computer has not made a backup yet.');
    await card.getByRole('checkbox', { name: 'Protect the backup with a passphrase' }).check();
    await card.getByLabel('Passphrase', { exact: true }).fill('short');
    await card.getByRole('button', { name: 'Back up now…' }).click();
    await expect(card.getByText('Use at least 8 characters.')).toBeVisible();
    await card.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await card.getByLabel('Repeat the passphrase').fill(`${PASSPHRASE}!`);
    await card.getByRole('button', { name: 'Back up now…' }).click();
    await expect(card.getByText('The two passphrases are not the same.')).toBeVisible();
    await card.getByLabel('Repeat the passphrase').fill(PASSPHRASE);
    await card.scrollIntoViewIfNeeded();
    await a.screenshot({ path: `screenshots/backup-settings-${colorScheme}.png` });
    const download = a.waitForEvent('download');
    await card.getByRole('button', { name: 'Back up now…' }).click();
    const saved = await download;
    expect(saved.suggestedFilename()).toMatch(/ backup \d{4}-\d\d-\d\d \d\d\.\d\d\.tutordesk-backup$/);
    const file = join(dir, saved.suggestedFilename());
    await saved.saveAs(file);
    await expect(card.getByRole('status', { name: 'Last backup' })).toContainText('protected by a passphrase');
    const text = readFileSync(file, 'utf8');
    // Protected: the payload's bytes hold no student's name (unprotected, they are its JSON).
    const payload = Buffer.from((JSON.parse(text) as { payload: string }).payload, 'base64').toString('latin1');
    for (const name of names) expect(payload).not.toContain(name);
    expect(pageErrors(a)).toEqual([]);

    // Bad files first: each refused with its reason, nothing restored.
    const truncated = join(dir, 'cut.tutordesk-backup');
    writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));
    const csv = join(dir, 'students.tutordesk-backup');
    writeFileSync(csv, 'first name,last name\nAda,Lovelace\n');
    const target = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
    const b = await target.newPage();
    await openApp(b);
    const restore = b.getByRole('region', { name: 'Restore from a backup' });
    await chooseBackup(b, truncated);
    await expect(restore.getByRole('alert')).toHaveText(/incomplete: it was cut short/);
    await chooseBackup(b, csv);
    await expect(restore.getByRole('alert')).toHaveText('This file is not a TutorDesk backup.');

    // The real file: what it holds, then the passphrase.
    await chooseBackup(b, file);
    const details = restore.getByRole('definition');
    await expect(restore.getByLabel('The chosen backup')).toContainText(`${before.students} students`);
    await expect(details.first()).toHaveText(saved.suggestedFilename());
    await restore.getByRole('button', { name: 'Restore this practice' }).click();
    await expect(restore.getByText('Enter the passphrase this backup was protected with.')).toBeVisible();
    await restore.getByLabel('Backup passphrase').fill('maple syrup on mondays');
    await restore.getByRole('button', { name: 'Restore this practice' }).click();
    await expect(restore.getByText('The passphrase is not the one this backup was protected with.')).toBeVisible();
    await restore.scrollIntoViewIfNeeded();
    await b.screenshot({ path: `screenshots/backup-restore-${colorScheme}.png` });
    await restore.getByLabel('Backup passphrase').fill(PASSPHRASE);
    await restore.getByRole('button', { name: 'Restore this practice' }).click();
    await expect(b.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible({ timeout: 30_000 });
    expect(await counts(b)).toEqual(before);
    expect(await firstStudentNames(b)).toEqual(names);
    expect(pageErrors(b)).toEqual([]);
    await source.close();
    await target.close();
  });
}

test('a practice with neither a backup nor a sync for a week is reminded, until it makes one', async ({ page }) => {
  await page.clock.install({ time: new Date('2026-11-20T09:00:00Z') });
  await openApp(page);
  await loadSample(page);
  const reminder = page.getByRole('banner').getByRole('button', { name: /^No backup yet/ });
  await expect(reminder).toHaveCount(0);
  // Eight days later, the app still open: the reminder appears.
  await page.clock.fastForward(8 * 24 * 3_600_000);
  await expect(reminder).toBeVisible({ timeout: 10_000 });
  await expect(reminder).toHaveAccessibleName(/this computer holds the only copy of the practice/);
  await page.screenshot({ path: 'screenshots/backup-reminder-light.png' });
  await reminder.click();
  const card = page.getByRole('region', { name: 'Backups' });
  await expect(card.getByRole('heading', { name: 'Backups' })).toBeFocused();
  await expect(card).toContainText('Automatic daily backups need the TutorDesk desktop app');
  const download = page.waitForEvent('download');
  await card.getByRole('button', { name: 'Back up now…' }).click();
  await download;
  await expect(card.getByRole('status', { name: 'Last backup' })).toContainText('Last backup from this computer');
  await expect(reminder).toHaveCount(0);
});

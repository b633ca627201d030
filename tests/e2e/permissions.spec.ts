/**
 * The UI applies the permission table (src-shared/sync/permissions.ts) to this computer's user:
 * as a tutor, controls for what the table forbids are disabled with the reason (visible, and
 * their accessible description); as an administrator they are enabled. Also the sync form's
 * confirmation for an unencrypted address to another computer (src-shared/sync/transport.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startSyncServer } from '../../scripts/sync-server';
import { DESIGN_DOC_ID } from '../../src-shared/sync/names';
import { createPractice, loadSample, openApp, pageErrors, studentsTable, openSettings } from './helpers';

const SETTINGS_REASON = 'Only a practice admin may change the practice settings.';
const STAFF_REASON = 'Only a practice admin may change staff records.';

async function iAm(page: Page, name: string): Promise<void> {
  await openSettings(page, 'This computer');
  await page.getByRole('combobox', { name: 'I am' }).selectOption({ label: name });
  await expect(page.getByText(`This computer now belongs to ${name}`)).toBeVisible();
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync('screenshots', { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `screenshots/permissions-${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Opens the first lesson of `tutor` in the agenda (the panel is the page's complementary region). */
async function openLessonOf(page: Page, tutor: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Agenda', exact: true }).click();
  await page.getByRole('combobox', { name: 'Filter by tutor' }).selectOption({ label: tutor });
  await page
    .getByRole('button', { name: /, \d\d:\d\d–\d\d:\d\d/ })
    .first()
    .click();
  const panel = page.getByRole('complementary');
  await expect(panel).toBeVisible();
  await expect(panel.getByText(tutor)).toBeVisible();
  return panel;
}

test('a tutor sees what the permission table forbids disabled with the reason; an administrator does not', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await loadSample(page);
  await iAm(page, 'James Okoro');

  // Settings: the practice's settings and closed days are an administrator's.
  // This computer's own choice stays the user's.
  await expect(page.getByRole('combobox', { name: 'I am' })).toBeEnabled();
  const sections = page.getByRole('navigation', { name: 'Settings sections' });
  await sections.getByRole('link', { name: 'Practice', exact: true }).click();
  const save = page.getByRole('button', { name: 'Save practice settings' });
  await expect(save).toBeDisabled();
  await expect(save).toHaveAccessibleDescription(SETTINGS_REASON);
  await expect(page.getByRole('textbox', { name: 'Practice name' })).toBeDisabled();
  await expect(page.getByText(SETTINGS_REASON).first()).toBeVisible();
  await shoot(page, 'settings-tutor');
  await sections.getByRole('link', { name: 'Schedule', exact: true }).click();
  const addClosure = page.getByRole('button', { name: 'Add closed days' });
  await expect(addClosure).toBeDisabled();
  await expect(page.getByRole('group').filter({ has: addClosure })).toHaveAccessibleDescription(
    /Only a practice admin may change closures\./,
  );

  // Staff records.
  await page.getByRole('link', { name: 'Staff' }).click();
  const newStaff = page.getByRole('button', { name: 'New staff member' });
  await expect(newStaff).toBeDisabled();
  await expect(newStaff).toHaveAccessibleDescription(STAFF_REASON);
  await expect(page.getByRole('button', { name: 'Edit Sarah Mitchell' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Edit Sarah Mitchell' })).toHaveAccessibleDescription(STAFF_REASON);
  await expect(page.getByText(STAFF_REASON)).toBeVisible();
  await shoot(page, 'staff-tutor');

  // Students may be added and changed by tutors, not deleted.
  await page.getByRole('link', { name: 'Students' }).click();
  await studentsTable(page).getByRole('row').nth(1).click();
  const studentDialog = page.getByRole('dialog');
  const del = studentDialog.getByRole('button', { name: 'Delete' });
  await expect(del).toBeDisabled();
  await expect(del).toHaveAccessibleDescription('Only a practice admin may delete students.');
  await expect(studentDialog.getByRole('button', { name: 'Archive' })).toBeEnabled();
  await studentDialog.getByRole('button', { name: 'Cancel' }).click();

  // Another tutor's lesson: neither the lesson nor its dates; the own lessons: everything.
  let panel = await openLessonOf(page, 'Emily Chen');
  const OTHERS = /A tutor may only change their own lessons\. A tutor may only change occurrences of their own lessons\./;
  for (const name of ['Edit', 'Cancel lesson', 'End series…']) {
    const button = panel.getByRole('button', { name, exact: true });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAccessibleDescription(OTHERS);
  }
  // Moving this date: the whole form is disabled, its group described by the same reason.
  await expect(panel.getByRole('button', { name: 'Move', exact: true })).toBeDisabled();
  await expect(panel.getByRole('textbox', { name: 'Move to date' })).toBeDisabled();
  await expect(panel.getByRole('group').filter({ has: page.getByRole('form', { name: 'Move this lesson' }) })).toHaveAccessibleDescription(
    OTHERS,
  );
  await expect(panel.getByText(OTHERS)).toBeVisible();
  // Attendance of that date (a section the attendance feature contributes) likewise.
  const attendance = panel.getByRole('region', { name: 'Attendance' });
  await expect(attendance.getByRole('group').first()).toHaveAccessibleDescription(
    'A tutor may only change occurrences of their own lessons.',
  );
  const marks = attendance.getByRole('radio');
  expect(await marks.count()).toBeGreaterThan(0);
  for (const b of await marks.all()) await expect(b).toBeDisabled();
  await shoot(page, 'lesson-tutor');
  await panel.getByRole('button', { name: 'Close lesson details' }).click();
  panel = await openLessonOf(page, 'James Okoro');
  await expect(panel.getByRole('button', { name: 'Edit', exact: true })).toBeEnabled();
  await expect(panel.getByRole('button', { name: /^(Skip this date|Delete lesson)$/ })).toBeEnabled();
  await expect(panel.getByRole('region', { name: 'Attendance' }).getByRole('radio', { name: 'Attended' })).toBeEnabled();
  await expect(panel.getByText(OTHERS)).toHaveCount(0);
  await panel.getByRole('button', { name: 'Close lesson details' }).click();

  // The administrator: all of it enabled, no reasons shown.
  await iAm(page, 'Sarah Mitchell');
  await sections.getByRole('link', { name: 'Practice', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Save practice settings' })).toBeEnabled();
  await expect(page.getByRole('textbox', { name: 'Practice name' })).toBeEnabled();
  await expect(page.getByText(SETTINGS_REASON)).toHaveCount(0);
  await sections.getByRole('link', { name: 'Schedule', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Add closed days' })).toBeEnabled();
  await page.getByRole('link', { name: 'Staff' }).click();
  await expect(page.getByRole('button', { name: 'New staff member' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Edit Sarah Mitchell' })).toBeEnabled();
  await expect(page.getByText(STAFF_REASON)).toHaveCount(0);
  await page.getByRole('link', { name: 'Students' }).click();
  await studentsTable(page).getByRole('row').nth(1).click();
  await expect(page.getByRole('dialog').getByRole('button', { name: 'Delete' })).toBeEnabled();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  panel = await openLessonOf(page, 'Emily Chen');
  await expect(panel.getByRole('button', { name: 'Edit', exact: true })).toBeEnabled();
  await expect(panel.getByRole('button', { name: 'Cancel lesson', exact: true })).toBeEnabled();
  await expect(panel.getByRole('button', { name: 'Move', exact: true })).toBeEnabled();
  expect(pageErrors(page)).toEqual([]);
});

test("another tutor's lesson note is shown read only, with the reason; a tutor books only their own lessons", async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await loadSample(page);
  await iAm(page, 'Emily Chen');
  let panel = await openLessonOf(page, 'Emily Chen');
  let covered = panel.getByRole('group', { name: 'Lesson note' }).getByRole('textbox', { name: 'What was covered' });
  await expect(covered).toBeEditable();
  await covered.fill('Fractions: adding with unlike denominators');
  await expect(panel.getByRole('group', { name: 'Lesson note' }).getByRole('status')).toHaveText('Saved');
  await panel.getByRole('button', { name: 'Close lesson details' }).click();

  await iAm(page, 'James Okoro');
  panel = await openLessonOf(page, 'Emily Chen');
  const note = panel.getByRole('group', { name: 'Lesson note' });
  covered = note.getByRole('textbox', { name: 'What was covered' });
  await expect(covered).toHaveValue('Fractions: adding with unlike denominators');
  await expect(covered).not.toBeEditable();
  await expect(covered).toHaveAccessibleDescription('Read only: A tutor may only change their own notes.');
  await expect(note.getByRole('textbox', { name: 'Homework' })).not.toBeEditable();
  await expect(note.getByText('Read only: A tutor may only change their own notes.')).toBeVisible();
  await note.scrollIntoViewIfNeeded();
  await shoot(page, 'note-tutor');
  await panel.getByRole('button', { name: 'Close lesson details' }).click();

  // A new lesson: a tutor books only their own.
  await page.getByRole('button', { name: 'New lesson' }).click();
  const dialog = page.getByRole('dialog', { name: 'New lesson' });
  const tutor = dialog.getByRole('combobox', { name: 'Tutor' });
  await expect(tutor).toHaveValue('James Okoro');
  await expect(tutor).toHaveAccessibleDescription('A tutor may only change their own lessons.');
  await tutor.click();
  await expect(dialog.getByRole('listbox', { name: 'Tutor' }).getByRole('option')).toHaveText(['James Okoro']);
  await shoot(page, 'new-lesson-tutor');
  expect(pageErrors(page)).toEqual([]);
});

test('an http:// address to another computer needs "Send my password unencrypted"; https and loopback do not', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click();
  const address = page.getByRole('textbox', { name: 'Server address' });
  const confirm = page.getByRole('checkbox', { name: 'Send my password unencrypted' });
  await page.getByRole('textbox', { name: 'Practice id' }).fill('maple');
  await page.getByRole('textbox', { name: 'Username' }).fill('jo');
  await page.getByRole('textbox', { name: 'Password' }).fill('jo-secret-7');

  for (const safe of ['https://couch.centre.invalid', 'http://127.0.0.1:5984', 'http://localhost:5984', 'http://[::1]:5984']) {
    await address.fill(safe);
    await expect(confirm).toHaveCount(0);
  }

  await address.fill('http://couch.centre.invalid:5984');
  await expect(confirm).toBeVisible();
  await expect(confirm).not.toBeChecked();
  await expect(confirm).toHaveAccessibleDescription(/cross the network in clear text/);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'tick "Send my password unencrypted"' });
  await expect(refusal).toBeVisible();
  await expect(confirm).toHaveAccessibleDescription(/couch\.centre\.invalid:5984 is reached over http:\/\//);
  // Nothing was handed to the host: no connection result at all.
  await expect(page.getByText(/Connection OK|Server unreachable/)).toHaveCount(0);
  await shoot(page, 'sync-plaintext');

  await confirm.check();
  await expect(refusal).toHaveCount(0);
  await page.getByRole('button', { name: 'Test connection' }).click();
  // Now the request is made (and fails: the name does not resolve), not refused.
  const result = page.getByRole('status', { name: 'Connection test result' });
  await expect(result).not.toHaveText('', { timeout: 30_000 });
  await expect(result).not.toContainText('Send my password unencrypted');
  expect(pageErrors(page)).toEqual([]);
});

test('a practice admin is warned on the Sync screen when the server admin changed the rules', async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-rules-'));
  const port = Number(process.env.E2E_PORT ?? 4173);
  const server = await startSyncServer({
    port: 0,
    dataDir,
    admin: { username: 'couchadmin', password: 'couch-admin-pw' },
    practice: 'maple',
    users: [{ username: 'jo', password: 'jo-secret-7', role: 'admin' }],
    corsOrigins: [`http://127.0.0.1:${port}`],
    restartOnCrash: false,
  });
  try {
    const auth = {
      Authorization: `Basic ${Buffer.from('couchadmin:couch-admin-pw').toString('base64')}`,
      'Content-Type': 'application/json',
    };
    const db = 'tutordesk-maple-payments';
    const ddoc = (await (await fetch(`${server.url}/${db}/${DESIGN_DOC_ID}`, { headers: auth })).json()) as Record<string, unknown>;
    const put = await fetch(`${server.url}/${db}/${DESIGN_DOC_ID}`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ ...ddoc, validate_doc_update: 'function () {}' }),
    });
    expect(put.status).toBe(201);

    await openApp(page);
    await createPractice(page, 'Maple Tutoring', 'Jo Brown');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click();
    await page.getByRole('textbox', { name: 'Server address' }).fill(server.url);
    await page.getByRole('textbox', { name: 'Practice id' }).fill('maple');
    await page.getByRole('textbox', { name: 'Username' }).fill('jo');
    await page.getByRole('textbox', { name: 'Password' }).fill('jo-secret-7');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const warning = page.getByRole('alert', { name: "The server's rules for this practice are not the ones TutorDesk installs" });
    await expect(warning).toBeVisible({ timeout: 30_000 });
    await expect(warning.getByRole('list', { name: 'What differs' })).toContainText(
      `${db}: the rules (${DESIGN_DOC_ID} validate_doc_update) differ from this version's (they are empty: nothing is checked)`,
    );
    await expect(warning).toContainText(`npm run server:setup -- --url ${server.url} --admin <server admin> --practice maple`);
    await expect(warning).toContainText('can only be checked by the server admin');
    await shoot(page, 'sync-rules-warning');
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  expect(pageErrors(page)).toEqual([]);
});

test('the desktop app on Linux without a keyring asks how to keep the password, and passes the choice to the host', async ({ page }) => {
  // A stand-in for the preload's bridge that reports the `basic_text` backend and records what
  // the form hands to saveCredentials (the host's own handling is tested in Node: credentials.test.ts).
  await page.addInitScript(() => {
    const saved: unknown[] = [];
    const w = window as unknown as { tutordesk: unknown; __saved: unknown[] };
    w.__saved = saved;
    const nope = async () => {
      throw new Error('not in this test');
    };
    w.tutordesk = {
      appInfo: async () => ({
        name: 'TutorDesk',
        version: 'test',
        platform: 'electron',
        os: 'linux',
        secureStorage: false,
        passwordStorage: 'basic-text',
      }),
      saveFile: nope,
      openFile: nope,
      renderPdf: nope,
      savePdf: nope,
      savePdfBatch: nope,
      notify: async () => {},
      openExternal: async () => {},
      isOnline: async () => true,
      sync: {
        getAccount: async () => null,
        saveCredentials: async (c: Record<string, unknown>) => {
          saved.push(c);
          return {
            serverUrl: c.serverUrl,
            username: c.username,
            practice: c.practice,
            hasPassword: true,
            passwordKept: c.storeWithoutKeychain ? 'stored' : 'session',
          };
        },
        clearCredentials: async () => {},
        fetch: async () => ({
          status: 0,
          statusText: 'The server cannot be reached.',
          headers: { 'x-tutordesk-error': 'connection-refused' },
          body: '{"error":"connection-refused"}',
        }),
      },
      // The desktop app with no mail account set up.
      mail: {
        available: async () => true,
        getAccount: async () => null,
        saveAccount: nope,
        clearAccount: async () => {},
        sendTest: nope,
        send: nope,
      },
      onEvent: () => () => {},
    };
  });
  await openApp(page);
  await createPractice(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync' }).click();
  const choice = page.getByRole('group', { name: 'No keychain on this computer: how should TutorDesk keep the password?' });
  await expect(choice).toBeVisible();
  await expect(choice).toHaveAccessibleDescription(/only be obfuscated/);
  const session = choice.getByRole('radio', { name: /^Keep it for this session only/ });
  const store = choice.getByRole('radio', { name: 'Remember it on this computer without encryption' });
  await expect(session).toBeChecked();
  await expect(store).not.toBeChecked();
  await shoot(page, 'sync-basic-text');

  await page.getByRole('textbox', { name: 'Server address' }).fill('http://127.0.0.1:9');
  await page.getByRole('textbox', { name: 'Practice id' }).fill('maple');
  await page.getByRole('textbox', { name: 'Username' }).fill('jo');
  await page.getByRole('textbox', { name: 'Password' }).fill('jo-secret-7');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __saved: Record<string, unknown>[] }).__saved.length)).toBe(1);
  await store.check();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __saved: Record<string, unknown>[] }).__saved.length)).toBe(2);
  const saved = await page.evaluate(() => (window as unknown as { __saved: Record<string, unknown>[] }).__saved);
  expect(saved[0]).not.toHaveProperty('storeWithoutKeychain');
  expect(saved[1]).toMatchObject({ storeWithoutKeychain: true, serverUrl: 'http://127.0.0.1:9' });
  expect(pageErrors(page)).toEqual([]);
});

/**
 * Sync end to end: two (and three) "laptops" — separate browser contexts, each with its own
 * IndexedDB — against a sync server on loopback: the embedded server (PouchDB Server behind its
 * guard) started by this file, and, when COUCH_URL is set, that CouchDB too (docs/testing.md); each
 * server's tests are titled with its name, and each run makes its own practice and users there and
 * removes them afterwards (tests/sync/helpers/targets.ts). Everything is done through the UI a person
 * uses: Settings → Sync, the top-bar indicator and its panel, the students screen. Only the billing
 * records of the double-billing step are written through a test hook (the same write path as the
 * UI), because billing two computers at once by hand is the invoices feature's business.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { createPractice, openApp, pageErrors, studentsTable, chooseOption } from './helpers';
import { benchStudentDocs } from '../../scripts/bench/sync';
import { startSyncServer } from '../../scripts/sync-server';
import { couchFromEnv, couchServerName, probeCouch } from '../../scripts/lib/couch-remote';
import { invoiceValues } from '../sync/helpers/fixtures';
import { makeLine } from '../../src-shared/billing/drafts';
import { couchTarget, POUCHDB_TARGET, startTarget, type SyncTarget, type TestServer, type TestUser } from '../sync/helpers/targets';
import { fillConnection as fillConnectionOf, openSyncSettings, serverDocs as serverDocsOf, syncIndicator } from './sync-helpers';

const E2E_PORT = Number(process.env.E2E_PORT ?? 4173);
const ORIGIN = `http://127.0.0.1:${E2E_PORT}`;
const USERS = { jo: { role: 'admin' as const }, sam: { role: 'tutor' as const } };

/** The embedded server, and COUCH_URL's CouchDB when set (named without a password for the titles). */
const TARGETS: SyncTarget[] = [POUCHDB_TARGET];
if (process.env.COUCH_URL) {
  const env = couchFromEnv();
  if (env) {
    const name = await couchServerName(env.url);
    TARGETS.push({ kind: 'couchdb', name, title: `[${name}]` });
  }
}

let server: TestServer<keyof typeof USERS>;
let PRACTICE: string;
let JO: TestUser;
let SAM: TestUser;

test.describe.configure({ mode: 'serial' });

/** Every live document of a practice collection on the server (as the server admin sees it). */
const serverDocs = (collection: string) => serverDocsOf(server, collection);

/** The indicator in the top bar: a button whose accessible name starts with "Sync status:". */
const indicator = syncIndicator;

/** Records every accessible name the indicator takes (to check the states it went through). */
async function recordIndicator(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __syncNames: string[] };
    w.__syncNames = [];
    const note = () => {
      const el = document.querySelector('[aria-label^="Sync status:"]');
      const name = el?.getAttribute('aria-label') ?? '';
      if (name && w.__syncNames[w.__syncNames.length - 1] !== name) w.__syncNames.push(name);
    };
    new MutationObserver(note).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'] });
  });
}
const indicatorHistory = (page: Page) => page.evaluate(() => (window as unknown as { __syncNames: string[] }).__syncNames.slice());

async function laptop(browser: Browser, me: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 880 } });
  await recordIndicator(context);
  const page = await context.newPage();
  await openApp(page);
  await createPractice(page, 'Maple Tutoring', me);
  return { context, page };
}

const fillConnection = (page: Page, user: { username: string; password: string }, opts: { serverUrl?: string; practice?: string } = {}) =>
  fillConnectionOf(page, server, user, opts);

async function connect(page: Page, user: { username: string; password: string }): Promise<void> {
  await openSyncSettings(page);
  await fillConnection(page, user);
  await page.getByRole('button', { name: 'Test connection' }).click();
  const result = page.getByRole('status', { name: 'Connection test result' });
  await expect(result).toContainText('Connection OK');
  await expect(result).toContainText(`as ${user.username}`);
  await expect(result).toContainText(server.target.kind === 'pouchdb' ? 'PouchDB Server' : 'Apache CouchDB');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(indicator(page)).toHaveAccessibleName(/^Sync status: up to date, last synced \d\d:\d\d/, { timeout: 30_000 });
}

async function openStudent(page: Page, name: string): Promise<Locator> {
  await page.getByRole('link', { name: 'Students' }).click();
  await page.getByLabel('Filter by status').selectOption('all');
  await studentsTable(page)
    .getByRole('row', { name: new RegExp(name) })
    .click();
  return page.getByRole('dialog', { name });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  const prefix = server.target.kind === 'pouchdb' ? 'sync' : 'sync-couchdb';
  await page.screenshot({ path: `screenshots/${prefix}-${name}-light.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `screenshots/${prefix}-${name}-dark.png` });
  await page.emulateMedia({ colorScheme: 'light' });
}

let A: { context: BrowserContext; page: Page };
let B: { context: BrowserContext; page: Page };

for (const t of TARGETS) {
  test.describe(t.title, () => {
    test.beforeAll(async () => {
      let target = t;
      if (t.kind === 'couchdb') {
        const env = couchFromEnv();
        if (!env) throw new Error('COUCH_URL is not set');
        target = couchTarget(await probeCouch(env));
      }
      server = await startTarget(target, { users: USERS, practicePrefix: 'maple', origin: ORIGIN });
      PRACTICE = server.practice;
      JO = { ...server.users.jo };
      SAM = { ...server.users.sam };
      mkdirSync('screenshots', { recursive: true });
    });

    test.afterAll(async () => {
      await A?.context.close();
      await B?.context.close();
      await server?.cleanup();
    });

    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern here
    test.afterEach(async ({}, info) => {
      for (const l of [A, B]) if (l) expect(pageErrors(l.page), `no uncaught errors (${info.title})`).toEqual([]);
    });

    test('two laptops: connect through settings, a new student reaches the other, offline edits on both merge', async ({ browser }) => {
      test.setTimeout(240_000);
      A = await laptop(browser, 'Jo Brown');
      B = await laptop(browser, 'Jo Brown');

      // Before connecting: sync is off, and says so.
      await expect(indicator(A.page)).toHaveAccessibleName('Sync status: off, not set up on this computer');
      await indicator(A.page).click();
      await expect(A.page.getByRole('dialog', { name: 'Sync' })).toContainText('This computer does not sync');
      await A.page.keyboard.press('Escape');

      await test.step('connect both laptops through Settings → Sync', async () => {
        await connect(A.page, JO);
        await expect(A.page.getByText('The password is kept only until this tab is closed.')).toBeVisible();
        await shoot(A.page, 'settings-connected');
        await connect(B.page, JO);
      });

      await test.step('a student created on A appears on B', async () => {
        await A.page.getByRole('link', { name: 'Students' }).click();
        await A.page.getByRole('button', { name: 'New student' }).first().click();
        const dialog = A.page.getByRole('dialog', { name: 'New student' });
        await dialog.getByLabel('First name').fill('Ada');
        await dialog.getByLabel('Last name').fill('Lovelace');
        await chooseOption(dialog, 'Who pays', 'The student (an adult paying for themselves)');
        await dialog.getByRole('button', { name: 'Add student' }).click();
        await expect(dialog).toBeHidden();
        await expect(indicator(A.page)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 20_000 });
        await expect(indicator(A.page)).not.toHaveAccessibleName(/not yet on the server/);
        // B polls the server by itself (no click): it shows up within the idle polling interval.
        await B.page.getByRole('link', { name: 'Students' }).click();
        await expect(studentsTable(B.page).getByRole('row', { name: /Ada Lovelace/ })).toBeVisible({ timeout: 30_000 });
      });

      await test.step('B goes offline; both edit the same student (different fields)', async () => {
        await B.context.setOffline(true);
        await expect(indicator(B.page)).toHaveAccessibleName(/^Sync status: offline/);
        await shoot(B.page, 'indicator-offline');

        const onA = await openStudent(A.page, 'Ada Lovelace');
        await onA.getByLabel('Phone').fill('+44 7700 900456');
        await onA.getByRole('button', { name: 'Save changes' }).click();
        await expect(onA).toBeHidden();

        const onB = await openStudent(B.page, 'Ada Lovelace');
        await onB.getByLabel('Year / level').fill('Year 12');
        await onB.getByRole('button', { name: 'Save changes' }).click();
        await expect(onB).toBeHidden();
        // The student and the self-paying student's family record were written: both wait for the server.
        await expect(indicator(B.page)).toHaveAccessibleName(/^Sync status: offline.*, 2 local changes not yet on the server/);
        await expect(indicator(A.page)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 20_000 });
        await indicator(B.page).click();
        const panel = B.page.getByRole('dialog', { name: 'Sync' });
        await expect(panel).toContainText('Your changes are kept here and sent when the connection is back');
        await expect(panel.getByText('2 changes', { exact: true })).toBeVisible();
        await shoot(B.page, 'panel-offline');
        await B.page.keyboard.press('Escape');
      });

      await test.step('B reconnects: offline → syncing → up to date; the merge keeps both edits on both laptops', async () => {
        const before = (await indicatorHistory(B.page)).length;
        await B.context.setOffline(false);
        await expect(indicator(B.page)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 30_000 });
        await expect(indicator(B.page)).not.toHaveAccessibleName(/not yet on the server/);
        const states = (await indicatorHistory(B.page)).slice(before - 1).map((n) => n.replace(/^Sync status: /, '').split(',')[0]!);
        const order = ['offline', 'syncing', 'up to date'].map((s) => states.indexOf(s));
        expect(order.every((i) => i >= 0) && order[0]! < order[1]! && order[1]! < order[2]!, `states went ${states.join(' → ')}`).toBe(
          true,
        );

        const onB = await openStudent(B.page, 'Ada Lovelace');
        await expect(onB.getByLabel('Year / level')).toHaveValue('Year 12');
        await expect(onB.getByLabel('Phone')).toHaveValue('+44 7700 900456');
        await onB.getByRole('button', { name: 'Close' }).click();

        // A gets the merged version: "Sync now" from the indicator's panel.
        await indicator(A.page).click();
        await A.page.getByRole('dialog', { name: 'Sync' }).getByRole('button', { name: 'Sync now' }).click();
        await expect(indicator(A.page)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 20_000 });
        await A.page.keyboard.press('Escape');
        // The indicator may still show the previous "up to date" while the pull runs, and a form
        // keeps the values it opened with: open the student until the pulled version is there.
        await expect(async () => {
          const onA = await openStudent(A.page, 'Ada Lovelace');
          try {
            await expect(onA.getByLabel('Year / level')).toHaveValue('Year 12', { timeout: 1_000 });
            await expect(onA.getByLabel('Phone')).toHaveValue('+44 7700 900456', { timeout: 1_000 });
          } finally {
            await onA.getByRole('button', { name: 'Close' }).click();
          }
        }).toPass({ timeout: 20_000 });
      });
    });

    test('a lesson billed on two laptops at once is listed as a conflict that needs a person', async () => {
      test.setTimeout(120_000);
      // Each laptop drafts its own invoice for the same lesson and claims the lesson for it, as
      // "New invoice" does. (A claim without its invoice would be an orphan, which the app
      // releases by itself: docs/billing.md "Billing claims".)
      const claim = (invoiceId: string) => ({ occurrenceId: 'occ-2026-03-02', studentId: 'stu-ada', invoiceId, familyId: 'fam-self' });
      const draft = (invoiceId: string) =>
        invoiceValues({
          familyId: 'fam-self',
          lines: [
            makeLine({
              id: `${invoiceId}-line`,
              kind: 'lesson',
              description: 'Maths · 2 Mar',
              unitAmount: 4500,
              occurrenceIds: ['occ-2026-03-02'],
              studentId: 'stu-ada',
              serviceDate: '2026-03-02',
              subject: 'Maths',
            }),
          ],
        });
      const bill = (page: Page, invoiceId: string) =>
        page.evaluate(
          async ({ id, inv, c }) => {
            await window.__tutordeskSyncTest!.save('invoices', id, inv);
            await window.__tutordeskSyncTest!.save('billingclaims', 'occ-2026-03-02#stu-ada', c);
          },
          { id: invoiceId, inv: draft(invoiceId), c: claim(invoiceId) },
        );
      await B.context.setOffline(true);
      await expect(indicator(B.page)).toHaveAccessibleName(/^Sync status: offline/);
      await bill(A.page, 'inv-from-a');
      await expect(indicator(A.page)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 20_000 });
      await expect(indicator(A.page)).not.toHaveAccessibleName(/not yet on the server/, { timeout: 20_000 });
      await bill(B.page, 'inv-from-b');
      await B.context.setOffline(false);
      await expect(indicator(B.page)).toHaveAccessibleName(/^Sync status: up to date.*1 item needs attention/, { timeout: 30_000 });

      await indicator(B.page).click();
      await B.page
        .getByRole('dialog', { name: 'Sync' })
        .getByRole('link', { name: /1 conflict needs a look/ })
        .click();
      await expect(B.page.getByRole('tab', { name: /Conflicts/ })).toHaveAttribute('aria-selected', 'true');
      const list = B.page.getByRole('list', { name: 'Conflicts to review' });
      const item = list.getByRole('listitem').filter({ has: B.page.getByRole('heading', { name: 'Lesson billed twice' }) });
      await expect(item).toContainText('inv-from-a');
      await expect(item).toContainText('inv-from-b');
      await item.getByText('Compare the kept and the set-aside versions').click();
      await expect(item.getByRole('table', { name: /Kept and set-aside versions/ })).toBeVisible();
      await expect(item.getByRole('button', { name: 'Open the kept invoice' })).toBeVisible();
      await expect(item.getByRole('button', { name: 'Open the other invoice' })).toBeVisible();
      await shoot(B.page, 'conflicts');
      await item.getByRole('button', { name: /^Mark as dealt with/ }).click();
      await expect(B.page.getByRole('heading', { name: 'No conflicts' })).toBeVisible();
      await expect(indicator(B.page)).not.toHaveAccessibleName(/attention/);
    });

    test('a tutor laptop: changes the server refuses are listed with its reason, the rest keeps flowing', async ({ browser }) => {
      test.setTimeout(120_000);
      // A tutor who first used TutorDesk on their own, then connects to the centre's server: their
      // own practice settings and staff record may not be changed by a tutor.
      const C = await laptop(browser, 'Sam Okafor');
      try {
        await openSyncSettings(C.page);
        await fillConnection(C.page, SAM);
        await C.page.getByRole('button', { name: 'Connect', exact: true }).click();
        await expect(indicator(C.page)).toHaveAccessibleName(/^Sync status: up to date.*items? needs? attention/, { timeout: 40_000 });
        // The centre's data still arrived: every student on the server is listed on this laptop.
        await C.page.getByRole('link', { name: 'Students' }).click();
        const onServer = await serverDocs('students');
        if (onServer.length > 0) await C.page.getByLabel('Filter by status').selectOption('all');
        for (const d of onServer) {
          await expect(
            studentsTable(C.page).getByRole('row', { name: new RegExp(`${String(d.firstName)} ${String(d.lastName)}`) }),
          ).toBeVisible();
        }

        await indicator(C.page).click();
        await C.page
          .getByRole('dialog', { name: 'Sync' })
          .getByRole('link', { name: /refused by the server/ })
          .click();
        const list = C.page.getByRole('list', { name: 'Refused changes' });
        const settingsItem = list.getByRole('listitem').filter({ has: C.page.getByRole('heading', { name: 'Practice settings' }) });
        await expect(settingsItem).toContainText('Only a practice admin may');
        const staffItem = list.getByRole('listitem').filter({ has: C.page.getByRole('heading', { name: 'Staff member Sam Okafor' }) });
        await expect(staffItem).toContainText('Only a practice admin may');
        await shoot(C.page, 'refused');

        // Retry: still refused (the reason comes back); Dismiss: gone from the list.
        await staffItem.getByRole('button', { name: 'Retry sending Staff member Sam Okafor' }).click();
        await expect(staffItem).toContainText('Only a practice admin may', { timeout: 20_000 });
        await settingsItem.getByRole('button', { name: 'Dismiss Practice settings' }).click();
        await expect(settingsItem).toHaveCount(0);
        await staffItem.getByRole('button', { name: 'Open Staff member Sam Okafor' }).click();
        await expect(C.page.getByRole('heading', { name: 'Staff', level: 1 })).toBeVisible();
        await expect(C.page.getByRole('dialog', { name: 'Sam Okafor' })).toBeVisible();
        await C.page.getByRole('dialog', { name: 'Sam Okafor' }).getByRole('button', { name: 'Close' }).click();

        // A student added by the tutor is not held up by the refused records.
        await C.page.getByRole('link', { name: 'Students' }).click();
        await C.page.getByRole('button', { name: 'New student' }).first().click();
        const dialog = C.page.getByRole('dialog', { name: 'New student' });
        await dialog.getByLabel('First name').fill('Grace');
        await dialog.getByLabel('Last name').fill('Hopper');
        await chooseOption(dialog, 'Who pays', 'The student (an adult paying for themselves)');
        await dialog.getByRole('button', { name: 'Add student' }).click();
        await expect(dialog).toBeHidden();
        await expect(indicator(C.page)).not.toHaveAccessibleName(/not yet on the server/, { timeout: 20_000 });
        await expect
          .poll(async () => (await serverDocs('students')).some((d) => d.firstName === 'Grace' && d.lastName === 'Hopper'), {
            timeout: 20_000,
          })
          .toBe(true);
        expect(pageErrors(C.page)).toEqual([]);
      } finally {
        await C.context.close();
      }
    });

    test('clear answers: wrong password, unknown practice, server unreachable; a wrong password is not kept', async ({ browser }) => {
      test.setTimeout(90_000);
      const D = await laptop(browser, 'Jo Brown');
      try {
        await openSyncSettings(D.page);
        const result = D.page.getByRole('status', { name: 'Connection test result' });

        // Validation next to the fields.
        await D.page.getByRole('button', { name: 'Test connection' }).click();
        await expect(D.page.getByRole('textbox', { name: 'Server address' })).toHaveAttribute('aria-invalid', 'true');
        await expect(D.page.getByText('Enter the server address, e.g. https://sync.example.org')).toBeVisible();
        await expect(D.page.getByText('Enter your sync username')).toBeVisible();
        await D.page.getByRole('textbox', { name: 'Practice id' }).fill('Maple Centre');
        await D.page.getByRole('button', { name: 'Test connection' }).click();
        await expect(D.page.getByText('Use lower-case letters, digits, - and _, starting with a letter')).toBeVisible();

        // Wrong passwords only for throw-away users (one each): CouchDB locks an account out after 5 failed logins.
        await fillConnection(D.page, { username: (await server.createUser('mistyped')).username, password: 'not-the-password' });
        await D.page.getByRole('button', { name: 'Test connection' }).click();
        await expect(result).toContainText('Wrong username or password');
        await expect(result).toContainText('Enter the right username and password');

        await fillConnection(D.page, JO, { practice: 'elsewhere' });
        await D.page.getByRole('button', { name: 'Test connection' }).click();
        await expect(result).toContainText('Practice databases missing');
        await expect(result).toContainText('tutordesk-elsewhere-students does not exist');

        await fillConnection(D.page, JO, { serverUrl: 'http://127.0.0.1:9' });
        await D.page.getByRole('button', { name: 'Test connection' }).click();
        await expect(result).toContainText('Server unreachable');

        // Connect with a wrong password: the clear error, and the computer stays unconnected.
        await fillConnection(D.page, { username: (await server.createUser('mistyped-again')).username, password: 'still-wrong' });
        await D.page.getByRole('button', { name: 'Connect', exact: true }).click();
        await expect(result).toContainText('Wrong username or password');
        await expect(indicator(D.page)).toHaveAccessibleName('Sync status: off, not set up on this computer');
        await shoot(D.page, 'wrong-password');
        expect(pageErrors(D.page)).toEqual([]);
      } finally {
        await D.context.close();
      }
    });

    test('a password changed on the server: the indicator shows the error and leads to sync settings', async () => {
      test.setTimeout(90_000);
      // The admin changes jo's password on the server (CouchDB _users); laptop A still has the old one.
      const auth = `Basic ${Buffer.from(`${server.adminAuth.username}:${server.adminAuth.password}`).toString('base64')}`;
      const userDoc = (await (
        await fetch(`${server.url}/_users/org.couchdb.user:${JO.username}`, { headers: { Authorization: auth } })
      ).json()) as Record<string, unknown>;
      const put = await fetch(`${server.url}/_users/org.couchdb.user:${JO.username}`, {
        method: 'PUT',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...userDoc, password: 'new-secret-1' }),
      });
      expect(put.status).toBeLessThan(300);
      JO.password = 'new-secret-1';
      await indicator(A.page).click();
      await A.page.getByRole('dialog', { name: 'Sync' }).getByRole('button', { name: 'Sync now' }).click();
      await expect(indicator(A.page)).toHaveAccessibleName(/^Sync status: error, wrong username or password/, { timeout: 30_000 });
      const panel = A.page.getByRole('dialog', { name: 'Sync' });
      await expect(panel.getByRole('alert')).toContainText('Enter the right username and password in Settings → Sync.');
      await shoot(A.page, 'panel-error');
      await panel.getByRole('button', { name: 'Open sync settings' }).click();
      await expect(A.page.getByRole('heading', { name: 'Sync', level: 1 })).toBeVisible();
      await A.page.getByRole('textbox', { name: 'Password' }).fill('new-secret-1');
      await A.page.getByRole('button', { name: 'Save and reconnect' }).click();
      await expect(indicator(A.page)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 30_000 });

      // Disconnect forgets the account; the data stays.
      await A.page.getByRole('button', { name: 'Disconnect' }).click();
      await expect(indicator(A.page)).toHaveAccessibleName('Sync status: off, not set up on this computer');
      await expect(A.page.getByRole('heading', { name: 'Connect to a sync server' })).toBeVisible();
      await A.page.getByRole('link', { name: 'Students' }).click();
      await expect(studentsTable(A.page).getByRole('row', { name: /Ada Lovelace/ })).toBeVisible();
    });

    test('the first sync of a big practice shows its progress', async ({ browser }) => {
      test.setTimeout(180_000);
      // 3,000 more students on the server (written as the practice admin, through the server's rules).
      const auth = `Basic ${Buffer.from(`${JO.username}:${JO.password}`).toString('base64')}`;
      const docs = benchStudentDocs(3000, 'big').map((d) => {
        const { id, ...rest } = d as unknown as Record<string, unknown>;
        return { _id: id, ...rest };
      });
      for (let i = 0; i < docs.length; i += 1000) {
        const res = await fetch(`${server.url}/tutordesk-${PRACTICE}-students/_bulk_docs`, {
          method: 'POST',
          headers: { Authorization: auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ docs: docs.slice(i, i + 1000) }),
        });
        expect(res.status).toBe(201);
      }
      const E = await laptop(browser, 'Jo Brown');
      try {
        await openSyncSettings(E.page);
        await fillConnection(E.page, JO);
        await E.page.getByRole('button', { name: 'Connect', exact: true }).click();
        await expect(indicator(E.page)).toHaveAccessibleName(/^Sync status: syncing, first sync \d+% done \([\d,]+ of [\d,]+ records\)/, {
          timeout: 30_000,
        });
        // A moment later, part of it has arrived.
        await expect(indicator(E.page)).toHaveAccessibleName(/first sync [1-9]\d% done/, { timeout: 60_000 });
        await indicator(E.page).click();
        const bar = E.page.getByRole('dialog', { name: 'Sync' }).getByRole('progressbar', { name: 'First sync progress' });
        await expect(bar).toBeVisible();
        expect(Number(await bar.getAttribute('aria-valuemax'))).toBeGreaterThanOrEqual(3000);
        await shoot(E.page, 'first-sync-progress');
        expect(pageErrors(E.page)).toEqual([]);
      } finally {
        await E.context.close();
      }
    });

    test('a server that does not allow this web address: the browser says it is CORS and how to fix it', async ({ browser }) => {
      test.skip(
        server.target.kind !== 'pouchdb',
        'Needs a server of its own whose CORS list leaves this page out; a shared CouchDB is not reconfigured by the tests.',
      );
      test.setTimeout(90_000);
      // Same practice and users, but its CORS list does not name this page's origin.
      const dir = mkdtempSync(join(tmpdir(), 'tutordesk-e2e-nocors-'));
      const strict = await startSyncServer({
        port: 0,
        dataDir: dir,
        admin: { username: 'couchadmin', password: 'couch-admin-pw' },
        practice: PRACTICE,
        users: [{ ...JO }],
        corsOrigins: ['https://elsewhere.example.org'],
        restartOnCrash: false,
      });
      const G = await laptop(browser, 'Jo Brown');
      try {
        await openSyncSettings(G.page);
        await fillConnection(G.page, JO, { serverUrl: strict.url });
        await G.page.getByRole('button', { name: 'Test connection' }).click();
        const result = G.page.getByRole('status', { name: 'Connection test result' });
        await expect(result).toContainText('The server does not allow this web address (CORS)');
        await expect(result).toContainText(`does not allow ${ORIGIN} to read its answers`);
        await expect(result).toContainText(`--cors ${ORIGIN}`);
        await expect(result).not.toContainText('Failed to fetch');
        await shoot(G.page, 'cors');
        expect(pageErrors(G.page)).toEqual([]);
      } finally {
        await G.context.close();
        await strict.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('a record from the server this version cannot store is listed next to the refused changes, and the rest arrives', async ({
      browser,
    }) => {
      test.setTimeout(120_000);
      const auth = `Basic ${Buffer.from(`${server.adminAuth.username}:${server.adminAuth.password}`).toString('base64')}`;
      // The server admin's writes skip the server's rules: one student with a number where text belongs.
      const [good, bad] = benchStudentDocs(2, 'schema').map((d) => {
        const { id, ...rest } = d as unknown as Record<string, unknown>;
        return { _id: id, ...rest };
      });
      const res = await fetch(`${server.url}/tutordesk-${PRACTICE}-students/_bulk_docs`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          docs: [
            { ...good, firstName: 'Arrives' },
            { ...bad, firstName: 'Unfit', gradeLevel: 12 },
          ],
        }),
      });
      expect(res.status).toBe(201);
      const F = await laptop(browser, 'Jo Brown');
      try {
        await openSyncSettings(F.page);
        await fillConnection(F.page, JO);
        await F.page.getByRole('button', { name: 'Connect', exact: true }).click();
        await expect(indicator(F.page)).toHaveAccessibleName(/^Sync status: up to date.*1 item needs attention/, { timeout: 40_000 });
        await indicator(F.page).click();
        await F.page
          .getByRole('dialog', { name: 'Sync' })
          .getByRole('link', { name: /refused by the server/ })
          .click();
        const list = F.page.getByRole('list', { name: 'Refused changes' });
        const item = list.getByRole('listitem').filter({ has: F.page.getByRole('heading', { name: 'Student Unfit Novak 1' }) });
        await expect(item).toContainText('Received from the server, not stored');
        await expect(item).toContainText(String(bad!._id));
        await expect(item).toContainText('gradeLevel');
        await expect(item.getByRole('button', { name: /^Retry/ })).toHaveCount(0);
        await shoot(F.page, 'refused-from-server');
        await F.page.getByRole('link', { name: 'Students' }).click();
        await F.page.getByLabel('Filter by status').selectOption('all');
        await F.page.getByRole('searchbox', { name: 'Search students' }).fill('Arrives');
        await expect(studentsTable(F.page).getByRole('row', { name: /Arrives/ })).toBeVisible();
        expect(pageErrors(F.page)).toEqual([]);
      } finally {
        await F.context.close();
      }
    });
  });
}

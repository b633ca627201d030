/**
 * Joining an existing practice from the first-run screen (issue 16): an admin laptop sets up a
 * practice on the embedded sync server (PouchDB Server behind its guard, started here), then fresh
 * browser contexts — new laptops with an empty IndexedDB — join it from the welcome screen:
 *
 * - a tutor whose server user is linked to their staff record: the practice arrives with a
 *   progress bar, every student is there, "Signed in as" is that staff member, no refused
 *   changes, and the server holds exactly what it held before (the laptop wrote nothing);
 * - a practice admin without a staff link: picks who they are from the practice's staff;
 * - a wrong password: the Sync screen's exact answer, and nothing is written anywhere.
 *
 * Everything a person does goes through the UI; the server is read (and the user linked to the
 * staff record, as `server:setup --staff-id` does) over HTTP as the server admin.
 */
import { mkdirSync } from 'node:fs';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createPractice, openApp, pageErrors, studentsTable, chooseOption, openSettings } from './helpers';
import { bulkWrite, connectThroughSettings, fillConnection, serverDocs, serverRevisions, shootBoth, syncIndicator } from './sync-helpers';
import { benchStudentDocs } from '../../scripts/bench/sync';
import { POUCHDB_TARGET, startTarget, type TestServer, type TestUser } from '../sync/helpers/targets';
import { adminRole, memberRole, staffRole, staffRolePrefix } from '../../src-shared/sync/names';

const E2E_PORT = Number(process.env.E2E_PORT ?? 4173);
const ORIGIN = `http://127.0.0.1:${E2E_PORT}`;
const USERS = { jo: { role: 'admin' as const }, sam: { role: 'tutor' as const } };
/** Enough students on the server for the first sync to report its progress (more than 50 missing). */
const BULK_STUDENTS = 2000;

let server: TestServer<keyof typeof USERS>;
let JO: TestUser;
let SAM: TestUser;
let A: { context: BrowserContext; page: Page } | undefined;
/** Students added through the admin laptop's UI. */
const ADDED = [
  ['Ada', 'Lovelace'],
  ['Grace', 'Hopper'],
  ['Alan', 'Turing'],
] as const;

test.describe.configure({ mode: 'serial' });

async function freshLaptop(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 880 } });
  const page = await context.newPage();
  await openApp(page);
  await expect(page.getByRole('heading', { name: 'Welcome to TutorDesk', level: 1 })).toBeVisible();
  return { context, page };
}

const joinCard = (page: Page) => page.getByRole('region', { name: 'Join an existing practice' });
const joinForm = (page: Page) => page.getByRole('form', { name: 'Join an existing practice' });
const count = (page: Page, collection: string) => page.evaluate((c) => window.__tutordeskTest!.count(c), collection);

async function addStudent(page: Page, first: string, last: string): Promise<void> {
  await page.getByRole('button', { name: 'New student' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New student' });
  await dialog.getByLabel('First name').fill(first);
  await dialog.getByLabel('Last name').fill(last);
  await chooseOption(dialog, 'Who pays', 'The student (an adult paying for themselves)');
  await dialog.getByRole('button', { name: 'Add student' }).click();
  await expect(dialog).toBeHidden();
}

/** Links the server user to a staff record (replacing any link), as `server:setup --staff-id` does. */
async function linkUser(username: string, staffId: string): Promise<void> {
  const path = `/_users/${encodeURIComponent(`org.couchdb.user:${username}`)}`;
  const { json } = await server.admin('GET', path);
  const doc = json as { roles: string[] } & Record<string, unknown>;
  const roles = doc.roles.filter((r) => !r.startsWith(staffRolePrefix(server.practice)));
  const put = await server.admin('PUT', path, { ...doc, roles: [...roles, staffRole(server.practice, staffId)] });
  expect(put.status).toBeLessThan(300);
}

/** Every document of every practice collection on the laptop equals the server's count. */
async function expectWholePractice(page: Page): Promise<void> {
  for (const c of ['students', 'families', 'staff', 'settings']) {
    expect(await count(page, c), `${c} on the laptop`).toBe((await serverDocs(server, c)).length);
  }
}

test.beforeAll(async () => {
  server = await startTarget(POUCHDB_TARGET, { users: USERS, practicePrefix: 'join', origin: ORIGIN });
  JO = { ...server.users.jo };
  SAM = { ...server.users.sam };
  mkdirSync('screenshots', { recursive: true });
});

test.afterAll(async () => {
  await A?.context.close();
  await server?.cleanup();
});

test('the admin laptop sets up the practice on the server', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ viewport: { width: 1400, height: 880 } });
  const page = await context.newPage();
  A = { context, page };
  await openApp(page);
  await createPractice(page, 'Maple Tutoring', 'Jo Brown');
  await connectThroughSettings(page, server, JO);

  await page.getByRole('link', { name: 'Students' }).click();
  for (const [first, last] of ADDED) await addStudent(page, first, last);

  // Sam's staff record, with the sync user name the centre gave them.
  await page.getByRole('link', { name: 'Staff' }).click();
  await page.getByRole('button', { name: 'New staff member' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New staff member' });
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Sam Okafor');
  await dialog.getByLabel('Role').selectOption('tutor');
  await dialog.getByLabel('Pay rate').fill('30.00');
  await dialog.getByLabel('Sync user name').fill(SAM.username);
  await dialog.getByRole('button', { name: 'Add staff member' }).click();
  await expect(dialog).toBeHidden();
  await expect(syncIndicator(page)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 20_000 });
  await expect(syncIndicator(page)).not.toHaveAccessibleName(/not yet on the server|attention/, { timeout: 20_000 });
  await expect.poll(async () => (await serverDocs(server, 'staff')).some((d) => d.name === 'Sam Okafor'), { timeout: 20_000 }).toBe(true);

  // A big practice: more students written on the server by the practice admin (through its rules).
  await bulkWrite(server, JO, 'students', benchStudentDocs(BULK_STUDENTS, 'join') as unknown as Record<string, unknown>[]);
  expect(pageErrors(page)).toEqual([]);
});

test('a tutor joins from the first-run screen: the whole practice arrives, signed in as their staff record, nothing written', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const sam = (await serverDocs(server, 'staff')).find((d) => d.name === 'Sam Okafor')!;
  await linkUser(SAM.username, String(sam._id));
  const before = await serverRevisions(server);

  const B = await freshLaptop(browser);
  try {
    await expect(joinCard(B.page)).toBeVisible();
    await expect(joinCard(B.page)).toContainText('Sign in and the whole practice arrives on this computer');
    await shootBoth(B.page, 'join-welcome');

    await joinCard(B.page).getByRole('button', { name: 'Join a practice' }).click();
    await expect(joinForm(B.page)).toBeVisible();
    await expect(B.page.getByRole('textbox', { name: 'Server address' })).toBeFocused();
    // The same exact answers as Settings → Sync.
    await fillConnection(B.page, server, SAM);
    await joinForm(B.page).getByRole('button', { name: 'Test connection' }).click();
    const result = B.page.getByRole('status', { name: 'Connection test result' });
    await expect(result).toContainText('Connection OK');
    await expect(result).toContainText('(PouchDB Server)');
    await expect(result).toContainText(`as ${SAM.username}.`);
    await shootBoth(B.page, 'join-form');
    // Testing wrote nothing here.
    expect(await count(B.page, 'students')).toBe(0);

    await joinForm(B.page).getByRole('button', { name: 'Join the practice' }).click();
    const receiving = B.page.getByRole('region', { name: 'Receiving the practice' });
    await expect(receiving).toBeVisible();
    const bar = receiving.getByRole('progressbar', { name: 'Receiving the practice' });
    await expect(bar).toBeVisible();
    // The first sync's progress: "n of N records received", with the server's total.
    await expect(receiving.getByRole('status', { name: 'Join progress' })).toContainText(/[\d,]+ of [\d,]+ records received/, {
      timeout: 30_000,
    });
    expect(Number(await bar.getAttribute('aria-valuemax'))).toBeGreaterThanOrEqual(BULK_STUDENTS);
    // Settings arrive early; the first-run screen stays until everything has arrived.
    await expect.poll(() => count(B.page, 'settings'), { timeout: 30_000 }).toBe(1);
    await expect(receiving).toBeVisible();
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThanOrEqual(100);
    await shootBoth(B.page, 'join-progress');

    // The app opens once the practice has arrived, as the staff member the server links to.
    await expect(B.page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible({ timeout: 120_000 });
    await expect(B.page.getByRole('navigation', { name: 'Main' })).toContainText('Signed in as Sam Okafor');
    await expect(B.page.getByRole('navigation', { name: 'Main' })).toContainText('Maple Tutoring');
    await expect(syncIndicator(B.page)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 30_000 });
    await expect(syncIndicator(B.page)).not.toHaveAccessibleName(/attention|not yet on the server/);
    await expectWholePractice(B.page);
    await B.page.getByLabel('Filter by status').selectOption('all');
    // The students added on the admin laptop (self-paying adults), among the bulk ones with the same names.
    for (const [first, last] of ADDED) {
      await B.page.getByRole('searchbox', { name: 'Search students' }).fill(`${first} ${last}`);
      await expect(studentsTable(B.page).getByRole('row', { name: new RegExp(`^${first} ${last} Self`) })).toBeVisible();
    }
    await shootBoth(B.page, 'join-done');

    // The sync panel: no refused changes; Settings knows who uses this computer.
    await syncIndicator(B.page).click();
    const panel = B.page.getByRole('dialog', { name: 'Sync' });
    await expect(panel).toBeVisible();
    await expect(panel.getByRole('link', { name: /refused by the server/ })).toHaveCount(0);
    await B.page.keyboard.press('Escape');
    await openSettings(B.page, 'This computer');
    await expect(B.page.getByLabel('I am')).toHaveValue(String(sam._id));

    // The server holds exactly what it held before: no document from the joining laptop.
    expect(await serverRevisions(server)).toEqual(before);
    expect(pageErrors(B.page)).toEqual([]);
  } finally {
    await B.context.close();
  }
});

test('a practice admin without a staff link joins and picks who they are from the staff', async ({ browser }) => {
  test.setTimeout(240_000);
  const kim = await server.createUser('kim', [memberRole(server.practice), adminRole(server.practice)]);
  const before = await serverRevisions(server);
  const C = await freshLaptop(browser);
  try {
    await joinCard(C.page).getByRole('button', { name: 'Join a practice' }).click();
    await fillConnection(C.page, server, kim);
    await joinForm(C.page).getByRole('button', { name: 'Join the practice' }).click();
    const choose = C.page.getByRole('form', { name: 'Who are you?' });
    await expect(choose).toBeVisible({ timeout: 120_000 });
    const staff = choose.getByRole('group', { name: 'I am' });
    await expect(staff.getByRole('radio', { name: /Jo Brown/ })).toBeVisible();
    await expect(staff.getByRole('radio', { name: /Sam Okafor/ })).toBeVisible();
    await choose.getByRole('button', { name: 'Continue' }).click();
    await expect(choose.getByRole('alert')).toHaveText('Choose your name in the list, or choose later.');
    await staff.getByRole('radio', { name: /Jo Brown/ }).check();
    await shootBoth(C.page, 'join-choose');
    await choose.getByRole('button', { name: 'Continue' }).click();

    await expect(C.page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
    await expect(C.page.getByRole('navigation', { name: 'Main' })).toContainText('Signed in as Jo Brown');
    await expect(syncIndicator(C.page)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 30_000 });
    await expect(syncIndicator(C.page)).not.toHaveAccessibleName(/attention|not yet on the server/);
    await expectWholePractice(C.page);
    expect(await serverRevisions(server)).toEqual(before);
    expect(pageErrors(C.page)).toEqual([]);
  } finally {
    await C.context.close();
  }
});

test('a wrong password on the join form: the exact answer, and nothing is written', async ({ browser }) => {
  test.setTimeout(90_000);
  const before = await serverRevisions(server);
  const D = await freshLaptop(browser);
  try {
    await joinCard(D.page).getByRole('button', { name: 'Join a practice' }).click();
    // The form's own checks, as on the Sync screen.
    await joinForm(D.page).getByRole('button', { name: 'Join the practice' }).click();
    await expect(D.page.getByText('Enter the server address, e.g. https://sync.example.org')).toBeVisible();
    await expect(D.page.getByText('Enter your sync username')).toBeVisible();

    // A throw-away user: CouchDB locks an account out after 5 failed logins.
    const mistyped = await server.createUser('mistyped');
    await fillConnection(D.page, server, { username: mistyped.username, password: 'not-the-password' });
    await joinForm(D.page).getByRole('button', { name: 'Join the practice' }).click();
    const result = D.page.getByRole('status', { name: 'Connection test result' });
    await expect(result).toContainText('Wrong username or password');
    await expect(result).toContainText('Enter the right username and password.');
    await expect(joinForm(D.page)).toBeVisible();
    await shootBoth(D.page, 'join-wrong-password');

    // An unknown practice: the Sync screen's answer too.
    await fillConnection(D.page, server, JO, { practice: 'elsewhere' });
    await joinForm(D.page).getByRole('button', { name: 'Join the practice' }).click();
    await expect(result).toContainText('Practice databases missing');
    await expect(result).toContainText('tutordesk-elsewhere-students does not exist');

    // A server that cannot be reached: Connect would keep the details and retry later; a join
    // keeps nothing (there is nothing to receive yet) and says why.
    await fillConnection(D.page, server, JO, { serverUrl: 'http://127.0.0.1:9' });
    await joinForm(D.page).getByRole('button', { name: 'Join the practice' }).click();
    await expect(result).toContainText('Server unreachable');
    await expect(joinForm(D.page)).toBeVisible();
    await expect(D.page.getByRole('region', { name: 'Receiving the practice' })).toHaveCount(0);

    // Nothing written on this computer, nothing on the server, and the details were not kept.
    for (const c of ['settings', 'staff', 'students', 'families']) expect(await count(D.page, c), c).toBe(0);
    expect(await serverRevisions(server)).toEqual(before);
    await D.page.getByRole('button', { name: 'Back to the start' }).click();
    await expect(D.page.getByRole('button', { name: 'Create my practice' })).toBeVisible();
    await D.page.reload();
    await expect(D.page.getByRole('heading', { name: 'Welcome to TutorDesk', level: 1 })).toBeVisible();
    expect(pageErrors(D.page)).toEqual([]);
  } finally {
    await D.context.close();
  }
});

test('an empty practice on the server: the join says its administrator has to set it up first', async ({ browser }) => {
  test.setTimeout(90_000);
  const empty = await startTarget(POUCHDB_TARGET, { users: { lee: { role: 'tutor' } }, practicePrefix: 'empty', origin: ORIGIN });
  const E = await freshLaptop(browser);
  try {
    // The server answers its changes feeds slowly, so the screen is seen while the pull runs.
    await E.context.route(`${empty.url}/**`, async (route) => {
      if (route.request().url().includes('/_changes')) await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    });
    await joinCard(E.page).getByRole('button', { name: 'Join a practice' }).click();
    await fillConnection(E.page, empty, empty.users.lee);
    await joinForm(E.page).getByRole('button', { name: 'Join the practice' }).click();
    const receiving = E.page.getByRole('region', { name: 'Receiving the practice' });
    // A small practice: no total to show, a moving bar and the count.
    await expect(receiving.getByRole('status', { name: 'Join progress' })).toContainText(
      /^(Connecting to the server…|0 records received)$/,
    );
    await expect(receiving.getByRole('progressbar', { name: 'Receiving the practice' })).toBeVisible();
    await expect(receiving.getByRole('status', { name: 'Join progress' })).toHaveText('0 records received');
    await shootBoth(E.page, 'join-progress-small');

    await expect(receiving.getByRole('alert')).toContainText('This practice has no settings on the server yet', { timeout: 30_000 });
    await shootBoth(E.page, 'join-empty-practice');
    for (const c of ['settings', 'staff', 'students']) expect(await count(E.page, c), c).toBe(0);
    await receiving.getByRole('button', { name: 'Back to the start' }).click();
    await expect(joinForm(E.page)).toBeVisible();
    for (const c of ['settings', 'staff', 'students', 'families', 'lessons', 'notes']) expect(await empty.dump(c as never), c).toEqual([]);
    expect(pageErrors(E.page)).toEqual([]);
  } finally {
    await E.context.close();
    await empty.cleanup();
  }
});

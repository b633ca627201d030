/**
 * Start-up snapshots in the browser (data/snapshots.ts, docs/architecture.md "The start-up
 * path"): after a restart the Students table is first drawn from a snapshot saved before the
 * last changes, and it never shows the older version of a record — neither after an edit made
 * on this computer nor after one that arrived from the sync server (a real PouchDB Server the
 * spec starts). Every text the table shows from the first paint on is recorded.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { loadSample, openApp, pageErrors, studentsTable } from './helpers';
import { POUCHDB_TARGET, startTarget, type TestServer } from '../sync/helpers/targets';
import { bulkWrite, connectThroughSettings, serverDocs } from './sync-helpers';
import { stampChange } from '../../src-shared/model/meta';
import type { Student } from '../../src-shared/model/types';

const E2E_PORT = Number(process.env.E2E_PORT ?? 4173);
const USERS = { jo: { role: 'admin' as const } };
const OTHER_LAPTOP = { staffId: 'staff-other', deviceId: 'laptop-b', now: new Date() };

/** Records every distinct text of the Students table's body, from the page's first paint on. */
async function recordTable(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __tableTexts: string[] };
    w.__tableTexts = [];
    const note = () => {
      const body = document.querySelector('table[aria-label="Students"] > tbody');
      const text = body?.textContent ?? '';
      if (text && w.__tableTexts[w.__tableTexts.length - 1] !== text) w.__tableTexts.push(text);
    };
    new MutationObserver(note).observe(document, { subtree: true, childList: true, characterData: true });
  });
}
const tableTexts = (page: Page) => page.evaluate(() => (window as unknown as { __tableTexts: string[] }).__tableTexts.slice());

/** How many changes the students snapshot caught up with when this page started (null: none was used). */
const studentsCatchUp = (page: Page) =>
  page.evaluate(() => {
    const mark = performance.getEntriesByName('tutordesk:snapshot:students')[0] as PerformanceMark | undefined;
    return mark ? (mark.detail as number | null) : undefined;
  });

async function openStudents(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Students' }).click();
  await expect(studentsTable(page).getByRole('row').nth(1)).toBeVisible();
}

/** The first student row's name as its cell is named, e.g. "Amara Okafor" (the initials beside it are hidden). */
async function firstStudent(page: Page): Promise<string> {
  const cell = studentsTable(page).getByRole('row').nth(1).getByRole('cell').first();
  const name = await cell.evaluate((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let text = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement?.closest('[aria-hidden="true"]')) text += n.textContent;
    return text.trim();
  });
  await expect(cell).toHaveAccessibleName(name);
  return name;
}

/** The row of `name`, found through the search box (the table draws only the rows in view). */
async function expectStudent(page: Page, name: string, timeout?: number): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search students' }).fill(name);
  await expect(studentsTable(page).getByRole('row', { name: new RegExp(name) })).toBeVisible({ timeout });
  await page.getByRole('searchbox', { name: 'Search students' }).fill('');
}

async function rename(page: Page, from: string, firstName: string): Promise<void> {
  await studentsTable(page)
    .getByRole('row', { name: new RegExp(from) })
    .first()
    .click();
  const edit = page.getByRole('dialog', { name: from });
  await edit.getByLabel('First name').fill(firstName);
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
}

test('an edit made just before a restart is shown from the first paint; the old name never is', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await recordTable(context);
  const page = await context.newPage();
  await openApp(page);
  await loadSample(page);
  await openStudents(page);
  const before = await firstStudent(page);
  expect(before).toMatch(/\S+ \S+/);
  // The app saves its snapshots a little after the screen is up; the test does not wait for it.
  await page.evaluate(() => window.__tutordeskTest!.saveSnapshots());

  await rename(page, before, 'Zephyrine');
  const after = `Zephyrine ${before.split(' ').slice(1).join(' ')}`;
  await expectStudent(page, after);

  // Sorted by name, the student was the first row: a stale table would show the old name first.
  await page.reload();
  await expect(studentsTable(page).getByRole('row').nth(1)).toBeVisible();
  await expectStudent(page, after);
  const seen = await tableTexts(page);
  expect(seen.length).toBeGreaterThan(0);
  for (const text of seen) expect(text).not.toContain(before);
  // Drawn from the snapshot, which had to take in the edit.
  expect(await studentsCatchUp(page)).toBeGreaterThanOrEqual(1);
  expect(pageErrors(page)).toEqual([]);
  await context.close();
});

test.describe('with a sync server', () => {
  let server: TestServer<keyof typeof USERS>;
  test.beforeAll(async () => {
    server = await startTarget(POUCHDB_TARGET, { users: USERS, practicePrefix: 'snap', origin: `http://127.0.0.1:${E2E_PORT}` });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('a change that arrived by sync is shown after a restart; the old version never is', async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await recordTable(context);
    const page = await context.newPage();
    await openApp(page);
    await loadSample(page);
    await connectThroughSettings(page, server, server.users.jo);
    await openStudents(page);
    await page.evaluate(() => window.__tutordeskTest!.saveSnapshots());
    const before = await firstStudent(page);

    // Another laptop renames the student: the change reaches the server, then this computer.
    const [first, ...rest] = before.split(' ');
    const onServer = (await serverDocs(server, 'students')).find((d) => d.firstName === first && d.lastName === rest.join(' '))!;
    expect(onServer, `${before} is on the server`).toBeTruthy();
    const { _id, _rev, ...stored } = onServer as Record<string, unknown> & { _id: string; _rev: string };
    const previous = { ...stored, id: _id } as unknown as Student;
    const { id: _same, ...values } = previous;
    const next = stampChange<Student>(previous, { ...values, firstName: 'Quillon' } as never, OTHER_LAPTOP, () => _id);
    await bulkWrite(server, server.users.jo, 'students', [{ ...next, _rev }]);
    const after = `Quillon ${rest.join(' ')}`;
    await expectStudent(page, after, 30_000);

    await page.reload();
    await expect(studentsTable(page).getByRole('row').nth(1)).toBeVisible();
    await expectStudent(page, after);
    for (const text of await tableTexts(page)) expect(text).not.toContain(before);
    expect(await studentsCatchUp(page)).toBeGreaterThanOrEqual(1);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});

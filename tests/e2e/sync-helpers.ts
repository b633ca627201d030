/**
 * Helpers of the end-to-end specs that sync against a server the spec starts
 * (tests/sync/helpers/targets.ts): the top-bar indicator, Settings → Sync, the connection form
 * (also the first-run screen's join form), and what the server holds, read as its admin.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { COLLECTION_NAMES } from '../../src-shared/model/schemas';
import type { TestServer } from '../sync/helpers/targets';
import { openSettings } from './helpers';

type AnyServer = TestServer<string>;

/** The indicator in the top bar: a button whose accessible name starts with "Sync status:". */
export const syncIndicator = (page: Page): Locator => page.getByRole('banner').getByRole('button', { name: /^Sync status:/ });

export async function openSyncSettings(page: Page): Promise<void> {
  await openSettings(page, 'Sync');
  await page.getByRole('region', { name: 'Sync' }).getByRole('button', { name: 'Open sync settings' }).click();
  await expect(page.getByRole('heading', { name: 'Sync', level: 1 })).toBeVisible();
}

/** Fills the connection form (Settings → Sync, or the first-run screen's join form). */
export async function fillConnection(
  page: Page,
  server: AnyServer,
  user: { username: string; password: string },
  opts: { serverUrl?: string; practice?: string } = {},
): Promise<void> {
  await page.getByRole('textbox', { name: 'Server address' }).fill(opts.serverUrl ?? server.url);
  await page.getByRole('textbox', { name: 'Practice id' }).fill(opts.practice ?? server.practice);
  await page.getByRole('textbox', { name: 'Username' }).fill(user.username);
  await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
}

/** Connects an existing practice through Settings → Sync and waits until it is up to date. */
export async function connectThroughSettings(page: Page, server: AnyServer, user: { username: string; password: string }): Promise<void> {
  await openSyncSettings(page);
  await fillConnection(page, server, user);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(syncIndicator(page)).toHaveAccessibleName(/^Sync status: up to date, last synced \d\d:\d\d/, { timeout: 30_000 });
}

const adminHeader = (server: AnyServer) =>
  `Basic ${Buffer.from(`${server.adminAuth.username}:${server.adminAuth.password}`).toString('base64')}`;

/** Every live document of a practice collection on the server (as the server admin sees it). */
export async function serverDocs(server: AnyServer, collection: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${server.url}/tutordesk-${server.practice}-${collection}/_all_docs?include_docs=true`, {
    headers: { Authorization: adminHeader(server) },
  });
  const json = (await res.json()) as { rows: { id: string; doc: Record<string, unknown> }[] };
  return json.rows.filter((r) => !r.id.startsWith('_design/')).map((r) => r.doc);
}

/**
 * Every document of every practice collection on the server, deleted ones included, with all its
 * leaf revisions: `collection/id` → revisions. Equal before and after = nobody wrote anything.
 */
export async function serverRevisions(server: AnyServer): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const c of COLLECTION_NAMES) {
    const res = await fetch(`${server.url}/tutordesk-${server.practice}-${c}/_changes?style=all_docs`, {
      headers: { Authorization: adminHeader(server) },
    });
    expect(res.status, `reading ${c}`).toBe(200);
    const json = (await res.json()) as { results: { id: string; changes: { rev: string }[]; deleted?: boolean }[] };
    for (const r of json.results) out[`${c}/${r.id}`] = r.changes.map((x) => x.rev).sort();
  }
  return out;
}

/** Writes `docs` (app form, with `id`) to a practice collection on the server as `user`, through its rules. */
export async function bulkWrite(
  server: AnyServer,
  user: { username: string; password: string },
  collection: string,
  docs: Record<string, unknown>[],
): Promise<void> {
  const auth = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  for (let i = 0; i < docs.length; i += 1000) {
    const res = await fetch(`${server.url}/tutordesk-${server.practice}-${collection}/_bulk_docs`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        docs: docs.slice(i, i + 1000).map(({ id, ...rest }) => ({ _id: id, ...rest })),
      }),
    });
    expect(res.status).toBe(201);
  }
}

/** Light and dark screenshots of the page, as screenshots/<name>-light.png and -dark.png (transitions finished). */
export async function shootBoth(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: `screenshots/${name}-light.png`, animations: 'disabled' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `screenshots/${name}-dark.png`, animations: 'disabled' });
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * End-to-end encryption through the UI (docs/sync.md "End-to-end encryption"), against the
 * embedded server started here: a practice admin turns it on under Sync, after which the server's
 * raw documents hold no staff name; a second laptop is asked for the passphrase, refuses a wrong
 * one with a clear message, and syncs once given the right one.
 */
import { mkdirSync } from 'node:fs';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createPractice, openApp, pageErrors } from './helpers';
import { connectThroughSettings, fillConnection, openSyncSettings, serverDocs, shootBoth, syncIndicator } from './sync-helpers';
import { POUCHDB_TARGET, startTarget, type TestServer } from '../sync/helpers/targets';

const E2E_PORT = Number(process.env.E2E_PORT ?? 4173);
const ORIGIN = `http://127.0.0.1:${E2E_PORT}`;
const USERS = { jo: { role: 'admin' as const } };
const PASSPHRASE = 'otters juggle purple lanterns';

let server: TestServer<keyof typeof USERS>;
const laptops: { context: BrowserContext; page: Page }[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = await startTarget(POUCHDB_TARGET, { users: USERS, practicePrefix: 'crypt', origin: ORIGIN });
  mkdirSync('screenshots', { recursive: true });
});
test.afterAll(async () => {
  for (const l of laptops) await l.context.close();
  await server?.cleanup();
});

async function laptop(browser: Browser, me: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  laptops.push({ context, page });
  await openApp(page);
  await createPractice(page, 'Otter Tutoring', me);
  return page;
}

const card = (page: Page) => page.getByRole('region', { name: 'End-to-end encryption' });

test('an admin turns encryption on; the server holds ciphertext; another laptop needs the passphrase', async ({ browser }) => {
  test.setTimeout(180_000);
  const a = await laptop(browser, 'Jo Featherstonehaugh');
  await connectThroughSettings(a, server, server.users.jo);
  await expect.poll(async () => JSON.stringify(await serverDocs(server, 'staff'))).toContain('Jo Featherstonehaugh');

  await test.step('turn it on, with the warning about a lost passphrase', async () => {
    await expect(card(a)).toContainText('Off. With encryption on');
    await card(a).getByLabel('New practice passphrase').fill('short');
    await card(a).getByLabel('Passphrase again').fill('short');
    const turnOn = card(a).getByRole('button', { name: 'Turn on encryption' });
    await expect(turnOn).toBeDisabled();
    await card(a).getByRole('checkbox', { name: 'I understand that a lost passphrase cannot be recovered' }).check();
    await turnOn.click();
    await expect(card(a)).toContainText('Use at least 10 characters');
    await card(a).getByLabel('New practice passphrase').fill(PASSPHRASE);
    await card(a)
      .getByLabel('Passphrase again')
      .fill(PASSPHRASE + '!');
    await turnOn.click();
    await expect(card(a)).toContainText('The two passphrases are not the same.');
    await card(a).getByLabel('Passphrase again').fill(PASSPHRASE);
    await shootBoth(a, 'encryption-turn-on');
    await turnOn.click();
    await expect(a.getByText(/^Encryption is on\. \d+ records? on the server (was|were) encrypted/)).toBeVisible({ timeout: 30_000 });
    await expect(card(a)).toContainText('On since');
    await expect(card(a).getByRole('form', { name: 'Change the practice passphrase' })).toBeVisible();
    await shootBoth(a, 'encryption-on');
  });

  await test.step('the server holds no staff name in clear, and no key', async () => {
    const staff = JSON.stringify(await serverDocs(server, 'staff'));
    expect(staff).not.toContain('Featherstonehaugh');
    expect(staff).toContain('~e1~');
    const settings = (await serverDocs(server, 'settings'))[0] as { encryption?: Record<string, unknown> };
    expect(Object.keys(settings.encryption ?? {})).toContain('wrappedKey');
  });

  await test.step('a second laptop is asked for the passphrase, refuses a wrong one, then syncs', async () => {
    const b = await laptop(browser, 'Sam Okafor');
    await openSyncSettings(b);
    await fillConnection(b, server, server.users.jo);
    await b.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(syncIndicator(b)).toHaveAccessibleName(/^Sync status: error, practice passphrase needed/, { timeout: 30_000 });
    await expect(card(b)).toContainText('Enter the practice passphrase once on this laptop');
    await card(b).getByLabel('Practice passphrase').fill('otters juggle green lanterns');
    await card(b).getByRole('button', { name: 'Unlock' }).click();
    await expect(card(b)).toContainText('That is not the practice passphrase.');
    await shootBoth(b, 'encryption-passphrase-needed');
    await card(b).getByLabel('Practice passphrase').fill(PASSPHRASE);
    await card(b).getByRole('button', { name: 'Unlock' }).click();
    await expect(syncIndicator(b)).toHaveAccessibleName(/^Sync status: up to date/, { timeout: 30_000 });
    await expect(card(b)).toContainText('On since');
    // B's own staff record went to the server encrypted too.
    await expect.poll(async () => (await serverDocs(server, 'staff')).length).toBe(2);
    const staff = JSON.stringify(await serverDocs(server, 'staff'));
    expect(staff).not.toMatch(/Okafor|Featherstonehaugh/);
  });

  await test.step('the admin changes the passphrase: the same key, wrapped anew', async () => {
    const before = ((await serverDocs(server, 'settings'))[0] as { encryption: { wrappedKey: unknown } }).encryption.wrappedKey;
    const form = card(a).getByRole('form', { name: 'Change the practice passphrase' });
    await form.getByLabel('Current passphrase').fill('not it at all, sorry');
    await form.getByLabel('New passphrase', { exact: true }).fill('badgers paint tiny boats');
    await form.getByLabel('New passphrase again').fill('badgers paint tiny boats');
    await form.getByRole('button', { name: 'Change passphrase' }).click();
    await expect(form).toContainText('That is not the practice passphrase.');
    await form.getByLabel('Current passphrase').fill(PASSPHRASE);
    await form.getByRole('button', { name: 'Change passphrase' }).click();
    await expect(a.getByText(/^Passphrase changed\./)).toBeVisible({ timeout: 30_000 });
    await expect
      .poll(async () =>
        JSON.stringify(((await serverDocs(server, 'settings'))[0] as { encryption: { wrappedKey: unknown } }).encryption.wrappedKey),
      )
      .not.toBe(JSON.stringify(before));
    await expect(card(a)).toContainText('Passphrase changed');
  });

  for (const l of laptops) expect(pageErrors(l.page)).toEqual([]);
});

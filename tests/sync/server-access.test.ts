/**
 * The embedded server's login checks (scripts/lib/pouch-server-access.ts) while its authentication
 * database is reloaded. PouchDB Server rewrites its config file as it starts, and the child reloads
 * the authentication database when that file changes, so a reload often lands just as the first
 * clients log in again after a restart. A right password must never be answered "incorrect" then:
 * the client takes a 401 as a changed password and ends its session (seen on CI after a restart).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerAccess } from '../../scripts/lib/pouch-server-access';

const fromPouchServer = createRequire(createRequire(import.meta.url).resolve('pouchdb-server/package.json'));
type Db = { put(doc: Record<string, unknown>): Promise<unknown>; useAsAuthenticationDB(o: Record<string, unknown>): Promise<void> };

// The plugins as the server's child process has them (pouchdb-auth needs replication's methods).
const Pouch = fromPouchServer('pouchdb-core')
  .plugin(fromPouchServer('pouchdb-adapter-memory'))
  .plugin(fromPouchServer('pouchdb-replication'))
  .plugin(fromPouchServer('pouchdb-mapreduce'))
  .plugin(fromPouchServer('pouchdb-auth'));
let n = 0;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A ServerAccess over an in-memory `_users` holding ann (password "right-pw"), like the child's. */
async function setup(): Promise<ServerAccess> {
  const prefix = `access-${process.pid}-${n++}-`;
  const PouchDB = Pouch.defaults({ adapter: 'memory', prefix });
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-access-'));
  dirs.push(dir);
  const configPath = join(dir, 'pouchdb-config.json');
  const auth = { secret: 'a-secret', iterations: 20_000, pbkdf2_prf: 'sha256' };
  writeFileSync(configPath, JSON.stringify({ couch_httpd_auth: auth, admins: {} }));
  const writer = new PouchDB('_users') as Db;
  await writer.useAsAuthenticationDB({ isOnlineAuthDB: false, ...auth, admins: {} });
  await writer.put({ _id: 'org.couchdb.user:ann', name: 'ann', type: 'user', roles: ['member'], password: 'right-pw' });
  const access = new ServerAccess({ PouchDB, dbDir: dir, configPath });
  await access.reload();
  return access;
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('embedded server login checks during a reload of the authentication database', () => {
  it('a right password started just before a reload is accepted', async () => {
    const access = await setup();
    const check = access.authenticate(basic('ann', 'right-pw'));
    const reload = access.reload();
    const [who] = await Promise.all([check, reload]);
    expect(who).toMatchObject({ kind: 'user', user: { name: 'ann', roles: ['member'] } });
  });

  it('many checks across several reloads: every right password is accepted, every wrong one refused', async () => {
    const access = await setup();
    const checks: Promise<{ kind: string }>[] = [];
    for (let round = 0; round < 5; round++) {
      // Different headers, so the checks do not share one computation.
      for (let i = 0; i < 4; i++)
        checks.push(
          access.authenticate({
            ...basic('ann', 'right-pw'),
            authorization: `Basic ${Buffer.from(`ann:right-pw`).toString('base64')}${' '.repeat(i)}`,
          }),
        );
      checks.push(access.authenticate(basic('ann', `wrong-${round}`)));
      void access.reload();
      await new Promise((r) => setTimeout(r, 5));
    }
    const results = await Promise.all(checks);
    expect(results.filter((r, i) => i % 5 !== 4).map((r) => r.kind)).toEqual(Array(20).fill('user'));
    expect(results.filter((r, i) => i % 5 === 4).map((r) => r.kind)).toEqual(Array(5).fill('invalid'));
    // After the reloads settle, the current database still answers.
    await access.reload();
    expect(await access.authenticate(basic('ann', 'right-pw'))).toMatchObject({ kind: 'user' });
    expect(await access.authenticate(basic('ann', 'nope'))).toMatchObject({ kind: 'invalid' });
  });
});

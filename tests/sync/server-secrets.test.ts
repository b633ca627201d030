/**
 * Issue 12, reproduction 5 (secrets at rest and on the command line), against a real embedded
 * server: the data folder and every file in it are private to the server's user (also after
 * PouchDB Server rewrites its config), the server process gets no password in its command line
 * or environment, the admin's and users' password hashes are PBKDF2-SHA256 with 600,000
 * iterations, and `server:setup` takes no password on its command line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as serverSetup } from '../../scripts/server-setup';
import { startTestServer, target, type TestServer } from './helpers/server';
import { processText, serverPid } from './helpers/proc';

let server: TestServer;
let PRACTICE: string;
const scratch = mkdtempSync(join(tmpdir(), 'tutordesk-secrets-'));

beforeAll(async () => {
  // Known passwords, to look for them in the process table and the config.
  server = await startTestServer({
    users: {
      admin: { role: 'admin', password: 'admin-pw' },
      alice: { role: 'tutor', password: 'alice-pw' },
      bob: { role: 'tutor', password: 'bob-pw' },
    },
  });
  PRACTICE = server.practice;
}, 60_000);

afterAll(async () => {
  await server?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** Every path under `dir` with its permission bits. */
function modes(dir: string): { path: string; mode: number; dir: boolean }[] {
  const out: { path: string; mode: number; dir: boolean }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      out.push({ path: p, mode: st.mode & 0o777, dir: st.isDirectory() });
      if (st.isDirectory()) walk(p);
    }
  };
  out.push({ path: dir, mode: statSync(dir).mode & 0o777, dir: true });
  walk(dir);
  return out;
}

const loose = (dir: string) =>
  modes(dir)
    .filter((m) => m.mode !== (m.dir ? 0o700 : 0o600))
    .map((m) => `${m.path} ${m.mode.toString(8)}`);

async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  const saved = { log: console.log, error: console.error };
  const lines: string[] = [];
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  console.error = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    return { value: await fn(), output: lines.join('\n') };
  } finally {
    console.log = saved.log;
    console.error = saved.error;
  }
}

describe(`${target.title} secrets at rest`, () => {
  it('the data folder is 0700 and every file in it 0600, also after PouchDB Server rewrites its config', async () => {
    expect(loose(server.dataDir!)).toEqual([]);
    // An admin's config change makes PouchDB Server write its config file again.
    expect((await server.admin('PUT', '/_config/log/level', 'error')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(loose(server.dataDir!)).toEqual([]);
  });

  it('passwords are hashed with PBKDF2-SHA256, 600,000 iterations (server admin and users)', async () => {
    const config = JSON.parse(readFileSync(join(server.dataDir!, 'pouchdb-config.json'), 'utf8')) as { admins: Record<string, string> };
    expect(config.admins.couchadmin).toMatch(/^-pbkdf2:sha256-[0-9a-f]{64},[0-9a-f]+,600000$/);
    expect(JSON.stringify(config)).not.toContain('couch-pw');
    const user = (await server.admin('GET', `/_users/org.couchdb.user:${server.users.alice.username}`)).json as Record<string, unknown>;
    expect(user).toMatchObject({ password_scheme: 'pbkdf2', pbkdf2_prf: 'sha256', iterations: 600000 });
    expect(String(user.derived_key)).toMatch(/^[0-9a-f]{64}$/);
    expect(user.password).toBeUndefined();
    // and they still work
    expect((await server.as(server.users.alice, 'GET', '/_session')).json).toMatchObject({
      userCtx: { name: server.users.alice.username },
    });
    expect((await server.as({ username: server.users.alice.username, password: 'wrong' }, 'GET', '/_session')).status).toBe(401);
    expect((await server.as(server.adminAuth, 'GET', '/_session')).json).toMatchObject({
      userCtx: { name: 'couchadmin', roles: ['_admin'] },
    });
  });
});

describe(`${target.title} secrets in the process table`, () => {
  it('the server process has no password in its command line or environment', () => {
    const pid = serverPid(server);
    for (const what of ['cmdline', 'environ'] as const) {
      const text = processText(pid, what);
      expect(text.length).toBeGreaterThan(0);
      for (const secret of ['couch-pw', 'alice-pw', 'bob-pw', 'admin-pw']) expect(text, `${what} holds ${secret}`).not.toContain(secret);
    }
  });

  it('server:setup refuses a password on its command line and reads it from a file', async () => {
    const refused = await quiet(() => serverSetup(['--url', server.url, '--admin', 'couchadmin:couch-pw', '--practice', PRACTICE]));
    expect(refused.value).toBe(2);
    expect(refused.output).toMatch(/never on the command line/);
    expect(refused.output).not.toContain('couch-pw');
    const pwFile = join(scratch, 'admin.pw');
    writeFileSync(pwFile, 'couch-pw\n', { mode: 0o600 });
    const ok = await quiet(() =>
      serverSetup(['--url', server.url, '--admin', 'couchadmin', '--admin-password-file', pwFile, '--practice', PRACTICE]),
    );
    expect(ok.output).toMatch(/is ready/);
    expect(ok.value).toBe(0);
    expect(ok.output).not.toContain('couch-pw');
  });
});

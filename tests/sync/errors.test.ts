/**
 * Integration: what the user sees when something is wrong (exact testConnection answers, clear
 * status errors, no unhandled rejections), the server going down and up again, and an app
 * restart in the middle of a first sync.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stampChange } from '../../src-shared/model/meta';
import type { Student } from '../../src-shared/model/types';
import type { CollectionName } from '../../src-shared/model/schemas';
import type { ConnectionTestResult } from '../../src-renderer/src/data/sync/connection-check';
import type { SyncStatus } from '../../src-renderer/src/data/sync/status';
import { spawnLaptop, type Laptop } from './helpers/client';
import { startTestServer, target, type TestServer, type Auth } from './helpers/server';
import { valuesFor } from './helpers/fixtures';
import { startRefusingProxy } from './helpers/refusing-proxy';
import { MAX_SAME_ANSWER } from '../../src-renderer/src/data/sync/push';
import { memberRole, practiceDbName, tutorRole } from '../../src-shared/sync/names';

let server: TestServer;
let PRACTICE: string;
let USERS: TestServer['users'];
/** A valid user of the server who is not a member of the practice. */
let carol: Auth;
/** A throw-away user for wrong passwords (CouchDB locks an account out after 5 failed logins). */
let wrongPassword: Auth;
const laptops: Laptop[] = [];
let ERIN: Auth;
const metaFor = (id: string) => {
  const { id: _id, ...meta } = stampChange<Student>(
    undefined,
    { ...valuesFor('students'), id } as never,
    { staffId: 's', deviceId: 'server', now: new Date('2026-03-01T10:00:00Z') },
    () => id,
  ) as unknown as Record<string, unknown>;
  return meta;
};

beforeAll(async () => {
  server = await startTestServer();
  ({ practice: PRACTICE, users: USERS } = server);
  carol = await server.createUser('carol');
  wrongPassword = { ...(await server.createUser('mistyped')), password: 'not-the-password' };
  // A tutor of the practice whose password the admin changes.
  ERIN = await server.createUser('erin', [memberRole(PRACTICE), tutorRole(PRACTICE)]);
}, 120_000);

afterAll(async () => {
  await server?.cleanup();
});

afterEach(async () => {
  const all = laptops.splice(0);
  try {
    for (const l of all) {
      expect(await l.unhandled(), `unhandled rejections in ${l.name}`).toEqual([]);
    }
  } finally {
    await Promise.all(all.map((l) => l.kill()));
  }
});

async function laptop(name: string, collections: readonly CollectionName[] = ['students']): Promise<Laptop> {
  const l = await spawnLaptop(name);
  laptops.push(l);
  await l.open(collections);
  await l.setActor(USERS.admin.staffId, `dev-${name}`);
  return l;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe(`${target.title} testConnection gives exact answers`, () => {
  const test = (l: Laptop, args: { serverUrl?: string; practice?: string; username: string; password: string }) =>
    l.call<ConnectionTestResult>('testConnection', { serverUrl: server.url, practice: PRACTICE, ...args });

  it('OK with the server name and version, and who the user is', async () => {
    const l = await laptop('tc-ok');
    const r = await test(l, USERS.alice);
    expect(r).toMatchObject({
      ok: true,
      server: { version: server.identity.version },
      user: { name: USERS.alice.username, isMember: true, isAdmin: false, staffId: USERS.alice.staffId },
    });
    if (r.ok) expect(r.server.name).toMatch(server.identity.name);
    const admin = await test(l, USERS.admin);
    expect(admin).toMatchObject({ ok: true, user: { isAdmin: true } });
  });

  it('wrong password, not a member, practice missing, unreachable, TLS problem', async () => {
    const l = await laptop('tc-errors');
    expect(await test(l, wrongPassword)).toMatchObject({ ok: false, kind: 'wrong-credentials' });
    expect(await test(l, { username: server.name('nobody'), password: 'nope' })).toMatchObject({ ok: false, kind: 'wrong-credentials' });
    const notMember = await test(l, carol);
    expect(notMember).toMatchObject({ ok: false, kind: 'not-member' });
    if (!notMember.ok) expect(notMember.message).toContain(`not a member of practice "${PRACTICE}"`);
    expect(await test(l, { ...USERS.alice, practice: 'elsewhere' })).toMatchObject({ ok: false, kind: 'database-missing' });
    const port = await freePort();
    expect(await test(l, { ...USERS.alice, serverUrl: `http://127.0.0.1:${port}` })).toMatchObject({ ok: false, kind: 'unreachable' });

    // A server with a self-signed certificate.
    const dir = mkdtempSync(join(tmpdir(), 'tutordesk-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      );
      const https = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) =>
        res.end('{}'),
      );
      await new Promise<void>((r) => https.listen(0, '127.0.0.1', () => r()));
      try {
        const tlsPort = (https.address() as { port: number }).port;
        expect(await test(l, { ...USERS.alice, serverUrl: `https://127.0.0.1:${tlsPort}` })).toMatchObject({ ok: false, kind: 'tls' });
      } finally {
        https.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe(`${target.title} sync errors become clear states, without unhandled rejections`, () => {
  const start = (l: Laptop, user: { username: string; password: string }, practice = PRACTICE) =>
    l.startSync({ serverUrl: server.url, practice, username: user.username, password: user.password, collections: ['students'] });

  it('wrong password', async () => {
    const l = await laptop('err-pw');
    await l.write('students', 'kept-local', { ...valuesFor('students') });
    // Its own throw-away user: a lockout caused by another test's failures would change the answer.
    await start(l, { ...(await server.createUser('mistyped-sync')), password: 'not-the-password' });
    const s = await l.waitForState('error');
    expect(s.error).toMatchObject({ kind: 'wrong-credentials' });
    expect(s.error?.action).toMatch(/username and password/);
    // Counted while the first connection was tried: kept and shown as not yet on the server.
    await expect.poll(async () => (await l.status())?.pending).toBe(1);
    await new Promise((r) => setTimeout(r, 800));
    expect((await l.status())?.state).toBe('error');
    // One sign-in was tried, and nothing after it: no parallel requests, no automatic retries
    // (each would count towards CouchDB's lockout).
    expect(await l.call<string[]>('requests')).toEqual([expect.stringMatching(/^GET \/_session → (401|200)$/)]);
  });

  // CouchDB (and the stand-in) lock a user out after 5 failed logins from one address; the embedded
  // server slows down an address instead (tests/sync/security.test.ts).
  it.runIf(target.kind !== 'pouchdb')(
    'an account CouchDB has locked out: "account locked", not "not a member" or "wrong password"',
    async () => {
      const locked = await server.createUser('locked-out', [memberRole(PRACTICE)]);
      for (let i = 0; i < 5; i++) expect((await server.as({ ...locked, password: 'nope' }, 'GET', '/_session')).status).toBe(401);
      const l = await laptop('err-locked');
      await start(l, locked);
      const s = await l.waitForState('error');
      expect(s.error).toMatchObject({ kind: 'account-locked' });
      expect(s.error?.message).toMatch(/locked/i);
      const check = await l.call<ConnectionTestResult>('testConnection', {
        serverUrl: server.url,
        practice: PRACTICE,
        username: locked.username,
        password: locked.password,
      });
      expect(check).toMatchObject({ ok: false, kind: 'account-locked' });
    },
  );

  it('a password changed on the server: the first refused request ends the session, nothing is retried or lost, the new password continues', async () => {
    // Several collections: a live poll round reads several databases, in parallel after the first.
    const cols = ['students', 'families', 'lessons', 'notes', 'closures'] as const;
    const l = await laptop('err-pw-changed', cols);
    await l.startSync({ serverUrl: server.url, practice: PRACTICE, username: ERIN.username, password: ERIN.password, collections: cols });
    await l.awaitInSync();
    await l.waitForState('up-to-date');
    await l.call('requests', { reset: true });
    const userDoc = (await server.admin('GET', `/_users/org.couchdb.user:${ERIN.username}`)).json as Record<string, unknown>;
    expect((await server.admin('PUT', `/_users/org.couchdb.user:${ERIN.username}`, { ...userDoc, password: 'erin-new-pw' })).status).toBe(
      201,
    );
    // The live poll meets the new password first (within the test's poll interval).
    const s = await l.waitForState('error', 20_000);
    expect(s.error).toMatchObject({ kind: 'wrong-credentials' });
    expect(s.nextRetryAt).toBeNull();
    // The requests already in flight when the password changed (at most the 4 the client runs at
    // once; on a loaded machine a poll round's parallel reads overlap) are refused too; nothing
    // is sent after the first refusal ended the session.
    const refusedNow = (await l.call<string[]>('requests')).filter((r) => r.endsWith('→ 401'));
    expect(refusedNow.length).toBeGreaterThanOrEqual(1);
    expect(refusedNow.length).toBeLessThanOrEqual(4);
    // Nothing more is sent by itself, and a change made now waits, counted.
    await l.write('students', 'written-after-change', { ...valuesFor('students'), firstName: 'Waits' });
    await new Promise((r) => setTimeout(r, 1500));
    const after = await l.call<string[]>('requests');
    expect(after.filter((r) => r.endsWith('→ 401'))).toHaveLength(refusedNow.length);
    expect(after.length).toBe((await l.call<string[]>('requests')).length);
    expect((await l.status())?.pending).toBe(1);
    // The person enters the new password: the waiting change goes up.
    await l.stopSync();
    await l.startSync({ serverUrl: server.url, practice: PRACTICE, username: ERIN.username, password: 'erin-new-pw', collections: cols });
    await l.awaitInSync();
    await expect.poll(async () => (await l.status())?.pending, { timeout: 10_000 }).toBe(0);
    expect((await server.dump('students')).map((d) => d.id)).toContain('written-after-change');
  }, 60_000);

  it('a write the server keeps refusing with the same answer is tried a bounded number of times, then listed with the reason; the rest flows', async () => {
    const proxy = await startRefusingProxy(server.url, (id) => id === 'stubborn');
    try {
      expect(
        (
          await server.admin('PUT', `/${practiceDbName(PRACTICE, 'students')}/stubborn`, {
            ...valuesFor('students'),
            ...metaFor('stubborn'),
          })
        ).status,
      ).toBe(201);
      const l = await laptop('err-refused');
      await l.startSync({
        serverUrl: proxy.url,
        practice: PRACTICE,
        username: USERS.admin.username,
        password: USERS.admin.password,
        collections: ['students'],
      });
      await l.awaitInSync();
      expect((await l.get('students', 'stubborn'))?.id).toBe('stubborn');
      await l.write('students', 'stubborn', { phone: '0123 456' });
      await l.write('students', 'flows-past', { ...valuesFor('students'), firstName: 'Flows' });
      await expect.poll(async () => (await l.quarantine()).map((q) => q.docId), { timeout: 30_000 }).toEqual(['stubborn']);
      const [q] = await l.quarantine();
      expect(q).toMatchObject({ collection: 'students', error: 'conflict', doc: { phone: '0123 456' } });
      expect(q!.reason).toMatch(
        new RegExp(`refused this change ${MAX_SAME_ANSWER} times in a row with the same answer \\(conflict: Document update conflict\\.`),
      );
      expect(proxy.refusedWrites()).toBe(MAX_SAME_ANSWER);
      const requests = proxy.requests().length;
      // Bounded: each try is a pre-check, the write and a re-read of the server's version.
      expect(requests).toBeLessThan(60);
      await new Promise((r) => setTimeout(r, 3000));
      expect(proxy.refusedWrites()).toBe(MAX_SAME_ANSWER);
      expect((await server.dump('students')).map((d) => d.id)).toContain('flows-past');
      await expect.poll(async () => (await l.status())?.pending, { timeout: 10_000 }).toBe(0);
      expect((await l.status())?.state).not.toBe('error');
    } finally {
      await proxy.close();
    }
  });

  it('not a member of the practice, and practice databases missing', async () => {
    const l = await laptop('err-member');
    await start(l, carol);
    expect((await l.waitForState('error')).error).toMatchObject({ kind: 'not-member' });
    await l.stopSync();
    await start(l, USERS.alice, 'elsewhere');
    const s = await l.waitForState('error');
    expect(s.error).toMatchObject({ kind: 'database-missing' });
    expect(s.error?.action).toMatch(/server:setup/);
  });

  it('server down then up: offline with retries, then it resumes by itself and pushes what was written meanwhile', async () => {
    const l = await laptop('err-down');
    await start(l, USERS.admin);
    await l.awaitInSync();
    await l.waitForState('up-to-date');
    await server.stop();
    try {
      await l.write('students', 'written-while-down', { ...valuesFor('students'), firstName: 'Down' });
      const s = await l.waitForState('offline');
      expect(s.error).toMatchObject({ kind: 'unreachable' });
      expect(s.nextRetryAt).toBeTruthy();
      expect(s.pending).toBe(1);
    } finally {
      await server.restart();
    }
    const back = await l.waitForState('up-to-date', 30_000);
    expect(back.pending).toBe(0);
    expect((await server.dump('students')).map((d) => d.id)).toContain('written-while-down');
    expect(server.restarts()).toBe(0);
    // Its waits have their own bounds (20 + 20 + 30 s) and say which state never came; the
    // default 30 s test timeout would cut them short and leave the restart running into the
    // next test (seen once on CI as a timeout here and a 401 in the restart test below).
  }, 90_000);
});

describe(`${target.title} app restart in the middle of a sync`, () => {
  it('resumes from its checkpoint, without duplicates', async () => {
    const cols = ['students'] as const;
    const writer = await laptop('restart-writer', cols);
    const now = new Date('2026-03-01T10:00:00Z');
    const docs = Array.from({ length: 1200 }, (_, i) =>
      stampChange<Student>(
        undefined,
        { ...valuesFor('students'), firstName: `Bulk ${i}`, id: `bulk-${String(i).padStart(5, '0')}` },
        { staffId: 's', deviceId: 'writer', now },
        () => 'x',
      ),
    );
    await writer.call('bulkWrite', { collection: 'students', docs });
    await writer.startSync({
      serverUrl: server.url,
      practice: PRACTICE,
      username: USERS.admin.username,
      password: USERS.admin.password,
      collections: cols,
    });
    await writer.awaitInSync(60_000);
    await writer.kill();
    const total = (await server.dump('students')).filter((d) => !d._deleted).length;
    expect(total).toBeGreaterThanOrEqual(1200);

    const reader = await laptop('restart-reader', cols);
    await reader.startSync({
      serverUrl: server.url,
      practice: PRACTICE,
      username: USERS.admin.username,
      password: USERS.admin.password,
      collections: cols,
      batchSize: { pull: 100 },
    });
    // Wait until part of the first sync has arrived, then "quit the app".
    const deadline = Date.now() + 30_000;
    let partial = 0;
    while (Date.now() < deadline) {
      partial = await reader.call<number>('count', { collection: 'students' });
      if (partial >= 300) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const before = (await reader.status()) as SyncStatus;
    expect(before.state).toBe('syncing');
    expect(before.progress?.total).toBeGreaterThanOrEqual(1200);
    await reader.close();
    partial = -1;
    await reader.call('open');
    partial = await reader.call<number>('count', { collection: 'students' });
    expect(partial).toBeGreaterThanOrEqual(300);
    expect(partial).toBeLessThan(total);
    await reader.call('requests', { reset: true });
    await reader.startSync({
      serverUrl: server.url,
      practice: PRACTICE,
      username: USERS.admin.username,
      password: USERS.admin.password,
      collections: cols,
      batchSize: { pull: 100 },
    });
    await reader.awaitInSync(60_000);
    const requests = await reader.call<string[]>('requests');
    const firstPull = requests.find((r) => /_changes\?.*feed=normal/.test(r) && !/since=now/.test(r));
    expect(firstPull).toBeDefined();
    expect(firstPull).not.toMatch(/since=0(&|$)/);
    const after = (await reader.status()) as SyncStatus;
    expect(after.pulled).toBeLessThanOrEqual(total - partial + 100);
    expect(await reader.call<number>('count', { collection: 'students' })).toBe(total);
    const local = (await reader.dump(cols)).students!;
    expect(new Set(local.map((d) => d.id)).size).toBe(local.length);
    expect((await server.dump('students')).filter((d) => !d._deleted).length).toBe(total);
  }, 90_000);
});

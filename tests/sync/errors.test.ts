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
import type { ConnectionTestResult, SyncStatus } from '../../src-renderer/src/data/replication';
import { spawnLaptop, type Laptop } from './helpers/client';
import { PRACTICE, USERS, startTestServer, type TestServer } from './helpers/server';
import { valuesFor } from './helpers/fixtures';

let server: TestServer;
const laptops: Laptop[] = [];

beforeAll(async () => {
  server = await startTestServer();
  // A valid user of the server who is not a member of the practice.
  const res = await server.admin('PUT', '/_users/org.couchdb.user:carol', { name: 'carol', password: 'carol-pw', roles: [], type: 'user' });
  expect(res.status).toBe(201);
}, 60_000);

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

describe('testConnection gives exact answers', () => {
  const test = (l: Laptop, args: { serverUrl?: string; practice?: string; username: string; password: string }) =>
    l.call<ConnectionTestResult>('testConnection', { serverUrl: server.url, practice: PRACTICE, ...args });

  it('OK with the server name and version, and who the user is', async () => {
    const l = await laptop('tc-ok');
    const r = await test(l, USERS.alice);
    expect(r).toMatchObject({ ok: true, server: { version: '4.2.0' }, user: { name: 'alice', isMember: true, isAdmin: false, staffId: USERS.alice.staffId } });
    if (r.ok) expect(r.server.name).toMatch(/PouchDB/);
    const admin = await test(l, USERS.admin);
    expect(admin).toMatchObject({ ok: true, user: { isAdmin: true } });
  });

  it('wrong password, not a member, practice missing, unreachable, TLS problem', async () => {
    const l = await laptop('tc-errors');
    expect(await test(l, { username: 'alice', password: 'nope' })).toMatchObject({ ok: false, kind: 'wrong-credentials' });
    expect(await test(l, { username: 'nobody', password: 'nope' })).toMatchObject({ ok: false, kind: 'wrong-credentials' });
    const carol = await test(l, { username: 'carol', password: 'carol-pw' });
    expect(carol).toMatchObject({ ok: false, kind: 'not-member' });
    if (!carol.ok) expect(carol.message).toMatch(/not a member of practice "test"/);
    expect(await test(l, { ...USERS.alice, practice: 'elsewhere' })).toMatchObject({ ok: false, kind: 'database-missing' });
    const port = await freePort();
    expect(await test(l, { ...USERS.alice, serverUrl: `http://127.0.0.1:${port}` })).toMatchObject({ ok: false, kind: 'unreachable' });

    // A server with a self-signed certificate.
    const dir = mkdtempSync(join(tmpdir(), 'tutordesk-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
      const https = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
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

describe('sync errors become clear states, without unhandled rejections', () => {
  const start = (l: Laptop, user: { username: string; password: string }, practice = PRACTICE) =>
    l.startSync({ serverUrl: server.url, practice, username: user.username, password: user.password, collections: ['students'] });

  it('wrong password', async () => {
    const l = await laptop('err-pw');
    await l.write('students', 'kept-local', { ...valuesFor('students') });
    await start(l, { username: 'alice', password: 'wrong' });
    const s = await l.waitForState('error');
    expect(s.error).toMatchObject({ kind: 'wrong-credentials' });
    expect(s.error?.action).toMatch(/username and password/);
    // Counted while the first connection was tried: kept and shown as not yet on the server.
    await expect.poll(async () => (await l.status())?.pending).toBe(1);
    await new Promise((r) => setTimeout(r, 800));
    expect((await l.status())?.state).toBe('error');
  });

  it('not a member of the practice, and practice databases missing', async () => {
    const l = await laptop('err-member');
    await start(l, { username: 'carol', password: 'carol-pw' });
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
  });
});

describe('app restart in the middle of a sync', () => {
  it('resumes from its checkpoint, without duplicates', async () => {
    const cols = ['students'] as const;
    const writer = await laptop('restart-writer', cols);
    const now = new Date('2026-03-01T10:00:00Z');
    const docs = Array.from({ length: 1200 }, (_, i) =>
      stampChange<Student>(undefined, { ...valuesFor('students'), firstName: `Bulk ${i}`, id: `bulk-${String(i).padStart(5, '0')}` }, { staffId: 's', deviceId: 'writer', now }, () => 'x'),
    );
    await writer.call('bulkWrite', { collection: 'students', docs });
    await writer.startSync({ serverUrl: server.url, practice: PRACTICE, username: 'admin', password: 'admin-pw', collections: cols });
    await writer.awaitInSync(60_000);
    await writer.kill();
    const total = (await server.dump('students')).filter((d) => !d._deleted).length;
    expect(total).toBeGreaterThanOrEqual(1200);

    const reader = await laptop('restart-reader', cols);
    await reader.startSync({ serverUrl: server.url, practice: PRACTICE, username: 'admin', password: 'admin-pw', collections: cols, batchSize: { pull: 100 } });
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
    await reader.startSync({ serverUrl: server.url, practice: PRACTICE, username: 'admin', password: 'admin-pw', collections: cols, batchSize: { pull: 100 } });
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

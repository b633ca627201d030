/**
 * A real sync server for a test file: the embedded PouchDB Server (scripts/sync-server.ts) on a
 * free loopback port with a fresh data folder, a provisioned practice and known users.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSyncServer, type RunningSyncServer } from '../../../scripts/sync-server';
import { practiceDbName } from '../../../src-shared/sync/names';
import type { CollectionName } from '../../../src-shared/model/schemas';

export const PRACTICE = 'test';
export const USERS = {
  admin: { username: 'admin', password: 'admin-pw', role: 'admin' as const, staffId: 'staff-admin' },
  alice: { username: 'alice', password: 'alice-pw', role: 'tutor' as const, staffId: 'staff-alice' },
  bob: { username: 'bob', password: 'bob-pw', role: 'tutor' as const, staffId: 'staff-bob' },
};

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly users: RunningSyncServer['users'];
  dataDir: string;
  restarts(): number;
  stop(): Promise<void>;
  /** Server admin request (JSON). */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  as(user: { username: string; password: string } | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** Every document of a practice collection on the server, including deleted ones, app form. */
  dump(collection: CollectionName): Promise<Record<string, unknown>[]>;
  /** Stops the server process (data kept) and starts it again on the same port. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startTestServer(options: { dataDir?: string; port?: number } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tutordesk-sync-test-'));
  const admin = { username: 'couchadmin', password: 'couch-pw' };
  const start = (port: number) =>
    startSyncServer({ port, dataDir, admin, practice: PRACTICE, users: Object.values(USERS).map((u) => ({ ...u })) });
  let server = await start(options.port ?? 0);
  const request = async (auth: { username: string; password: string } | null, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  };
  const t = {
    get url() {
      return server.url;
    },
    get port() {
      return server.port;
    },
    get users() {
      return server.users;
    },
    get practice() {
      return server.practice;
    },
    get provision() {
      return server.provision;
    },
    dataDir,
    admin: (method: string, path: string, body?: unknown) => request(admin, method, path, body),
    as: request,
    async dump(collection: CollectionName) {
      const { json } = await request(admin, 'GET', `/${practiceDbName(PRACTICE, collection)}/_changes?include_docs=true&style=all_docs`);
      const rows = (json as { results: { id: string; doc: Record<string, unknown> }[] }).results;
      return rows
        .filter((r) => !r.id.startsWith('_design/'))
        .map((r) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(r.doc)) if (!k.startsWith('_')) out[k] = v;
          out.id = r.id;
          out._deleted = Boolean(r.doc._deleted);
          return out;
        })
        .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    },
    async restart() {
      const port = server.port;
      await server.stop();
      server = await start(port);
    },
    stop: () => server.stop(),
    restarts: () => server.restarts(),
    async cleanup() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t as unknown as TestServer;
}

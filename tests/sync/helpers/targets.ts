/**
 * The servers the sync suites run against (vitest projects, see vitest.config.ts; the Playwright
 * sync spec loops over them too):
 *
 * - `[PouchDB Server]`: the embedded server (scripts/sync-server.ts) on a free loopback port;
 * - `[CouchDB stand-in]`: the strict CouchDB 3.5 stand-in (couch-standin.ts) in front of a fresh
 *   embedded server, configured through its `_node/_local/_config` API as docs/sync.md tells a centre
 *   to configure CouchDB (a login for everything but `/_up`, CORS with credentials);
 * - `[CouchDB 3.5.0 at <COUCH_URL>]` when COUCH_URL is set (scripts/lib/couch-remote.ts): a real
 *   server, which must already be set up that way (probeCouch says what is missing).
 *
 * Every start makes its own practice with a unique id (and users named `<practice>-<name>`), so runs
 * never see each other's data; `cleanup()` removes the practice, its users and the CORS origin it
 * added, so a shared server is left as it was. Tests that need a wrong password use a throw-away
 * user (`createUser`): CouchDB 3.5 locks an account out after 5 failed logins.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSyncServer, type RunningSyncServer, type SyncServerOptions } from '../../../scripts/sync-server';
import { provisionPractice } from '../../../scripts/lib/couch-provision';
import { CouchClient, type CouchAuth } from '../../../scripts/lib/couch-http';
import { addCorsOrigin, removePractice, waitForUsersDb, type CouchProbe } from '../../../scripts/lib/couch-remote';
import { practiceDbName } from '../../../src-shared/sync/names';
import type { CollectionName } from '../../../src-shared/model/schemas';
import { startCouchStandin, STANDIN_VENDOR, type CouchStandin, type CouchStandinOptions } from './couch-standin';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

export type TargetKind = 'pouchdb' | 'standin' | 'couchdb';

export interface SyncTarget {
  kind: TargetKind;
  /** e.g. 'PouchDB Server', 'CouchDB stand-in', 'CouchDB 3.5.0 at http://127.0.0.1:5984'. */
  name: string;
  /** The name in brackets, at the start of every test title of this server. */
  title: string;
  couch?: CouchProbe;
}

export const POUCHDB_TARGET: SyncTarget = { kind: 'pouchdb', name: 'PouchDB Server', title: '[PouchDB Server]' };
export const STANDIN_TARGET: SyncTarget = { kind: 'standin', name: 'CouchDB stand-in', title: '[CouchDB stand-in]' };
export const couchTarget = (probe: CouchProbe): SyncTarget => ({
  kind: 'couchdb',
  name: probe.name,
  title: `[${probe.name}]`,
  couch: probe,
});

/** What docs/sync.md tells a centre to set on CouchDB 3.5 (applied to the stand-in like that). */
export const CENTRE_CONFIG: [section: string, key: string, value: string][] = [
  ['chttpd', 'require_valid_user_except_for_up', 'true'],
  ['chttpd', 'enable_cors', 'true'],
  ['cors', 'credentials', 'true'],
  ['cors', 'methods', 'GET, PUT, POST, HEAD, DELETE'],
  ['cors', 'headers', 'accept, authorization, content-type, origin, referer'],
];

export interface TestUser {
  username: string;
  password: string;
  role: 'admin' | 'tutor';
  staffId: string;
}

export interface UserSpec {
  role: 'admin' | 'tutor';
  staffId?: string;
  /** Default: a random one. */
  password?: string;
}

export const DEFAULT_USERS = {
  admin: { role: 'admin', staffId: 'staff-admin' },
  alice: { role: 'tutor', staffId: 'staff-alice' },
  bob: { role: 'tutor', staffId: 'staff-bob' },
} as const satisfies Record<string, UserSpec>;

export type Auth = { username: string; password: string };

export interface TestServer<K extends string = keyof typeof DEFAULT_USERS> {
  readonly target: SyncTarget;
  /** What the laptops and the tests talk to (no trailing slash). */
  readonly url: string;
  readonly practice: string;
  readonly users: Record<K, TestUser>;
  /** The server admin. */
  readonly adminAuth: Auth;
  /** The browser origin this run allowed by CORS. */
  readonly origin: string;
  /** What testConnection reports for this server. */
  readonly identity: { name: RegExp; version: string };
  readonly standin: CouchStandin | null;
  /** The port of `url`. */
  readonly port: number;
  /** The embedded server's data folder (null for COUCH_URL's server). */
  readonly dataDir: string | null;
  /** The embedded server's process id (undefined for COUCH_URL's server). */
  pid(): number | undefined;
  /** A name unique to this run (users, more practices), removed by cleanup(). */
  name(base: string): string;
  /** A throw-away user of the server (no practice roles unless given). */
  createUser(base: string, roles?: string[]): Promise<Auth>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  as(user: Auth | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** Every document of a practice collection on the server, including deleted ones, app form. */
  dump(collection: CollectionName, practice?: string): Promise<Record<string, unknown>[]>;
  /** The server goes away (process stopped / listener closed / connections cut); data kept. */
  stop(): Promise<void>;
  /** Back on the same port. */
  restart(): Promise<void>;
  /** How often the embedded server process was restarted by its supervisor after dying. */
  restarts(): number;
  cleanup(): Promise<void>;
}

export interface StartOptions<K extends string> {
  users?: Record<K, UserSpec>;
  /** Practice id prefix (a unique suffix is added); default 't'. */
  practicePrefix?: string;
  /** Browser origin to allow by CORS; default a unique made-up origin. */
  origin?: string;
  standin?: Partial<CouchStandinOptions>;
  /** For the embedded server (PouchDB Server and the stand-in's upstream): request limits, public names, more CORS origins. */
  embedded?: Pick<SyncServerOptions, 'limits' | 'publicNames' | 'corsOrigins'>;
}

export function uniqueId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Sets a config value through CouchDB's configuration API (a JSON string in, the old value out). */
export async function setConfig(url: string, admin: CouchAuth, section: string, key: string, value: string): Promise<void> {
  await new CouchClient(url, admin).request('PUT', `/_node/_local/_config/${section}/${encodeURIComponent(key)}`, JSON.stringify(value));
}

async function jsonRequest(
  base: string,
  auth: Auth | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

export async function startTarget<K extends string = keyof typeof DEFAULT_USERS>(
  target: SyncTarget,
  options: StartOptions<K> = {},
): Promise<TestServer<K>> {
  const practice = uniqueId(options.practicePrefix ?? 't');
  const origin = options.origin ?? `https://${practice}.tutordesk.test`;
  const specs = (options.users ?? DEFAULT_USERS) as Record<K, UserSpec>;
  const users = Object.fromEntries(
    Object.entries<UserSpec>(specs).map(([base, s]) => [
      base,
      {
        username: `${practice}-${base}`,
        password: s.password ?? `${base}-${randomBytes(6).toString('hex')}`,
        role: s.role,
        staffId: s.staffId ?? `staff-${base}`,
      },
    ]),
  ) as Record<K, TestUser>;
  const provisionUsers = () => Object.values<TestUser>(users).map((u) => ({ ...u }));

  let url: string;
  let adminAuth: Auth;
  let directUrl: string;
  let identity: { name: RegExp; version: string };
  let standin: CouchStandin | null = null;
  let stop: () => Promise<void>;
  let restart: () => Promise<void>;
  let restarts: () => number = () => 0;
  let pid: () => number | undefined = () => undefined;
  let dataDir: string | null = null;
  let cleanup: () => Promise<void>;

  if (target.kind === 'pouchdb' || target.kind === 'standin') {
    const dir = mkdtempSync(join(tmpdir(), 'tutordesk-sync-test-'));
    dataDir = dir;
    adminAuth = { username: 'couchadmin', password: 'couch-pw' };
    const startEmbedded = (port: number) =>
      startSyncServer({
        port,
        dataDir: dir,
        admin: adminAuth,
        practice: target.kind === 'pouchdb' ? practice : null,
        users: provisionUsers(),
        ...(options.embedded?.limits ? { limits: options.embedded.limits } : {}),
        ...(options.embedded?.publicNames ? { publicNames: options.embedded.publicNames } : {}),
        // The stand-in does CORS itself, like CouchDB.
        corsOrigins: target.kind === 'pouchdb' ? [origin, ...(options.embedded?.corsOrigins ?? [])] : [],
      });
    let embedded: RunningSyncServer = await startEmbedded(0);
    restarts = () => embedded.restarts();
    pid = () => embedded.pid();
    if (target.kind === 'pouchdb') {
      url = embedded.url;
      identity = { name: /PouchDB Server/, version: '4.2.0' };
      stop = () => embedded.stop();
      restart = async () => {
        const port = embedded.port;
        await embedded.stop();
        embedded = await startEmbedded(port);
      };
    } else {
      const s = await startCouchStandin({ upstream: embedded.url, admin: adminAuth, ...options.standin });
      standin = s;
      url = s.url;
      identity = { name: new RegExp(`Apache CouchDB \\(${STANDIN_VENDOR.replace(/[()]/g, '\\$&')}\\)`), version: '3.5.0' };
      for (const [sec, key, value] of CENTRE_CONFIG) await setConfig(url, adminAuth, sec, key, value);
      await setConfig(url, adminAuth, 'cors', 'origins', origin);
      await waitForUsersDb(url, adminAuth);
      await provisionPractice({ url, admin: adminAuth, practice, users: provisionUsers() });
      stop = () => s.stop();
      restart = () => s.start();
    }
    directUrl = url;
    cleanup = async () => {
      await standin?.close();
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const probe = target.couch;
    if (!probe) throw new Error('No CouchDB named by COUCH_URL');
    if (probe.error) throw new Error(probe.error);
    if (probe.problems.length) {
      throw new Error(
        `The server at COUCH_URL (${probe.url}) is not set up as docs/sync.md tells a centre to run it:\n - ${probe.problems.join('\n - ')}\n(see docs/testing.md, "Running the sync suites against a CouchDB")`,
      );
    }
    adminAuth = probe.admin;
    directUrl = probe.url;
    identity = { name: /^Apache CouchDB/, version: probe.version };
    const removeOrigin = await addCorsOrigin(directUrl, adminAuth, origin);
    let proxy: TcpProxy | null = null;
    try {
      await waitForUsersDb(directUrl, adminAuth);
      await provisionPractice({ url: directUrl, admin: adminAuth, practice, users: provisionUsers() });
      const u = new URL(directUrl);
      if (u.protocol === 'http:' && (u.pathname === '/' || u.pathname === '')) {
        // A pass-through the tests can cut ("the server is down") without touching the server.
        proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 80) });
        url = `http://127.0.0.1:${proxy.port}`;
      } else url = directUrl;
    } catch (e) {
      await removePractice(directUrl, adminAuth, practice, `${practice}-`).catch(() => undefined);
      await removeOrigin();
      throw e;
    }
    const p = proxy;
    stop = async () => {
      if (!p) throw new Error(`${target.name} cannot be stopped by the tests (https, or a path in COUCH_URL)`);
      await p.stop();
    };
    restart = async () => {
      await p?.start();
    };
    cleanup = async () => {
      await p?.stop();
      try {
        await removePractice(directUrl, adminAuth, practice, `${practice}-`);
      } finally {
        await removeOrigin();
      }
    };
  }

  const server: TestServer<K> = {
    target,
    get url() {
      return url;
    },
    practice,
    users,
    adminAuth,
    origin,
    identity,
    standin,
    get port() {
      return Number(new URL(url).port || (new URL(url).protocol === 'https:' ? 443 : 80));
    },
    dataDir,
    pid: () => pid(),
    name: (base) => `${practice}-${base}`,
    async createUser(base, roles = []) {
      const username = `${practice}-${base}`;
      const password = `${base}-${randomBytes(6).toString('hex')}`;
      const r = await jsonRequest(directUrl, adminAuth, 'PUT', `/_users/${encodeURIComponent(`org.couchdb.user:${username}`)}`, {
        name: username,
        password,
        roles,
        type: 'user',
      });
      if (r.status >= 300) throw new Error(`creating user ${username} answered ${r.status}: ${JSON.stringify(r.json)}`);
      return { username, password };
    },
    admin: (method, path, body) => jsonRequest(url, adminAuth, method, path, body),
    as: (user, method, path, body) => jsonRequest(url, user, method, path, body),
    async dump(collection, p = practice) {
      const { status, json } = await jsonRequest(
        url,
        adminAuth,
        'GET',
        `/${practiceDbName(p, collection)}/_changes?include_docs=true&style=all_docs`,
      );
      if (status !== 200) throw new Error(`reading ${collection} answered ${status}: ${JSON.stringify(json)}`);
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
    stop: () => stop(),
    restart: () => restart(),
    restarts: () => restarts(),
    cleanup: () => cleanup(),
  };
  return server;
}

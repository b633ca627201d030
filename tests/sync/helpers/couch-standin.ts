/**
 * A strict Apache CouchDB 3.5 STAND-IN for the tests (test code only, never part of the product).
 *
 * Apache CouchDB cannot be installed on the machines the tests run on, so this HTTP proxy in front
 * of the embedded PouchDB Server (scripts/sync-server.ts, behind its guard) answers the way CouchDB
 * 3.5.0 was MEASURED to answer where the two differ (/work/shared/notes/couchdb-compat.md, second
 * table, and the probes recorded in docs/testing.md). It is built from measured behaviour; it is not
 * CouchDB, and everything it does not know about is PouchDB Server's answer passed through.
 *
 * What it does like CouchDB 3.5 (each is a test in tests/sync/standin.test.ts):
 * - a write naming a revision of a deleted document (PUT with `_rev` / `?rev=` / `If-Match`, a PUT of
 *   an attachment, a `_bulk_docs` row) → 409 `conflict` "Document update conflict." (a row error in
 *   `_bulk_docs`); DELETE of a deleted document → 404 `deleted`; a write without `_rev` recreates it;
 * - the login lockout (`[chttpd_auth_lockout]`): after `threshold` (5) failed logins of one user from
 *   one IP address, every request of that user from that address (basic auth or `POST /_session`,
 *   the right password included) gets 403 "Account is temporarily locked due to multiple
 *   authentication failures" until `max_lifetime` (300,000 ms, or `lockoutLifetimeMs`) after the
 *   first failure; a new password (new salt) starts a fresh count; unknown users are never locked;
 * - `[chttpd] require_valid_user_except_for_up` / `require_valid_user` (and CouchDB 3.5 ignoring
 *   `[chttpd_auth] require_valid_user`): anonymous requests → 401 "Authentication required.", `/_up`
 *   open with the former, `POST /_session` always open;
 * - CORS exactly as chttpd_cors.erl: off until `[chttpd] enable_cors = true`, then preflights of a
 *   listed origin (method and headers allowed) → 204 with the allow headers, other preflights fall
 *   through to the normal request (so 401 when logins are required), and every answer to a listed
 *   origin carries `Access-Control-Allow-Origin` (+ `-Credentials`, `-Expose-Headers`);
 * - the configuration API `/_node/_local/_config/<section>/<key>` (JSON strings in and out,
 *   server admins only; `/_config` does not exist), config admins (`[admins]`) that shadow a
 *   `_users` user of the same name (only the admin's password works, the user's roles are added);
 * - databases by `_security`: anonymous non-members → 401 "You are not authorized to access this
 *   db.", signed-in non-members → 403 "You are not allowed to access this db." (for `_bulk_docs` too:
 *   the whole request, never per-row); new databases are admin-only (`default_security`);
 *   a member writing `_security` → 500 `no_majority` with `_security` unchanged; a member writing a
 *   design document → 403; creating or deleting a database by anyone but a server admin → 401;
 *   `_all_dbs` for server admins only;
 * - `_changes` filters: a missing view or filter → 404 (`missing`, `missing json key: …`),
 *   `_selector` by GET → 400; malformed JSON in `keys`/`key`/`startkey`/`endkey`/`doc_ids` or in a
 *   JSON body → 400 "invalid UTF-8 JSON" (what a `#` left unencoded in a key causes);
 * - `GET /` answers like CouchDB 3.5.0 (vendor: this stand-in), and password hashing takes as long
 *   as CouchDB's 600,000 PBKDF2 iterations (creating a user ~0.25 s, a user's first login ~0.17 s).
 *
 * Not reproduced (answers are PouchDB Server's, or 501 where PouchDB Server would crash): filters
 * that exist (`_view`, design filters, `_selector` by POST, `_design`), clustering, Mango indexes,
 * `_scheduler`, purge. Counters of what it refused (`stats`) let tests tell a known client defect
 * from another failure.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export const LOCKOUT_REASON = 'Account is temporarily locked due to multiple authentication failures';
export const STANDIN_VENDOR = 'TutorDesk CouchDB 3.5 stand-in (PouchDB Server underneath)';

export interface CouchStandinOptions {
  /** The embedded server (PouchDB Server behind its guard), e.g. 'http://127.0.0.1:40123'. */
  upstream: string;
  /** The upstream's server admin; also the stand-in's first config admin. */
  admin: { username: string; password: string };
  port?: number;
  host?: string;
  /** `[chttpd_auth_lockout] max_lifetime` unless configured: default 300,000 ms (CouchDB's). */
  lockoutLifetimeMs?: number;
  /** CouchDB 3.5 hashes passwords with 600,000 PBKDF2 iterations; 0 turns the delays off. */
  hashDelayMs?: { createUser: number; firstLogin: number };
  /** Right after start CouchDB answers `/_up` before `_users` and `_replicator` exist (default 0). */
  systemDbsMissingForMs?: number;
}

export interface StandinStats {
  /** Writes refused because they named a revision of a deleted document (the known client defect of issue 14). */
  tombstoneConflicts: { db: string; id: string; rev: string }[];
  /** Requests refused with "invalid UTF-8 JSON" (e.g. a key with an unencoded `#`). */
  invalidJson: { method: string; path: string }[];
  /** Failed logins counted toward the lockout, and requests refused because of it. */
  failedLogins: number;
  lockedOut: number;
  requests: number;
}

export interface CouchStandin {
  readonly url: string;
  /** The embedded server behind it. */
  readonly upstream: string;
  readonly port: number;
  readonly stats: StandinStats;
  /** The last requests, e.g. 'PUT /db/doc → 409' (diagnostics). */
  readonly log: string[];
  /** Reads a config value as the configuration API would ('' when unset). */
  configValue(section: string, key: string): string | undefined;
  /** Closes the listener and every open connection (state and port kept): "the server is down". */
  stop(): Promise<void>;
  /** Listens again on the same port after stop(). */
  start(): Promise<void>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Who =
  { kind: 'anonymous' } | { kind: 'user'; name: string; roles: string[]; upstreamAuth: Record<string, string>; by: 'default' | 'cookie' };

const SUPPORTED_HEADERS = [
  'accept',
  'accept-language',
  'authorization',
  'content-length',
  'content-range',
  'content-type',
  'destination',
  'expires',
  'if-match',
  'last-modified',
  'origin',
  'pragma',
  'x-couch-full-commit',
  'x-couch-id',
  'x-couch-persist',
  'x-couchdb-www-authenticate',
  'x-http-method-override',
  'x-requested-with',
  'x-couchdb-vhost-path',
];
const SUPPORTED_METHODS = ['CONNECT', 'COPY', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'TRACE'];
const SIMPLE_HEADERS = ['cache-control', 'content-language', 'content-type', 'expires', 'last-modified', 'pragma'];
const COUCH_HEADERS = ['accept-ranges', 'etag', 'server', 'x-couch-request-id', 'x-couch-update-newrev', 'x-couchdb-body-time'];
const JSON_QUERY_PARAMS = ['key', 'keys', 'startkey', 'endkey', 'start_key', 'end_key', 'doc_ids'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

class Reply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${status}`);
  }
}
const err = (status: number, error: string, reason: string) => new Reply(status, { error, reason });

const splitList = (s: string | undefined) =>
  (s ?? '')
    .split(/\s*,\s*/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
const truthy = (v: string | undefined) => v === 'true';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function basicAuth(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`, 'utf8').toString('base64')}`;
}

function parseBasic(header: string | undefined): { name: string; password: string } | null {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return null;
  return { name: text.slice(0, i), password: text.slice(i + 1) };
}

function hashAdminPassword(password: string, salt: string): string {
  // Shown like CouchDB's hashed admin passwords; only its shape matters to a reader.
  const key = createHash('sha256').update(`${salt}:${password}`).digest('hex');
  return `-pbkdf2:sha256-${key},${salt},600000`;
}

export async function startCouchStandin(options: CouchStandinOptions): Promise<CouchStandin> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const upstreamAdmin = basicAuth(options.admin.username, options.admin.password);
  const host = options.host ?? '127.0.0.1';
  const hashDelay = options.hashDelayMs ?? { createUser: 250, firstLogin: 170 };
  const startedAt = Date.now();
  const uuid = randomBytes(16).toString('hex');

  // ---- configuration (the `_node/_local/_config` API) --------------------------------------------
  const config = new Map<string, Map<string, string>>();
  const section = (s: string) => {
    let m = config.get(s);
    if (!m) config.set(s, (m = new Map()));
    return m;
  };
  const cfg = (s: string, k: string): string | undefined => config.get(s)?.get(k);
  const admins = new Map<string, { password: string; salt: string }>();
  const addAdmin = (name: string, password: string) => {
    const salt = randomBytes(16).toString('hex');
    admins.set(name, { password, salt });
    section('admins').set(name, hashAdminPassword(password, salt));
  };
  addAdmin(options.admin.username, options.admin.password);
  section('couchdb').set('single_node', 'true');
  section('chttpd').set('bind_address', host);

  const stats: StandinStats = { tombstoneConflicts: [], invalidJson: [], failedLogins: 0, lockedOut: 0, requests: 0 };
  const log: string[] = [];

  // ---- upstream ----------------------------------------------------------------------------------
  interface UpstreamAnswer {
    status: number;
    headers: IncomingHttpHeaders;
    text: string;
    json: unknown;
  }
  function upstreamRequest(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<UpstreamAnswer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
      const r = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path,
          agent,
          headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown = null;
            try {
              json = text ? JSON.parse(text) : null;
            } catch {
              json = null;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      if (payload) r.write(payload);
      r.end();
    });
  }
  const asAdmin = (method: string, path: string, body?: unknown) =>
    upstreamRequest(
      method,
      path,
      { accept: 'application/json', authorization: upstreamAdmin, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body === undefined ? undefined : JSON.stringify(body),
    );

  // ---- users, logins and the lockout ---------------------------------------------------------------
  const userDocs = new Map<string, { doc: Json | null; at: number }>();
  const logins = new Map<string, { roles: string[]; at: number }>();
  const seenLogins = new Set<string>();
  const failures = new Map<string, { count: number; first: number }>();
  const forgetUser = (name: string) => {
    userDocs.delete(name);
    for (const k of logins.keys()) if (k.startsWith(`${name}\0`)) logins.delete(k);
  };
  async function userDoc(name: string): Promise<Json | null> {
    const hit = userDocs.get(name);
    if (hit && Date.now() - hit.at < 2000) return hit.doc;
    const r = await asAdmin('GET', `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`);
    const doc = r.status === 200 ? (r.json as Json) : null;
    userDocs.set(name, { doc, at: Date.now() });
    return doc;
  }
  const lockoutMode = () => {
    const m = cfg('chttpd_auth_lockout', 'mode') ?? 'enforce';
    return m === 'enforce' || m === 'warn' ? m : 'off';
  };
  const lockoutThreshold = () => Number(cfg('chttpd_auth_lockout', 'threshold') ?? 5);
  const lockoutLifetime = () => Number(cfg('chttpd_auth_lockout', 'max_lifetime') ?? options.lockoutLifetimeMs ?? 300_000);
  const failureKey = (ip: string, name: string, salt: string) => `${ip}\0${name}\0${salt}`;
  function isLockedOut(ip: string, name: string, salt: string): boolean {
    if (lockoutMode() !== 'enforce') return false;
    const f = failures.get(failureKey(ip, name, salt));
    if (!f) return false;
    if (Date.now() - f.first >= lockoutLifetime()) {
      failures.delete(failureKey(ip, name, salt));
      return false;
    }
    return f.count >= lockoutThreshold();
  }
  function countFailure(ip: string, name: string, salt: string): void {
    stats.failedLogins++;
    if (lockoutMode() === 'off') return;
    const key = failureKey(ip, name, salt);
    const f = failures.get(key);
    if (!f || Date.now() - f.first >= lockoutLifetime()) failures.set(key, { count: 1, first: Date.now() });
    else f.count++;
  }

  /** CouchDB's `authenticate`: lockout check, password check, failure counting. */
  async function checkPassword(ip: string, name: string, password: string): Promise<{ roles: string[]; upstreamAuth: string }> {
    const admin = admins.get(name);
    const doc = await userDoc(name);
    if (admin) {
      // A config admin shadows a `_users` user of the same name: only the admin's password works,
      // and the user's roles are added to `_admin`.
      if (isLockedOut(ip, name, admin.salt)) {
        stats.lockedOut++;
        throw err(403, 'forbidden', LOCKOUT_REASON);
      }
      if (password !== admin.password) {
        countFailure(ip, name, admin.salt);
        throw err(401, 'unauthorized', 'Name or password is incorrect.');
      }
      return {
        roles: ['_admin', ...((doc?.roles as string[] | undefined) ?? []).filter((r) => r !== '_admin')],
        upstreamAuth: upstreamAdmin,
      };
    }
    if (!doc) throw err(401, 'unauthorized', 'Name or password is incorrect.');
    const salt = String(doc.salt ?? '');
    if (isLockedOut(ip, name, salt)) {
      stats.lockedOut++;
      throw err(403, 'forbidden', LOCKOUT_REASON);
    }
    const key = `${name}\0${password}\0${salt}`;
    const hit = logins.get(key);
    if (hit && Date.now() - hit.at < 10_000) return { roles: hit.roles, upstreamAuth: basicAuth(name, password) };
    const r = await upstreamRequest('GET', '/_session', { accept: 'application/json', authorization: basicAuth(name, password) });
    const ctx = (r.json as { userCtx?: { name?: string | null; roles?: string[] } } | null)?.userCtx;
    if (r.status !== 200 || ctx?.name !== name) {
      countFailure(ip, name, salt);
      throw err(401, 'unauthorized', 'Name or password is incorrect.');
    }
    if (!seenLogins.has(key)) {
      seenLogins.add(key);
      if (hashDelay.firstLogin > 0) await sleep(hashDelay.firstLogin);
    }
    logins.set(key, { roles: ctx.roles ?? [], at: Date.now() });
    return { roles: ctx.roles ?? [], upstreamAuth: basicAuth(name, password) };
  }

  async function authenticate(req: IncomingMessage): Promise<Who> {
    const ip = req.socket.remoteAddress ?? '';
    const creds = parseBasic(req.headers.authorization);
    if (creds) {
      const ok = await checkPassword(ip, creds.name, creds.password);
      return { kind: 'user', name: creds.name, roles: ok.roles, upstreamAuth: { authorization: ok.upstreamAuth }, by: 'default' };
    }
    const cookie = /AuthSession=[^;]+/.exec(String(req.headers.cookie ?? ''))?.[0];
    if (cookie) {
      // Cookie sessions are PouchDB Server's; CouchDB does not apply the lockout to them either.
      const r = await upstreamRequest('GET', '/_session', { accept: 'application/json', cookie });
      const ctx = (r.json as { userCtx?: { name?: string | null; roles?: string[] } } | null)?.userCtx;
      if (ctx?.name) return { kind: 'user', name: ctx.name, roles: ctx.roles ?? [], upstreamAuth: { cookie }, by: 'cookie' };
    }
    return { kind: 'anonymous' };
  }

  // ---- CORS (chttpd_cors.erl) ----------------------------------------------------------------------
  const corsEnabled = () => truthy(cfg('chttpd', 'enable_cors') ?? cfg('httpd', 'enable_cors'));
  const corsOrigins = () => splitList(cfg('cors', 'origins'));
  const corsCredentials = () => cfg('cors', 'credentials') === 'true';
  const originAccepted = (origin: string) => {
    const list = corsOrigins();
    return list.includes('*') || list.includes(origin);
  };
  function preflight(req: IncomingMessage): Record<string, string> | null {
    if (!corsEnabled()) return null;
    const origin = req.headers.origin;
    if (!origin || !originAccepted(origin)) return null;
    const method = req.headers['access-control-request-method'];
    if (typeof method !== 'string') return null;
    const methods = cfg('cors', 'methods') !== undefined ? splitList(cfg('cors', 'methods')) : SUPPORTED_METHODS;
    if (!methods.includes(method)) return null;
    const allowed =
      cfg('cors', 'headers') !== undefined ? splitList(cfg('cors', 'headers')).map((h) => h.toLowerCase()) : SUPPORTED_HEADERS;
    const raw = String(req.headers['access-control-request-headers'] ?? '');
    const asked =
      raw === ''
        ? []
        : raw
            .split(/,\s*/)
            .filter((h) => h !== '')
            .map((h) => h.trim().toLowerCase());
    if (asked.some((h) => !allowed.includes(h))) return null;
    const out: Record<string, string> = {
      'access-control-allow-origin': origin,
      'access-control-max-age': cfg('cors', 'max_age') ?? '600',
      'access-control-allow-methods': methods.join(', '),
    };
    if (corsCredentials() && origin !== '*') out['access-control-allow-credentials'] = 'true';
    out['access-control-allow-headers'] = raw;
    return out;
  }
  function corsHeaders(req: IncomingMessage, responseHeaderNames: string[]): Record<string, string> {
    const origin = req.headers.origin;
    if (!origin || !corsEnabled() || !originAccepted(origin)) return {};
    const out: Record<string, string> = { 'access-control-allow-origin': origin };
    if (corsCredentials() && origin !== '*') out['access-control-allow-credentials'] = 'true';
    const simple = responseHeaderNames.map((h) => h.toLowerCase()).filter((h) => SIMPLE_HEADERS.includes(h));
    const exposed = ['content-type', ...simple.filter((h) => h !== 'content-type')];
    const couch =
      cfg('cors', 'exposed_headers') !== undefined ? splitList(cfg('cors', 'exposed_headers')).map((h) => h.toLowerCase()) : COUCH_HEADERS;
    out['access-control-expose-headers'] = [...exposed, ...couch].join(', ');
    return out;
  }

  // ---- answers ------------------------------------------------------------------------------------
  const requestId = () => randomBytes(5).toString('hex');
  function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
    const text = `${JSON.stringify(body)}\n`;
    const headers: Record<string, string> = {
      'cache-control': 'must-revalidate',
      'content-length': String(Buffer.byteLength(text)),
      'content-type': 'application/json',
      server: 'CouchDB/3.5.0 (TutorDesk stand-in)',
      'x-couch-request-id': requestId(),
      'x-couchdb-body-time': '0',
      ...extra,
    };
    Object.assign(headers, corsHeaders(req, Object.keys(headers)));
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  function forwardHeaders(
    req: IncomingMessage,
    who: Who,
    body: Buffer | undefined,
    overrides: Record<string, string> = {},
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k) || ['host', 'authorization', 'cookie', 'origin', 'content-length'].includes(k)) continue;
      out[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    if (who.kind === 'user') Object.assign(out, who.upstreamAuth);
    if (body && body.length) out['content-length'] = String(body.length);
    return { ...out, ...overrides };
  }

  /** Passes the request to the embedded server and its answer back (streamed), with CouchDB's CORS. */
  function pipe(
    req: IncomingMessage,
    res: ServerResponse,
    who: Who,
    path: string,
    body: Buffer | undefined,
    headerOverrides: Record<string, string> = {},
  ): Promise<void> {
    return new Promise((resolve) => {
      const up = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path,
          agent,
          headers: forwardHeaders(req, who, body, headerOverrides),
        },
        (ures) => {
          const headers: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(ures.headers)) {
            if (v === undefined || HOP_BY_HOP.has(k) || k.startsWith('access-control-') || k === 'vary' || k === 'x-powered-by') continue;
            headers[k] = v;
          }
          headers.server = 'CouchDB/3.5.0 (TutorDesk stand-in)';
          Object.assign(headers, corsHeaders(req, Object.keys(headers)));
          res.writeHead(ures.statusCode ?? 502, headers);
          ures.pipe(res);
          ures.on('end', () => resolve());
          ures.on('error', () => resolve());
          res.on('close', () => {
            ures.destroy();
            resolve();
          });
        },
      );
      up.on('error', (e) => {
        if (!res.headersSent) sendJson(req, res, 502, { error: 'upstream_error', reason: e.message });
        else res.destroy();
        resolve();
      });
      res.on('close', () => up.destroy());
      if (body && body.length) up.write(body);
      up.end();
    });
  }

  // ---- databases: _security, tombstones, filters ---------------------------------------------------
  const securities = new Map<string, { sec: Json | null; at: number }>();
  async function security(db: string): Promise<Json | null> {
    const hit = securities.get(db);
    if (hit && Date.now() - hit.at < 2000) return hit.sec;
    const r = await asAdmin('GET', `/${encodeURIComponent(db)}/_security`);
    const sec = r.status === 200 ? ((r.json as Json) ?? {}) : null;
    securities.set(db, { sec, at: Date.now() });
    return sec;
  }
  const namesRoles = (x: unknown) => {
    const o = (x ?? {}) as { names?: unknown; roles?: unknown };
    return { names: Array.isArray(o.names) ? (o.names as string[]) : [], roles: Array.isArray(o.roles) ? (o.roles as string[]) : [] };
  };
  const isServerAdmin = (who: Who) => who.kind === 'user' && who.roles.includes('_admin');
  function dbRights(who: Who, sec: Json): { admin: boolean; member: boolean } {
    if (isServerAdmin(who)) return { admin: true, member: true };
    const admins = namesRoles(sec.admins);
    const members = namesRoles(sec.members);
    const name = who.kind === 'user' ? who.name : null;
    const roles = who.kind === 'user' ? who.roles : [];
    const admin = (name !== null && admins.names.includes(name)) || admins.roles.some((r) => roles.includes(r));
    const open = members.names.length === 0 && members.roles.length === 0;
    const member = admin || open || (name !== null && members.names.includes(name)) || members.roles.some((r) => roles.includes(r));
    return { admin, member };
  }

  /** Which of these documents are deleted now (their winning revision is a tombstone). */
  async function deletedIds(db: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const r = await asAdmin('POST', `/${encodeURIComponent(db)}/_all_docs`, { keys: ids });
    const rows = (r.json as { rows?: { key: string; value?: { deleted?: boolean } }[] } | null)?.rows ?? [];
    return new Set(rows.filter((row) => row.value?.deleted === true).map((row) => row.key));
  }

  async function checkFilter(db: string, params: URLSearchParams, method: string, body: Buffer): Promise<void> {
    const filter = params.get('filter');
    if (filter === null || filter === '_doc_ids') return;
    const ddocOf = async (name: string) => {
      const r = await asAdmin('GET', `/${encodeURIComponent(db)}/_design/${encodeURIComponent(name)}`);
      return r.status === 200 ? (r.json as Json) : null;
    };
    const notRun = err(
      501,
      'not_implemented',
      `The CouchDB stand-in does not run the "${filter}" changes filter (PouchDB Server would crash on it); only _doc_ids.`,
    );
    if (filter === '_selector') {
      if (method !== 'POST') throw err(400, 'bad_request', 'Selector must be specified in POST payload');
      let selector: unknown;
      try {
        selector = (JSON.parse(body.toString('utf8') || '{}') as { selector?: unknown }).selector;
      } catch {
        selector = undefined;
      }
      if (!selector || typeof selector !== 'object' || Array.isArray(selector))
        throw err(400, 'bad_request', 'Selector error: expected a JSON object');
      throw notRun;
    }
    if (filter === '_design') throw notRun;
    let design: string;
    let fn: string;
    let member: 'views' | 'filters';
    if (filter === '_view') {
      const view = params.get('view');
      if (!view) throw err(400, 'bad_request', '`view` filter parameter is not provided.');
      [design = '', fn = ''] = view.split('/');
      member = 'views';
    } else {
      const parts = filter.split('/');
      if (parts.length !== 2) throw err(400, 'bad_request', '`filter` must be of the form `designname/filtername`');
      [design = '', fn = ''] = parts;
      member = 'filters';
    }
    const ddoc = await ddocOf(design);
    if (!ddoc) throw err(404, 'not_found', 'missing');
    const group = ddoc[member] as Json | undefined;
    if (!group || typeof group !== 'object') throw err(404, 'not_found', `missing json key: ${member}`);
    if (!(fn in group)) throw err(404, 'not_found', `missing json key: ${fn}`);
    throw notRun;
  }

  function checkJsonParams(params: URLSearchParams, method: string, path: string): void {
    for (const p of JSON_QUERY_PARAMS) {
      const v = params.get(p);
      if (v === null) continue;
      try {
        JSON.parse(v);
      } catch {
        stats.invalidJson.push({ method, path });
        throw err(400, 'bad_request', 'invalid UTF-8 JSON');
      }
    }
  }

  // ---- the configuration API ---------------------------------------------------------------------
  function configApi(req: IncomingMessage, res: ServerResponse, who: Who, rest: string[], body: Buffer): void {
    if (!isServerAdmin(who)) throw err(401, 'unauthorized', 'You are not a server admin.');
    const m = req.method ?? 'GET';
    if (rest.length === 0) {
      if (m !== 'GET') throw err(405, 'method_not_allowed', 'Only GET allowed');
      const all: Record<string, Record<string, string>> = {};
      for (const [s, kv] of config) all[s] = Object.fromEntries(kv);
      return sendJson(req, res, 200, all);
    }
    const [s, k] = rest as [string, string | undefined];
    if (k === undefined) {
      if (m !== 'GET') throw err(405, 'method_not_allowed', 'Only GET allowed');
      return sendJson(req, res, 200, Object.fromEntries(config.get(s) ?? new Map()));
    }
    const old = cfg(s, k);
    if (m === 'GET') {
      if (old === undefined) throw err(404, 'not_found', 'unknown_config_value');
      return sendJson(req, res, 200, old);
    }
    if (m === 'PUT') {
      let value: unknown;
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch {
        throw err(400, 'bad_request', 'invalid UTF-8 JSON');
      }
      if (typeof value !== 'string') throw err(400, 'bad_request', 'a JSON string expected');
      if (s === 'admins') {
        forgetUser(k);
        addAdmin(k, value);
      } else section(s).set(k, value);
      return sendJson(req, res, 200, old ?? '');
    }
    if (m === 'DELETE') {
      if (old === undefined) throw err(404, 'not_found', 'unknown_config_value');
      config.get(s)?.delete(k);
      if (s === 'admins') {
        admins.delete(k);
        forgetUser(k);
      }
      return sendJson(req, res, 200, old);
    }
    throw err(405, 'method_not_allowed', 'Only GET,PUT,DELETE allowed');
  }

  // ---- one request ----------------------------------------------------------------------------------
  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const params = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
    let segments: string[];
    try {
      segments = rawPath
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
    } catch {
      throw err(400, 'bad_request', 'Malformed URL');
    }

    if (method === 'OPTIONS') {
      const pre = preflight(req);
      if (pre) {
        res.writeHead(204, {
          ...pre,
          'content-length': '0',
          server: 'CouchDB/3.5.0 (TutorDesk stand-in)',
          'x-couch-request-id': requestId(),
          'x-couchdb-body-time': '0',
        });
        res.end();
        return;
      }
    }

    const isSessionLogin = method === 'POST' && segments.length === 1 && segments[0] === '_session';
    const who = isSessionLogin ? ({ kind: 'anonymous' } as Who) : await authenticate(req);
    if (who.kind === 'anonymous' && !isSessionLogin) {
      const rvu = truthy(cfg('chttpd', 'require_valid_user') ?? cfg('httpd', 'require_valid_user'));
      const rvuUp = truthy(cfg('chttpd', 'require_valid_user_except_for_up') ?? cfg('httpd', 'require_valid_user_except_for_up'));
      const isUp = segments.length === 1 && segments[0] === '_up';
      if (isUp ? rvu && !rvuUp : rvu || rvuUp) throw err(401, 'unauthorized', 'Authentication required.');
    }
    if (method === 'OPTIONS') throw err(405, 'method_not_allowed', 'Only DELETE,GET,HEAD,POST,PUT allowed');

    // JSON bodies must be JSON.
    const contentType = String(req.headers['content-type'] ?? '');
    if (body.length && /application\/json/i.test(contentType)) {
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        stats.invalidJson.push({ method, path: rawPath });
        throw err(400, 'bad_request', 'invalid UTF-8 JSON');
      }
    }
    const first = segments[0];

    // ---- server-level endpoints ----
    if (first === undefined) {
      if (method !== 'GET' && method !== 'HEAD') throw err(405, 'method_not_allowed', 'Only GET,HEAD allowed');
      return sendJson(req, res, 200, {
        couchdb: 'Welcome',
        version: '3.5.0',
        git_sha: 'standin',
        uuid,
        features: ['quickjs', 'access-ready', 'partitioned', 'pluggable-storage-engines', 'reshard', 'scheduler'],
        vendor: { name: STANDIN_VENDOR },
      });
    }
    if (first === '_up') return sendJson(req, res, 200, { status: 'ok', seeds: {} });
    if (first === '_config') throw err(404, 'not_found', 'Database does not exist.');
    if (first === '_node') {
      const node = segments[1];
      if (node !== '_local' && node !== 'standin@127.0.0.1') throw err(404, 'not_found', 'Database does not exist.');
      if (segments.length === 2) return sendJson(req, res, 200, { name: 'standin@127.0.0.1' });
      if (segments[2] === '_config') return configApi(req, res, who, segments.slice(3), body);
      throw err(404, 'not_found', 'Database does not exist.');
    }
    if (first === '_session') {
      if (method === 'GET' || method === 'HEAD') {
        if (who.kind === 'user' && who.by === 'cookie') return pipe(req, res, who, rawUrl, undefined);
        if (who.kind === 'anonymous' && params.get('basic') === 'true') throw err(401, 'unauthorized', 'Please login.');
        return sendJson(req, res, 200, {
          ok: true,
          userCtx: { name: who.kind === 'user' ? who.name : null, roles: who.kind === 'user' ? who.roles : [] },
          info: { authentication_handlers: ['cookie', 'default'], ...(who.kind === 'user' ? { authenticated: who.by } : {}) },
        });
      }
      if (method === 'POST') {
        let form: Record<string, unknown> = {};
        const text = body.toString('utf8');
        if (/application\/json/i.test(contentType)) form = JSON.parse(text) as Record<string, unknown>;
        else form = Object.fromEntries(new URLSearchParams(text));
        const name = String(form.name ?? form.username ?? '');
        if (!name) throw err(400, 'bad_request', 'request body must contain a username');
        const ok = await checkPassword(req.socket.remoteAddress ?? '', name, String(form.password ?? ''));
        if (admins.has(name) && name !== options.admin.username) return sendJson(req, res, 200, { ok: true, name, roles: ok.roles });
        return pipe(req, res, { kind: 'anonymous' }, rawUrl, body);
      }
      return pipe(req, res, who, rawUrl, body);
    }
    if (first === '_all_dbs' && !isServerAdmin(who)) throw err(401, 'unauthorized', 'You are not a server admin.');
    if (first === '_users' || first === '_replicator') {
      if (options.systemDbsMissingForMs && Date.now() - startedAt < options.systemDbsMissingForMs)
        throw err(404, 'not_found', 'Database does not exist.');
    }
    if (first === '_users' && segments.length >= 1 && ['PUT', 'POST', 'DELETE'].includes(method)) {
      const created = body.length && /"password"\s*:/.test(body.toString('utf8'));
      if (created && hashDelay.createUser > 0) await sleep(hashDelay.createUser);
      const id = segments[1] ?? '';
      if (id.startsWith('org.couchdb.user:')) forgetUser(id.slice('org.couchdb.user:'.length));
      else userDocs.clear();
      const answer = pipe(req, res, who, rawUrl, body);
      await answer;
      if (id.startsWith('org.couchdb.user:')) forgetUser(id.slice('org.couchdb.user:'.length));
      else {
        userDocs.clear();
        logins.clear();
      }
      return;
    }
    if (first.startsWith('_')) return pipe(req, res, who, rawUrl, body);

    // ---- a database ----
    const db = first;
    const dbPath = `/${encodeURIComponent(db)}`;
    if (segments.length === 1 && (method === 'PUT' || method === 'DELETE')) {
      if (!isServerAdmin(who)) throw err(401, 'unauthorized', 'You are not a server admin.');
      securities.delete(db);
      if (method === 'DELETE') return pipe(req, res, who, rawUrl, body);
      const r = await upstreamRequest('PUT', rawUrl, { accept: 'application/json', authorization: upstreamAdmin });
      if (r.status === 201 || r.status === 202) {
        // CouchDB 3: [couchdb] default_security = admin_only.
        await asAdmin('PUT', `${dbPath}/_security`, { members: { roles: ['_admin'] }, admins: { roles: ['_admin'] } });
      }
      return sendJson(req, res, r.status, r.json ?? {});
    }
    const sec = await security(db);
    if (sec === null) throw err(404, 'not_found', 'Database does not exist.');
    const rights = dbRights(who, sec);
    if (!rights.member) {
      if (who.kind === 'anonymous') throw err(401, 'unauthorized', 'You are not authorized to access this db.');
      throw err(403, 'forbidden', 'You are not allowed to access this db.');
    }
    const second = segments[1];
    if (second === '_security' && method === 'PUT') {
      if (!rights.admin) throw err(500, 'error', 'no_majority');
      securities.delete(db);
      const r = await upstreamRequest(
        'PUT',
        `${dbPath}/_security`,
        { accept: 'application/json', 'content-type': 'application/json', authorization: upstreamAdmin },
        body,
      );
      securities.delete(db);
      return sendJson(req, res, r.status, r.json ?? {});
    }
    // CouchDB 3.5 lets every member read `_security` (measured; tests/sync/rules-check.test.ts).
    if (second === '_security' && method === 'GET') return sendJson(req, res, 200, sec);
    if (second === '_design' && ['PUT', 'DELETE', 'COPY'].includes(method) && !rights.admin) {
      throw err(403, 'forbidden', 'You are not a db or server admin.');
    }
    if (second === '_changes') {
      checkJsonParams(params, method, rawPath);
      await checkFilter(db, params, method, body);
      return pipe(req, res, who, rawUrl, body);
    }
    if (
      second === '_all_docs' ||
      second === '_design_docs' ||
      second === '_local_docs' ||
      (second === '_design' && segments[3] === '_view')
    ) {
      checkJsonParams(params, method, rawPath);
      return pipe(req, res, who, rawUrl, body);
    }
    if (second === '_bulk_docs' && method === 'POST') {
      const parsed = JSON.parse(body.toString('utf8') || '{}') as { docs?: Json[]; new_edits?: boolean };
      const docs = Array.isArray(parsed.docs) ? parsed.docs : [];
      if (parsed.new_edits === false || docs.length === 0) return pipe(req, res, who, rawUrl, body);
      const withRev = docs
        .filter((d) => typeof d._rev === 'string' && typeof d._id === 'string' && !String(d._id).startsWith('_local/'))
        .map((d) => String(d._id));
      const deleted = await deletedIds(db, [...new Set(withRev)]);
      if (deleted.size === 0) return pipe(req, res, who, rawUrl, body);
      const refused = new Map<number, Json>();
      docs.forEach((d, i) => {
        if (typeof d._rev === 'string' && deleted.has(String(d._id))) {
          stats.tombstoneConflicts.push({ db, id: String(d._id), rev: d._rev });
          refused.set(i, { id: d._id, error: 'conflict', reason: 'Document update conflict.' });
        }
      });
      const rest = docs.filter((_d, i) => !refused.has(i));
      let answers: Json[] = [];
      if (rest.length) {
        const r = await upstreamRequest(
          method,
          rawUrl,
          forwardHeaders(req, who, undefined, { 'accept-encoding': 'identity', 'content-type': 'application/json' }),
          JSON.stringify({ ...parsed, docs: rest }),
        );
        if (r.status >= 300 || !Array.isArray(r.json)) return sendJson(req, res, r.status, r.json);
        answers = r.json as Json[];
      }
      const merged: Json[] = [];
      let j = 0;
      for (let i = 0; i < docs.length; i++) merged.push(refused.get(i) ?? answers[j++]!);
      return sendJson(req, res, 201, merged);
    }
    // A document (or an attachment) written naming a revision.
    if ((second !== undefined && !second.startsWith('_')) || (second === '_design' && segments.length >= 3)) {
      const docSegments = second === '_design' ? 3 : 2;
      const id = segments.slice(1, docSegments).join('/');
      if (method === 'PUT' || method === 'DELETE') {
        let rev = params.get('rev') ?? (typeof req.headers['if-match'] === 'string' ? req.headers['if-match'].replace(/"/g, '') : null);
        if (!rev && method === 'PUT' && segments.length === docSegments && body.length && /application\/json/i.test(contentType)) {
          const doc = JSON.parse(body.toString('utf8')) as Json;
          if (doc && typeof doc._rev === 'string') rev = doc._rev;
        }
        if (rev && (await deletedIds(db, [id])).has(id)) {
          if (method === 'DELETE' && segments.length === docSegments) throw err(404, 'not_found', 'deleted');
          stats.tombstoneConflicts.push({ db, id, rev });
          throw err(409, 'conflict', 'Document update conflict.');
        }
      }
    }
    return pipe(req, res, who, rawUrl, body);
  }

  // ---- the server ----------------------------------------------------------------------------------
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    stats.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      handle(req, res, body)
        .catch((e: unknown) => {
          if (res.headersSent) return;
          if (e instanceof Reply) return sendJson(req, res, e.status, e.body);
          sendJson(req, res, 500, { error: 'unknown_error', reason: (e as Error)?.message ?? String(e) });
        })
        .finally(() => {
          log.push(`${req.method} ${req.url} → ${res.statusCode}`);
          if (log.length > 400) log.splice(0, log.length - 400);
        });
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let port = options.port ?? 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const a = server.address();
        port = typeof a === 'object' && a ? a.port : port;
        section('chttpd').set('port', String(port));
        resolve();
      });
    });
  await listen();
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  return {
    get url() {
      return `http://${host}:${port}`;
    },
    get port() {
      return port;
    },
    upstream: upstream.origin,
    stats,
    log,
    configValue: (s, k) => cfg(s, k),
    stop,
    start: listen,
    async close() {
      await stop();
      agent.destroy();
    },
  };
}

/**
 * The guard in front of the embedded PouchDB Server (scripts/sync-server.ts,
 * couch-server-child.ts). PouchDB Server on its own trusts any request that merely carries an
 * `Authorization` header, lets anonymous users register, answers `_find` and `_bulk_get` without
 * checking membership, lets database admins run JavaScript in the server process, and dies on some
 * requests (docs/security.md, /work/shared/notes/couchdb-compat.md). Every request goes through
 * these steps, in this order:
 *
 * 1. **Host**: the `Host` header must name this server (a loopback name, or a public name given
 *    with `--public-name`), else 421 — a web page cannot reach it through DNS rebinding.
 * 2. **CORS**: only the configured origins; preflights are answered here.
 * 3. **Route**: an allow-list of what the app uses (`routeOf`). Requests that would crash PouchDB
 *    Server (`_changes?filter=` other than `_doc_ids`) are refused with 400 for everyone.
 * 4. **Authentication**: every route except `/`, `/_up`, `/_session` needs credentials that
 *    resolve to a real user (checked by the server's own authentication database, cached by a
 *    hash of the credentials), else 401. Repeated failures from one address get 429.
 * 5. **Authorisation**: the server admin may do anything; everyone else only the allow-listed
 *    routes (403 otherwise), on practice databases whose `_security` names them as members
 *    (checked here for every database route), and only their own `_users` document.
 * 6. **Body size**: Content-Length over the cap → 413 before anything is read; a body that grows
 *    past the cap while it arrives → 413 and the connection is closed.
 *
 * Basic credentials are exchanged for PouchDB Server's session cookie before the request is
 * passed on, so the password (hashed with PBKDF2-SHA256, 600,000 iterations) is checked once per
 * cache period, not on every request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { DESIGN_DOC_ID, parsePracticeDbName } from '../../src-shared/sync/names';

export interface UserCtx {
  name: string;
  roles: string[];
}

export type Authentication =
  | { kind: 'anonymous' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'user'; user: UserCtx; cookie: string | null; via: 'basic' | 'cookie' };

export interface SecurityObject {
  members?: { names?: string[]; roles?: string[] };
  admins?: { names?: string[]; roles?: string[] };
}

export interface GuardSettings {
  /** Origins allowed to call the server from a browser, e.g. 'http://localhost:5173'. */
  corsOrigins: string[];
  /** `GET /` needs a login too (CouchDB's `[chttpd] require_valid_user_except_for_up`). */
  requireLoginForRoot: boolean;
}

export interface GuardLimits {
  /** Largest request body (bytes) of any request. */
  maxRequestBytes: number;
  /** Largest body of a single-document write (`PUT /<db>/<id>`, `_local` documents). */
  maxDocumentBytes: number;
  /** Failed logins from one address within a minute before it gets 429 for a minute. */
  maxFailedLoginsPerMinute: number;
}

export interface GuardOptions {
  /** Host names (without port) this server answers to, besides the loopback names. */
  publicNames: readonly string[];
  limits: GuardLimits;
  /** Live settings (CORS, logins): read on every request, changed through the config routes. */
  settings: () => GuardSettings;
  /** Changes a setting through the emulated `/_node/<node>/_config/<section>/<key>` routes. */
  configure?: (
    section: string,
    key: string,
    value: string | null,
  ) => { ok: true; previous: string } | { ok: false; status: number; reason: string };
  /** Reads an emulated config value; undefined when the key is not emulated. */
  configValue?: (section: string, key: string) => string | undefined;
  /** Resolves a request's credentials (the server's authentication database). */
  authenticate: (headers: IncomingMessage['headers']) => Promise<Authentication>;
  /**
   * PouchDB Server refused (401) a request the guard had let in with Basic credentials (the
   * `Authorization` header) and handed on with the session cookie `authenticate` gave for them.
   * Null when that cookie is still valid (the refusal is about something else and is passed on
   * as it is); otherwise the credentials checked again against the user's document as it is now.
   */
  sessionRefused?: (authorization: string, cookie: string) => Promise<Authentication | null>;
  /** `_security` of a database, or null when the database does not exist. */
  securityOf: (db: string) => Promise<SecurityObject | null>;
  /** Called when a request changes a database's `_security` (to drop cached copies). */
  securityChanged?: (db: string) => void;
  /**
   * False while the server is still being set up (users, roles, rules written at start): only the
   * server admin doing that is served; everyone else gets 503 "starting", which clients retry,
   * instead of an answer taken from half-written users or `_security` (a 401 or "not a member"
   * that a client would take as final). Absent = always open.
   */
  isOpen?: () => boolean;
}

export const DEFAULT_LIMITS: GuardLimits = {
  maxRequestBytes: 32 * 1024 * 1024,
  maxDocumentBytes: 8_000_000,
  maxFailedLoginsPerMinute: 30,
};

export type Route =
  | { kind: 'open' }
  | { kind: 'db'; db: string; write: boolean; document: boolean }
  | { kind: 'own-user'; name: string }
  | { kind: 'config'; section: string; key: string }
  | { kind: 'admin-only'; reason: string }
  | { kind: 'bad'; status: number; error: string; reason: string };

export interface RequestTarget {
  segments: string[];
  query: URLSearchParams;
}

/**
 * Splits a request target into decoded path segments and the query, refusing what could make the
 * guard and PouchDB Server's router see different paths: empty or dot segments, malformed
 * percent-encoding, bracketed query keys.
 */
export function parseTarget(rawUrl: string): RequestTarget | { error: string } {
  if (!rawUrl.startsWith('/')) return { error: 'The request target must be a path.' };
  const q = rawUrl.indexOf('?');
  const pathPart = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const queryPart = q < 0 ? '' : rawUrl.slice(q + 1);
  if (pathPart.includes('#') || pathPart.includes('\\')) return { error: 'Malformed request path.' };
  const raw = pathPart.split('/').slice(1);
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop(); // one trailing slash: `/db/`
  const segments: string[] = [];
  for (const s of raw) {
    if (s === '' && raw.length === 1) break; // `/`
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      return { error: 'Malformed percent-encoding in the request path.' };
    }
    if (s === '' || d === '' || d === '.' || d === '..') return { error: 'Empty or dot segments are not allowed in the request path.' };
    segments.push(d);
  }
  let query: URLSearchParams;
  try {
    for (const part of queryPart.split('&')) if (part) decodeURIComponent(part.replace(/\+/g, ' '));
    query = new URLSearchParams(queryPart);
  } catch {
    return { error: 'Malformed percent-encoding in the query string.' };
  }
  for (const k of query.keys()) if (/[[\]]/.test(k)) return { error: `Query parameter "${k}" is not allowed.` };
  return { segments, query };
}

const NOT_FOR_USERS = 'This route is not available to practice users (it is not part of what TutorDesk uses).';
const ADMIN_ONLY = (what: string) => `Only the server admin may ${what}.`;

/** What a request is, for the rules above (pure). */
export function routeOf(method: string, target: RequestTarget): Route {
  const m = method.toUpperCase();
  const s = target.segments;
  const read = m === 'GET' || m === 'HEAD';
  if (s.length === 0) return read ? { kind: 'open' } : { kind: 'admin-only', reason: NOT_FOR_USERS };
  const first = s[0]!;
  if (s.length === 1 && first === '_up' && read) return { kind: 'open' };
  if (s.length === 1 && first === '_session' && (read || m === 'POST' || m === 'DELETE')) return { kind: 'open' };
  if (s.length === 1 && first === 'favicon.ico' && read) return { kind: 'open' };
  if (first === '_node' && s.length >= 3 && s[2] === '_config') {
    if (s.length === 5 && (s[3] === 'chttpd' || s[3] === 'cors')) return { kind: 'config', section: s[3], key: s[4]! };
    return { kind: 'admin-only', reason: ADMIN_ONLY('change the server configuration') };
  }
  if (first === '_users') {
    if (s.length === 2 && s[1]!.startsWith('org.couchdb.user:') && read)
      return { kind: 'own-user', name: s[1]!.slice('org.couchdb.user:'.length) };
    return { kind: 'admin-only', reason: s.length === 2 && m === 'PUT' ? ADMIN_ONLY('create or change users') : NOT_FOR_USERS };
  }
  if (first.startsWith('_')) return { kind: 'admin-only', reason: NOT_FOR_USERS };
  // A database route. Only practice databases are open to users.
  const db = first;
  if (!parsePracticeDbName(db)) return { kind: 'admin-only', reason: NOT_FOR_USERS };
  if (s.length === 1) {
    if (read) return { kind: 'db', db, write: false, document: false };
    if (m === 'PUT' || m === 'DELETE') return { kind: 'admin-only', reason: ADMIN_ONLY('create or delete databases') };
    return { kind: 'admin-only', reason: NOT_FOR_USERS };
  }
  const second = s[1]!;
  if (second === '_changes') {
    for (const f of target.query.getAll('filter')) {
      if (f !== '_doc_ids')
        return {
          kind: 'bad',
          status: 400,
          error: 'bad_request',
          reason: `This server only supports the _doc_ids changes filter (got "${f}").`,
        };
    }
    const feed = target.query.get('feed') ?? 'normal';
    if (feed !== 'normal' && feed !== 'longpoll')
      return { kind: 'admin-only', reason: `The ${feed} changes feed is not available to practice users (normal and longpoll are).` };
    if (s.length === 2 && (m === 'GET' || m === 'POST')) return { kind: 'db', db, write: false, document: false };
    return { kind: 'admin-only', reason: NOT_FOR_USERS };
  }
  if (s.length === 2) {
    if (second === '_bulk_docs' && m === 'POST') return { kind: 'db', db, write: true, document: false };
    if ((second === '_bulk_get' || second === '_revs_diff') && m === 'POST') return { kind: 'db', db, write: false, document: false };
    if (second === '_all_docs' && (m === 'GET' || m === 'POST')) return { kind: 'db', db, write: false, document: false };
    if (second === '_security') return { kind: 'admin-only', reason: ADMIN_ONLY("read or change a database's members") };
    // Members may read the rules document (not change it, nor read any other design document):
    // the Sync screen compares it with the rules this version generates (src-shared/sync/rules-check.ts).
    if (second === DESIGN_DOC_ID && m === 'GET' && target.query.size === 0) return { kind: 'db', db, write: false, document: true };
    if (second.startsWith('_design/')) return { kind: 'admin-only', reason: ADMIN_ONLY('read or change design documents') };
    if (second.startsWith('_local/') || !second.startsWith('_')) {
      if (read) return { kind: 'db', db, write: false, document: true };
      if (m === 'PUT' || m === 'DELETE') return { kind: 'db', db, write: true, document: true };
    }
    return { kind: 'admin-only', reason: NOT_FOR_USERS };
  }
  if (s.length === 3 && second === '_local') {
    if (read) return { kind: 'db', db, write: false, document: true };
    if (m === 'PUT' || m === 'DELETE') return { kind: 'db', db, write: true, document: true };
  }
  if (s.length === 3 && `${second}/${s[2]}` === DESIGN_DOC_ID && m === 'GET' && target.query.size === 0)
    return { kind: 'db', db, write: false, document: true };
  if (second === '_design') return { kind: 'admin-only', reason: ADMIN_ONLY('read or change design documents') };
  return { kind: 'admin-only', reason: NOT_FOR_USERS };
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The host name of a Host header without its port, lower case; null when malformed. */
export function hostName(host: string | undefined): string | null {
  if (!host) return null;
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? null : h.slice(0, end + 1);
  }
  const name = h.replace(/:\d+$/, '');
  return /^[a-z0-9.-]+$/.test(name) ? name : null;
}

export function isAllowedHost(host: string | undefined, publicNames: readonly string[]): boolean {
  const name = hostName(host);
  if (!name) return false;
  if (LOOPBACK_NAMES.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return true;
  return publicNames.some((p) => p.toLowerCase() === name);
}

/** Whether the user may use the database: a server admin, or named (by name or role) in `_security`. */
export function isMemberOf(user: UserCtx, sec: SecurityObject): boolean {
  if (user.roles.includes('_admin')) return true;
  const sections = [sec.members ?? {}, sec.admins ?? {}];
  return sections.some((x) => (x.names ?? []).includes(user.name) || (x.roles ?? []).some((r) => user.roles.includes(r)));
}

function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'must-revalidate');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  // A body we will not read is not waited for: the connection is closed after the answer.
  if (hasUnreadBody(req)) {
    res.setHeader('Connection', 'close');
    lingeringClose(req);
  }
  res.end(text);
}

/**
 * Closes a connection whose request body was not read without losing the answer: closing at once
 * with unread bytes in the socket makes the kernel send a reset, and the client may never see
 * the status. So the server half-closes after the answer, reads and drops what still arrives for
 * up to two seconds (at most 64 MiB; nothing is kept), then closes.
 */
function lingeringClose(req: IncomingMessage): void {
  const socket = req.socket as IncomingMessage['socket'] & { destroySoon?: () => void; tutordeskLinger?: boolean };
  if (socket.tutordeskLinger) return;
  socket.tutordeskLinger = true;
  socket.destroySoon = () => {
    if (socket.destroyed) return;
    socket.end();
    let dropped = 0;
    socket.on('data', (d: Buffer) => {
      dropped += d.length;
      if (dropped > 64 * 1024 * 1024) socket.destroy();
    });
    socket.resume();
    setTimeout(() => socket.destroy(), 2000).unref();
  };
}

function hasUnreadBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Applies CORS for allowed origins; answers preflights. Returns true when the request is done. */
function cors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  const allowed = origins.includes(origin);
  res.setHeader('Vary', 'Origin');
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Type, ETag, Cache-Control');
  }
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    if (!allowed) {
      sendJson(req, res, 403, { error: 'forbidden', reason: `Origin ${origin} is not allowed.` });
      return true;
    }
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type, Origin, Referer');
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    res.end();
    return true;
  }
  return false;
}

/**
 * Caps the bytes of a request body as they arrive: past `limit`, the request is answered 413 and
 * its connection closed; whatever the handler behind tries to answer later is dropped.
 */
function capBody(req: IncomingMessage, res: ServerResponse, limit: number): void {
  let seen = 0;
  let over = false;
  const original = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (over) return true; // dropped
    if (chunk !== null && chunk !== undefined) {
      seen += (chunk as Buffer).length;
      if (seen > limit) {
        over = true;
        tooLarge(req, res, limit);
        return true;
      }
    }
    return original(chunk, encoding);
  };
}

function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const socket = req.socket;
  const text = JSON.stringify({ error: 'too_large', reason: `The request body is larger than this server accepts (${limit} bytes).` });
  if (!res.headersSent) {
    lingeringClose(req);
    res.writeHead(413, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), Connection: 'close' });
    const end = res.end.bind(res);
    silence(res);
    end(text);
  } else {
    silence(res);
    socket.destroy();
  }
}

/** Whatever the handler behind answers later goes nowhere (and must not throw for it). */
function silence(res: ServerResponse): void {
  res.setHeader = (() => res) as never;
  res.writeHead = (() => res) as never;
  res.write = (() => true) as never;
  res.end = (() => res) as never;
}

/** Failed logins per client address within the current minute (a simple fixed window). */
class LoginThrottle {
  private window = 0;
  private counts = new Map<string, number>();
  constructor(private readonly max: number) {}
  private roll(): void {
    const w = Math.floor(Date.now() / 60_000);
    if (w !== this.window) {
      this.window = w;
      this.counts.clear();
    }
  }
  blocked(address: string): boolean {
    this.roll();
    return (this.counts.get(address) ?? 0) >= this.max;
  }
  failed(address: string): void {
    this.roll();
    if (this.counts.size > 10_000) this.counts.clear();
    this.counts.set(address, (this.counts.get(address) ?? 0) + 1);
  }
}

function clientAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

/** Replaces the client's credentials by the server's session cookie for the handler behind. */
function useSessionCookie(req: IncomingMessage, res: ServerResponse, cookie: string): void {
  delete req.headers.authorization;
  const others = String(req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith('AuthSession='));
  req.headers.cookie = [...others, `AuthSession=${cookie}`].join('; ');
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i]!.toLowerCase();
    if (k === 'authorization') req.rawHeaders[i + 1] = '';
    if (k === 'cookie') req.rawHeaders[i + 1] = req.headers.cookie;
  }
  // The client logged in with Basic auth: it gets no session cookie back.
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    name.toLowerCase() === 'set-cookie' ? res : setHeader(name, value)) as typeof res.setHeader;
}

/**
 * Holds a 401 that PouchDB Server answers to a request the guard let in with Basic credentials,
 * and sends `decide`'s answer instead (null: the 401 as it was).
 *
 * PouchDB Server checks the session cookie it is handed against the user's document as it is when
 * it serves the request, after the guard's check: a password changed in between (its new salt
 * voids the cookie) made it answer as to an anonymous user, 401 "You are not authorized to access
 * this db.", which the app takes for "not a member" (errors.test on a loaded machine). CouchDB
 * checks credentials once, and answers a changed password with 401 "Name or password is
 * incorrect.".
 *
 * The answer is held where its status is written (PouchDB Server's compression writes the head
 * before it ends the body): a 401 head and what follows it are kept until `decide` is done.
 */
function holdBackendRefusal(res: ServerResponse, decide: () => Promise<(() => void) | null>): void {
  const original = { writeHead: res.writeHead, write: res.write, end: res.end };
  let held: { head: unknown[]; chunks: unknown[][] } | null = null;
  const call = (fn: (...a: unknown[]) => unknown, args: unknown[]) => fn.apply(res, args);
  res.writeHead = ((...args: unknown[]) => {
    if (held) return res;
    if (args[0] !== 401 || res.headersSent) return call(original.writeHead as never, args);
    held = { head: args, chunks: [] };
    return res;
  }) as typeof res.writeHead;
  res.write = ((...args: unknown[]) => {
    if (!held) return call(original.write as never, args);
    held.chunks.push(args);
    return true;
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    if (!held) return call(original.end as never, args);
    const { head, chunks } = held;
    decide()
      .then((answer) => {
        // Whatever wrapped these methods since (compression) has done its part.
        Object.assign(res, original);
        if (answer) {
          for (const h of ['content-length', 'content-type', 'content-encoding', 'etag', 'www-authenticate']) res.removeHeader(h);
          return answer();
        }
        call(original.writeHead as never, head);
        for (const c of chunks) call(original.write as never, c);
        call(original.end as never, args);
      })
      .catch(() => res.destroy());
    return res;
  }) as typeof res.end;
}

/** Wraps a request handler (PouchDB Server's express app) with the guard. */
export function createGuard(options: GuardOptions, next: (req: IncomingMessage, res: ServerResponse) => void) {
  const throttle = new LoginThrottle(options.limits.maxFailedLoginsPerMinute);
  return (req: IncomingMessage, res: ServerResponse, continueExpected = false): void => {
    handle(req, res, continueExpected).catch((e: Error) => {
      if (!res.headersSent)
        sendJson(req, res, 503, { error: 'unavailable', reason: `The server could not check this request (${e.message}).` });
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, continueExpected: boolean): Promise<void> {
    // 1. Host
    if (!isAllowedHost(req.headers.host, options.publicNames)) {
      const name = hostName(req.headers.host) ?? String(req.headers.host ?? '(none)').slice(0, 100);
      return sendJson(req, res, 421, {
        error: 'misdirected_request',
        reason: `${name} is not a name of this server. Start it with --public-name ${name} if that is the name clients use.`,
      });
    }
    const settings = options.settings();
    // 2. CORS
    if (cors(req, res, settings.corsOrigins)) return;
    // 3. Route
    const target = parseTarget(req.url ?? '/');
    if ('error' in target) return sendJson(req, res, 400, { error: 'bad_request', reason: target.error });
    const method = (req.method ?? 'GET').toUpperCase();
    const route = routeOf(method, target);
    if (route.kind === 'bad') return sendJson(req, res, route.status, { error: route.error, reason: route.reason });
    // 4. Authentication
    const address = clientAddress(req);
    const auth = await options.authenticate(req.headers);
    const starting = () =>
      sendJson(req, res, 503, { error: 'starting', reason: 'The server is starting; try again in a moment.' }, { 'Retry-After': '1' });
    // While the server is being set up its users may be half-written: a password it cannot check
    // yet is "starting" (retried by clients), not a 401 a client would take as final.
    if (auth.kind === 'invalid' && options.isOpen && !options.isOpen()) return starting();
    const refuseLogin = (reason: string) => {
      if (throttle.blocked(address)) {
        return sendJson(
          req,
          res,
          429,
          { error: 'too_many_requests', reason: 'Too many failed logins from this address; wait a minute and try again.' },
          { 'Retry-After': '60' },
        );
      }
      throttle.failed(address);
      return sendJson(req, res, 401, { error: 'unauthorized', reason }, { 'WWW-Authenticate': 'Basic realm="server"' });
    };
    if (auth.kind === 'invalid') return refuseLogin(auth.reason);
    // `/_up` (monitoring) is answered here: PouchDB Server has no such route.
    if (target.segments.length === 1 && target.segments[0] === '_up' && route.kind === 'open')
      return sendJson(req, res, 200, { status: 'ok' });
    const openRoute = route.kind === 'open' && !(settings.requireLoginForRoot && target.segments.length === 0);
    if (auth.kind === 'anonymous' && !openRoute) {
      return sendJson(
        req,
        res,
        401,
        { error: 'unauthorized', reason: 'Authentication required.' },
        { 'WWW-Authenticate': 'Basic realm="server"' },
      );
    }
    const user = auth.kind === 'user' ? auth.user : null;
    const isServerAdmin = Boolean(user?.roles.includes('_admin'));
    if (options.isOpen && !options.isOpen() && !isServerAdmin) return starting();
    // 5. Authorisation
    if (route.kind === 'config') {
      if (!isServerAdmin) return sendJson(req, res, 403, { error: 'forbidden', reason: ADMIN_ONLY('change the server configuration') });
      return config(req, res, route.section, route.key, method);
    }
    if (!isServerAdmin) {
      if (route.kind === 'admin-only') return sendJson(req, res, 403, { error: 'forbidden', reason: route.reason });
      if (route.kind === 'own-user' && route.name !== user!.name)
        return sendJson(req, res, 403, { error: 'forbidden', reason: 'You may only read your own user document.' });
      if (route.kind === 'db') {
        const sec = await options.securityOf(route.db);
        if (!sec) return sendJson(req, res, 404, { error: 'not_found', reason: 'Database does not exist.' });
        const hasMembers = (sec.members?.names ?? []).length + (sec.members?.roles ?? []).length > 0;
        if (!hasMembers || !isMemberOf(user!, sec))
          return sendJson(req, res, 403, { error: 'forbidden', reason: 'You are not allowed to access this db.' });
      }
    }
    // `GET /_session` with Basic credentials is answered from the guard's check, as CouchDB answers
    // it from its own. Handed on, PouchDB Server checked the session cookie once more against the
    // user's document as it was by then: written meanwhile (every start provisions the users again,
    // with a new salt), that cookie failed and the answer named nobody, which the app takes for a
    // wrong password.
    if (
      auth.kind === 'user' &&
      auth.via === 'basic' &&
      (method === 'GET' || method === 'HEAD') &&
      target.segments.length === 1 &&
      target.segments[0] === '_session'
    ) {
      return sendJson(req, res, 200, {
        ok: true,
        userCtx: { name: auth.user.name, roles: auth.user.roles },
        info: { authentication_handlers: ['cookie', 'default'], authenticated: 'default' },
      });
    }
    const changesMembers =
      (target.segments.length === 2 && target.segments[1] === '_security') || (target.segments.length === 1 && method === 'DELETE');
    if (route.kind !== 'db' && changesMembers && method !== 'GET' && method !== 'HEAD') {
      const db = target.segments[0]!;
      options.securityChanged?.(db);
      res.on('finish', () => options.securityChanged?.(db));
    }
    // 6. Body size
    const limit = route.kind === 'db' && route.document ? options.limits.maxDocumentBytes : options.limits.maxRequestBytes;
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      return sendJson(req, res, 413, {
        error: 'too_large',
        reason: `The request body is larger than this server accepts (${limit} bytes).`,
      });
    }
    if (hasUnreadBody(req)) capBody(req, res, limit);
    if (auth.kind === 'user' && auth.via === 'basic' && auth.cookie) {
      const authorization = String(req.headers.authorization);
      const cookie = auth.cookie;
      const sessionRefused = options.sessionRefused;
      // PouchDB Server refused the session the guard handed it: the user's document changed since
      // the guard's check. Answered as CouchDB answers the credentials now: a wrong password is a
      // 401 "Name or password is incorrect." (final for clients, counted as a failed login); a
      // password that still holds (the document was written with the same one, as every start
      // provisions) is a 503 to retry, which the next request passes with a new session.
      if (sessionRefused)
        holdBackendRefusal(res, async () => {
          let again: Authentication | null;
          try {
            again = await sessionRefused(authorization, cookie);
          } catch (e) {
            const reason = `The server could not check this request (${(e as Error).message}).`;
            return () => sendJson(req, res, 503, { error: 'unavailable', reason });
          }
          if (!again) return null;
          if (again.kind !== 'user') return () => refuseLogin(again.kind === 'invalid' ? again.reason : 'Name or password is incorrect.');
          return () =>
            sendJson(
              req,
              res,
              503,
              { error: 'unavailable', reason: 'The account changed while this request was served; try again in a moment.' },
              { 'Retry-After': '1' },
            );
        });
      useSessionCookie(req, res, cookie);
    }
    if (continueExpected) res.writeContinue();
    next(req, res);
  }

  async function config(req: IncomingMessage, res: ServerResponse, section: string, key: string, method: string): Promise<void> {
    const current = options.configValue?.(section, key);
    if (method === 'GET' || method === 'HEAD') {
      if (current === undefined) return sendJson(req, res, 404, { error: 'not_found', reason: 'unknown_config_value' });
      return sendJson(req, res, 200, current);
    }
    if (method !== 'PUT' && method !== 'DELETE')
      return sendJson(req, res, 405, { error: 'method_not_allowed', reason: 'Only GET, PUT and DELETE are allowed.' });
    let value: string | null = null;
    if (method === 'PUT') {
      const body = await readSmallBody(req, 64 * 1024);
      try {
        value = JSON.parse(body) as string;
      } catch {
        value = null;
      }
      if (typeof value !== 'string') return sendJson(req, res, 400, { error: 'bad_request', reason: 'The value must be a JSON string.' });
    }
    const result = options.configure?.(section, key, value) ?? {
      ok: false as const,
      status: 400,
      reason: `${section}/${key} cannot be set on this server.`,
    };
    if (!result.ok) return sendJson(req, res, result.status, { error: 'bad_request', reason: result.reason });
    return sendJson(req, res, 200, result.previous);
  }
}

function readSmallBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.destroy();
        reject(new Error('body too large'));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A process-wide random key for the credential cache: entries are keyed by HMAC, never by the password. */
const CACHE_KEY = randomBytes(32);
export function credentialKey(value: string): string {
  return createHmac('sha256', CACHE_KEY).update(value).digest('hex');
}

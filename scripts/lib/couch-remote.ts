/**
 * A CouchDB named by the environment (the convention of CouchDB client projects), for the test
 * suites and `npm run bench`: `COUCH_URL`, and the server admin from `COUCH_ADMIN_USER` /
 * `COUCH_ADMIN_PASSWORD` or from a file named by `COUCH_ADMIN_FILE` holding `name:password` (or only
 * the password, the name then from `COUCH_ADMIN_USER`, default `admin`).
 *
 * Also what a run needs to leave a shared server as it found it: adding and removing one CORS
 * origin, removing a practice (its databases and users). Only the CouchDB HTTP API is used.
 */
import { readFileSync } from 'node:fs';
import { CouchClient, type CouchAuth } from './couch-http';

export interface CouchEnv {
  url: string;
  admin: CouchAuth;
}

/** The server named by COUCH_URL, or null when it is not set; throws a clear error for bad values. */
export function couchFromEnv(env: NodeJS.ProcessEnv = process.env): CouchEnv | null {
  const raw = env.COUCH_URL?.trim();
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`COUCH_URL is not a URL: ${raw}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`COUCH_URL must start with http:// or https:// (got ${raw})`);
  if (u.username || u.password)
    throw new Error(
      'COUCH_URL must not contain a name or password: give the admin with COUCH_ADMIN_USER / COUCH_ADMIN_PASSWORD or COUCH_ADMIN_FILE',
    );
  const url = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  let username = env.COUCH_ADMIN_USER?.trim() || '';
  let password = env.COUCH_ADMIN_PASSWORD ?? '';
  if (env.COUCH_ADMIN_FILE) {
    let text: string;
    try {
      text = readFileSync(env.COUCH_ADMIN_FILE, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new Error(`COUCH_ADMIN_FILE ${env.COUCH_ADMIN_FILE} cannot be read: ${(e as Error).message}`);
    }
    const i = text.indexOf(':');
    if (i > 0 && !env.COUCH_ADMIN_USER) {
      username = text.slice(0, i);
      password = text.slice(i + 1);
    } else password = text;
  }
  if (!password)
    throw new Error(
      'COUCH_URL is set but not the server admin: set COUCH_ADMIN_USER and COUCH_ADMIN_PASSWORD, or COUCH_ADMIN_FILE (a file holding name:password or the password)',
    );
  return { url, admin: { username: username || 'admin', password } };
}

/**
 * The server's name for titles, read without a password: CouchDB names its version in the `Server`
 * header of every answer, `/_up` included (e.g. 'CouchDB 3.5.0 at http://127.0.0.1:5984').
 */
export async function couchServerName(url: string): Promise<string> {
  try {
    const res = await fetch(`${url}/_up`, { headers: { accept: 'application/json' } });
    await res.arrayBuffer();
    const version = /CouchDB\/([\d.]+)/.exec(res.headers.get('server') ?? '')?.[1];
    return version ? `CouchDB ${version} at ${url}` : `CouchDB at ${url}`;
  } catch {
    return `CouchDB at ${url}`;
  }
}

export interface CouchProbe {
  url: string;
  admin: CouchAuth;
  /** e.g. '3.5.0' ('?' when unknown). */
  version: string;
  vendor: string;
  /** e.g. 'CouchDB 3.5.0 at http://127.0.0.1:5984'. */
  name: string;
  /** What keeps the suites from running at all (unreachable, wrong admin password): nothing else is tried. */
  error: string | null;
  /** How the server differs from the set-up docs/sync.md asks for. */
  problems: string[];
}

/**
 * Checks the server once: reachable, the admin's password right (tried ONCE: CouchDB 3.5 locks an
 * account out after 5 failures, so nothing here retries), and set up as docs/sync.md tells a
 * centre (a login required for everything but `/_up`, CORS on with credentials, no `*` origin).
 */
export async function probeCouch(env: CouchEnv): Promise<CouchProbe> {
  const out: CouchProbe = {
    url: env.url,
    admin: env.admin,
    version: '?',
    vendor: '?',
    name: `CouchDB at ${env.url}`,
    error: null,
    problems: [],
  };
  const anon = new CouchClient(env.url);
  const admin = anon.withAuth(env.admin);
  try {
    const up = await anon.raw('GET', '/_up');
    if (up.status !== 200 && up.status !== 401) {
      out.error = `${env.url}/_up answered ${up.status}: is COUCH_URL the address of a CouchDB 3.x server?`;
      return out;
    }
    const session = await admin.raw('GET', '/_session');
    const reason = String((session.json as { reason?: string } | null)?.reason ?? '');
    if (session.status === 401) {
      out.error = `COUCH_URL ${env.url}: wrong admin name or password for "${env.admin.username}" (not retried: CouchDB locks an account out after 5 failed logins).`;
      return out;
    }
    if (session.status === 403 && /locked/i.test(reason)) {
      out.error = `COUCH_URL ${env.url}: the admin "${env.admin.username}" is locked out (${reason}); wait about 5 minutes.`;
      return out;
    }
    const roles = (session.json as { userCtx?: { roles?: string[] } } | null)?.userCtx?.roles ?? [];
    if (session.status !== 200 || !roles.includes('_admin')) {
      out.error = `COUCH_URL ${env.url}: "${env.admin.username}" is not a server admin (GET /_session answered ${session.status}).`;
      return out;
    }
    const root = await admin.raw('GET', '/');
    const info = (root.json ?? {}) as { couchdb?: string; version?: string; vendor?: { name?: string } };
    out.version = String(info.version ?? '?');
    out.vendor = info.vendor?.name ?? (info.couchdb ? 'CouchDB' : '?');
    out.name = `CouchDB ${out.version} at ${env.url}`;

    const anonRoot = await anon.raw('GET', '/');
    if (anonRoot.status !== 401) {
      out.problems.push(
        `anonymous GET / answered ${anonRoot.status}, not 401: require a login for everything but /_up ([chttpd] require_valid_user_except_for_up = true; docs/sync.md)`,
      );
    }
    if (up.status !== 200)
      out.problems.push(
        '/_up needs a login: use [chttpd] require_valid_user_except_for_up = true rather than require_valid_user, so monitoring can read /_up',
      );
    const chttpd = await admin.raw('GET', '/_node/_local/_config/chttpd');
    if (chttpd.status !== 200) {
      out.problems.push(
        `the configuration API (/_node/_local/_config) answered ${chttpd.status}: the suites add their browser origin to [cors] origins through it`,
      );
    } else {
      const c = (chttpd.json ?? {}) as Record<string, string>;
      if (c.enable_cors !== 'true')
        out.problems.push(
          'CORS is off: set [chttpd] enable_cors = true and [cors] credentials = true, methods and headers as docs/sync.md says (the browser build needs it)',
        );
      const cors = ((await admin.raw('GET', '/_node/_local/_config/cors')).json ?? {}) as Record<string, string>;
      if (c.enable_cors === 'true' && cors.credentials !== 'true')
        out.problems.push('[cors] credentials must be true (the browser build sends the password)');
      if ((cors.origins ?? '').split(/\s*,\s*/).includes('*'))
        out.problems.push('[cors] origins is "*": list the app\'s origins instead (docs/sync.md)');
    }
  } catch (e) {
    out.error = `COUCH_URL ${env.url}: ${(e as Error).message}`;
  }
  return out;
}

const corsPath = '/_node/_local/_config/cors/origins';

/**
 * Adds `origin` to `[cors] origins` unless it is there already; the returned function removes it
 * again only if it was added here (the rest of the list, as it is then, is kept).
 */
export async function addCorsOrigin(url: string, admin: CouchAuth, origin: string): Promise<() => Promise<void>> {
  const client = new CouchClient(url, admin);
  const read = async () => {
    const r = await client.raw('GET', corsPath);
    return r.status === 200 && typeof r.json === 'string' ? r.json.split(/\s*,\s*/).filter((o) => o !== '') : [];
  };
  const before = await read();
  if (before.includes(origin)) return async () => {};
  // A JSON string: CouchClient sends strings as they are.
  await client.request('PUT', corsPath, JSON.stringify([...before, origin].join(', ')));
  return async () => {
    const now = await read();
    if (!now.includes(origin)) return;
    await client.request('PUT', corsPath, JSON.stringify(now.filter((o) => o !== origin).join(', ')));
  };
}

/**
 * Removes a practice from a server: every database named `tutordesk-<practice>-…` and every user
 * whose name starts with `<userPrefix>` (deleted, then purged where the server supports `_purge`).
 */
export async function removePractice(
  url: string,
  admin: CouchAuth,
  practice: string,
  userPrefix: string,
): Promise<{ databases: string[]; users: string[] }> {
  const client = new CouchClient(url, admin);
  const all = await client.request<string[]>('GET', '/_all_dbs');
  const databases = all.filter((d) => d.startsWith(`tutordesk-${practice}-`));
  for (const d of databases) {
    const r = await client.raw('DELETE', `/${encodeURIComponent(d)}`);
    if (r.status >= 400 && r.status !== 404) throw new Error(`DELETE /${d} answered ${r.status}`);
  }
  const users: string[] = [];
  if (userPrefix) {
    const start = JSON.stringify(`org.couchdb.user:${userPrefix}`);
    const end = JSON.stringify(`org.couchdb.user:${userPrefix}\ufff0`);
    const list = await client.request<{ rows: { id: string; value: { rev: string } }[] }>(
      'GET',
      `/_users/_all_docs?startkey=${encodeURIComponent(start)}&endkey=${encodeURIComponent(end)}`,
    );
    const purge: Record<string, string[]> = {};
    for (const row of list.rows) {
      const r = await client.raw('DELETE', `/_users/${encodeURIComponent(row.id)}?rev=${encodeURIComponent(row.value.rev)}`);
      if (r.status < 300) {
        users.push(row.id.slice('org.couchdb.user:'.length));
        const tombstone = (r.json as { rev?: string }).rev;
        if (tombstone) purge[row.id] = [tombstone];
      }
    }
    // Leave no tombstones behind where the server can purge (CouchDB 3.x; PouchDB Server cannot).
    if (Object.keys(purge).length) await client.raw('POST', '/_users/_purge', purge);
  }
  return { databases, users };
}

/** Waits until `_users` answers: right after start CouchDB 3.5 answers `/_up` before it exists. */
export async function waitForUsersDb(url: string, admin: CouchAuth, timeoutMs = 30_000): Promise<void> {
  const client = new CouchClient(url, admin);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await client.raw('GET', '/_users');
    if (r.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url}/_users still answers ${r.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * The CouchDB 3.5 column of the behaviour table (/work/shared/notes/couchdb-compat.md, second
 * part; docs/testing.md), one test per row, over plain HTTP.
 *
 * - In the `[CouchDB stand-in]` project the rows run through the strict stand-in
 *   (helpers/couch-standin.ts) and, where the table says PouchDB Server differs, the same request
 *   goes to the embedded PouchDB Server underneath it and its own answer is checked too.
 * - In the `[CouchDB … at COUCH_URL]` project the same rows run against that real server (which
 *   shows the stand-in answers as CouchDB does). Rows that need to restart the server or change its
 *   login or CORS settings run only through the stand-in; a real server is checked as configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { memberRole, practiceDbName } from '../../src-shared/sync/names';
import { waitForUsersDb } from '../../scripts/lib/couch-remote';
import { LOCKOUT_REASON, startCouchStandin, type CouchStandin, type CouchStandinOptions } from './helpers/couch-standin';
import { http, type HttpAnswer } from './helpers/http';
import { setConfig, type Auth } from './helpers/targets';
import { startTestServer, target, type TestServer } from './helpers/server';

const onStandin = target.kind === 'standin';
const T = target.title;
const CONFLICT = { error: 'conflict', reason: 'Document update conflict.' };
const LOCKED = { error: 'forbidden', reason: LOCKOUT_REASON };
const WRONG = { error: 'unauthorized', reason: 'Name or password is incorrect.' };
const NEEDS_LOGIN = { error: 'unauthorized', reason: 'Authentication required.' };

let server: TestServer;
/** The server itself (COUCH_URL without the tests' pass-through, so the client address is ours). */
let base: string;
/** The embedded PouchDB Server under the stand-in (stand-in project only). */
let embedded: string;
const extra: CouchStandin[] = [];

beforeAll(async () => {
  server = await startTestServer();
  base = target.couch?.url ?? server.url;
  embedded = server.standin?.upstream ?? '';
}, 120_000);

afterAll(async () => {
  for (const s of extra) await s.close();
  await server?.cleanup();
});

const A = (): Auth => server.adminAuth;
const body = (r: HttpAnswer) => r.json as Record<string, unknown>;

/** Another stand-in in front of the same embedded server, as CouchDB starts: default settings. */
async function freshStandin(options: Partial<CouchStandinOptions> = {}): Promise<CouchStandin> {
  const s = await startCouchStandin({ upstream: embedded, admin: A(), ...options });
  extra.push(s);
  return s;
}

/** A database of this run (removed with the practice), readable by the practice's members. */
async function scratchDb(at: string, name: string, admins: { names?: string[]; roles?: string[] } = {}): Promise<string> {
  const db = `/${practiceDbName(server.practice, 'students')}-${name}`;
  expect((await http(at, 'PUT', db, { auth: A() })).status).toBe(201);
  const sec = {
    members: { names: [], roles: [memberRole(server.practice)] },
    admins: { names: admins.names ?? [], roles: admins.roles ?? [] },
  };
  expect((await http(at, 'PUT', `${db}/_security`, { auth: A(), body: sec })).status).toBe(200);
  return db;
}

/** Writes a document and deletes it; returns the tombstone's revision. */
async function tombstone(at: string, db: string, id: string): Promise<string> {
  const created = await http(at, 'PUT', `${db}/${id}`, { auth: A(), body: { a: 1 } });
  expect(created.status).toBe(201);
  const deleted = await http(at, 'DELETE', `${db}/${id}?rev=${String(body(created).rev)}`, { auth: A() });
  expect(deleted.status).toBe(200);
  return String(body(deleted).rev);
}

describe(`${T} the CouchDB 3.5 behaviour table`, () => {
  it(`${T} a write naming a deleted document's tombstone _rev (PUT with _rev, ?rev= or If-Match, an attachment, a _bulk_docs row) → 409 conflict; DELETE → 404 deleted${onStandin ? '; PouchDB Server accepts them' : ''}`, async () => {
    const db = await scratchDb(base, `tomb`);
    const rev = await tombstone(base, db, 'd1');
    const before = server.standin?.stats.tombstoneConflicts.length ?? 0;
    const put = await http(base, 'PUT', `${db}/d1`, { auth: A(), body: { _rev: rev, a: 2 } });
    expect([put.status, put.json]).toEqual([409, CONFLICT]);
    const query = await http(base, 'PUT', `${db}/d1?rev=${rev}`, { auth: A(), body: { a: 2 } });
    expect([query.status, query.json]).toEqual([409, CONFLICT]);
    const ifMatch = await http(base, 'PUT', `${db}/d1`, { auth: A(), body: { a: 2 }, headers: { 'if-match': rev } });
    expect([ifMatch.status, ifMatch.json]).toEqual([409, CONFLICT]);
    const att = await http(base, 'PUT', `${db}/d1/note.txt?rev=${rev}`, {
      auth: A(),
      body: 'hello',
      raw: true,
      headers: { 'content-type': 'text/plain' },
    });
    expect([att.status, att.json]).toEqual([409, CONFLICT]);
    const bulk = await http(base, 'POST', `${db}/_bulk_docs`, {
      auth: A(),
      body: {
        docs: [
          { _id: 'd1', _rev: rev, a: 3 },
          { _id: 'other', a: 1 },
        ],
      },
    });
    expect(bulk.status).toBe(201);
    const rows = bulk.json as Record<string, unknown>[];
    expect(rows[0]).toEqual({ id: 'd1', ...CONFLICT });
    expect(rows[1]).toMatchObject({ ok: true, id: 'other' });
    const del = await http(base, 'DELETE', `${db}/d1?rev=${rev}`, { auth: A() });
    expect([del.status, del.json]).toEqual([404, { error: 'not_found', reason: 'deleted' }]);
    if (onStandin) {
      expect(server.standin!.stats.tombstoneConflicts.length - before).toBe(5);
      const edb = await scratchDb(embedded, 'tomb-embedded');
      const erev = await tombstone(embedded, edb, 'd1');
      const accepted = await http(embedded, 'PUT', `${edb}/d1`, { auth: A(), body: { _rev: erev, a: 2 } });
      expect(accepted.status).toBe(201);
      expect(String(body(accepted).rev)).toMatch(/^3-/);
    }
  });

  it(`${T} recreating a deleted document: a write without _rev makes a new revision extending the tombstone (3-…)${onStandin ? ', as on PouchDB Server' : ''}`, async () => {
    for (const at of onStandin ? [base, embedded] : [base]) {
      const db = await scratchDb(at, `recreate${at === base ? '' : '-embedded'}`);
      await tombstone(at, db, 'd2');
      const put = await http(at, 'PUT', `${db}/d2`, { auth: A(), body: { a: 4 } });
      expect(put.status).toBe(201);
      expect(String(body(put).rev)).toMatch(/^3-/);
      expect(body(await http(at, 'GET', `${db}/d2`, { auth: A() }))).toMatchObject({ _id: 'd2', a: 4 });
      await tombstone(at, db, 'd3');
      const bulk = await http(at, 'POST', `${db}/_bulk_docs`, { auth: A(), body: { docs: [{ _id: 'd3', a: 5 }] } });
      expect((bulk.json as Record<string, unknown>[])[0]).toMatchObject({ ok: true, id: 'd3', rev: expect.stringMatching(/^3-/) });
    }
  });

  it(`${T} 5 failed logins of one user from one address lock that user out: every request, the right password included, gets 403 "${LOCKOUT_REASON}"; other addresses, unknown users and a new password are not locked${onStandin ? '; the lock ends after max_lifetime; PouchDB Server never locks' : ''}`, async () => {
    const at = onStandin ? (await freshStandin({ lockoutLifetimeMs: 8000 })).url : base;
    const user = await server.createUser('locked');
    const wrong = { ...user, password: 'not-the-password' };
    for (let i = 1; i <= 5; i++) {
      const r = await http(at, 'GET', '/_session', { auth: wrong });
      expect([r.status, r.json], `failure ${i}`).toEqual([401, WRONG]);
    }
    for (const [method, path, b] of [
      ['GET', '/_session', undefined],
      ['GET', `/${practiceDbName(server.practice, 'students')}`, undefined],
      ['POST', '/_session', { name: user.username, password: user.password }],
    ] as const) {
      const r = await http(at, method, path, method === 'POST' ? { body: b } : { auth: user });
      expect([r.status, r.json], `${method} ${path}`).toEqual([403, LOCKED]);
    }
    // Only this address is locked out.
    const elsewhere = await http(at, 'GET', '/_session', { auth: user, from: '127.0.0.2' });
    expect(elsewhere.status).toBe(200);
    expect(body(elsewhere).userCtx).toMatchObject({ name: user.username });
    // Unknown users are never locked.
    const nobody = { username: server.name('nobody'), password: 'x' };
    for (let i = 1; i <= 6; i++) expect((await http(at, 'GET', '/_session', { auth: nobody })).json).toEqual(WRONG);
    // A new password (a new salt) starts a fresh count.
    const doc = body(await http(at, 'GET', `/_users/org.couchdb.user:${user.username}`, { auth: A() }));
    expect(
      (await http(at, 'PUT', `/_users/org.couchdb.user:${user.username}`, { auth: A(), body: { ...doc, password: 'a-new-password' } }))
        .status,
    ).toBe(201);
    // CouchDB reads users through a cache that follows `_users` a moment later (seen once on a
    // busy machine); a refusal because of the lockout is not counted as a failure, so asking again is safe.
    await expect
      .poll(async () => (await http(at, 'GET', '/_session', { auth: { ...user, password: 'a-new-password' } })).status, {
        timeout: 10_000,
        interval: 250,
      })
      .toBe(200);
    if (onStandin) {
      const other = await server.createUser('locked-again');
      for (let i = 1; i <= 5; i++) await http(at, 'GET', '/_session', { auth: { ...other, password: 'nope' } });
      // The lock runs from the first failure; each failure takes a password check (PBKDF2, 600,000
      // iterations, underneath), so counting from the last one is the safe bound.
      const start = Date.now();
      expect((await http(at, 'GET', '/_session', { auth: other })).json).toEqual(LOCKED);
      await new Promise((r) => setTimeout(r, Math.max(0, 8100 - (Date.now() - start))));
      expect((await http(at, 'GET', '/_session', { auth: other })).status).toBe(200);
      // The embedded server: no lockout of a user (its guard slows down an address instead, after 30 failures a minute).
      const third = await server.createUser('never-locked');
      for (let i = 1; i <= 6; i++)
        expect((await http(embedded, 'GET', '/_session', { auth: { ...third, password: 'nope' } })).status).toBe(401);
      expect((await http(embedded, 'GET', '/_session', { auth: third })).status).toBe(200);
    }
  });

  it(`${T} a key with an unencoded "#": the "#" starts the URL fragment and the server gets truncated JSON → 400 "invalid UTF-8 JSON"; encoded it works${onStandin ? '; PouchDB Server fails it too, with another reason' : ''}`, async () => {
    const db = `/${practiceDbName(server.practice, 'billingclaims')}`;
    const invalid = { error: 'bad_request', reason: 'invalid UTF-8 JSON' };
    const auth = `Basic ${Buffer.from(`${server.users.admin.username}:${server.users.admin.password}`).toString('base64')}`;
    const before = server.standin?.stats.invalidJson.length ?? 0;
    // fetch drops everything from the "#" on, like a browser.
    const cut = await fetch(`${base}${db}/_all_docs?include_docs=true&keys=["occ-2026-03-02#stu-ada"]`, {
      headers: { authorization: auth, accept: 'application/json' },
    });
    expect([cut.status, await cut.json()]).toEqual([400, invalid]);
    const truncated = await http(base, 'POST', `${db}/_all_docs`, {
      auth: server.users.admin,
      body: '{"keys":["occ-2026-03-02',
      raw: true,
    });
    expect([truncated.status, truncated.json]).toEqual([400, invalid]);
    const encoded = await http(base, 'GET', `${db}/_all_docs?keys=${encodeURIComponent(JSON.stringify(['occ-2026-03-02#stu-ada']))}`, {
      auth: server.users.admin,
    });
    expect(encoded.status).toBe(200);
    expect((body(encoded).rows as { key: string }[])[0]!.key).toBe('occ-2026-03-02#stu-ada');
    if (onStandin) {
      expect(server.standin!.stats.invalidJson.length - before).toBe(2);
      const e = await fetch(`${embedded}${db}/_all_docs?include_docs=true&keys=["occ-2026-03-02#stu-ada"]`, {
        headers: { authorization: auth, accept: 'application/json' },
      });
      expect(e.status).toBe(400);
      expect(((await e.json()) as { reason: string }).reason).not.toBe('invalid UTF-8 JSON');
    }
  });

  // A CouchDB row only: the stand-in sits on the embedded server, whose guard lets only the server
  // admin write design documents (tests/sync/security.test.ts), so a database admin cannot show it.
  it.skipIf(onStandin)(
    `${T} validate_doc_update is never run for design documents: a database admin can replace or empty the rules`,
    async () => {
      const dbAdmin = await server.createUser('dbadmin');
      for (const at of [base]) {
        const db = await scratchDb(at, `rules${at === base ? '' : '-embedded'}`, { names: [dbAdmin.username] });
        const rules = await http(at, 'PUT', `${db}/_design/rules`, {
          auth: A(),
          body: { validate_doc_update: 'function (doc) { if (doc.bad) throw({ forbidden: "no" }); }' },
        });
        expect(rules.status).toBe(201);
        const refused = await http(at, 'PUT', `${db}/bad`, { auth: server.users.alice, body: { bad: 1 } });
        expect([refused.status, refused.json]).toEqual([403, { error: 'forbidden', reason: 'no' }]);
        const emptied = await http(at, 'PUT', `${db}/_design/rules`, {
          auth: dbAdmin,
          body: { _rev: body(rules).rev, validate_doc_update: 'function () {}' },
        });
        expect(emptied.status).toBe(201);
        expect((await http(at, 'PUT', `${db}/bad`, { auth: server.users.alice, body: { bad: 1 } })).status).toBe(201);
      }
    },
  );

  it(`${T} _changes?filter=_view naming a missing view → 404 not_found${onStandin ? " (the embedded server's guard: 400)" : ''}`, async () => {
    const db = `/${practiceDbName(server.practice, 'students')}`;
    const missing = await http(base, 'GET', `${db}/_changes?filter=_view&view=a/b`, { auth: server.users.alice });
    expect([missing.status, missing.json]).toEqual([404, { error: 'not_found', reason: 'missing' }]);
    const noViews = await http(base, 'GET', `${db}/_changes?filter=_view&view=tutordesk/b`, { auth: server.users.alice });
    expect([noViews.status, noViews.json]).toEqual([404, { error: 'not_found', reason: 'missing json key: views' }]);
    if (onStandin)
      expect((await http(embedded, 'GET', `${db}/_changes?filter=_view&view=a/b`, { auth: server.users.alice })).status).toBe(400);
  });

  it(`${T} CORS: ${onStandin ? 'off until [chttpd] enable_cors and [cors] are set; then' : 'as configured,'} a preflight from a listed origin gets 204 with the allow headers, other preflights fall through to the normal request, and every answer to a listed origin carries Access-Control-Allow-Origin${onStandin ? '; the embedded server allows only its --cors-origin list' : ''}`, async () => {
    const origin = onStandin ? 'https://app.tutordesk.test' : server.origin;
    let at = base;
    if (onStandin) {
      const fresh = await freshStandin();
      at = fresh.url;
      const off = await http(at, 'OPTIONS', '/_all_dbs', { headers: { origin, 'access-control-request-method': 'POST' } });
      expect(off.status).not.toBe(204);
      expect(off.headers['access-control-allow-origin']).toBeUndefined();
      const get = await http(at, 'GET', '/', { headers: { origin } });
      expect(get.status).toBe(200);
      expect(Object.keys(get.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      await setConfig(at, A(), 'chttpd', 'enable_cors', 'true');
      await setConfig(at, A(), 'cors', 'origins', `${origin}, https://other.tutordesk.test`);
      await setConfig(at, A(), 'cors', 'credentials', 'true');
      await setConfig(at, A(), 'cors', 'methods', 'GET, PUT, POST, HEAD, DELETE');
      await setConfig(at, A(), 'cors', 'headers', 'accept, authorization, content-type, origin, referer');
    }
    const preflight = (o: string, headers = 'authorization,content-type') =>
      http(at, 'OPTIONS', '/_all_dbs', {
        headers: { origin: o, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
      });
    const ok = await preflight(origin);
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, PUT, POST, HEAD, DELETE',
      'access-control-allow-headers': 'authorization,content-type',
      'access-control-max-age': '600',
    });
    const otherHeader = await preflight(origin, 'authorization,x-custom');
    expect(otherHeader.status).not.toBe(204);
    expect(otherHeader.headers['access-control-allow-methods']).toBeUndefined();
    const evil = await preflight('https://evil.example');
    expect(evil.status).not.toBe(204);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const get = await http(at, 'GET', '/', { auth: A(), headers: { origin } });
    expect(get.status).toBe(200);
    expect(get.headers).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers':
        'content-type, cache-control, accept-ranges, etag, server, x-couch-request-id, x-couch-update-newrev, x-couchdb-body-time',
    });
    const refused = await http(at, 'GET', `/${practiceDbName(server.practice, 'students')}`, { headers: { origin } });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(origin);
    expect(
      (await http(at, 'GET', '/', { auth: A(), headers: { origin: 'https://evil.example' } })).headers['access-control-allow-origin'],
    ).toBeUndefined();
    if (onStandin) {
      const e = await http(embedded, 'OPTIONS', '/_all_dbs', { headers: { origin, 'access-control-request-method': 'POST' } });
      expect(e.status).toBe(403);
      expect(e.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it(`${T} [chttpd] require_valid_user_except_for_up = true: anonymous requests get 401 "Authentication required." and /_up stays open${onStandin ? '; [chttpd_auth] require_valid_user has no effect; [chttpd] require_valid_user closes /_up too' : ''}`, async () => {
    let at = base;
    if (onStandin) {
      at = (await freshStandin()).url;
      expect((await http(at, 'GET', '/')).status).toBe(200);
      await setConfig(at, A(), 'chttpd_auth', 'require_valid_user', 'true');
      expect((await http(at, 'GET', '/')).status).toBe(200);
      await setConfig(at, A(), 'chttpd', 'require_valid_user_except_for_up', 'true');
    }
    for (const path of ['/', '/_session', '/_all_dbs', `/${practiceDbName(server.practice, 'students')}`]) {
      const r = await http(at, 'GET', path);
      expect([r.status, r.json], path).toEqual([401, NEEDS_LOGIN]);
    }
    expect((await http(at, 'GET', '/_up')).status).toBe(200);
    const login = await http(at, 'POST', '/_session', {
      body: { name: server.users.alice.username, password: server.users.alice.password },
    });
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']).toMatch(/AuthSession=/);
    if (onStandin) {
      expect((await http(at, 'DELETE', '/_node/_local/_config/chttpd/require_valid_user_except_for_up', { auth: A() })).status).toBe(200);
      await setConfig(at, A(), 'chttpd', 'require_valid_user', 'true');
      expect([(await http(at, 'GET', '/_up')).status, (await http(at, 'GET', '/')).status]).toEqual([401, 401]);
    }
  });

  it(`${T} GET / anonymously when logins are required → 401: a tool reading the server's name and version anonymously sees nothing${onStandin ? '; the embedded PouchDB Server answers it anonymously' : ''}`, async () => {
    const anon = await http(base, 'GET', '/');
    expect([anon.status, anon.json]).toEqual([401, NEEDS_LOGIN]);
    const asAdmin = await http(base, 'GET', '/', { auth: A() });
    expect(body(asAdmin)).toMatchObject({ couchdb: 'Welcome', version: onStandin ? '3.5.0' : target.couch!.version });
    if (onStandin) expect(body(await http(embedded, 'GET', '/'))).toMatchObject({ version: '4.2.0' });
  });

  it(`${T} a member (not an admin) writing _security → 500 no_majority, _security unchanged${onStandin ? '; the embedded server: 403' : ''}`, async () => {
    const db = await scratchDb(base, `sec`);
    const before = body(await http(base, 'GET', `${db}/_security`, { auth: A() }));
    const r = await http(base, 'PUT', `${db}/_security`, {
      auth: server.users.alice,
      body: { members: { names: [], roles: [] }, admins: { names: [], roles: [] } },
    });
    expect([r.status, r.json]).toEqual([500, { error: 'error', reason: 'no_majority' }]);
    expect(body(await http(base, 'GET', `${db}/_security`, { auth: A() }))).toEqual(before);
    if (onStandin)
      expect((await http(embedded, 'PUT', `${db}/_security`, { auth: server.users.alice, body: { members: {}, admins: {} } })).status).toBe(
        403,
      );
  });

  it(`${T} a config admin shadows a _users user of the same name: only the admin's password works, with the user's roles added`, async () => {
    const name = server.name('shadow');
    const adminPassword = `cfg-${randomBytes(6).toString('hex')}`;
    expect((await http(base, 'PUT', `/_node/_local/_config/admins/${name}`, { auth: A(), body: adminPassword })).status).toBe(200);
    try {
      // CouchDB hashes a new admin password a moment later; before that the name is no admin yet.
      await expect
        .poll(async () => String((await http(base, 'GET', `/_node/_local/_config/admins/${name}`, { auth: A() })).json), {
          timeout: 10_000,
        })
        .toMatch(/^-/);
      const user = await http(base, 'PUT', `/_users/org.couchdb.user:${name}`, {
        auth: A(),
        body: { name, password: 'users-password', roles: ['extra-role'], type: 'user' },
      });
      expect(user.status).toBe(201);
      expect((await http(base, 'GET', '/_session', { auth: { username: name, password: 'users-password' } })).json).toEqual(WRONG);
      const asAdmin = await http(base, 'GET', '/_session', { auth: { username: name, password: adminPassword } });
      expect(body(asAdmin).userCtx).toEqual({ name, roles: ['_admin', 'extra-role'] });
    } finally {
      await http(base, 'DELETE', `/_node/_local/_config/admins/${name}`, { auth: A() });
    }
  });

  if (onStandin) {
    it(`${T} right after start /_up answers ok before _users exists: wait for GET /_users → 200, then users can be created`, async () => {
      const s = await freshStandin({ systemDbsMissingForMs: 1500 });
      expect((await http(s.url, 'GET', '/_up')).status).toBe(200);
      expect((await http(s.url, 'GET', '/_users', { auth: A() })).status).toBe(404);
      const name = server.name('early');
      const early = await http(s.url, 'PUT', `/_users/org.couchdb.user:${name}`, {
        auth: A(),
        body: { name, password: 'pw', roles: [], type: 'user' },
      });
      expect(early.status).toBe(404);
      await waitForUsersDb(s.url, A());
      expect(
        (
          await http(s.url, 'PUT', `/_users/org.couchdb.user:${name}`, {
            auth: A(),
            body: { name, password: 'pw', roles: [], type: 'user' },
          })
        ).status,
      ).toBe(201);
    });
  }

  it(`${T} passwords are hashed with PBKDF2-SHA256 and 600,000 iterations: ${onStandin ? 'the stand-in takes as long (creating a user ≥ 0.24 s, a first login ≥ 0.16 s; the embedded server underneath stores the same)' : 'the user document says so'}`, async () => {
    if (onStandin) {
      // Lower bounds of the stand-in's deliberate delays (never an upper bound: the machine may be slow).
      let t = performance.now();
      const user = await server.createUser('hashed');
      expect(performance.now() - t).toBeGreaterThanOrEqual(240);
      t = performance.now();
      expect((await http(base, 'GET', '/_session', { auth: user })).status).toBe(200);
      expect(performance.now() - t).toBeGreaterThanOrEqual(160);
      expect(body(await http(embedded, 'GET', `/_users/org.couchdb.user:${user.username}`, { auth: A() }))).toMatchObject({
        password_scheme: 'pbkdf2',
        pbkdf2_prf: 'sha256',
        iterations: 600000,
      });
    } else {
      const doc = body(await http(base, 'GET', `/_users/org.couchdb.user:${server.users.alice.username}`, { auth: A() }));
      expect(doc).toMatchObject({ password_scheme: 'pbkdf2', pbkdf2_prf: 'sha256', iterations: 600000 });
    }
  });

  it(`${T} attachments are kept by the server, and an edit that carries no _attachments drops them${onStandin ? ' (the same on PouchDB Server)' : ''}`, async () => {
    for (const at of onStandin ? [base, embedded] : [base]) {
      const db = await scratchDb(at, `att${at === base ? '' : '-embedded'}`);
      const created = await http(at, 'PUT', `${db}/with-file`, {
        auth: A(),
        body: { a: 1, _attachments: { 'x.txt': { content_type: 'text/plain', data: Buffer.from('hello').toString('base64') } } },
      });
      expect(created.status).toBe(201);
      expect(body(await http(at, 'GET', `${db}/with-file`, { auth: A() }))._attachments).toBeDefined();
      const edited = await http(at, 'PUT', `${db}/with-file`, { auth: A(), body: { _rev: body(created).rev, a: 2 } });
      expect(edited.status).toBe(201);
      expect(body(await http(at, 'GET', `${db}/with-file`, { auth: A() }))._attachments).toBeUndefined();
    }
  });

  it(`${T} databases by _security: a signed-in non-member gets 403 "You are not allowed to access this db." for everything, _bulk_docs included; anonymous 401; new databases are admin-only${onStandin ? '; the embedded server: 403 as well' : ''}`, async () => {
    const carol = await server.createUser('carol');
    const db = `/${practiceDbName(server.practice, 'students')}`;
    const notAllowed = { error: 'forbidden', reason: 'You are not allowed to access this db.' };
    for (const [method, path, b] of [
      ['GET', db, undefined],
      ['GET', `${db}/x`, undefined],
      ['GET', `${db}/_changes`, undefined],
      ['POST', `${db}/_bulk_docs`, { docs: [{ _id: 'x' }] }],
      ['PUT', `${db}/_security`, { members: {}, admins: {} }],
    ] as const) {
      const r = await http(base, method, path, { auth: carol, ...(b ? { body: b } : {}) });
      expect([r.status, r.json], `${method} ${path}`).toEqual([403, notAllowed]);
    }
    const anon = await http(base, 'POST', `${db}/_bulk_docs`, { body: { docs: [{ _id: 'x' }] } });
    expect(anon.status).toBe(401);
    // A database nobody set _security on.
    const fresh = `${db}-bare`;
    expect((await http(base, 'PUT', fresh, { auth: A() })).status).toBe(201);
    expect(body(await http(base, 'GET', `${fresh}/_security`, { auth: A() }))).toEqual({
      members: { roles: ['_admin'] },
      admins: { roles: ['_admin'] },
    });
    expect((await http(base, 'GET', fresh, { auth: server.users.alice })).json).toEqual(notAllowed);
    if (onStandin) {
      const anonFresh = await http((await freshStandin()).url, 'POST', `${db}/_bulk_docs`, { body: { docs: [{ _id: 'x' }] } });
      expect([anonFresh.status, anonFresh.json]).toEqual([
        401,
        { error: 'unauthorized', reason: 'You are not authorized to access this db.' },
      ]);
      expect((await http(embedded, 'GET', db, { auth: carol })).status).toBe(403);
      expect((await http(embedded, 'POST', `${db}/_bulk_docs`, { auth: carol, body: { docs: [{ _id: 'x' }] } })).status).toBe(403);
    }
  });

  it(`${T} a member writing a design document → 403 "You are not a db or server admin."; creating or deleting a database as a non-admin → 401 "You are not a server admin."${onStandin ? '; the embedded server: 403 for the design document' : ''}`, async () => {
    const db = `/${practiceDbName(server.practice, 'students')}`;
    const ddoc = await http(base, 'PUT', `${db}/_design/mine`, {
      auth: server.users.alice,
      body: { validate_doc_update: 'function () {}' },
    });
    expect([ddoc.status, ddoc.json]).toEqual([403, { error: 'forbidden', reason: 'You are not a db or server admin.' }]);
    const notAdmin = { error: 'unauthorized', reason: 'You are not a server admin.' };
    const create = await http(base, 'PUT', `${db}-by-alice`, { auth: server.users.alice });
    expect([create.status, create.json]).toEqual([401, notAdmin]);
    const drop = await http(base, 'DELETE', db, { auth: server.users.alice });
    expect([drop.status, drop.json]).toEqual([401, notAdmin]);
    if (onStandin)
      expect(
        (await http(embedded, 'PUT', `${db}/_design/mine`, { auth: server.users.alice, body: { validate_doc_update: 'function () {}' } }))
          .status,
      ).toBe(403);
  });
});

/**
 * The server side over plain HTTP, against the embedded PouchDB Server provisioned by
 * server:setup's code: membership, validate_doc_update rules, the crash guard, CORS, and
 * idempotent provisioning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTION_NAMES, type CollectionName } from '../../src-shared/model/schemas';
import { practiceDbName } from '../../src-shared/sync/names';
import { provisionPractice } from '../../scripts/lib/couch-provision';
import { main as serverSetup } from '../../scripts/server-setup';
import { makeDoc, type Values } from './helpers/fixtures';
import { startTestServer, target, type Auth, type TestServer } from './helpers/server';

let server: TestServer;
const scratch = mkdtempSync(join(tmpdir(), 'tutordesk-rules-'));
let pwFiles = 0;
/** A 0600 file holding `text` (passwords are read from files, never from the command line). */
function pwFile(text: string): string {
  const f = join(scratch, `pw-${++pwFiles}`);
  writeFileSync(f, `${text}\n`, { mode: 0o600 });
  return f;
}
let PRACTICE: string;
let USERS: TestServer['users'];
/** A user of the server who is not a member of the practice. */
let carol: Auth;
const ctx = { staffId: 'staff-admin', deviceId: 'http-test', now: new Date('2026-03-01T10:00:00Z') };
const couchLike = target.kind !== 'pouchdb';

beforeAll(async () => {
  server = await startTestServer();
  ({ practice: PRACTICE, users: USERS } = server);
  carol = await server.createUser('carol');
}, 120_000);

afterAll(async () => {
  await server?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const path = (c: CollectionName, id = '') => `/${practiceDbName(PRACTICE, c)}${id ? `/${encodeURIComponent(id)}` : ''}`;

/** A valid document in CouchDB form (`_id`). */
function couchDoc<C extends CollectionName>(c: C, id: string, values: Partial<Values<C>> = {}): Record<string, unknown> {
  const { id: _id, ...rest } = makeDoc(c, id, values, ctx) as unknown as Record<string, unknown>;
  return { ...rest, _id };
}

async function put(user: { username: string; password: string } | null, c: CollectionName, doc: Record<string, unknown>) {
  return server.as(user, 'PUT', path(c, String(doc._id)), doc);
}

async function current(c: CollectionName, id: string): Promise<Record<string, unknown>> {
  const { status, json } = await server.admin('GET', path(c, id));
  expect(status).toBe(200);
  return json as Record<string, unknown>;
}

const reason = (r: { json: unknown }) => String((r.json as { reason?: string }).reason ?? '');

describe(`${target.title} membership`, () => {
  it('a non-member gets 401/403 on every practice database; anonymous requests are refused', async () => {
    for (const c of COLLECTION_NAMES) {
      for (const p of [path(c), `${path(c)}/_all_docs`, `${path(c)}/_changes`, path(c, 'x')]) {
        expect([401, 403], `${p}`).toContain((await server.as(carol, 'GET', p)).status);
        expect([401, 403], `anonymous ${p}`).toContain((await server.as(null, 'GET', p)).status);
      }
      const write = await server.as(carol, 'POST', `${path(c)}/_bulk_docs`, { docs: [{ _id: 'x', a: 1 }] });
      if (write.status < 400) {
        expect((write.json as { error?: string }[]).every((r) => r.error === 'unauthorized' || r.error === 'forbidden')).toBe(true);
      } else {
        expect([401, 403]).toContain(write.status);
      }
      expect([401, 403]).toContain((await put(carol, c, couchDoc(c, 'carol-doc'))).status);
    }
    const members = await server.as(USERS.alice, 'GET', path('students'));
    expect(members.status).toBe(200);
  });
});

describe(`${target.title} validate_doc_update`, () => {
  it('refuses malformed documents with a reason naming the problem', async () => {
    const missing = couchDoc('students', 'bad-1');
    delete missing.lastName;
    const r1 = await put(USERS.admin, 'students', missing);
    expect(r1.status).toBe(403);
    expect(reason(r1)).toMatch(/lastName is required/);

    const r2 = await put(USERS.admin, 'students', { ...couchDoc('students', 'bad-2'), defaultRate: { amount: 12.5, currency: 'GBP' } });
    expect(r2.status).toBe(403);
    expect(reason(r2)).toMatch(/defaultRate/);

    const r3 = await put(USERS.admin, 'students', { ...couchDoc('students', 'bad-3'), status: 'sleeping' });
    expect(r3.status).toBe(403);
    expect(reason(r3)).toMatch(/status must be one of/);

    const r4 = await put(USERS.admin, 'students', { ...couchDoc('students', 'bad-4'), hacked: true });
    expect(r4.status).toBe(403);
    expect(reason(r4)).toMatch(/hacked is not allowed/);

    const r5 = await put(USERS.admin, 'lessons', { ...couchDoc('lessons', 'bad-5', { tutorId: 'staff-admin' }), durationMinutes: '60' });
    expect(r5.status).toBe(403);
    expect(reason(r5)).toMatch(/durationMinutes must be integer/);

    expect((await put(USERS.admin, 'students', couchDoc('students', 'good-1'))).status).toBe(201);
  });

  it("judges every document of a large _bulk_docs by its own database's rules, also with requests in parallel", async () => {
    // The embedded server shares one read of the design documents among validations that run at
    // the same moment (pouch-server-speedups.ts, tested directly in pouch-server-speedups.test.ts):
    // over HTTP, each document and each database must still be judged by its own rules.
    const students = Array.from({ length: 300 }, (_, i) => {
      const d = couchDoc('students', `bulk-s-${i}`);
      if (i % 7 === 3) delete d.lastName;
      return d;
    });
    const lessons = Array.from({ length: 300 }, (_, i) => couchDoc('lessons', `bulk-l-${i}`, { tutorId: 'staff-admin' }));
    const [rs, rl, rx] = await Promise.all([
      server.as(USERS.admin, 'POST', `${path('students')}/_bulk_docs`, { docs: students }),
      server.as(USERS.admin, 'POST', `${path('lessons')}/_bulk_docs`, { docs: lessons }),
      // lesson documents are not students: refused by the students database's rules
      server.as(USERS.admin, 'POST', `${path('students')}/_bulk_docs`, {
        docs: lessons.slice(0, 50).map((d) => ({ ...d, _id: `${String(d._id)}-as-student` })),
      }),
    ]);
    const byId = (r: { json: unknown }) =>
      new Map((r.json as { id: string; ok?: boolean; error?: string; reason?: string }[]).map((x) => [x.id, x]));
    const s = byId(rs);
    for (let i = 0; i < 300; i++) {
      const row = s.get(`bulk-s-${i}`)!;
      if (i % 7 === 3) {
        expect(row.error, `bulk-s-${i}`).toBe('forbidden');
        expect(row.reason).toMatch(/lastName is required/);
      } else {
        expect(row.ok, `bulk-s-${i}`).toBe(true);
      }
    }
    expect([...byId(rl).values()].every((r) => r.ok)).toBe(true);
    expect([...byId(rx).values()].every((r) => r.error === 'forbidden')).toBe(true);
    expect(byId(rx).size).toBe(50);
  });

  it('a tutor may only change their own lessons and notes', async () => {
    const lesson = couchDoc('lessons', 'bobs-lesson', { tutorId: USERS.bob.staffId, durationMinutes: 60 });
    expect((await put(USERS.admin, 'lessons', lesson)).status).toBe(201);
    const saved = await current('lessons', 'bobs-lesson');

    const byAlice = await put(USERS.alice, 'lessons', { ...saved, room: 'B2' });
    expect(byAlice.status).toBe(403);
    expect(reason(byAlice)).toMatch(/only change their own lessons/);
    const takeOver = await put(USERS.alice, 'lessons', { ...saved, tutorId: USERS.alice.staffId });
    expect(takeOver.status).toBe(403);
    const del = await server.as(USERS.alice, 'DELETE', `${path('lessons', 'bobs-lesson')}?rev=${String(saved._rev)}`);
    expect(del.status).toBe(403);
    expect(
      (await put(USERS.alice, 'lessons', couchDoc('lessons', 'for-bob', { tutorId: USERS.bob.staffId, durationMinutes: 60 }))).status,
    ).toBe(403);

    expect((await put(USERS.bob, 'lessons', { ...saved, room: 'B2' })).status).toBe(201);
    expect(
      (await put(USERS.alice, 'lessons', couchDoc('lessons', 'alices-lesson', { tutorId: USERS.alice.staffId, durationMinutes: 60 })))
        .status,
    ).toBe(201);
    const mine = await current('lessons', 'alices-lesson');
    expect((await server.as(USERS.alice, 'DELETE', `${path('lessons', 'alices-lesson')}?rev=${String(mine._rev)}`)).status).toBe(200);

    expect(
      (await put(USERS.admin, 'notes', couchDoc('notes', 'bobs-note', { authorId: USERS.bob.staffId, body: 'Bob wrote this' }))).status,
    ).toBe(201);
    const note = await current('notes', 'bobs-note');
    const noteByAlice = await put(USERS.alice, 'notes', { ...note, body: 'Alice rewrote it' });
    expect(noteByAlice.status).toBe(403);
    expect(reason(noteByAlice)).toMatch(/only change their own notes/);

    const occ = couchDoc('occurrences', 'bobs-lesson@2026-03-02T16:00:00.000Z', { lessonId: 'bobs-lesson', tutorId: USERS.bob.staffId });
    expect((await put(USERS.alice, 'occurrences', occ)).status).toBe(403);
  });

  it('staff and settings are for practice admins; deleting students is for admins', async () => {
    const staff = couchDoc('staff', 'staff-new', { name: 'New', role: 'tutor', username: 'new' });
    const r = await put(USERS.alice, 'staff', staff);
    expect(r.status).toBe(403);
    expect(reason(r)).toMatch(/Only a practice admin may change staff/);
    expect((await put(USERS.admin, 'staff', staff)).status).toBe(201);
    expect((await put(USERS.alice, 'settings', couchDoc('settings', 'practice'))).status).toBe(403);
    expect((await put(USERS.alice, 'students', couchDoc('students', 'by-alice'))).status).toBe(201);
    const s = await current('students', 'by-alice');
    expect((await server.as(USERS.alice, 'DELETE', `${path('students', 'by-alice')}?rev=${String(s._rev)}`)).status).toBe(403);
    expect((await server.as(USERS.admin, 'DELETE', `${path('students', 'by-alice')}?rev=${String(s._rev)}`)).status).toBe(200);
  });

  it('issued invoices are immutable; only admins void them or issue credit notes', async () => {
    const draft = couchDoc('invoices', 'inv-1', { familyId: 'fam-1', status: 'draft', currency: 'GBP', total: 4500, subtotal: 4500 });
    expect((await put(USERS.alice, 'invoices', draft)).status).toBe(201);
    let inv = await current('invoices', 'inv-1');
    expect((await put(USERS.alice, 'invoices', { ...inv, total: 5000, subtotal: 5000 })).status).toBe(201);
    inv = await current('invoices', 'inv-1');
    const issued = {
      ...inv,
      status: 'issued',
      number: 'INV-0001',
      issuedAt: '2026-03-02T10:00:00.000Z',
      issuedBy: USERS.alice.staffId,
      issueDate: '2026-03-02',
    };
    expect((await put(USERS.alice, 'invoices', issued)).status).toBe(201);
    inv = await current('invoices', 'inv-1');

    for (const [who, change] of [
      [USERS.alice, { total: 1 }],
      [USERS.admin, { total: 1 }],
      [USERS.admin, { lines: [] as unknown[], notes: 'changed' }],
      [USERS.admin, { status: 'draft' }],
    ] as const) {
      const r = await put(who, 'invoices', { ...inv, ...change });
      expect(r.status, JSON.stringify(change)).toBe(403);
    }
    expect(reason(await put(USERS.admin, 'invoices', { ...inv, total: 1 }))).toMatch(/issued and cannot be changed/);
    // bookkeeping fields may change (the sync's clocks), nothing else
    expect((await put(USERS.alice, 'invoices', { ...inv, updatedAt: '2026-03-03T00:00:00.000Z' })).status).toBe(201);
    inv = await current('invoices', 'inv-1');
    const delIssued = await server.as(USERS.admin, 'DELETE', `${path('invoices', 'inv-1')}?rev=${String(inv._rev)}`);
    expect(delIssued.status).toBe(403);
    expect(reason(delIssued)).toMatch(/cannot be deleted/);

    const credit = couchDoc('invoices', 'cn-1', {
      kind: 'credit_note',
      familyId: 'fam-1',
      status: 'issued',
      currency: 'GBP',
      creditNoteFor: 'inv-1',
      number: 'CN-0001',
    });
    expect((await put(USERS.alice, 'invoices', credit)).status).toBe(403);
    expect((await put(USERS.admin, 'invoices', credit)).status).toBe(201);

    const voidByTutor = await put(USERS.alice, 'invoices', { ...inv, status: 'void', voidedBy: 'cn-1' });
    expect(voidByTutor.status).toBe(403);
    expect(reason(voidByTutor)).toMatch(/Only a practice admin may void/);
    expect((await put(USERS.admin, 'invoices', { ...inv, status: 'void', voidedBy: 'cn-1' })).status).toBe(201);
    inv = await current('invoices', 'inv-1');
    expect((await put(USERS.admin, 'invoices', { ...inv, status: 'issued' })).status).toBe(403);

    // drafts can be deleted by any member
    expect(
      (await put(USERS.alice, 'invoices', couchDoc('invoices', 'inv-2', { familyId: 'fam-1', status: 'draft', currency: 'GBP' }))).status,
    ).toBe(201);
    const d2 = await current('invoices', 'inv-2');
    expect((await server.as(USERS.alice, 'DELETE', `${path('invoices', 'inv-2')}?rev=${String(d2._rev)}`)).status).toBe(200);
  });
});

describe(`${target.title} the requests that crash PouchDB Server`, () => {
  it(
    couchLike
      ? 'get the answers CouchDB 3.5 gives (JSON errors)'
      : 'are refused by the guard with a JSON 4xx (403: not on its allow-list), and the server stays up',
    async () => {
      // [user, method, path, PouchDB Server (its guard), CouchDB 3.5 (measured; the stand-in answers the same)]
      const cases: [user: Auth | null, method: string, p: string, pouchdb: number, couchdb: number][] = [
        [USERS.alice, 'PUT', '/brand-new-db', 403, 401],
        [null, 'PUT', '/brand-new-db', 401, 401],
        [USERS.alice, 'DELETE', path('students'), 403, 401],
        [USERS.alice, 'GET', `${path('students')}/_changes?filter=_selector`, 400, 400],
        [USERS.alice, 'GET', `${path('students')}/_changes?filter=_view&view=a/b`, 400, 404],
        [USERS.alice, 'GET', `${path('students')}/_changes?filter=missing/filter`, 400, 404],
        [USERS.alice, 'POST', `${path('students')}/_changes?feed=longpoll&filter=_selector`, 400, 400],
        // CouchDB lets any user ask for a replication (with the credentials in its URLs; this empty one
        // fails with 500); the embedded server's guard refuses what the app does not use (403), and so
        // does the stand-in, which hands the request to the embedded server underneath it.
        [USERS.alice, 'POST', '/_replicate', 403, target.kind === 'couchdb' ? 500 : 403],
      ];
      for (const [user, method, p, pouchdb, couchdb] of cases) {
        const status = couchLike ? couchdb : pouchdb;
        const r = await server.as(user, method, p, method === 'GET' ? undefined : {});
        expect(r.status, `${method} ${p}`).toBe(status);
        expect(typeof (r.json as { error?: unknown }).error, `${method} ${p}`).toBe('string');
      }
      expect((await server.as(USERS.alice, 'GET', `${path('students')}/_changes?filter=_doc_ids&doc_ids=["good-1"]`)).status).toBe(200);
      // Logins are required for everything on CouchDB (as docs/sync.md sets it up); the embedded server leaves GET / open.
      expect((await server.as(null, 'GET', '/')).status).toBe(couchLike ? 401 : 200);
      expect(server.restarts()).toBe(0);
      // a server admin may still create databases
      expect((await server.admin('PUT', '/admin-made-db')).status).toBe(201);
      expect((await server.admin('DELETE', '/admin-made-db')).status).toBe(200);
    },
  );

  it('CORS only for the configured origins', async () => {
    const origin = server.origin;
    const preflight = (origin: string) =>
      fetch(`${server.url}${path('students')}/_all_docs`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
    const ok = await preflight(origin);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const evil = await preflight('https://evil.example');
    // CouchDB answers a preflight it does not allow as a normal request: 401 when logins are required.
    expect(evil.status).toBe(couchLike ? 401 : 403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${server.url}/`, { headers: { Origin: 'https://evil.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe(`${target.title} provisioning`, () => {
  it('is idempotent and upgrades changed design documents', async () => {
    const db = practiceDbName(PRACTICE, 'notes');
    const ddoc = (await server.admin('GET', `/${db}/_design/tutordesk`)).json as Record<string, unknown>;
    const refused = (await server.admin('GET', `/${db}/bobs-note`)).json as Record<string, unknown>;
    expect((await server.as(USERS.alice, 'PUT', `/${db}/bobs-note`, { ...refused, body: 'x' })).status).toBe(403);
    expect((await server.admin('PUT', `/${db}/_design/tutordesk`, { ...ddoc, validate_doc_update: 'function(){}' })).status).toBe(201);
    // Replaced rules apply at once: the server keeps compiled functions per design-doc revision.
    expect((await server.as(USERS.alice, 'PUT', `/${db}/bobs-note`, { ...refused, body: 'under the empty rules' })).status).toBe(201);
    const report = await provisionPractice({ url: server.url, admin: server.adminAuth, practice: PRACTICE, users: [{ ...USERS.alice }] });
    expect(report.databases.filter((d) => d.designDoc === 'upgraded').map((d) => d.name)).toEqual([db]);
    expect(report.databases.every((d) => !d.created)).toBe(true);
    const again = await provisionPractice({ url: server.url, admin: server.adminAuth, practice: PRACTICE, users: [{ ...USERS.alice }] });
    expect(again.databases.every((d) => d.designDoc === 'unchanged')).toBe(true);
    expect(again.users).toEqual([
      { username: USERS.alice.username, role: 'tutor', staffId: USERS.alice.staffId, created: false, staffCreated: false },
    ]);
    // the rule is back: alice still cannot touch bob's note
    const note = (await server.admin('GET', `/${db}/bobs-note`)).json as Record<string, unknown>;
    expect((await server.as(USERS.alice, 'PUT', `/${db}/bobs-note`, { ...note, body: 'x' })).status).toBe(403);
  });

  it('server:setup exits with clear codes: wrong admin password, unreachable, bad arguments', async () => {
    // A wrong password only ever for a throw-away user: CouchDB locks an account out after 5 failures.
    const notAdmin = await server.createUser('not-an-admin');
    const admin = ['--admin', server.adminAuth.username, '--admin-password-file', pwFile(server.adminAuth.password)];
    const second = server.name('second');
    const dora = { username: server.name('dora'), password: 'dora-pw' };
    const quiet = { log: console.log, error: console.error };
    const lines: string[] = [];
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    console.error = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      expect(
        await serverSetup([
          '--url',
          server.url,
          '--admin',
          notAdmin.username,
          '--admin-password-file',
          pwFile('wrong'),
          '--practice',
          PRACTICE,
        ]),
      ).toBe(4);
      expect(lines.join('\n')).toMatch(/Wrong admin name or password/);
      expect(
        await serverSetup([
          '--url',
          'http://127.0.0.1:9',
          '--admin',
          server.adminAuth.username,
          '--admin-password-file',
          pwFile('x'),
          '--practice',
          PRACTICE,
        ]),
      ).toBe(3);
      expect(lines.join('\n')).toMatch(/Cannot reach/);
      expect(await serverSetup(['--url', server.url, ...admin, '--practice', 'Bad Name'])).toBe(2);
      expect(
        await serverSetup([
          '--url',
          server.url,
          ...admin,
          '--practice',
          second,
          '--tutor',
          dora.username,
          '--passwords-file',
          pwFile(`${dora.username}:${dora.password}`),
        ]),
      ).toBe(0);
      if (!couchLike) expect(lines.join('\n')).toMatch(/^Server: PouchDB authors 4\.2\.\d at /m);
      expect(lines.join('\n')).toContain(`Practice "${second}" is ready`);
    } finally {
      console.log = quiet.log;
      console.error = quiet.error;
    }
    expect((await server.as(dora, 'GET', `/${practiceDbName(second, 'students')}`)).status).toBe(200);
    expect([401, 403]).toContain((await server.as(dora, 'GET', path('students'))).status);
    // a staff record was created for dora in the new practice and her roles name it
    const session = (await server.as(dora, 'GET', '/_session')).json as { userCtx: { roles: string[] } };
    const staffId = `staff-${dora.username}`;
    expect(session.userCtx.roles).toEqual([`tutordesk-${second}`, `tutordesk-${second}-tutor`, `tutordesk-${second}-staff:${staffId}`]);
    expect((await server.admin('GET', `/${practiceDbName(second, 'staff')}/${staffId}`)).status).toBe(200);
  });

  it('server:setup --check reports a practice whose rules or _security were changed, and changes nothing', async () => {
    const args = [
      '--url',
      server.url,
      '--admin',
      server.adminAuth.username,
      '--admin-password-file',
      pwFile(server.adminAuth.password),
      '--practice',
      PRACTICE,
      '--check',
    ];
    const clean = await quiet(() => serverSetup(args));
    expect(clean.output).toMatch(/is as this version of server:setup installs it/);
    expect(clean.value).toBe(0);

    const lessons = practiceDbName(PRACTICE, 'lessons');
    const staff = practiceDbName(PRACTICE, 'staff');
    const sec = (await server.admin('GET', `/${lessons}/_security`)).json as { admins: { roles: string[] } };
    expect(
      (await server.admin('PUT', `/${lessons}/_security`, { ...sec, admins: { names: [], roles: [`tutordesk-${PRACTICE}-admin`] } }))
        .status,
    ).toBe(200);
    const ddoc = (await server.admin('GET', `/${staff}/_design/tutordesk`)).json as Record<string, unknown>;
    expect((await server.admin('PUT', `/${staff}/_design/tutordesk`, { ...ddoc, validate_doc_update: 'function(){}' })).status).toBe(201);
    expect((await server.admin('PUT', `/${staff}/_design/extra`, { views: {} })).status).toBe(201);
    const before = JSON.stringify([
      (await server.admin('GET', `/${lessons}/_security`)).json,
      (await server.admin('GET', `/${staff}/_design/tutordesk`)).json,
    ]);

    const tampered = await quiet(() => serverSetup(args));
    expect(tampered.value).toBe(5);
    expect(tampered.output).toMatch(
      new RegExp(`${lessons}: _security is .*"admins":\\{"names":\\[\\],"roles":\\["tutordesk-${PRACTICE}-admin"\\]\\}`),
    );
    expect(tampered.output).toMatch(
      new RegExp(`${staff}: the rules \\(_design/tutordesk validate_doc_update\\) differ from this version's \\(they are empty`),
    );
    expect(tampered.output).toMatch(new RegExp(`${staff}: an unexpected design document _design/extra`));
    expect(tampered.output).toMatch(/Nothing was changed/);
    expect(
      JSON.stringify([
        (await server.admin('GET', `/${lessons}/_security`)).json,
        (await server.admin('GET', `/${staff}/_design/tutordesk`)).json,
      ]),
    ).toBe(before);

    // Running it for real repairs the rules and _security (the extra design document is the server admin's business).
    expect((await quiet(() => serverSetup(args.slice(0, -1)))).value).toBe(0);
    expect(
      (
        await server.admin(
          'DELETE',
          `/${staff}/_design/extra?rev=${String(((await server.admin('GET', `/${staff}/_design/extra`)).json as { _rev: string })._rev)}`,
        )
      ).status,
    ).toBe(200);
    expect((await quiet(() => serverSetup(args))).value).toBe(0);
  });

  it('brings documents written by an older TutorDesk up to date (and --check reports them first)', async () => {
    const occDb = practiceDbName(PRACTICE, 'occurrences');
    const lessonDb = practiceDbName(PRACTICE, 'lessons');
    const lesson = couchDoc('lessons', 'old-lesson', {
      tutorId: USERS.bob.staffId,
      start: '2026-03-02T16:00:00.000Z',
      durationMinutes: 60,
      timeZone: 'Europe/London',
      rrule: 'FREQ=WEEKLY',
    });
    // The server admin is not checked by the rules: it can still store what older versions wrote.
    expect(
      (await server.admin('PUT', `/${lessonDb}/old-lesson`, { ...lesson, timeZone: 'Not/AZone', rrule: 'FREQ=SECONDLY' })).status,
    ).toBe(201);
    const { lessonTutorId: _gone, ...occ } = couchDoc('occurrences', 'old-lesson@2026-03-02T16:00:00.000Z', {
      lessonId: 'old-lesson',
      originalStart: '2026-03-02T16:00:00.000Z',
      status: 'attended',
    });
    expect((await server.admin('PUT', `/${occDb}/${encodeURIComponent(String(occ._id))}`, occ)).status).toBe(201);

    const check = await quiet(() =>
      serverSetup([
        '--url',
        server.url,
        '--admin',
        server.adminAuth.username,
        '--admin-password-file',
        pwFile(server.adminAuth.password),
        '--practice',
        PRACTICE,
        '--check',
      ]),
    );
    expect(check.value).toBe(5);
    expect(check.output).toMatch(new RegExp(`${occDb}: 1 document\\(s\\) written by an older TutorDesk need upgrading`));
    expect(check.output).toMatch(new RegExp(`${lessonDb}: 1 document\\(s\\)`));

    const report = await provisionPractice({ url: server.url, admin: server.adminAuth, practice: PRACTICE });
    expect(report.upgraded).toMatchObject({ occurrences: 1, lessons: 1 });
    const o = (await server.admin('GET', `/${occDb}/${encodeURIComponent(String(occ._id))}`)).json as Record<string, unknown> & {
      fieldClock: Record<string, string>;
    };
    expect(o.lessonTutorId).toBe(USERS.bob.staffId);
    expect(o.fieldClock.lessonTutorId).toMatch(/\|server-setup$/);
    const l = (await server.admin('GET', `/${lessonDb}/old-lesson`)).json as Record<string, unknown>;
    expect([l.timeZone, l.rrule]).toEqual(['UTC', '']);
    expect(String(l.notes)).toMatch(/"Not\/AZone" is not a known time zone/);
    // now the tutor of the lesson may record attendance, another tutor may not
    expect(
      (await server.as(USERS.bob, 'PUT', `/${occDb}/${encodeURIComponent(String(occ._id))}`, { ...o, status: 'no_show' })).status,
    ).toBe(201);
    const again = (await server.admin('GET', `/${occDb}/${encodeURIComponent(String(occ._id))}`)).json as Record<string, unknown>;
    expect(
      (await server.as(USERS.alice, 'PUT', `/${occDb}/${encodeURIComponent(String(occ._id))}`, { ...again, status: 'attended' })).status,
    ).toBe(403);
    expect((await provisionPractice({ url: server.url, admin: server.adminAuth, practice: PRACTICE })).upgraded).toEqual({});
  });

  // The embedded server only: the test changes the server's configuration and restarts it.
  it.runIf(target.kind === 'pouchdb')(
    "server:setup --cors and --require-login configure the server, and the identity is read with the admin's credentials",
    async () => {
      const origin = 'https://tutordesk.example.org';
      const preflight = () =>
        fetch(`${server.url}/_session`, {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
        });
      expect((await preflight()).status).toBe(403);
      const bad = await quiet(() =>
        serverSetup([
          '--url',
          server.url,
          '--admin',
          server.adminAuth.username,
          '--admin-password-file',
          pwFile(server.adminAuth.password),
          '--practice',
          PRACTICE,
          '--cors',
          '*',
        ]),
      );
      expect(bad.value).toBe(2);
      const run = await quiet(() =>
        serverSetup([
          '--url',
          server.url,
          '--admin',
          server.adminAuth.username,
          '--admin-password-file',
          pwFile(server.adminAuth.password),
          '--practice',
          PRACTICE,
          '--cors',
          origin,
          '--require-login',
        ]),
      );
      expect(run.value).toBe(0);
      expect(run.output).toMatch(/\[chttpd\] enable_cors = true/);
      expect(run.output).toMatch(new RegExp(`\\[cors\\] origins = ${origin}`));
      expect(run.output).toMatch(/\[chttpd\] require_valid_user_except_for_up = true/);
      const ok = await preflight();
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
      // logins required: GET / anonymously is refused, /_up is not; the identity is still read
      expect((await server.as(null, 'GET', '/')).status).toBe(401);
      expect((await server.as(null, 'GET', '/_up')).status).toBe(200);
      expect((await server.as(USERS.alice, 'GET', '/')).status).toBe(200);
      expect(run.output).toMatch(/^Server: PouchDB authors 4\.2\.\d at /m);
      expect(run.output).not.toMatch(/unknown \?/);
      // kept across a restart
      await server.restart();
      expect((await preflight()).status).toBe(204);
      expect((await server.as(null, 'GET', '/')).status).toBe(401);
    },
  );
});

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

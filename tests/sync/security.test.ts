/**
 * Issue 12's reproductions, each against a real embedded server (PouchDB Server behind the
 * guard), as an attacker on the network would try them: junk credentials, routes the app never
 * uses, self-registration, a practice admin replacing the rules or running code on the server,
 * the gaps in the rules, and a web page reaching the server through DNS rebinding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { practiceDbName } from '../../src-shared/sync/names';
import type { CollectionName } from '../../src-shared/model/schemas';
import { makeDoc, type Values } from './helpers/fixtures';
import { startTestServer, target, type TestServer } from './helpers/server';

let server: TestServer;
let PRACTICE: string;
let USERS: TestServer['users'];
const carol = { username: 'carol', password: 'carol-pw' };
const ctx = { staffId: 'staff-admin', deviceId: 'security-test', now: new Date('2026-03-01T10:00:00Z') };
const markerDir = mkdtempSync(join(tmpdir(), 'tutordesk-marker-'));

beforeAll(async () => {
  server = await startTestServer();
  ({ practice: PRACTICE, users: USERS } = server);
  expect(
    (await server.admin('PUT', '/_users/org.couchdb.user:carol', { name: 'carol', password: 'carol-pw', roles: [], type: 'user' })).status,
  ).toBe(201);
  expect(
    (
      await server.admin(
        'PUT',
        `/${db('staff')}/staff-secret`,
        couchDoc('staff', 'staff-secret', { name: 'Secret Person', role: 'tutor', username: 'secret' }),
      )
    ).status,
  ).toBe(201);
}, 60_000);

afterAll(async () => {
  await server?.cleanup();
  rmSync(markerDir, { recursive: true, force: true });
});

const db = (c: CollectionName) => practiceDbName(PRACTICE, c);

function couchDoc<C extends CollectionName>(c: C, id: string, values: Partial<Values<C>> = {}): Record<string, unknown> {
  const { id: _id, ...rest } = makeDoc(c, id, values, ctx) as unknown as Record<string, unknown>;
  return { ...rest, _id };
}

/** A raw request with exactly these headers (no credentials unless given). */
async function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const reason = (r: { json: unknown }) => String((r.json as { reason?: string }).reason ?? '');

describe(`${target.title} 1. credentials are checked, not just looked for`, () => {
  it('junk credentials read nothing: _find with a Bearer token, _users/_find with a made-up cookie', async () => {
    const find = await raw('POST', `/${db('staff')}/_find`, { Authorization: 'Bearer x' }, JSON.stringify({ selector: {} }));
    expect(find.status).toBe(401);
    expect(find.text).not.toContain('Secret Person');
    const users = await raw('POST', '/_users/_find', { Cookie: 'AuthSession=x' }, JSON.stringify({ selector: {} }));
    expect(users.status).toBe(401);
    expect(users.text).not.toContain('derived_key');
    const wrong = await raw('GET', `/${db('staff')}/_all_docs?include_docs=true`, {
      Authorization: `Basic ${Buffer.from('alice:wrong').toString('base64')}`,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('Secret Person');
  });

  it('nobody registers themselves, lists the databases or creates an index', async () => {
    const register = await raw(
      'PUT',
      '/_users/org.couchdb.user:evil',
      {},
      JSON.stringify({ name: 'evil', password: 'x', roles: [], type: 'user' }),
    );
    expect(register.status).toBe(401);
    const asMember = await server.as(USERS.alice, 'PUT', '/_users/org.couchdb.user:evil2', {
      name: 'evil2',
      password: 'x',
      roles: [],
      type: 'user',
    });
    expect(asMember.status).toBe(403);
    expect((await server.admin('GET', '/_users/org.couchdb.user:evil')).status).toBe(404);
    expect((await server.admin('GET', '/_users/org.couchdb.user:evil2')).status).toBe(404);

    expect((await raw('GET', '/_all_dbs', {})).status).toBe(401);
    const allDbs = await server.as(USERS.alice, 'GET', '/_all_dbs');
    expect(allDbs.status).toBe(403);
    expect(reason(allDbs)).toMatch(/not available/);

    expect((await raw('POST', `/${db('students')}/_index`, {}, JSON.stringify({ index: { fields: ['x'] } }))).status).toBe(401);
    expect((await server.as(USERS.admin, 'POST', `/${db('students')}/_index`, { index: { fields: ['x'] } })).status).toBe(403);
    const ddocs = (await server.admin('GET', `/${db('students')}/_all_docs?startkey="_design/"&endkey="_design0"`)).json as {
      rows: { id: string }[];
    };
    expect(ddocs.rows.map((r) => r.id)).toEqual(['_design/tutordesk']);
  });

  it('a member gets 403 for routes the app does not use; a non-member for every route of the practice', async () => {
    for (const [method, path, body] of [
      ['POST', `/${db('staff')}/_find`, { selector: {} }],
      ['POST', `/${db('staff')}/_explain`, { selector: {} }],
      ['GET', `/${db('staff')}/_design/tutordesk/_view/x`, undefined],
      ['POST', `/${db('staff')}/_temp_view`, { map: 'function(d){emit(d._id)}' }],
      ['GET', `/_users/org.couchdb.user:${USERS.bob.username}`, undefined],
      ['GET', '/_users/_all_docs', undefined],
      ['GET', '/_config', undefined],
      ['POST', '/_replicate', { source: db('staff'), target: 'copy' }],
      ['GET', `/${db('staff')}/_security`, undefined],
    ] as const) {
      const r = await server.as(USERS.alice, method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    // their own user document is readable (the app shows who is signed in)
    expect((await server.as(USERS.alice, 'GET', `/_users/org.couchdb.user:${USERS.alice.username}`)).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', `/${db('staff')}/_bulk_get`, { docs: [{ id: 'staff-secret' }] }],
      ['POST', `/${db('staff')}/_all_docs`, { keys: ['staff-secret'] }],
      ['GET', `/${db('staff')}/_changes?include_docs=true`, undefined],
      ['POST', `/${db('staff')}/_revs_diff`, { 'staff-secret': ['1-x'] }],
      ['GET', `/${db('staff')}/staff-secret`, undefined],
    ] as const) {
      const r = await server.as(carol, method, path, body);
      expect(r.status, `carol ${method} ${path}`).toBe(403);
      expect(JSON.stringify(r.json)).not.toContain('Secret Person');
    }
  });
});

describe(`${target.title} 2. a practice admin cannot switch the rules off or run code on the server`, () => {
  it('practice admins are members, not database admins', async () => {
    for (const c of ['students', 'invoices', 'staff'] as const) {
      const sec = (await server.admin('GET', `/${db(c)}/_security`)).json as {
        admins?: { roles?: string[]; names?: string[] };
        members?: { roles?: string[] };
      };
      expect(sec.admins?.roles ?? []).toEqual([]);
      expect(sec.admins?.names ?? []).toEqual([]);
      expect(sec.members?.roles).toEqual([`tutordesk-${PRACTICE}`]);
    }
  });

  it('emptying the rules is refused, and the rules keep holding', async () => {
    const path = `/${db('invoices')}/_design/tutordesk`;
    const ddoc = (await server.admin('GET', path)).json as Record<string, unknown>;
    const empty = await server.as(USERS.admin, 'PUT', path, { ...ddoc, validate_doc_update: 'function(){}' });
    expect([401, 403]).toContain(empty.status);
    const viaBulk = await server.as(USERS.admin, 'POST', `/${db('invoices')}/_bulk_docs`, {
      docs: [{ ...ddoc, validate_doc_update: 'function(){}' }],
    });
    expect(viaBulk.status === 201 ? (viaBulk.json as { error?: string }[])[0]?.error : 'refused').toBeTruthy();
    expect(((await server.admin('GET', path)).json as Record<string, unknown>)._rev).toBe(ddoc._rev);

    const issued = couchDoc('invoices', 'inv-rules', {
      familyId: 'fam-1',
      status: 'issued',
      number: 'INV-9',
      currency: 'GBP',
      total: 4500,
    });
    expect((await server.admin('PUT', `/${db('invoices')}/inv-rules`, issued)).status).toBe(201);
    const cur = (await server.admin('GET', `/${db('invoices')}/inv-rules`)).json as Record<string, unknown>;
    expect((await server.as(USERS.admin, 'PUT', `/${db('invoices')}/inv-rules`, { ...cur, total: 1 })).status).toBe(403);
    expect((await server.as(USERS.alice, 'DELETE', `/${db('invoices')}/inv-rules?rev=${String(cur._rev)}`)).status).toBe(403);
  });

  it('a design document with code is refused, and no code runs when a tutor writes', async () => {
    const marker = join(markerDir, 'ran');
    const probe = {
      _id: '_design/probe',
      validate_doc_update: `function(){ process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); }`,
    };
    const put = await server.as(USERS.admin, 'PUT', `/${db('students')}/_design/probe`, probe);
    expect([401, 403]).toContain(put.status);
    const bulk = await server.as(USERS.admin, 'POST', `/${db('students')}/_bulk_docs`, { docs: [probe] });
    if (bulk.status < 300) expect((bulk.json as { error?: string }[])[0]?.error).toBeTruthy();
    expect((await server.as(USERS.alice, 'PUT', `/${db('students')}/by-alice-1`, couchDoc('students', 'by-alice-1'))).status).toBe(201);
    expect(existsSync(marker)).toBe(false);
    expect((await server.admin('GET', `/${db('students')}/_design/probe`)).status).toBe(404);
  });
});

describe(`${target.title} 4. the gaps in the rules are closed`, () => {
  it('a tutor records a payment but cannot change its amount or delete it', async () => {
    const pay = couchDoc('payments', 'pay-1', { familyId: 'fam-1', date: '2026-03-01', amount: 1, currency: 'GBP', method: 'cash' });
    expect((await server.as(USERS.alice, 'PUT', `/${db('payments')}/pay-1`, pay)).status).toBe(201);
    const cur = (await server.admin('GET', `/${db('payments')}/pay-1`)).json as Record<string, unknown>;
    const change = await server.as(USERS.alice, 'PUT', `/${db('payments')}/pay-1`, { ...cur, amount: 999999 });
    expect(change.status).toBe(403);
    expect(reason(change)).toBe('Only a practice admin may change payments.');
    expect((await server.as(USERS.alice, 'DELETE', `/${db('payments')}/pay-1?rev=${String(cur._rev)}`)).status).toBe(403);
    // An admin edits it the way the app does: the replaced values go to its history.
    const revision = {
      amount: 1,
      date: '2026-03-01',
      method: 'cash',
      reference: String(cur.reference),
      allocations: [],
      notes: String(cur.notes),
      revisedAt: '2026-03-02T10:00:00.000Z',
      revisedBy: 'staff-admin',
      deviceId: 'test',
      reason: 'typo',
    };
    expect((await server.as(USERS.admin, 'PUT', `/${db('payments')}/pay-1`, { ...cur, amount: 2, revisions: [revision] })).status).toBe(
      201,
    );
  });

  it('a tutor cannot create closures', async () => {
    const r = await server.as(
      USERS.alice,
      'PUT',
      `/${db('closures')}/half-term`,
      couchDoc('closures', 'half-term', { startDate: '2026-02-16', endDate: '2026-02-20', label: 'Half term' }),
    );
    expect(r.status).toBe(403);
    expect(reason(r)).toMatch(/Only a practice admin may change closures/);
  });

  it("a tutor cannot change the occurrences of another tutor's lesson, but can change their own", async () => {
    const bobs = couchDoc('occurrences', 'bobs-lesson@2026-03-02T16:00:00.000Z', {
      lessonId: 'bobs-lesson',
      originalStart: '2026-03-02T16:00:00.000Z',
      lessonTutorId: USERS.bob.staffId,
    });
    expect((await server.admin('PUT', `/${db('occurrences')}/${encodeURIComponent(String(bobs._id))}`, bobs)).status).toBe(201);
    const cur = (await server.admin('GET', `/${db('occurrences')}/${encodeURIComponent(String(bobs._id))}`)).json as Record<
      string,
      unknown
    >;
    const byAlice = await server.as(USERS.alice, 'PUT', `/${db('occurrences')}/${encodeURIComponent(String(bobs._id))}`, {
      ...cur,
      status: 'cancelled_tutor',
    });
    expect(byAlice.status).toBe(403);
    expect(reason(byAlice)).toMatch(/only change occurrences of their own lessons/);
    const takeOver = await server.as(USERS.alice, 'PUT', `/${db('occurrences')}/${encodeURIComponent(String(bobs._id))}`, {
      ...cur,
      lessonTutorId: USERS.alice.staffId,
    });
    expect(takeOver.status).toBe(403);
    expect(
      (await server.as(USERS.bob, 'PUT', `/${db('occurrences')}/${encodeURIComponent(String(bobs._id))}`, { ...cur, status: 'attended' }))
        .status,
    ).toBe(201);
  });

  it('a lesson with an unknown time zone or a secondly repeat rule is refused by the server', async () => {
    const bad = couchDoc('lessons', 'bad-timing', {
      tutorId: USERS.admin.staffId,
      start: '2026-03-02T16:00:00.000Z',
      durationMinutes: 60,
      timeZone: 'Europe/London',
      rrule: 'FREQ=WEEKLY',
    });
    const r1 = await server.as(USERS.admin, 'PUT', `/${db('lessons')}/bad-timing`, { ...bad, timeZone: 'Not/AZone' });
    expect(r1.status).toBe(403);
    expect(reason(r1)).toMatch(/timeZone is not one of the \d+ allowed values/);
    const r2 = await server.as(USERS.admin, 'PUT', `/${db('lessons')}/bad-timing`, { ...bad, rrule: 'FREQ=SECONDLY' });
    expect(r2.status).toBe(403);
    expect(reason(r2)).toMatch(/rrule does not match/);
    expect((await server.as(USERS.admin, 'PUT', `/${db('lessons')}/bad-timing`, bad)).status).toBe(201);
  });
});

describe(`${target.title} DNS rebinding`, () => {
  it('a request naming another host is refused before anything else', async () => {
    const evil = await raw('GET', '/', { Host: `evil.example:${server.port}` });
    expect(evil.status).toBe(421);
    expect(evil.text).toMatch(/not a name of this server/);
    const withCreds = await raw('GET', `/${db('students')}/_all_docs`, {
      Host: `evil.example:${server.port}`,
      Authorization: `Basic ${Buffer.from(`${USERS.alice.username}:${USERS.alice.password}`).toString('base64')}`,
    });
    expect(withCreds.status).toBe(421);
    expect((await raw('GET', '/', { Host: `localhost:${server.port}` })).status).toBe(200);
    expect((await raw('GET', '/', { Host: `127.0.0.1:${server.port}` })).status).toBe(200);
  });
});

/**
 * The sync client's modules (src-renderer/src/data/sync/) one by one against a real server: the
 * pull handler (pull.ts), the push handler (push.ts), the live poll (live-poll.ts) and the
 * requests gate (requests.ts). What they hand RxDB, and what they send to the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RxReplicationWriteToMasterRow } from 'rxdb';
import { CouchDatabase, fromCouch, type AppDoc } from '../../src-renderer/src/data/sync/couchdb';
import { OwnWrites } from '../../src-renderer/src/data/sync/echo';
import { SyncError } from '../../src-renderer/src/data/sync/errors';
import { LivePoll, PushActivity } from '../../src-renderer/src/data/sync/live-poll';
import { pullChanges, type PulledRecordRefused, type PullContext } from '../../src-renderer/src/data/sync/pull';
import { MAX_SAME_ANSWER, RepeatedRefusals, pushRows, type PushContext, type RefusedWrite } from '../../src-renderer/src/data/sync/push';
import { SyncHttp } from '../../src-renderer/src/data/sync/requests';
import type { SyncFetchRequest, SyncRequester } from '../../src-shared/sync/http-contract';
import { docsEqual, type AnyDoc } from '../../src-shared/sync/merge';
import { practiceDbName } from '../../src-shared/sync/names';
import { makeDoc } from './helpers/fixtures';
import { basicAuthRequester } from './helpers/requester';
import { startTestServer, target, type TestServer } from './helpers/server';

let server: TestServer;
let PRACTICE: string;
let USERS: TestServer['users'];
const ctx = { staffId: 'staff-admin', deviceId: 'modules-test', now: new Date('2026-03-01T10:00:00Z') };
let dbName: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ practice: PRACTICE, users: USERS } = server);
  dbName = practiceDbName(PRACTICE, 'lessons');
}, 60_000);

afterAll(async () => {
  await server?.cleanup();
});

type User = { username: string; password: string };

/** A requester that records every request (method, path, body) before sending it. */
function recording(user: User = USERS.alice): { request: SyncRequester; seen: SyncFetchRequest[] } {
  const inner = basicAuthRequester(server.url, user.username, user.password);
  const seen: SyncFetchRequest[] = [];
  return {
    seen,
    request: (req) => {
      seen.push(req);
      return inner(req);
    },
  };
}

function database(user: User = USERS.alice, name = dbName) {
  const rec = recording(user);
  const http = new SyncHttp(rec.request);
  return { db: new CouchDatabase(http, name), http, seen: rec.seen };
}

const lesson = (id: string, tutorId: string, extra: Record<string, unknown> = {}): AppDoc =>
  ({
    ...(makeDoc('lessons', id, { tutorId, durationMinutes: 60, ...extra } as never, ctx) as unknown as Record<string, unknown>),
    _deleted: false,
  }) as AppDoc;
const couch = (d: AppDoc) => {
  const { id, _deleted, ...rest } = d;
  return { _id: id, ...rest, ...(_deleted ? { _deleted: true } : {}) };
};

function pullCtx(db: CouchDatabase, echo = new OwnWrites(), validate: PullContext['validate'] = null) {
  const invalid: PulledRecordRefused[] = [];
  const c: PullContext = { db, echo, validate, onInvalid: (rows) => invalid.push(...rows), onValid: () => undefined };
  return { ctx: c, invalid };
}

function pushCtx(db: CouchDatabase, echo = new OwnWrites(), refusals = new RepeatedRefusals()) {
  const accepted: string[] = [];
  const refused: RefusedWrite[] = [];
  const c: PushContext = {
    db,
    echo,
    refusals,
    isEqual: (a, b) => docsEqual(a as unknown as AnyDoc, b as unknown as AnyDoc),
    onAccepted: (docs) => accepted.push(...docs.map((d) => d.id)),
    onRefused: (rows) => refused.push(...rows),
  };
  return { ctx: c, accepted, refused };
}

const row = (doc: AppDoc, assumed?: AppDoc): RxReplicationWriteToMasterRow<AppDoc> =>
  ({ newDocumentState: doc, ...(assumed ? { assumedMasterState: assumed } : {}) }) as never;

async function serverDoc(id: string, name = dbName): Promise<Record<string, unknown>> {
  const { json } = await server.admin('POST', `/${encodeURIComponent(name)}/_all_docs`, { keys: [id], include_docs: true });
  const r = (json as { rows: { value?: { rev: string; deleted?: boolean }; doc?: Record<string, unknown> }[] }).rows[0]!;
  if (r.value?.deleted) {
    const got = (await server.admin('POST', `/${encodeURIComponent(name)}/_bulk_get`, { docs: [{ id, rev: r.value.rev }] })).json as {
      results: { docs: { ok: Record<string, unknown> }[] }[];
    };
    return got.results[0]!.docs[0]!.ok;
  }
  return r.doc!;
}

describe(`${target.title} pull handler (pull.ts)`, () => {
  it('drops design documents from _changes and tops the page up to the requested size', async () => {
    for (let i = 0; i < 3; i++)
      expect((await server.admin('PUT', `/${dbName}/t-page-${i}`, couch(lesson(`t-page-${i}`, USERS.admin.staffId)))).status).toBe(201);
    const raw = (await server.admin('GET', `/${dbName}/_changes?limit=3`)).json as { results: { id: string }[] };
    expect(raw.results.map((r) => r.id)).toContain('_design/tutordesk');
    const { db } = database();
    const { documents } = await pullChanges(pullCtx(db).ctx, undefined, 3);
    expect(documents).toHaveLength(3);
    expect(documents.some((d) => d.id.startsWith('_design/'))).toBe(false);
    // app form: `id`, `_deleted`, no CouchDB fields
    expect(Object.keys(documents[0]!).filter((k) => k.startsWith('_'))).toEqual(['_deleted']);
  });

  it('drops the echo of its own writes from _changes, but not a later change of the same document', async () => {
    const since = ((await server.admin('GET', `/${dbName}/_changes?descending=true&limit=1`)).json as { last_seq: unknown }).last_seq;
    const { db } = database();
    const echo = new OwnWrites();
    const ids = ['t-echo-1', 't-echo-2', 't-echo-3'];
    const push = pushCtx(db, echo);
    expect(
      await pushRows(
        push.ctx,
        ids.map((id) => row(lesson(id, USERS.alice.staffId))),
      ),
    ).toEqual([]);
    expect(push.accepted.sort()).toEqual(ids);
    // Another laptop (here the admin) changes one of them afterwards, and adds a document.
    const written = await serverDoc('t-echo-2');
    expect((await server.admin('PUT', `/${dbName}/t-echo-2`, { ...written, durationMinutes: 90 })).status).toBe(201);
    expect((await server.admin('PUT', `/${dbName}/t-echo-4`, couch(lesson('t-echo-4', USERS.admin.staffId)))).status).toBe(201);
    // What another client sees: all of it.
    const all = await pullChanges(pullCtx(database().db).ctx, { sequence: since }, 10);
    expect(all.documents.map((d) => d.id).sort()).toEqual(['t-echo-1', 't-echo-2', 't-echo-3', 't-echo-4']);
    // What the writer sees: only what others did. A page of 2 is topped up past the dropped rows.
    const seen = await pullChanges(pullCtx(db, echo).ctx, { sequence: since }, 2);
    expect(seen.documents.map((d) => d.id).sort()).toEqual(['t-echo-2', 't-echo-4']);
    expect(seen.documents.find((d) => d.id === 't-echo-2')!.durationMinutes).toBe(90);
  });

  it('sets a record the local schema refuses aside (id and reason) and hands RxDB the rest of the page', async () => {
    const since = ((await server.admin('GET', `/${dbName}/_changes?descending=true&limit=1`)).json as { last_seq: unknown }).last_seq;
    // The server admin's writes skip the server's rules: a record this laptop's schema refuses.
    const broken = { ...couch(lesson('t-broken', USERS.admin.staffId)), durationMinutes: 'an hour' };
    for (const d of [couch(lesson('t-fine-1', USERS.admin.staffId)), broken, couch(lesson('t-fine-2', USERS.admin.staffId))]) {
      expect((await server.admin('PUT', `/${dbName}/${d._id}`, d)).status).toBe(201);
    }
    const validate = (doc: AppDoc) => (typeof doc.durationMinutes === 'number' ? null : 'durationMinutes: must be number');
    const { ctx: c, invalid } = pullCtx(database().db, new OwnWrites(), validate);
    const { documents } = await pullChanges(c, { sequence: since }, 10);
    expect(documents.map((d) => d.id)).toEqual(['t-fine-1', 't-fine-2']);
    expect(invalid.map((r) => [r.id, r.reason])).toEqual([['t-broken', 'durationMinutes: must be number']]);
    expect(invalid[0]!.doc.durationMinutes).toBe('an hour');
  });
});

describe(`${target.title} push handler (push.ts)`, () => {
  it('lists refused rows with the server reason, and the rest of the batch is stored', async () => {
    const { db } = database();
    const p = pushCtx(db);
    const conflicts = await pushRows(p.ctx, [row(lesson('t-mine', USERS.alice.staffId)), row(lesson('t-bobs', USERS.bob.staffId))]);
    expect(conflicts).toEqual([]);
    expect(p.accepted).toEqual(['t-mine']);
    expect(p.refused).toHaveLength(1);
    expect(p.refused[0]).toMatchObject({ id: 't-bobs', error: 'forbidden', doc: { id: 't-bobs', tutorId: USERS.bob.staffId } });
    expect(p.refused[0]!.reason).toMatch(/own lessons/);
  });

  it('hands RxDB the body of a document deleted on the server (delete versus edit), and never puts an id into a URL', async () => {
    const id = 'occ-2026-03-02#stu-ada';
    const claims = practiceDbName(PRACTICE, 'billingclaims');
    const claim = {
      ...(makeDoc(
        'billingclaims',
        id,
        { occurrenceId: 'occ-2026-03-02', studentId: 'stu-ada', invoiceId: 'inv-1', familyId: 'fam-1' },
        ctx,
      ) as unknown as AppDoc),
      _deleted: false,
    } as AppDoc;
    const admin = database(USERS.admin, claims);
    const first = pushCtx(admin.db);
    expect(await pushRows(first.ctx, [row(claim)])).toEqual([]);
    const stored = fromCouch(await serverDoc(id, claims));
    // deleted on the server, with a deletion stamp
    const gone = await serverDoc(id, claims);
    expect(
      (
        await server.admin('POST', `/${claims}/_bulk_docs`, {
          docs: [{ ...gone, _deleted: true, fieldClock: { ...(gone.fieldClock as object), _deleted: 'stamp' } }],
        })
      ).status,
    ).toBe(201);
    // another laptop edits the version it knew
    const edit = { ...stored, invoiceId: 'inv-2' };
    const other = database(USERS.admin, claims);
    const conflicts = await pushRows(pushCtx(other.db).ctx, [row(edit, stored)]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ id, _deleted: true, invoiceId: 'inv-1', fieldClock: { _deleted: 'stamp' } });
    for (const req of [...admin.seen, ...other.seen]) {
      expect(req.path, `${req.method} ${req.path}`).not.toContain('stu-ada');
      expect(req.path).not.toContain('#');
    }
    expect(other.seen.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      `POST /${claims}/_all_docs`,
      `POST /${claims}/_bulk_get`,
    ]);
  });

  it('follows CouchDB’s revision rules for tombstones: recreate without _rev, update a tombstone by a child revision', async () => {
    const { db, seen } = database(USERS.admin);
    const a = lesson('t-tomb-a', USERS.admin.staffId);
    const b = lesson('t-tomb-b', USERS.admin.staffId);
    expect(await pushRows(pushCtx(db).ctx, [row(a), row(b)])).toEqual([]);
    const deleted = (d: AppDoc, extra: Record<string, unknown> = {}) => ({ ...d, ...extra, _deleted: true }) as AppDoc;
    expect(await pushRows(pushCtx(db).ctx, [row(deleted(a), a), row(deleted(b), b)])).toEqual([]);
    const tombA = String((await serverDoc('t-tomb-a'))._rev);
    const tombB = String((await serverDoc('t-tomb-b'))._rev);
    expect(tombA).toMatch(/^2-/);
    seen.length = 0;
    // a: recreated by an edit; b: the tombstone gets merged fields (delete still wins)
    const p = pushCtx(db);
    expect(
      await pushRows(p.ctx, [row({ ...a, durationMinutes: 45 }, deleted(a)), row(deleted(b, { durationMinutes: 75 }), deleted(b))]),
    ).toEqual([]);
    expect(p.accepted.sort()).toEqual(['t-tomb-a', 't-tomb-b']);
    const nowA = await serverDoc('t-tomb-a');
    expect(nowA).toMatchObject({ durationMinutes: 45 });
    expect(nowA._deleted).toBeUndefined();
    expect(String(nowA._rev)).toMatch(/^3-/);
    const nowB = await serverDoc('t-tomb-b');
    expect(nowB).toMatchObject({ _deleted: true, durationMinutes: 75 });
    expect(String(nowB._rev)).toMatch(/^3-/);
    // No write named a tombstone's revision (CouchDB 3.5 answers 409 to that).
    const bodies = seen.filter((r) => r.path.includes('_bulk_docs')).map((r) => r.body ?? '');
    expect(bodies.some((body) => body.includes(`"_rev":"${tombA}"`) || body.includes(`"_rev":"${tombB}"`))).toBe(false);
  });

  it('keeps attachments added on the server when a laptop edits the document', async () => {
    const { db } = database(USERS.admin);
    const doc = lesson('t-attached', USERS.admin.staffId);
    expect(await pushRows(pushCtx(db).ctx, [row(doc)])).toEqual([]);
    // An attachment added on the server (inline, by the server admin).
    const current = await serverDoc('t-attached');
    const put = await server.admin('PUT', `/${dbName}/t-attached`, {
      ...current,
      _attachments: { 'plan.txt': { content_type: 'text/plain', data: Buffer.from('Lesson plan').toString('base64') } },
    });
    expect(put.status).toBe(201);
    // the laptop edits the version it knew (the attachment changes nothing it compares)
    expect(await pushRows(pushCtx(db).ctx, [row({ ...doc, durationMinutes: 90 }, doc)])).toEqual([]);
    const now = await serverDoc('t-attached');
    expect(now.durationMinutes).toBe(90);
    expect(Object.keys((now._attachments as object) ?? {})).toEqual(['plan.txt']);
    const withData = (await server.admin('GET', `/${dbName}/t-attached?attachments=true`)).json as {
      _attachments: Record<string, { data: string }>;
    };
    expect(Buffer.from(withData._attachments['plan.txt']!.data, 'base64').toString()).toBe('Lesson plan');
  });

  it('lists a change the server keeps refusing with the same answer after a bounded number of tries', async () => {
    const { db } = database(USERS.admin);
    const doc = lesson('t-stubborn', USERS.admin.staffId);
    expect(await pushRows(pushCtx(db).ctx, [row(doc)])).toEqual([]);
    // A laptop whose idea of the server version is wrong and never gets right (as when a
    // conflict handler's result keeps being refused): every push is answered with the same state.
    const stale = { ...doc, durationMinutes: 15 };
    const refusals = new RepeatedRefusals();
    const p = pushCtx(db, new OwnWrites(), refusals);
    for (let i = 1; i < MAX_SAME_ANSWER; i++)
      expect(await pushRows(p.ctx, [row({ ...doc, durationMinutes: 20 + i }, stale)])).toHaveLength(1);
    expect(await pushRows(p.ctx, [row({ ...doc, durationMinutes: 99 }, stale)])).toEqual([]);
    expect(p.refused).toHaveLength(1);
    expect(p.refused[0]).toMatchObject({ id: 't-stubborn', error: 'conflict', doc: { durationMinutes: 99 } });
    expect(p.refused[0]!.reason).toMatch(new RegExp(`refused this change ${MAX_SAME_ANSWER} times`));
  });
});

describe(`${target.title} live poll (live-poll.ts)`, () => {
  function poll(db: CouchDatabase, pushes = new PushActivity()) {
    const errors: SyncError[] = [];
    const live = new LivePoll({ minMs: 50, maxMs: 100, batchSize: 10, pushes, onError: (e) => errors.push(e) });
    const got: string[][] = [];
    live.feed(db.name, pullCtx(db).ctx).subscribe((ev) => {
      if (ev !== 'RESYNC') got.push(ev.documents.map((d) => d.id));
    });
    return { live, got, errors };
  }

  it('hands RxDB what changed on the server, polling on its schedule until closed', async () => {
    const { db, http } = database(USERS.admin);
    const { live, got, errors } = poll(db);
    live.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([]);
    expect((await server.admin('PUT', `/${dbName}/t-live`, couch(lesson('t-live', USERS.admin.staffId)))).status).toBe(201);
    await expect.poll(() => got, { timeout: 5000 }).toEqual([['t-live']]);
    live.close();
    const polls = live.polls;
    await new Promise((r) => setTimeout(r, 300));
    expect(live.polls).toBe(polls);
    expect(errors).toEqual([]);
    http.close();
  });

  it('holds polls while a push is under way, and polls once the pushes have been quiet for a while', async () => {
    const { db, seen } = database(USERS.admin);
    const pushes = new PushActivity();
    const { live, got } = poll(db, pushes);
    live.start();
    await expect.poll(() => live.polls, { timeout: 5000 }).toBeGreaterThan(0);
    pushes.begin();
    await new Promise((r) => setTimeout(r, 50));
    const pollsAt = (since: number) => seen.filter((r) => r.path.includes('_changes')).length - since;
    const before = pollsAt(0);
    expect((await server.admin('PUT', `/${dbName}/t-quiet-other`, couch(lesson('t-quiet-other', USERS.admin.staffId)))).status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    pushes.end();
    const pushEnded = Date.now();
    expect(pollsAt(before)).toBeLessThanOrEqual(1);
    await expect.poll(() => got.flat(), { timeout: 20_000 }).toContain('t-quiet-other');
    expect(Date.now() - pushEnded).toBeGreaterThanOrEqual(1400);
    live.close();
  });

  it('turns a failed poll into a typed error for the session', async () => {
    // (bob: each user's failed sign-ins count towards CouchDB's lockout, 5 lock it)
    const { db } = database({ ...USERS.bob, password: 'nope' });
    const { live, errors } = poll(db);
    live.start();
    await expect.poll(() => errors.map((e) => e.kind), { timeout: 5000 }).toEqual(['wrong-credentials']);
    live.close();
  });
});

describe(`${target.title} requests (requests.ts)`, () => {
  it('keeps at most 4 requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const inner = basicAuthRequester(server.url, USERS.admin.username, USERS.admin.password);
    const http = new SyncHttp(async (req) => {
      most = Math.max(most, ++inFlight);
      try {
        return await inner(req);
      } finally {
        inFlight--;
      }
    });
    await Promise.all(Array.from({ length: 12 }, () => http.json('GET', `/${dbName}`)));
    expect(most).toBe(4);
    http.close();
  });

  it('ends every other request at the first refused sign-in: queued ones are never sent', async () => {
    const rec = recording({ ...USERS.alice, password: 'changed-elsewhere' });
    const fatal: SyncError[] = [];
    const http = new SyncHttp(rec.request, { onFatal: (e) => fatal.push(e) });
    const db = new CouchDatabase(http, dbName);
    const results = await Promise.allSettled(Array.from({ length: 11 }, () => db.changes(0, 10)));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as SyncError).kind === 'wrong-credentials')).toBe(true);
    expect(rec.seen.length).toBeLessThanOrEqual(4);
    expect(fatal.map((e) => e.kind)).toEqual(['wrong-credentials']);
    await expect(db.changes(0, 10)).rejects.toMatchObject({ kind: 'wrong-credentials' });
    expect(rec.seen.length).toBeLessThanOrEqual(4);
  });

  it('types the answers a person must act on: practice missing, not a member', async () => {
    await expect(database(USERS.admin, practiceDbName('nowhere', 'lessons')).db.changes(0, 10)).rejects.toMatchObject({
      kind: 'database-missing',
    });
    const name = `outsider${Date.now() % 1_000_000}`;
    const user = await server.admin('PUT', `/_users/org.couchdb.user:${name}`, { name, password: 'outsider-pw', roles: [], type: 'user' });
    expect(user.status).toBe(201);
    await expect(database({ username: name, password: 'outsider-pw' }).db.changes(0, 10)).rejects.toMatchObject({ kind: 'not-member' });
  });
});

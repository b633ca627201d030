/**
 * The replication's HTTP layer (src-renderer/src/data/sync-fetch.ts) against a real server: the
 * answers RxDB sees after the transport has fixed them up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncTransport, createBasicAuthFetch, type RejectedRow } from '../../src-renderer/src/data/sync-fetch';
import { SyncError } from '../../src-renderer/src/data/sync-errors';
import { practiceDbName } from '../../src-shared/sync/names';
import { makeDoc } from './helpers/fixtures';
import { PRACTICE, USERS, startTestServer, type TestServer } from './helpers/server';

let server: TestServer;
const ctx = { staffId: 'staff-admin', deviceId: 'transport-test', now: new Date('2026-03-01T10:00:00Z') };
const db = practiceDbName(PRACTICE, 'lessons');

beforeAll(async () => {
  server = await startTestServer();
}, 60_000);

afterAll(async () => {
  await server?.cleanup();
});

function transport(user: { username: string; password: string } = USERS.alice, extra: Partial<ConstructorParameters<typeof SyncTransport>[0]> = {}) {
  return new SyncTransport({ serverUrl: server.url, fetch: createBasicAuthFetch(user.username, user.password), poll: { minMs: 50, maxMs: 100 }, ...extra });
}

const couch = (id: string, tutorId: string) => {
  const { id: _id, ...rest } = makeDoc('lessons', id, { tutorId, durationMinutes: 60 }, ctx) as unknown as Record<string, unknown>;
  return { ...rest, _id };
};

describe('SyncTransport', () => {
  it('takes refused rows out of _bulk_docs answers and reports them with the server reason', async () => {
    const rejected: RejectedRow[] = [];
    const accepted: string[] = [];
    const t = transport(USERS.alice, { onRejected: (r) => rejected.push(...r), onAccepted: (_db, docs) => accepted.push(...docs.map((d) => String(d.id))) });
    const res = await t.fetch(`${server.url}/${db}/_bulk_docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ docs: [couch('t-mine', USERS.alice.staffId), couch('t-bobs', USERS.bob.staffId)] }),
    });
    const rows = (await res.json()) as { id: string; ok?: boolean }[];
    expect(rows.map((r) => [r.id, r.ok])).toEqual([['t-mine', true]]);
    expect(accepted).toEqual(['t-mine']);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ db, id: 't-bobs', error: 'forbidden', doc: { id: 't-bobs', tutorId: USERS.bob.staffId } });
    expect(rejected[0]!.reason).toMatch(/own lessons/);
    t.close();
  });

  it('drops design documents from _changes and tops the page up to the requested size', async () => {
    for (let i = 0; i < 3; i++) expect((await server.admin('PUT', `/${db}/t-page-${i}`, couch(`t-page-${i}`, USERS.admin.staffId))).status).toBe(201);
    const raw = (await server.admin('GET', `/${db}/_changes?limit=3`)).json as { results: { id: string }[] };
    expect(raw.results.map((r) => r.id)).toContain('_design/tutordesk');
    const t = transport();
    const res = await t.fetch(`${server.url}/${db}/_changes?style=all_docs&feed=normal&include_docs=true&since=0&limit=3`);
    const json = (await res.json()) as { results: { id: string }[] };
    expect(json.results).toHaveLength(3);
    expect(json.results.some((r) => r.id.startsWith('_design/'))).toBe(false);
    t.close();
  });

  it('drops the echo of its own writes from _changes, but not a later change of the same document', async () => {
    const since = ((await server.admin('GET', `/${db}/_changes?descending=true&limit=1`)).json as { last_seq: unknown }).last_seq;
    const t = transport();
    const changes = async (limit: number) => {
      const res = await t.fetch(`${server.url}/${db}/_changes?style=all_docs&feed=normal&include_docs=true&since=${encodeURIComponent(String(since))}&limit=${limit}`);
      return ((await res.json()) as { results: { id: string; doc: { _rev: string; durationMinutes: number } }[] }).results;
    };
    const ids = ['t-echo-1', 't-echo-2', 't-echo-3'];
    const res = await t.fetch(`${server.url}/${db}/_bulk_docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs: ids.map((id) => couch(id, USERS.alice.staffId)) }) });
    const written = (await res.json()) as { id: string; rev: string }[];
    expect(written.map((r) => r.id).sort()).toEqual(ids);
    // Another laptop (here the admin) changes one of them afterwards, and adds a document.
    const other = await server.admin('PUT', `/${db}/t-echo-2`, { ...couch('t-echo-2', USERS.alice.staffId), durationMinutes: 90, _rev: written.find((r) => r.id === 't-echo-2')!.rev });
    expect(other.status).toBe(201);
    expect((await server.admin('PUT', `/${db}/t-echo-4`, couch('t-echo-4', USERS.admin.staffId))).status).toBe(201);
    // What another client sees: all of it.
    const fresh = transport();
    const all = ((await (await fresh.fetch(`${server.url}/${db}/_changes?style=all_docs&feed=normal&include_docs=true&since=${encodeURIComponent(String(since))}&limit=10`)).json()) as { results: { id: string }[] }).results;
    expect(all.map((r) => r.id).sort()).toEqual(['t-echo-1', 't-echo-2', 't-echo-3', 't-echo-4']);
    // What the writer sees: only what others did. A page of 2 is topped up past the dropped rows.
    const seen = await changes(2);
    expect(seen.map((r) => r.id).sort()).toEqual(['t-echo-2', 't-echo-4']);
    expect(seen.find((r) => r.id === 't-echo-2')!.doc.durationMinutes).toBe(90);
    t.close();
    fresh.close();
  });

  it('fills the bodies of deleted documents into the push pre-check, and asks for keys by POST', async () => {
    const put = await server.admin('PUT', `/${db}/t-gone`, couch('t-gone', USERS.admin.staffId));
    const rev = (put.json as { rev: string }).rev;
    expect((await server.admin('POST', `/${db}/_bulk_docs`, { docs: [{ ...couch('t-gone', USERS.admin.staffId), _rev: rev, _deleted: true }] })).status).toBe(201);
    const t = transport();
    const pre = await t.fetch(`${server.url}/${db}/_all_docs?`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ keys: ['t-gone', 't-mine', 'nothing'], include_docs: true, deleted: 'ok' }),
    });
    const rows = ((await pre.json()) as { rows: { key: string; doc?: Record<string, unknown> | null }[] }).rows;
    expect(rows.find((r) => r.key === 't-gone')?.doc).toMatchObject({ _id: 't-gone', _deleted: true, tutorId: USERS.admin.staffId });
    expect(rows.find((r) => r.key === 't-mine')?.doc).toMatchObject({ _id: 't-mine' });
    const requested: string[] = [];
    const spy = transport(USERS.alice, {
      fetch: async (input, init) => {
        requested.push(`${init?.method ?? 'GET'} ${String(input)}`);
        return createBasicAuthFetch(USERS.alice.username, USERS.alice.password)(input, init);
      },
    });
    const again = await spy.fetch(`${server.url}/${db}/_all_docs?include_docs=true&keys=${JSON.stringify(['t-mine'])}`);
    expect(((await again.json()) as { rows: unknown[] }).rows).toHaveLength(1);
    expect(requested[0]).toMatch(/^POST .*_all_docs\?include_docs=true$/);
    t.close();
    spy.close();
  });

  it('holds live polls while a push is under way, and polls once the pushes have been quiet for a while', async () => {
    const polls: number[] = [];
    const t = transport(USERS.alice, {
      fetch: async (input, init) => {
        if (String(input).includes('_changes')) polls.push(Date.now());
        return createBasicAuthFetch(USERS.alice.username, USERS.alice.password)(input, init);
      },
    });
    const first = (await (await t.fetch(`${server.url}/${db}/_changes?feed=longpoll&since=now&limit=10`)).json()) as { last_seq: unknown };
    polls.length = 0;
    const pushed = await t.fetch(`${server.url}/${db}/_bulk_docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs: [couch('t-quiet', USERS.alice.staffId)] }) });
    const pushEnded = Date.now();
    expect(((await pushed.json()) as { ok?: boolean }[])[0]?.ok).toBe(true);
    // A change by someone else, waiting to be pulled.
    expect((await server.admin('PUT', `/${db}/t-quiet-other`, couch('t-quiet-other', USERS.admin.staffId))).status).toBe(201);
    const res = (await (await t.fetch(`${server.url}/${db}/_changes?feed=longpoll&since=${encodeURIComponent(String(first.last_seq))}&include_docs=true&limit=10`)).json()) as { results: { id: string }[] };
    expect(res.results.map((r) => r.id)).toEqual(['t-quiet-other']);
    expect(polls.length).toBeGreaterThan(0);
    expect(polls[0]! - pushEnded).toBeGreaterThanOrEqual(1400);
    t.close();
  });

  it('turns HTTP failures into typed errors and answers long-polls by polling until something changes', async () => {
    const errors: SyncError[] = [];
    const wrong = transport({ ...USERS.alice, password: 'nope' }, { onError: (e) => errors.push(e) });
    await expect(wrong.fetch(`${server.url}/${db}/_changes`)).rejects.toMatchObject({ kind: 'wrong-credentials' });
    expect(errors.map((e) => e.kind)).toEqual(['wrong-credentials']);
    const missing = transport();
    await expect(missing.fetch(`${server.url}/${practiceDbName('nowhere', 'lessons')}/_changes`)).rejects.toMatchObject({ kind: 'database-missing' });

    const t = transport(USERS.admin);
    const first = (await (await t.fetch(`${server.url}/${db}/_changes?feed=longpoll&since=now&include_docs=true&limit=10`)).json()) as { last_seq: unknown };
    const waiting = t.fetch(`${server.url}/${db}/_changes?feed=longpoll&since=${String(first.last_seq)}&include_docs=true&limit=10`);
    let settled = false;
    void waiting.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    expect((await server.admin('PUT', `/${db}/t-live`, couch('t-live', USERS.admin.staffId))).status).toBe(201);
    const json = (await (await waiting).json()) as { results: { id: string }[] };
    expect(json.results.map((r) => r.id)).toEqual(['t-live']);
    // a closed transport fails pending long-polls at once
    const pending = t.fetch(`${server.url}/${db}/_changes?feed=longpoll&since=now&include_docs=true&limit=10`).then(
      (r) => r.json().then((j: { last_seq: unknown }) => t.fetch(`${server.url}/${db}/_changes?feed=longpoll&since=${String(j.last_seq)}&limit=10`)),
    );
    await new Promise((r) => setTimeout(r, 150));
    t.close();
    await expect(pending).rejects.toThrow(/stopped/i);
    wrong.close();
    missing.close();
  });
});

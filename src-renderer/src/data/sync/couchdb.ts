/**
 * The CouchDB calls the sync client makes, typed: the server's identity (`GET /`), who we are
 * (`GET /_session`), a database's info (`GET /<db>`), and per practice database `_changes`,
 * `_all_docs` (keys in a POST body), `_bulk_get` and `_bulk_docs`. Documents are converted between
 * the app's form (`id`, `_deleted: boolean`, no other `_` fields) and CouchDB's (`_id`, `_rev`, …).
 *
 * Every database name goes into the path encoded, and document ids and keys never go into a URL
 * at all: they travel in POST bodies (ids contain `#`, e.g. billing claims `occ-…#stu-…`, which
 * an unencoded URL would cut off as a fragment). Only `since` goes into a query, encoded.
 */
import type { SyncHttp } from './requests';
import { SyncError } from './errors';

export type AppDoc = Record<string, unknown> & { id: string; _deleted: boolean };
export type CouchDoc = Record<string, unknown> & { _id: string; _rev?: string; _deleted?: boolean; _attachments?: Record<string, unknown> };

/** CouchDB form of an app document: `_id` instead of `id`, `_deleted` only when true, no RxDB fields. */
export function toCouch(doc: Record<string, unknown>): CouchDoc {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'id' || (k.startsWith('_') && k !== '_deleted')) continue;
    out[k] = v;
  }
  if (doc._deleted) out._deleted = true;
  else delete out._deleted;
  return { _id: String(doc.id), ...out } as CouchDoc;
}

/** App form of a CouchDB document: no `_rev`, `_attachments`, `_revisions`, `_conflicts`, …; `_deleted` a boolean. */
export function fromCouch(doc: Record<string, unknown>): AppDoc {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_')) out[k] = v;
  out.id = String(doc._id);
  out._deleted = Boolean(doc._deleted);
  return out as AppDoc;
}

export interface ChangeRow {
  id: string;
  seq: unknown;
  deleted?: boolean;
  changes: { rev: string }[];
  doc?: CouchDoc | null;
}
export interface ChangesPage {
  results: ChangeRow[];
  last_seq: unknown;
}

/** A row of `_all_docs` with keys: `value` for stored documents (deleted ones included), `error` for unknown ids. */
export interface AllDocsRow {
  key: string;
  id?: string;
  value?: { rev: string; deleted?: boolean };
  doc?: CouchDoc | null;
  error?: string;
}

export interface BulkDocsRow {
  id: string;
  ok?: boolean;
  rev?: string;
  error?: string;
  reason?: string;
}

export interface ServerInfo {
  couchdb?: string;
  version?: string;
  vendor?: { name?: string; version?: string };
  'express-pouchdb'?: unknown;
}

export interface SessionInfo {
  userCtx?: { name?: string | null; roles?: string[] };
}

const q = (v: unknown) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));

function expectArray<T>(value: unknown, what: string): T[] {
  if (!Array.isArray(value)) throw new SyncError('server-error', `The server answered ${what} without a list.`);
  return value as T[];
}

export const getServerInfo = async (http: SyncHttp): Promise<ServerInfo> => (await http.json<ServerInfo>('GET', '/')).json ?? {};

export async function getSession(http: SyncHttp): Promise<SessionInfo> {
  const res = await http.json<SessionInfo>('GET', '/_session');
  if (res.status === 404)
    throw new SyncError('server-error', 'The server answers, but it is not a CouchDB server (no /_session).', {
      status: 404,
      path: '/_session',
    });
  return res.json ?? {};
}

/** One practice database on the server. */
export class CouchDatabase {
  readonly path: string;
  constructor(
    readonly http: SyncHttp,
    readonly name: string,
  ) {
    this.path = `/${encodeURIComponent(name)}`;
  }

  /** `GET /<db>`: its document count, or null when the database does not exist. */
  async info(): Promise<{ doc_count?: number } | null> {
    const res = await this.http.json<{ doc_count?: number; error?: string }>('GET', this.path);
    if (res.status === 404) return null;
    return res.json;
  }

  /** One page of `_changes` (normal feed, documents included, every leaf revision listed). */
  async changes(since: unknown, limit: number): Promise<ChangesPage> {
    const query = `style=all_docs&feed=normal&include_docs=true&since=${q(since)}&limit=${limit}&seq_interval=${limit}`;
    const res = await this.http.json<ChangesPage>('GET', `${this.path}/_changes?${query}`);
    if (res.status >= 400 || !res.json || !Array.isArray(res.json.results))
      throw new SyncError('server-error', 'The server answered _changes without results.', { status: res.status });
    return res.json;
  }

  /** The current state of `ids` (`_all_docs`, keys in the body): revision, deleted flag, and live bodies when `includeDocs`. */
  async allDocs(ids: readonly string[], includeDocs: boolean): Promise<AllDocsRow[]> {
    if (ids.length === 0) return [];
    const res = await this.http.json<{ rows?: unknown }>('POST', `${this.path}/_all_docs`, { keys: ids, include_docs: includeDocs });
    if (res.status >= 400) throw new SyncError('server-error', `The server answered ${res.status} to _all_docs.`, { status: res.status });
    return expectArray<AllDocsRow>(res.json?.rows, '_all_docs');
  }

  /** Bodies of given revisions (`_bulk_get`): deleted documents' tombstones included. Map id → body. */
  async bulkGet(refs: readonly { id: string; rev: string }[]): Promise<Map<string, CouchDoc>> {
    const out = new Map<string, CouchDoc>();
    if (refs.length === 0) return out;
    const res = await this.http.json<{ results?: { id: string; docs: { ok?: CouchDoc }[] }[] }>(
      'POST',
      `${this.path}/_bulk_get?revs=false`,
      { docs: refs.map((r) => ({ id: r.id, rev: r.rev })) },
    );
    if (res.status >= 400) throw new SyncError('server-error', `The server answered ${res.status} to _bulk_get.`, { status: res.status });
    for (const r of expectArray<{ id: string; docs: { ok?: CouchDoc }[] }>(res.json?.results, '_bulk_get')) {
      const ok = r.docs.find((d) => d.ok)?.ok;
      if (ok) out.set(r.id, ok);
    }
    return out;
  }

  /**
   * `_bulk_docs`: writes `docs`, each judged on its own; the answer has one row per document
   * (`ok` with the new revision, or `error` and `reason`). With `newEdits: false` the documents
   * carry their own revisions (and `_revisions` history) and the answer lists only failures.
   * An answer that is not a list (e.g. 400 for a malformed request) throws a SyncError with the
   * status and the server's reason.
   */
  async bulkDocs(docs: readonly CouchDoc[], options: { newEdits?: boolean } = {}): Promise<BulkDocsRow[]> {
    const body = options.newEdits === false ? { docs, new_edits: false } : { docs };
    const res = await this.http.json<unknown>('POST', `${this.path}/_bulk_docs`, body);
    if (res.status >= 400) {
      const reason =
        (res.json as { reason?: string; error?: string } | null)?.reason ?? (res.json as { error?: string } | null)?.error ?? '';
      throw new SyncError('server-error', `The server answered ${res.status} to _bulk_docs${reason ? `: ${reason}` : ''}`, {
        status: res.status,
        serverReason: reason,
      });
    }
    return expectArray<BulkDocsRow>(res.json, '_bulk_docs');
  }
}

/** The current state of `ids` on the server with bodies, deleted documents' tombstones included (app form), by id. Unknown ids are absent. */
export async function readCurrent(db: CouchDatabase, ids: readonly string[]): Promise<Map<string, { rev: string; doc: CouchDoc }>> {
  const rows = await db.allDocs(ids, true);
  const out = new Map<string, { rev: string; doc: CouchDoc }>();
  const deleted: { id: string; rev: string }[] = [];
  for (const r of rows) {
    if (!r.value || !r.id) continue;
    if (r.value.deleted || !r.doc) deleted.push({ id: r.id, rev: r.value.rev });
    else out.set(r.id, { rev: r.value.rev, doc: r.doc });
  }
  // `_all_docs` has no body for deleted documents; their tombstones can hold a deletion stamp and
  // the fields merged into them, which the conflict policy needs (delete versus edit).
  const bodies = await db.bulkGet(deleted);
  for (const d of deleted) {
    const body = bodies.get(d.id) ?? { _id: d.id, _rev: d.rev };
    out.set(d.id, { rev: d.rev, doc: { ...body, _id: d.id, _rev: d.rev, _deleted: true } });
  }
  return out;
}

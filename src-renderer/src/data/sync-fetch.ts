/**
 * The HTTP layer under RxDB's CouchDB replication (`replicateCouchDB({ fetch })`). One
 * `SyncTransport` serves every collection of a sync session and:
 *
 * 1. turns failures into typed `SyncError`s (unreachable, TLS, wrong password, not a member,
 *    databases missing, server error) instead of RxDB's cryptic RC_COUCHDB errors and unhandled
 *    rejections;
 * 2. takes rows the server refused (validate_doc_update: `forbidden` / `unauthorized`, or any
 *    other per-row error) out of `_bulk_docs` answers and reports them, so RxDB does not retry
 *    them forever and block every later change; the caller quarantines them;
 * 3. drops `_design/` documents from `_changes` answers (they must never land in a collection:
 *    RxDB's pull modifier cannot drop a document, so it is done here), and the echo of this
 *    session's own writes (the row of a document at the revision our `_bulk_docs` created);
 * 4. fills the bodies of deleted documents into the push pre-check (`_all_docs`), so a local edit
 *    of a document deleted on the server goes through the conflict policy (delete versus edit)
 *    instead of silently resurrecting it;
 * 5. multiplexes the live feeds: RxDB keeps one long-poll per collection open, which stalls on
 *    Chromium's 6 connections per host with 11 collections (and PouchDB Server's long-poll
 *    ignores `timeout`). Each long-poll is answered by polling `_changes?feed=normal` on a shared
 *    schedule instead (2 s after activity, backing off to 20 s when idle; `wake()` polls now),
 *    and at most `maxConcurrent` (default 4) requests are in flight at once.
 */
import type { SyncFetchRequest, SyncFetchResponse } from '../../../src-shared/bridge';
import { SyncError, toSyncError, type SyncErrorKind } from './sync-errors';

/** The fetch signature the replication plugin calls. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface RejectedRow {
  /** Server database name, e.g. 'tutordesk-demo-lessons'. */
  db: string;
  id: string;
  error: string;
  reason: string;
  /** The refused document in app form (`id`, no `_rev`), or null if it was not in the request. */
  doc: Record<string, unknown> | null;
}

export interface SyncTransportOptions {
  /** Server root, e.g. 'https://couch.example.org/' (may have a path prefix). */
  serverUrl: string;
  /** The authenticated fetch (bridge-based in Electron, basic auth in the browser). */
  fetch: FetchLike;
  maxConcurrent?: number;
  poll?: { minMs?: number; maxMs?: number };
  onRejected?: (rows: RejectedRow[]) => void;
  /** Documents the server stored (app form: `id`, no `_rev`). */
  onAccepted?: (db: string, docs: Record<string, unknown>[]) => void;
  onError?: (error: SyncError) => void;
  /** A request finished fine (the server is reachable and accepts us). */
  onSuccess?: () => void;
}

const REJECTED = new Set(['forbidden', 'unauthorized']);

/** Live polls wait until no push has been under way for this long… */
const PUSH_QUIET_MS = 1500;
/** …but never longer than this. */
const MAX_POLL_DEFER_MS = 15_000;

type ChangesPage = { results?: { id: string; doc?: { _rev?: unknown } | null }[]; last_seq?: unknown };

function headersToRecord(h: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (typeof Headers !== 'undefined' && h instanceof Headers) {
    h.forEach((v, k) => (out[k] = v));
  } else if (Array.isArray(h)) {
    for (const [k, v] of h) out[k!] = v!;
  } else {
    Object.assign(out, h as Record<string, string>);
  }
  return out;
}

/**
 * A Response for a JSON value the transport has already parsed (and filtered). `json()` hands the
 * value over as it is instead of serialising it for RxDB to parse again: a first sync moves
 * ~1,000 documents per answer, and that round trip cost ~6% of a pull's CPU time.
 */
class ParsedJsonResponse extends Response {
  readonly #value: unknown;
  #used = false;

  constructor(status: number, value: unknown) {
    super(null, { status, headers: { 'content-type': 'application/json' } });
    this.#value = value;
  }

  #take(): unknown {
    if (this.#used) throw new TypeError('Body has already been consumed.');
    this.#used = true;
    return this.#value;
  }

  override async json(): Promise<unknown> {
    return this.#take();
  }

  override async text(): Promise<string> {
    return JSON.stringify(this.#take());
  }
}

function jsonResponse(status: number, body: unknown): Response {
  return new ParsedJsonResponse(status, body);
}

/** Server root with exactly one trailing slash. */
export function normalizeServerUrl(serverUrl: string): string {
  const u = new URL(serverUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SyncError('not-configured', 'The server address must start with http:// or https://');
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/*$/, '/');
}

/**
 * A FetchLike over the host bridge (`bridge.sync.fetch`): the main process adds the stored
 * credentials, so the password never reaches the renderer. Network failures (status 0) become
 * SyncErrors.
 */
export function createBridgeFetch(bridgeFetch: (req: SyncFetchRequest) => Promise<SyncFetchResponse>, serverUrl: string): FetchLike {
  const root = normalizeServerUrl(serverUrl);
  return async (input, init) => {
    const url = String(input);
    if (!url.startsWith(root)) throw new SyncError('not-configured', `Refused: ${url} is not on the sync server ${root}`);
    const path = `/${url.slice(root.length)}`;
    const method = (init?.method ?? 'GET').toUpperCase() as SyncFetchRequest['method'];
    const body = typeof init?.body === 'string' ? init.body : undefined;
    let res: SyncFetchResponse;
    try {
      res = await bridgeFetch({ path, method, headers: headersToRecord(init?.headers), ...(body !== undefined ? { body } : {}) });
    } catch (e) {
      throw toSyncError(e);
    }
    if (res.status === 0) {
      const code = res.headers['x-tutordesk-error'] ?? '';
      const kind: SyncErrorKind = code === 'tls' ? 'tls' : code === 'timeout' ? 'timeout' : 'unreachable';
      throw new SyncError(kind, res.statusText || 'The server could not be reached.', { url });
    }
    return new Response(res.status === 204 || res.status === 304 ? null : res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/**
 * The browser-build fallback: basic auth with credentials held in memory only (see
 * docs/sync.md). Cookies are not sent.
 */
export function createBasicAuthFetch(username: string, password: string, baseFetch: FetchLike = (i, n) => globalThis.fetch(i, n)): FetchLike {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  const authorization = `Basic ${btoa(bin)}`;
  return async (input, init) => {
    const headers = headersToRecord(init?.headers);
    headers.Authorization = authorization;
    try {
      return await baseFetch(input, { ...init, headers, credentials: 'omit' });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      const cause = (e as { cause?: { code?: string } })?.cause?.code ?? '';
      if (/CERT|TLS|SSL|SELF_SIGNED/.test(cause)) throw new SyncError('tls', `Secure connection to the server failed (${cause}).`);
      throw new SyncError('unreachable', `The server could not be reached${cause ? ` (${cause})` : ''}.`, { url: String(input) });
    }
  };
}

class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Stopped: what pending and later requests of a closed transport fail with. */
export class SyncStoppedError extends Error {
  constructor() {
    super('Sync stopped');
    this.name = 'SyncStoppedError';
  }
}

export class SyncTransport {
  readonly fetch: FetchLike;
  private readonly root: string;
  private readonly limiter: Semaphore;
  private readonly minPoll: number;
  private readonly maxPoll: number;
  private readonly pollDelay = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly abort = new AbortController();
  /** Push requests (`_all_docs` pre-check, `_bulk_docs`) under way, and when the last one ended. */
  private pushesInFlight = 0;
  private lastPushAt = 0;
  /** Polls waiting for pushes to finish (afterPushes); not woken by wake(), failed by close(). */
  private readonly sleepers = new Set<Waiter>();
  /** Revisions this session's `_bulk_docs` created, per database, until their echo is seen. */
  private readonly written = new Map<string, Map<string, string>>();
  private closed = false;

  constructor(private readonly options: SyncTransportOptions) {
    this.root = normalizeServerUrl(options.serverUrl);
    this.limiter = new Semaphore(options.maxConcurrent ?? 4);
    this.minPoll = options.poll?.minMs ?? 2000;
    this.maxPoll = Math.max(this.minPoll, options.poll?.maxMs ?? 20_000);
    this.fetch = (input, init) => this.handle(String(input), init);
  }

  /** Makes every waiting live feed poll now (sync now, back online, local change). */
  wake(): void {
    this.pollDelay.clear();
    for (const w of [...this.waiters]) {
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve();
    }
  }

  /** Fails every pending and future request; in-flight HTTP is aborted where the fetch allows. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const w of [...this.waiters, ...this.sleepers]) {
      clearTimeout(w.timer);
      w.reject(new SyncStoppedError());
    }
    this.waiters.clear();
    this.sleepers.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private dbOf(url: string): { db: string; endpoint: string; params: URLSearchParams } {
    const u = new URL(url);
    const rest = `${u.origin}${u.pathname}`.slice(this.root.length);
    const [db = '', ...more] = rest.split('/');
    return { db: decodeURIComponent(db), endpoint: more.join('/'), params: u.searchParams };
  }

  private async handle(url: string, init?: RequestInit): Promise<Response> {
    if (this.closed) throw new SyncStoppedError();
    if (!url.startsWith(this.root)) return this.options.fetch(url, init);
    const { db, endpoint, params } = this.dbOf(url);
    // RxDB re-reads conflicting documents with GET _all_docs?keys=[…]: long ids lists would make
    // URLs too long for proxies (and the desktop bridge's path limit), so ask by POST instead.
    if (endpoint === '_all_docs' && (init?.method ?? 'GET').toUpperCase() === 'GET' && params.has('keys')) {
      let keys: unknown;
      try {
        keys = JSON.parse(params.get('keys')!);
      } catch {
        keys = null;
      }
      if (Array.isArray(keys)) {
        const u = new URL(url);
        u.searchParams.delete('keys');
        return this.handle(u.toString(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys }) });
      }
    }
    const post = (init?.method ?? 'GET').toUpperCase() === 'POST';
    // The push's pre-check and write.
    const pushing = post && (endpoint === '_bulk_docs' || endpoint === '_all_docs');
    if (pushing) this.pushesInFlight++;
    try {
      if (endpoint === '_changes' && params.get('feed') === 'longpoll') return await this.emulateLongPoll(url, db);
      const res = await this.request(url, init, db);
      if (endpoint === '_changes') return await this.changes(url, res, db);
      if (endpoint === '_bulk_docs' && post) return await this.bulkDocs(res, db, init);
      if (endpoint === '_all_docs' && post) return await this.allDocs(res, db);
      return res;
    } catch (e) {
      if (e instanceof SyncStoppedError || this.closed) throw new SyncStoppedError();
      const err = toSyncError(e);
      this.options.onError?.(err);
      throw err;
    } finally {
      if (pushing) {
        this.pushesInFlight--;
        this.lastPushAt = Date.now();
      }
    }
  }

  /** One HTTP request through the limiter, with status checks. */
  private async request(url: string, init: RequestInit | undefined, db: string): Promise<Response> {
    const signal = this.abort.signal;
    const res = await this.limiter.run(
      () =>
        new Promise<Response>((resolve, reject) => {
          if (this.closed || signal.aborted) return reject(new SyncStoppedError());
          const onAbort = () => reject(new SyncStoppedError());
          signal.addEventListener('abort', onAbort, { once: true });
          this.options
            .fetch(url, { ...init, signal })
            .then(resolve, reject)
            .finally(() => signal.removeEventListener('abort', onAbort));
        }),
    );
    if (res.status < 400) {
      this.options.onSuccess?.();
      return res;
    }
    const text = await res.text();
    let body: { error?: string; reason?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = {};
    }
    const reason = body.reason ?? body.error ?? text.slice(0, 200);
    const details = { status: res.status, url, serverReason: reason };
    if (res.status === 401 && /name or password|password is incorrect|authentication required/i.test(reason)) {
      throw new SyncError('wrong-credentials', 'The server does not accept this username and password.', details);
    }
    if (res.status === 401 || res.status === 403) {
      throw new SyncError('not-member', `This user may not use the practice database ${db}.`, details);
    }
    if (res.status === 404 && /no_db_file|database does not exist|missing_db/i.test(reason)) {
      throw new SyncError('database-missing', `The practice database ${db} does not exist on the server.`, details);
    }
    if (res.status === 404) return new Response(text, { status: 404, headers: { 'content-type': 'application/json' } });
    throw new SyncError('server-error', `The server answered ${res.status}: ${reason}`, details);
  }

  private async readJson(res: Response): Promise<unknown> {
    const text = await res.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SyncError('server-error', `The server's answer is not JSON (is this a CouchDB server?): ${text.slice(0, 120)}`);
    }
  }

  /**
   * The rows of a `_changes` page RxDB should see: no `_design/` documents, and no echo of this
   * session's own writes (a row whose document is at the very revision our `_bulk_docs` just
   * created holds nothing the local database lacks; RxDB would read, compare and skip it, and
   * while it waited for the push to finish the rest of the pull stood still).
   */
  private keepRows<R extends { id: string; doc?: { _rev?: unknown } | null }>(db: string, rows: R[]): R[] {
    const mine = this.written.get(db);
    return rows.filter((r) => {
      if (r.id.startsWith('_design/')) return false;
      const rev = mine?.get(r.id);
      if (rev === undefined) return true;
      mine!.delete(r.id);
      return r.doc?._rev !== rev;
    });
  }

  /**
   * Filters a `_changes` page (keepRows). RxDB takes a page shorter than `limit` as the end of
   * the feed, so a page that lost rows is topped up from the following changes.
   */
  private async changes(url: string, res: Response, db: string): Promise<Response> {
    const json = (await this.readJson(res)) as ChangesPage;
    if (!Array.isArray(json.results)) throw new SyncError('server-error', 'The server answered _changes without results.');
    const u = new URL(url);
    const limit = Number(u.searchParams.get('limit') ?? 0);
    let raw = json.results.length;
    json.results = this.keepRows(db, json.results);
    for (let i = 0; i < 100 && limit > 0 && raw === limit && json.results.length < limit && json.last_seq !== undefined; i++) {
      u.searchParams.set('since', String(json.last_seq));
      u.searchParams.set('limit', String(limit - json.results.length));
      const more = (await this.readJson(await this.request(u.toString(), undefined, db))) as ChangesPage;
      if (!Array.isArray(more.results)) break;
      raw = more.results.length === Number(u.searchParams.get('limit')) ? limit : 0;
      json.results.push(...this.keepRows(db, more.results));
      json.last_seq = more.last_seq;
    }
    return jsonResponse(res.status, json);
  }

  private waitForPoll(db: string): Promise<void> {
    const delay = this.pollDelay.get(db) ?? this.minPoll;
    this.pollDelay.set(db, Math.min(this.maxPoll, Math.round(delay * 1.6)));
    const jitter = Math.round(delay * 0.1 * Math.random());
    return this.sleep(delay + jitter, this.waiters);
  }

  /** Resolves after `ms` (or when woken from `into`); fails when the transport closes. */
  private sleep(ms: number, into: Set<Waiter>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed) return reject(new SyncStoppedError());
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          into.delete(w);
          resolve();
        }, ms),
      };
      into.add(w);
    });
  }

  /**
   * Waits until no push has been under way for PUSH_QUIET_MS (at most MAX_POLL_DEFER_MS). While
   * this laptop pushes, a poll would mostly read back the echo of its own writes (the server still
   * has to read and send them, even though keepRows drops them), slowing the push it competes
   * with; and RxDB holds pulled changes until the push is done anyway.
   */
  private async afterPushes(): Promise<void> {
    const until = Date.now() + MAX_POLL_DEFER_MS;
    for (;;) {
      const quietIn = this.pushesInFlight > 0 ? PUSH_QUIET_MS : this.lastPushAt + PUSH_QUIET_MS - Date.now();
      const wait = Math.min(quietIn, until - Date.now());
      if (wait <= 0) return;
      await this.sleep(wait, this.sleepers);
    }
  }

  /** Answers a long-poll `_changes` by polling the normal feed on the shared schedule. */
  private async emulateLongPoll(url: string, db: string): Promise<Response> {
    const u = new URL(url);
    u.searchParams.set('feed', 'normal');
    u.searchParams.delete('heartbeat');
    u.searchParams.delete('timeout');
    const firstSince = u.searchParams.get('since');
    const limit = Number(u.searchParams.get('limit') ?? 0);
    for (;;) {
      if (firstSince !== 'now') await this.afterPushes();
      const res = await this.request(u.toString(), undefined, db);
      const json = (await this.readJson(res)) as ChangesPage;
      if (!Array.isArray(json.results)) throw new SyncError('server-error', 'The server answered _changes without results.');
      const raw = json.results.length;
      json.results = this.keepRows(db, json.results);
      if (json.results.length > 0) {
        // Something happened: every feed polls soon again.
        this.wake();
        return jsonResponse(200, json);
      }
      if (firstSince === 'now') return jsonResponse(200, json);
      if (raw > 0 && json.last_seq !== undefined) u.searchParams.set('since', String(json.last_seq));
      // A full page of dropped rows: more changes are waiting, read them now.
      if (limit > 0 && raw === limit) continue;
      await this.waitForPoll(db);
    }
  }

  private async bulkDocs(res: Response, db: string, init: RequestInit | undefined): Promise<Response> {
    const rows = (await this.readJson(res)) as { id: string; rev?: string; ok?: boolean; error?: string; reason?: string }[];
    if (!Array.isArray(rows)) throw new SyncError('server-error', 'The server answered _bulk_docs without a list.');
    let sent: Record<string, unknown>[] = [];
    try {
      sent = ((JSON.parse(String(init?.body ?? '{}')) as { docs?: Record<string, unknown>[] }).docs ?? []) as Record<string, unknown>[];
    } catch {
      sent = [];
    }
    const byId = new Map(sent.map((d) => [String(d._id), d]));
    const kept: typeof rows = [];
    const rejected: RejectedRow[] = [];
    for (const row of rows) {
      if (row.ok || row.error === 'conflict') {
        kept.push(row);
        continue;
      }
      const d = byId.get(row.id);
      let doc: Record<string, unknown> | null = null;
      if (d) {
        const { _id, _rev: _r, ...rest } = d;
        doc = { ...rest, id: _id };
      }
      rejected.push({ db, id: row.id, error: row.error ?? 'error', reason: row.reason ?? (REJECTED.has(row.error ?? '') ? 'Refused by the server' : 'The server could not store it'), doc });
    }
    if (rejected.length) this.options.onRejected?.(rejected);
    const accepted: Record<string, unknown>[] = [];
    for (const r of kept) {
      const d = r.ok ? byId.get(r.id) : undefined;
      if (!d) continue;
      const { _id, _rev: _r, ...rest } = d;
      accepted.push({ ...rest, id: _id });
    }
    if (accepted.length) this.options.onAccepted?.(db, accepted);
    let mine = this.written.get(db);
    if (!mine) this.written.set(db, (mine = new Map()));
    for (const r of kept) if (r.ok && r.rev) mine.set(r.id, r.rev);
    // Local activity: poll the other feeds at the fast rate again.
    this.pollDelay.clear();
    return jsonResponse(res.status, kept);
  }

  /** Fills `doc` for deleted rows of the push pre-check, so deletions reach the conflict policy. */
  private async allDocs(res: Response, db: string): Promise<Response> {
    const json = (await this.readJson(res)) as { rows?: { id?: string; key: string; value?: { rev: string; deleted?: boolean }; doc?: unknown }[] };
    const rows = json.rows ?? [];
    const deleted = rows.filter((r) => r.value?.deleted && !r.doc && r.id);
    if (deleted.length) {
      const bulk = await this.request(
        `${this.root}${encodeURIComponent(db)}/_bulk_get?revs=false`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs: deleted.map((r) => ({ id: r.id, rev: r.value!.rev })) }) },
        db,
      );
      const got = (await this.readJson(bulk)) as { results?: { id: string; docs: { ok?: Record<string, unknown> }[] }[] };
      const bodies = new Map<string, Record<string, unknown>>();
      for (const r of got.results ?? []) {
        const ok = r.docs.find((d) => d.ok)?.ok;
        if (ok) bodies.set(r.id, ok);
      }
      for (const r of deleted) {
        const body = bodies.get(r.id!);
        if (body) r.doc = { ...body, _deleted: true };
      }
    }
    return jsonResponse(res.status, json);
  }
}

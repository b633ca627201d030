/**
 * Every request of one sync session to the server goes through one `SyncHttp`:
 *
 * - it is sent with the host's requester (`bridge.sync.fetch`: the main process in the desktop
 *   app, the browser bridge in the web build), as a path relative to the server, so the password
 *   never reaches this code;
 * - at most `maxConcurrent` requests are in flight (default 4: Chromium allows 6 connections per
 *   host, and the browser build's requests share them with everything else on the page);
 * - failures become typed `SyncError`s (errors.ts); the first answer a person must act on (a
 *   401: wrong or changed password; the account locked; not a member; the practice missing) ends
 *   the session's requests at once: the queued ones are never sent and the others are abandoned,
 *   because every further request with the same password would fail too, and each failed
 *   sign-in counts towards CouchDB's lockout (5 failures lock the account for 5 minutes);
 * - `close()` ends it: waiting and later requests fail with `SyncStoppedError`.
 *
 * It rewrites nothing: the caller (couchdb.ts) builds each request and reads each answer.
 */
import {
  networkErrorCodeOf,
  type SyncFetchRequest,
  type SyncFetchResponse,
  type SyncRequester,
} from '../../../../src-shared/sync/http-contract';
import { NEEDS_USER_ACTION, SyncError, SyncStoppedError, errorFromHttp, errorFromNetworkCode, toSyncError } from './errors';

function errorBody(text: string): { error?: string; reason?: string } {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as { error?: string; reason?: string }) : {};
  } catch {
    return { reason: text.slice(0, 200) };
  }
}

export interface HttpAnswer<T> {
  status: number;
  json: T;
}

export interface SyncHttpOptions {
  maxConcurrent?: number;
  /** Called once with the first error that ends the session (credentials). */
  onFatal?: (error: SyncError) => void;
}

export class SyncHttp {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly max: number;
  private closed = false;
  private fatal: SyncError | null = null;
  private readonly abandon = new Set<(e: Error) => void>();
  /** Requests sent so far (diagnostics and tests). */
  sent = 0;

  constructor(
    private readonly request: SyncRequester,
    private readonly options: SyncHttpOptions = {},
  ) {
    this.max = Math.max(1, options.maxConcurrent ?? 4);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The error that ended this session's requests, if any. */
  get fatalError(): SyncError | null {
    return this.fatal;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new SyncStoppedError());
  }

  private failAll(e: Error): void {
    for (const reject of [...this.abandon]) reject(e);
    this.abandon.clear();
    for (const wake of this.queue.splice(0)) wake();
  }

  private stopError(): Error {
    return this.fatal ?? new SyncStoppedError();
  }

  private async slot(): Promise<void> {
    if (this.closed || this.fatal) throw this.stopError();
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    if (this.closed || this.fatal) throw this.stopError();
    this.active++;
  }

  private release(): void {
    this.active--;
    this.queue.shift()?.();
  }

  /** One request; resolves with the raw answer (any HTTP status), rejects on no answer or when the session ends. */
  async raw(req: SyncFetchRequest): Promise<SyncFetchResponse> {
    await this.slot();
    try {
      this.sent++;
      const res = await new Promise<SyncFetchResponse>((resolve, reject) => {
        this.abandon.add(reject);
        this.request(req)
          .then(resolve, (e: unknown) => reject(toSyncError(e)))
          .finally(() => this.abandon.delete(reject));
      });
      if (this.closed || this.fatal) throw this.stopError();
      if (res.status === 0) throw errorFromNetworkCode(networkErrorCodeOf(res), res.statusText, req.path);
      // Decided before this request's slot is free, so no queued request starts after it.
      const err = res.status >= 400 ? errorFromHttp(res.status, errorBody(res.body), req.path) : null;
      if (err && NEEDS_USER_ACTION.has(err.kind)) {
        this.endWith(err);
        throw err;
      }
      return res;
    } finally {
      this.release();
    }
  }

  /**
   * A JSON request. HTTP errors become SyncErrors, except the statuses in `accept` (and 404 of a
   * document, 409, 412: `errorFromHttp` leaves them to the caller), which are returned.
   */
  async json<T>(method: SyncFetchRequest['method'], path: string, body?: unknown): Promise<HttpAnswer<T>> {
    const req: SyncFetchRequest = {
      method,
      path,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
    const res = await this.raw(req);
    let json: unknown;
    try {
      json = res.body === '' ? null : JSON.parse(res.body);
    } catch {
      if (res.status >= 400) json = { reason: res.body.slice(0, 200) };
      else
        throw new SyncError('server-error', `The server's answer is not JSON (is this a CouchDB server?): ${res.body.slice(0, 120)}`, {
          status: res.status,
          path,
        });
    }
    if (res.status >= 400) {
      const err = errorFromHttp(res.status, (json ?? {}) as { error?: string; reason?: string }, path);
      if (err) throw err;
    }
    return { status: res.status, json: json as T };
  }

  /** Ends the session's requests with `err` (the first such error wins). */
  endWith(err: SyncError): void {
    if (this.fatal || this.closed) return;
    this.fatal = err;
    this.failAll(err);
    this.options.onFatal?.(err);
  }
}

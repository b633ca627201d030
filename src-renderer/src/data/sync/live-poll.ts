/**
 * Live changes from the server, for every collection of a session on ONE schedule: the
 * `stream$` of each collection's `replicateRxCollection`.
 *
 * Why not a long-poll per collection (what RxDB's CouchDB plugin does): a renderer has 6
 * connections per host in Chromium, and 11 open long-polls stall every other request; PouchDB
 * Server's long-poll also ignores `timeout`. So the poll reads each database's
 * `_changes?feed=normal` from where it stopped, through the session's `SyncHttp` (at most 4
 * requests in flight; the first database alone, then the others), every `minMs` (2 s) after activity, backing off ×1.6 to `maxMs` (20 s)
 * when nothing changes. A change seen anywhere, a local write, "Sync now" or coming back online
 * (`wake()`) polls at once. While this laptop pushes, polls wait until its pushes have been quiet
 * for 1.5 s (at most 15 s): they would mostly read back its own writes, and RxDB holds pulled
 * changes until a push is done anyway.
 *
 * Each page goes through the pull's row filter (pull.ts: no design documents, no echo of our own
 * writes, records the local schema refuses set aside) and, if anything is left, is handed to
 * RxDB with its checkpoint.
 */
import { Subject, type Observable } from 'rxjs';
import type { RxReplicationPullStreamItem } from 'rxdb';
import { SyncStoppedError, toSyncError, type SyncError } from './errors';
import type { AppDoc } from './couchdb';
import { keepRows, type CouchCheckpoint, type PullContext } from './pull';

/** Live polls wait until no push has been under way for this long… */
export const PUSH_QUIET_MS = 1500;
/** …but never longer than this. */
export const MAX_POLL_DEFER_MS = 15_000;

/** Pushes under way in a session, and when the last one ended (push.ts marks them). */
export class PushActivity {
  inFlight = 0;
  lastEnd = 0;
  begin(): void {
    this.inFlight++;
  }
  end(): void {
    this.inFlight--;
    this.lastEnd = Date.now();
  }
}

interface Feed {
  name: string;
  ctx: PullContext;
  since: unknown;
  subject: Subject<RxReplicationPullStreamItem<AppDoc, CouchCheckpoint>>;
}

export interface LivePollOptions {
  minMs?: number;
  maxMs?: number;
  /** Changes read per request. */
  batchSize: number;
  pushes: PushActivity;
  /** A poll failed: the session ends (and reconnects by its own rules). */
  onError(error: SyncError): void;
}

export class LivePoll {
  private readonly feeds: Feed[] = [];
  private readonly minMs: number;
  private readonly maxMs: number;
  private delay: number;
  private closed = false;
  private started = false;
  private sleeping: { timer: ReturnType<typeof setTimeout>; resolve: () => void } | null = null;
  /** Polls done so far (tests). */
  polls = 0;

  constructor(private readonly options: LivePollOptions) {
    this.minMs = options.minMs ?? 2000;
    this.maxMs = Math.max(this.minMs, options.maxMs ?? 20_000);
    this.delay = this.minMs;
  }

  /** The stream of one collection's live changes (its `pull.stream$`). */
  feed(name: string, ctx: PullContext): Observable<RxReplicationPullStreamItem<AppDoc, CouchCheckpoint>> {
    const f: Feed = { name, ctx, since: 'now', subject: new Subject() };
    this.feeds.push(f);
    return f.subject.asObservable();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.run();
  }

  /** Polls now, and at the fast rate again. */
  wake(): void {
    this.delay = this.minMs;
    const s = this.sleeping;
    if (s) {
      clearTimeout(s.timer);
      this.sleeping = null;
      s.resolve();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    for (const f of this.feeds) f.subject.complete();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.sleeping = {
        resolve,
        timer: setTimeout(() => {
          this.sleeping = null;
          resolve();
        }, ms),
      };
    });
  }

  /** Waits until pushes have been quiet for PUSH_QUIET_MS (at most MAX_POLL_DEFER_MS). */
  private async afterPushes(): Promise<void> {
    const until = Date.now() + MAX_POLL_DEFER_MS;
    const p = this.options.pushes;
    while (!this.closed) {
      const quietIn = p.inFlight > 0 ? PUSH_QUIET_MS : p.lastEnd + PUSH_QUIET_MS - Date.now();
      const wait = Math.min(quietIn, until - Date.now());
      if (wait <= 0) return;
      // Not woken by wake(): a local write during a push should not make the poll jump the queue.
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private async run(): Promise<void> {
    let first = true;
    try {
      while (!this.closed) {
        if (!first) await this.afterPushes();
        if (this.closed) return;
        // One database first, alone: when the password was changed on the server, that one
        // request is the only one refused (each refusal counts towards CouchDB's lockout).
        const [head, ...rest] = this.feeds;
        const seen = head ? [await this.poll(head), ...(await Promise.all(rest.map((f) => this.poll(f))))] : [];
        first = false;
        this.delay = seen.some(Boolean) ? this.minMs : Math.min(this.maxMs, Math.round(this.delay * 1.6));
        await this.sleep(this.delay + Math.round(this.delay * 0.1 * Math.random()));
      }
    } catch (e) {
      if (this.closed || e instanceof SyncStoppedError) return;
      this.options.onError(toSyncError(e));
    }
  }

  /** Reads one feed up to its end; returns whether it held changes for RxDB. */
  private async poll(f: Feed): Promise<boolean> {
    const limit = this.options.batchSize;
    let seen = false;
    for (;;) {
      this.polls++;
      const page = await f.ctx.db.changes(f.since, limit);
      if (this.closed) return seen;
      const documents = f.since === 'now' ? [] : keepRows(f.ctx, page.results);
      if (page.last_seq !== undefined && page.last_seq !== null) f.since = page.last_seq;
      if (documents.length > 0) {
        seen = true;
        f.subject.next({ documents, checkpoint: { sequence: f.since } });
      }
      if (page.results.length < limit) return seen;
    }
  }
}

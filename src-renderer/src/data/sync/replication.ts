/**
 * One collection's replication in a session: RxDB's generic `replicateRxCollection` with the
 * CouchDB calls of this folder as its pull handler (pull.ts), push handler (push.ts) and
 * `stream$` (live-poll.ts). RxDB keeps the checkpoints, the local bookkeeping of what the server
 * has, the batching and the conflict handling; every request it causes is one of ours.
 *
 * The replication identifier is the one RxDB's CouchDB plugin was given before
 * (`tutordesk|<server>|<database>`), with the same checkpoint form (`{ sequence }`) and the same
 * documents in its bookkeeping, so a laptop that synced with an older version continues where
 * it stopped instead of starting over.
 */
import type { RxCollection, RxConflictHandler } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { AppDoc, CouchDatabase } from './couchdb';
import type { LivePoll } from './live-poll';
import { pullChanges, type CouchCheckpoint, type PullContext } from './pull';
import { pushRows, type PushContext } from './push';

export type CollectionReplication = RxReplicationState<AppDoc, CouchCheckpoint>;

export interface ReplicateOptions {
  collection: RxCollection<AppDoc>;
  serverRoot: string;
  db: CouchDatabase;
  pull: Omit<PullContext, 'db'>;
  push: Omit<PushContext, 'db' | 'isEqual'>;
  live: LivePoll;
  batchSize: { pull: number; push: number };
  /** A handler failed (before RxDB emits it on error$ and retries): the session decides. */
  onError(error: unknown): void;
}

/** Runs a handler; its failure is reported to the session, then to RxDB. */
async function reported<T>(run: () => Promise<T>, onError: (e: unknown) => void): Promise<T> {
  try {
    return await run();
  } catch (e) {
    onError(e);
    throw e;
  }
}

export function replicationIdentifier(serverRoot: string, dbName: string): string {
  return `tutordesk|${serverRoot}|${dbName}`;
}

export function replicateCollection(o: ReplicateOptions): CollectionReplication {
  const pullCtx: PullContext = { ...o.pull, db: o.db };
  const handler = o.collection.conflictHandler as unknown as RxConflictHandler<AppDoc>;
  const pushCtx: PushContext = { ...o.push, db: o.db, isEqual: (a, b) => handler.isEqual(a, b, 'tutordesk-push-precheck') };
  return replicateRxCollection<AppDoc, CouchCheckpoint>({
    replicationIdentifier: replicationIdentifier(o.serverRoot, o.db.name),
    collection: o.collection,
    live: true,
    retryTime: 5000,
    waitForLeadership: false,
    autoStart: true,
    // The app has one window; a hidden one must keep syncing.
    toggleOnDocumentVisible: false,
    pull: {
      batchSize: o.batchSize.pull,
      handler: (checkpoint, batchSize) => reported(() => pullChanges(pullCtx, checkpoint, batchSize), o.onError),
      stream$: o.live.feed(o.db.name, pullCtx),
    },
    push: {
      batchSize: o.batchSize.push,
      handler: (rows) => reported(() => pushRows(pushCtx, rows), o.onError),
    },
  });
}

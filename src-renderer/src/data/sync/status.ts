/**
 * The sync status the always-visible indicator and the Sync screen show (docs/sync.md, "Status"),
 * and the store that publishes it to listeners.
 */
import type { PracticeIdentity } from '../../../../src-shared/sync/names';
import type { SyncErrorKind } from './errors';

export type SyncState = 'stopped' | 'offline' | 'connecting' | 'syncing' | 'up-to-date' | 'error';

export interface SyncStatusError {
  kind: SyncErrorKind;
  message: string;
  action: string;
  /** When trying again makes sense (ISO), e.g. when the server's lockout of the account ends. */
  retryAfter?: string;
}

export interface SyncStatus {
  state: SyncState;
  /** Local changes not yet on the server (refused documents are counted in `quarantined`). */
  pending: number;
  /** Changes that could not be synced, listed with the reason (watchQuarantine). */
  quarantined: number;
  /** Conflicts that need a person (watchSyncConflicts). */
  conflicts: number;
  /** When the last sync completed (ISO), null if never. */
  lastSyncedAt: string | null;
  /** Documents received from / sent to the server since this connection started. */
  pulled: number;
  pushed: number;
  /** During the first sync of a practice: documents received so far of the server's total. */
  progress: { done: number; total: number } | null;
  /** What is wrong and what to do (state error, or offline because the server is unreachable). */
  error: SyncStatusError | null;
  /** When the next automatic attempt is due (ISO), null if none is planned. */
  nextRetryAt: string | null;
  /** Who the server says we are (after a successful connection). */
  identity: (PracticeIdentity & { username: string }) | null;
}

export function initialStatus(lastSyncedAt: string | null): SyncStatus {
  return {
    state: 'connecting',
    pending: 0,
    quarantined: 0,
    conflicts: 0,
    lastSyncedAt,
    pulled: 0,
    pushed: 0,
    progress: null,
    error: null,
    nextRetryAt: null,
    identity: null,
  };
}

/** Holds the current status and tells every listener about each change. */
export class StatusStore {
  private status: SyncStatus;
  private readonly listeners = new Set<(s: SyncStatus) => void>();

  constructor(
    initial: SyncStatus,
    /** Fields computed elsewhere and read at every change (the pending count). */
    private readonly computed: () => Partial<SyncStatus> = () => ({}),
  ) {
    this.status = { ...initial, ...computed() };
  }

  get(): SyncStatus {
    return this.status;
  }

  listen(l: (s: SyncStatus) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  update(patch: Partial<SyncStatus> = {}): void {
    this.status = { ...this.status, ...patch, ...this.computed() };
    for (const l of this.listeners) {
      try {
        l(this.status);
      } catch (e) {
        console.error('sync status listener failed', e);
      }
    }
  }

  /** One more document received; during a first sync also its progress. */
  received(): void {
    const p = this.status.progress;
    this.update({ pulled: this.status.pulled + 1, progress: p ? { done: p.done + 1, total: Math.max(p.total, p.done + 1) } : null });
  }
}

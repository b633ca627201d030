/**
 * Where the handlers' reports go: documents the server stored (the pending set, the sent count,
 * entries of the refused-changes list they resolve), writes refused for good (the refused-changes
 * list with the server's reason, out of the pending set), and records from the server the local
 * schema refuses (listed too, as not stored) or accepts again (taken off the list).
 */
import type { CollectionName } from '../../../../src-shared/model/schemas';
import type { AnyDoc } from '../../../../src-shared/sync/merge';
import type { AppDoc } from './couchdb';
import type { PendingChanges } from './pending';
import type { PulledRecordRefused } from './pull';
import type { RefusedWrite } from './push';
import { quarantineDocs, releaseQuarantined, type LocalDb } from './review-lists';
import type { StatusStore } from './status';

export class SyncReports {
  constructor(
    private readonly db: LocalDb & { readonly closed: boolean },
    private readonly pending: PendingChanges,
    private readonly status: StatusStore,
  ) {}

  accepted(c: CollectionName, docs: readonly AppDoc[]): void {
    this.pending.accepted(c, docs as unknown as AnyDoc[]);
    if (this.status.get().quarantined > 0 && !this.db.closed)
      void releaseQuarantined(
        this.db,
        c,
        docs.map((d) => d.id),
      ).catch(() => undefined);
    this.status.update({ pushed: this.status.get().pushed + docs.length });
  }

  refused(c: CollectionName, rows: readonly RefusedWrite[]): void {
    this.pending.refused(
      c,
      rows.map((r) => r.id),
    );
    const at = new Date().toISOString();
    if (!this.db.closed) {
      void quarantineDocs(
        this.db,
        rows.map((r) => ({
          collection: c,
          docId: r.id,
          error: r.error,
          reason: r.reason,
          doc: r.doc,
          quarantinedAt: at,
          origin: 'local' as const,
        })),
      ).catch(() => undefined);
    }
    this.status.update();
  }

  pulledInvalid(c: CollectionName, rows: readonly PulledRecordRefused[]): void {
    if (this.db.closed) return;
    const at = new Date().toISOString();
    const reason = (r: PulledRecordRefused) =>
      `This record from the server does not fit this version of TutorDesk, so it was not stored on this computer: ${r.reason}`;
    void quarantineDocs(
      this.db,
      rows.map((r) => ({
        collection: c,
        docId: r.id,
        error: 'invalid',
        reason: reason(r),
        doc: r.doc,
        quarantinedAt: at,
        origin: 'server' as const,
      })),
    ).catch(() => undefined);
  }

  pulledValid(c: CollectionName, ids: readonly string[]): void {
    if (this.status.get().quarantined > 0 && !this.db.closed) void releaseQuarantined(this.db, c, ids, 'server').catch(() => undefined);
  }
}

/**
 * The echo of this session's own writes. A `_changes` row whose document is at the very revision
 * this session's `_bulk_docs` created holds nothing the laptop lacks: RxDB would read it, compare
 * it with the local version, skip it, and hold up the rest of the pull meanwhile. The push
 * handler records each revision it created (`wrote`); the pull handler and the live poll drop
 * the row carrying it (`isEcho`), once. A later change of the same document by anyone has
 * another revision and is kept.
 */
import type { ChangeRow } from './couchdb';

export class OwnWrites {
  private readonly revs = new Map<string, string>();

  wrote(id: string, rev: string): void {
    this.revs.set(id, rev);
  }

  /** Whether `row` is the echo of our own write (forgotten once seen). */
  isEcho(row: Pick<ChangeRow, 'id' | 'doc'>): boolean {
    const rev = this.revs.get(row.id);
    if (rev === undefined) return false;
    this.revs.delete(row.id);
    return row.doc?._rev === rev;
  }
}

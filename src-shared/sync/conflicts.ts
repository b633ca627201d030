/**
 * Records of conflicts that need a person, and of documents the server refused. Both are kept
 * only on the laptop that met them (RxDB local documents, never replicated) and listed in the
 * sync screen. Pure types and helpers: no Electron, React or DOM.
 */
import type { CollectionName } from '../model/schemas';
import { canonicalJson } from './merge';

export const HUMAN_CONFLICT_KINDS = [
  /** Two laptops issued the same draft invoice with different numbers or dates. */
  'invoice-issued-twice',
  /** A draft edit (or deletion) of an invoice lost against the issued version. */
  'invoice-changed-after-issue',
  /** Two laptops billed the same lesson for the same student on different invoices. */
  'double-billing',
  /** Two laptops edited the same payment's values; the later edit was kept, the other is in its history. */
  'payment-edited-twice',
] as const;
export type HumanConflictKind = (typeof HUMAN_CONFLICT_KINDS)[number];

/** A conflict the policy resolved automatically but a person must look at. */
export interface HumanConflict {
  /** Stable key: the same conflict met twice is recorded once. */
  key: string;
  collection: CollectionName;
  docId: string;
  kind: HumanConflictKind;
  /** One sentence for the user: what happened and what to do. */
  message: string;
  /** The version that is now in the database. */
  kept: Record<string, unknown>;
  /** The version that was set aside (complete, so nothing is lost). */
  setAside: Record<string, unknown>;
}

export interface SyncConflictRecord extends HumanConflict {
  detectedAt: string;
}

/**
 * A change that could not be synced, listed for a person with the reason:
 * - origin 'local' (or absent, as recorded by older versions): a local document the server
 *   refused (validate_doc_update, or a write the server kept refusing with the same answer);
 * - origin 'server': a document received from the server that the local schema refuses, so it
 *   was not stored on this computer (the rest of the pull went on).
 */
export interface QuarantineRecord {
  collection: CollectionName;
  docId: string;
  /** 'forbidden' or 'unauthorized' as answered by the server; 'conflict' after repeated refusals; 'invalid' for a record the local schema refuses. */
  error: string;
  /** The server's reason, e.g. "A tutor may only change their own lessons", or what the local schema refuses. */
  reason: string;
  /** The refused version, complete (a local one is still in the local database too). */
  doc: Record<string, unknown>;
  quarantinedAt: string;
  /** 'update': set aside by a schema migration when TutorDesk was updated (beyond the new limits). */
  origin?: 'local' | 'server' | 'update';
}

export function humanConflictKey(kind: HumanConflictKind, collection: CollectionName, docId: string, a: unknown, b: unknown): string {
  const [x, y] = [canonicalJson(a), canonicalJson(b)].sort();
  let h = 2166136261;
  for (const ch of `${x}\u0000${y}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return `${collection}/${docId}/${kind}/${h.toString(16)}`;
}

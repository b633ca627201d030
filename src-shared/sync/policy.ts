/**
 * The conflict policy of every collection (docs/sync.md, "Conflict policy"). A conflict is met
 * when a laptop pushes a version based on a server state that has changed meanwhile; RxDB then
 * asks the collection's conflict handler for the resolved version, which is written locally and
 * pushed. `resolveConflict` is that decision, pure and deterministic.
 *
 * - structured records (students, families, staff, settings, lessons, occurrences, payments,
 *   closures): field-level merge by per-field clock stamps (merge.ts), with set semantics for
 *   `lessons.exdates` and per-student merge of `occurrences.studentStatus`;
 * - notes: text is never lost: `mergeNotes` (src-shared/notes/merge.ts) keeps one text current
 *   and the other version in `note.conflicts` when both sides changed the same text field;
 * - invoices: drafts merge field by field; an issued (or void) version wins over a draft edit or a
 *   deletion; two different issuances of one invoice keep the one already on the server (the
 *   server refuses changes to an issued invoice) and record the other for a person;
 * - billingclaims: the same claim id pointing at two different invoices is double billing: the
 *   claim created first wins and the conflict is recorded for a person;
 * - payments: the history of edits (`revisions`) is the union of both sides. A payment edited on
 *   two laptops at once keeps the later edit whole (amount, date, method, reference, allocations
 *   and notes belong together), adds the other edit's values to the history, and records the
 *   conflict for a person; other fields merge as structured records;
 * - delete versus edit, everywhere: see merge.ts (an edit made after the delete resurrects).
 *
 * Pure: no Electron, React or DOM.
 */
import type { CollectionName } from '../model/schemas';
import { mergePaymentRevisions } from '../billing/corrections';
import type { Note, Payment, PaymentRevision } from '../model/types';
import { mergeNotes } from '../notes/merge';
import { humanConflictKey, type HumanConflict } from './conflicts';
import {
  byIdMerger,
  canonicalJson,
  docsEqual,
  isUserField,
  mapMerger,
  mergeDocs,
  setMerger,
  stampOf,
  type AnyDoc,
  type FieldMerger,
} from './merge';

export interface ConflictInput<T = AnyDoc> {
  /** The version on the server now. */
  realMasterState: T;
  /** The local version that could not be pushed. */
  newDocumentState: T;
  /** The server version the local edit was based on, when known. */
  assumedMasterState?: T;
}

export interface Resolution {
  document: AnyDoc;
  /** Conflicts a person must look at (empty for automatic merges). */
  human: HumanConflict[];
}

/** Three-way/set mergers per collection and field. */
export const FIELD_MERGERS: Partial<Record<CollectionName, Record<string, FieldMerger>>> = {
  lessons: { exdates: setMerger },
  occurrences: { studentStatus: mapMerger },
  // Rooms added on two laptops offline are both kept (docs/schedule.md "Rooms").
  settings: { rooms: byIdMerger },
  payments: { revisions: ({ a, b }) => mergePaymentRevisions(a as PaymentRevision[] | undefined, b as PaymentRevision[] | undefined) },
};

function structured(collection: CollectionName, input: ConflictInput): Resolution {
  const base = input.assumedMasterState;
  return {
    document: mergeDocs(input.realMasterState, input.newDocumentState, {
      ...(base ? { base } : {}),
      fieldMergers: FIELD_MERGERS[collection] ?? {},
    }),
    human: [],
  };
}

/**
 * Notes: never lose text. Two live versions are merged by the notes feature's `mergeNotes`
 * (src-shared/notes/merge.ts: three-way per text field with the common version when RxDB knows
 * it; when both sides changed a text, the later version's text is current and the other version
 * goes into `note.conflicts`). A deletion against an edit follows the general rule (merge.ts),
 * whose tombstone keeps the newest texts.
 */
export function resolveNote(input: ConflictInput): Resolution {
  const master = input.realMasterState;
  const fork = input.newDocumentState;
  if (master._deleted || fork._deleted) return { document: mergeDocs(master, fork), human: [] };
  const base = input.assumedMasterState && !input.assumedMasterState._deleted ? (input.assumedMasterState as unknown as Note) : undefined;
  const merged = mergeNotes(fork as unknown as Note, master as unknown as Note, base) as unknown as AnyDoc;
  const { _meta: _m, _rev: _r, _attachments: _a, ...rest } = merged as AnyDoc & { _meta?: unknown; _rev?: unknown; _attachments?: unknown };
  return { document: { ...rest, _deleted: false }, human: [] };
}

const INVOICE_RANK: Record<string, number> = { draft: 0, issued: 1, void: 2 };
const rank = (doc: AnyDoc) => INVOICE_RANK[String(doc.status)] ?? 0;
const issuance = (doc: AnyDoc) => `${String(doc.issuedAt ?? '')}|${String(doc.number ?? '')}`;

/** Whether `a` holds edits `b` has not seen: a newer stamp on a field with a different value. */
function hasUnseenEdits(a: AnyDoc, b: AnyDoc): boolean {
  for (const k of Object.keys(a)) {
    if (!isUserField(k)) continue;
    if (stampOf(a, k) > stampOf(b, k) && canonicalJson(a[k]) !== canonicalJson(b[k])) return true;
  }
  return false;
}

/** The kept version as it is: an issued invoice or a claim is never blended with the other. */
const whole = (kept: AnyDoc): AnyDoc => ({ ...kept, _deleted: Boolean(kept._deleted) });

export function resolveInvoice(input: ConflictInput): Resolution {
  const master = input.realMasterState;
  const fork = input.newDocumentState;
  const liveIssued = (d: AnyDoc) => !d._deleted && rank(d) > 0;
  const id = String(master.id ?? fork.id ?? '');

  if (!liveIssued(master) && !liveIssued(fork)) return structured('invoices', input);

  if (liveIssued(master) && liveIssued(fork)) {
    if (issuance(master) === issuance(fork)) {
      // Same issuance (e.g. one laptop voided it): merge, the later lifecycle state wins.
      const merged = mergeDocs(master, fork);
      const later = rank(master) >= rank(fork) ? master : fork;
      merged.status = later.status;
      merged.voidedBy = later.voidedBy ?? merged.voidedBy;
      return { document: merged, human: [] };
    }
    // Two different issuances of one draft: the server's is immutable and stays.
    const kept = master;
    const setAside = fork;
    return {
      document: whole(kept),
      human: [
        {
          key: humanConflictKey('invoice-issued-twice', 'invoices', id, kept, setAside),
          collection: 'invoices',
          docId: id,
          kind: 'invoice-issued-twice',
          message:
            `Invoice ${String(kept.number)} was issued on two laptops (the other copy as ${String(setAside.number)}). ` +
            `The copy already on the server was kept; if the other copy was sent to the family, issue a credit note or tell them which one to pay.`,
          kept: { ...kept },
          setAside: { ...setAside },
        },
      ],
    };
  }

  // Exactly one side is issued: it wins over a draft edit or a deletion.
  const issued = liveIssued(master) ? master : fork;
  const other = issued === master ? fork : master;
  const human: HumanConflict[] = [];
  if (other._deleted || hasUnseenEdits(other, issued)) {
    human.push({
      key: humanConflictKey('invoice-changed-after-issue', 'invoices', id, issued, other),
      collection: 'invoices',
      docId: id,
      kind: 'invoice-changed-after-issue',
      message: other._deleted
        ? `Draft invoice was deleted on one laptop while it was issued as ${String(issued.number)} on another; the issued invoice was kept. Void it with a credit note if it is wrong.`
        : `Changes to the draft of invoice ${String(issued.number)} were made after it was issued on another laptop; the issued invoice was kept and the changes set aside. Issue a credit note and a new invoice if they matter.`,
      kept: { ...issued },
      setAside: { ...other },
    });
  }
  return { document: whole(issued), human };
}

export function resolveBillingClaim(input: ConflictInput): Resolution {
  const master = input.realMasterState;
  const fork = input.newDocumentState;
  if (master._deleted || fork._deleted || master.invoiceId === fork.invoiceId) return structured('billingclaims', input);
  const order = (d: AnyDoc) => `${String(d.createdAt ?? '')}|${String(d.invoiceId ?? '')}`;
  const kept = order(master) <= order(fork) ? master : fork;
  const setAside = kept === master ? fork : master;
  const id = String(master.id ?? fork.id ?? '');
  return {
    document: whole(kept),
    human: [
      {
        key: humanConflictKey('double-billing', 'billingclaims', id, kept, setAside),
        collection: 'billingclaims',
        docId: id,
        kind: 'double-billing',
        message:
          `The same lesson was billed twice for one student: on invoice ${String(kept.invoiceId)} (kept) and on invoice ${String(setAside.invoiceId)}. ` +
          `Remove the lesson from the second invoice, or credit it if that invoice was already issued.`,
        kept: { ...kept },
        setAside: { ...setAside },
      },
    ],
  };
}

/** A payment's values an edit replaces together (the history keeps them as one revision). */
const PAYMENT_VALUE_FIELDS = ['amount', 'date', 'method', 'reference', 'allocations', 'notes'] as const;
const revisionKey = (r: PaymentRevision) => `${r.revisedAt}|${r.deviceId}|${r.revisedBy}`;
const lastEdit = (d: AnyDoc, unseen: PaymentRevision[]) => {
  const last = unseen[unseen.length - 1]!;
  return `${last.revisedAt}|${String(d.deviceId ?? '')}`;
};

/**
 * Payments: edits are never lost. When only one side edited the payment's values, the structured
 * merge keeps that edit and the union of both histories. When both did (each holds revisions the
 * other has not seen), the later edit is kept whole, the other edit's values go into the history
 * as a revision ("set aside"), and a person is asked to check.
 */
export function resolvePayment(input: ConflictInput): Resolution {
  const master = input.realMasterState;
  const fork = input.newDocumentState;
  const merged = structured('payments', input);
  if (master._deleted || fork._deleted) return merged;
  const revs = (d: AnyDoc) => (Array.isArray(d.revisions) ? (d.revisions as PaymentRevision[]) : []);
  const keys = (d: AnyDoc) => new Set(revs(d).map(revisionKey));
  const unseenIn = (d: AnyDoc, other: AnyDoc) => revs(d).filter((r) => !keys(other).has(revisionKey(r)));
  const masterEdits = unseenIn(master, fork);
  const forkEdits = unseenIn(fork, master);
  const differs = PAYMENT_VALUE_FIELDS.some((f) => canonicalJson(master[f]) !== canonicalJson(fork[f]));
  if (masterEdits.length === 0 || forkEdits.length === 0 || !differs) return merged;
  const masterLater = lastEdit(master, masterEdits) >= lastEdit(fork, forkEdits);
  const [kept, setAside, keptEdits, setAsideEdits] = masterLater
    ? [master, fork, masterEdits, forkEdits]
    : [fork, master, forkEdits, masterEdits];
  const keptLast = keptEdits[keptEdits.length - 1]!;
  const setAsideLast = setAsideEdits[setAsideEdits.length - 1]!;
  const p = setAside as unknown as Payment;
  const setAsideValues: PaymentRevision = {
    amount: p.amount,
    date: p.date,
    method: p.method,
    reference: p.reference,
    allocations: p.allocations,
    notes: p.notes,
    revisedAt: keptLast.revisedAt,
    revisedBy: setAsideLast.revisedBy,
    deviceId: String(setAside.deviceId ?? setAsideLast.deviceId),
    reason: `Edited on two computers at once: this edit was set aside for the later one (${keptLast.revisedAt}).`,
  };
  const document: AnyDoc = { ...merged.document };
  for (const f of PAYMENT_VALUE_FIELDS) document[f] = kept[f];
  document.revisions = mergePaymentRevisions(document.revisions as PaymentRevision[] | undefined, [setAsideValues]);
  const id = String(master.id ?? fork.id ?? '');
  return {
    document,
    human: [
      {
        key: humanConflictKey('payment-edited-twice', 'payments', id, kept, setAside),
        collection: 'payments',
        docId: id,
        kind: 'payment-edited-twice',
        message:
          `A payment of ${String(p.date)} was edited on two computers at once. The later edit is kept; the other one is in the payment's history. ` +
          `Check the amount and what it pays, and edit the payment again if the kept values are wrong.`,
        kept: { ...kept },
        setAside: { ...setAside },
      },
    ],
  };
}

/** The resolved version for a conflict in `collection`. */
export function resolveConflict(collection: CollectionName, input: ConflictInput): Resolution {
  if (docsEqual(input.realMasterState, input.newDocumentState)) {
    return { document: { ...input.realMasterState }, human: [] };
  }
  switch (collection) {
    case 'notes':
      return resolveNote(input);
    case 'invoices':
      return resolveInvoice(input);
    case 'billingclaims':
      return resolveBillingClaim(input);
    case 'payments':
      return resolvePayment(input);
    default:
      return structured(collection, input);
  }
}

/**
 * Who may do what in a practice: the permission table, as data. The server rules
 * (validate_doc_update, ./validate-doc-update.ts) are generated from it and enforce it on every
 * write; the UI asks the same table (`can`, `decide`) to hide or disable what a role may not do;
 * docs/security.md shows it (`permissionTableMarkdown`, checked by a test).
 *
 * Two roles: a practice **admin** (CouchDB role `tutordesk-<p>-admin`) and a **tutor** (a member
 * of the practice, `tutordesk-<p>`, without the admin role). The server admin (`_admin`) is not a
 * practice role: it may write anything (repairs, provisioning).
 *
 * Grants per role × collection × action:
 * - `all`: any document;
 * - `own`: only the tutor's own documents (OWNER_FIELDS: the staff id in those fields, before and
 *   after the change, must be the user's staff link);
 * - `drafts`: only while the stored document is a draft (invoices: an issued or void invoice is
 *   immutable; only its bookkeeping fields may change, and an admin may void it);
 * - `none`.
 *
 * Pure: no Electron, React or DOM.
 */
import { META_FIELDS } from '../model/meta';
import { COLLECTION_NAMES, type CollectionName } from '../model/schemas';

export const PRACTICE_ROLES = ['admin', 'tutor'] as const;
export type PracticeRole = (typeof PRACTICE_ROLES)[number];
export const ACTIONS = ['create', 'change', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];
export type Grant = 'all' | 'own' | 'drafts' | 'none';
/** Invoice actions beyond create / change / delete. */
export type InvoiceAction = 'issue' | 'void';

type Row = Record<Action, Grant>;
const ALL: Row = { create: 'all', change: 'all', delete: 'all' };
const NONE: Row = { create: 'none', change: 'none', delete: 'none' };
const OWN: Row = { create: 'own', change: 'own', delete: 'own' };

/** The permission table. */
export const PERMISSIONS: Readonly<Record<CollectionName, Readonly<Record<PracticeRole, Row>>>> = {
  students: { admin: ALL, tutor: { create: 'all', change: 'all', delete: 'none' } },
  families: { admin: ALL, tutor: { create: 'all', change: 'all', delete: 'none' } },
  staff: { admin: ALL, tutor: NONE },
  settings: { admin: ALL, tutor: NONE },
  lessons: { admin: ALL, tutor: OWN },
  occurrences: { admin: ALL, tutor: OWN },
  notes: { admin: ALL, tutor: OWN },
  invoices: { admin: { create: 'all', change: 'drafts', delete: 'drafts' }, tutor: { create: 'all', change: 'drafts', delete: 'drafts' } },
  // Never deleted: a payment is corrected by a reversal (PAYMENT_RULES).
  payments: { admin: { create: 'all', change: 'all', delete: 'none' }, tutor: { create: 'all', change: 'none', delete: 'none' } },
  billingclaims: { admin: ALL, tutor: ALL },
  closures: { admin: ALL, tutor: NONE },
  // The outbox and the families' communication history: a message is cancelled, never deleted.
  messages: { admin: { create: 'all', change: 'all', delete: 'none' }, tutor: { create: 'all', change: 'all', delete: 'none' } },
};

/**
 * Whose document it is, for `own` grants: the first non-empty of these fields is the staff id of
 * its tutor. An occurrence belongs to its substitute (`tutorId`, the per-occurrence override) if
 * it has one, else to its lesson's tutor (`lessonTutorId`, copied from the lesson by the app).
 */
export const OWNER_FIELDS: Readonly<Partial<Record<CollectionName, readonly string[]>>> = {
  lessons: ['tutorId'],
  notes: ['authorId'],
  occurrences: ['tutorId', 'lessonTutorId'],
};

/** Invoice rules beyond the table: which roles may do them. */
export const INVOICE_SPECIAL: Readonly<Record<'issue' | 'void' | 'creditNote', readonly PracticeRole[]>> = {
  /** draft → issued (numbering happens on the laptop). */
  issue: ['admin', 'tutor'],
  /** issued → void, naming the credit note in `voidedBy`. */
  void: ['admin'],
  /** create, change or delete a credit note (`kind: credit_note`). */
  creditNote: ['admin'],
};

/**
 * Payment rules beyond the table (docs/billing.md "Corrections and refunds"): the records of the
 * payments collection are payments, refunds and reversals (`kind`, absent = payment).
 */
export const PAYMENT_RULES = {
  /** Roles that may write refunds and reversals. */
  correction: ['admin'] as readonly PracticeRole[],
  /** Fields a stored payment keeps for ever. */
  fixed: ['kind', 'familyId', 'currency', 'reverses'] as readonly string[],
  /** Fields whose change is an edit, which must add the replaced values to `revisions`. */
  values: ['amount', 'date', 'method', 'reference', 'notes'] as readonly string[],
  reasons: {
    delete: 'A payment is never deleted: reverse it with a reason instead.',
    correction: 'Only a practice admin may record refunds and reversals.',
    reversal: 'A reversal must be stored as reversal:<id of what it reverses> and give a reason.',
    refund: 'A refund must give a reason, and the payments it pays back must add up to its amount.',
    fixed: "A payment's kind, family, currency and what it reverses cannot be changed: reverse it and record it again.",
    history: "A payment's history of edits cannot be rewritten.",
    unrecorded: 'An edited payment keeps the values it replaces in its history.',
  },
} as const;

/** Merging duplicates (docs/data-model.md "Merging duplicates"): `mergedInto` is set once, by these roles. */
export const MERGE_RULES = {
  roles: ['admin'] as readonly PracticeRole[],
  reasons: {
    families: 'Only a practice admin may merge families.',
    students: 'Only a practice admin may merge students.',
    permanent: 'A merged record stays merged.',
  },
} as const;

/** Fields an issued or void invoice may still change: the sync's bookkeeping (and status/voidedBy when voided). */
export const INVOICE_BOOKKEEPING_FIELDS: readonly string[] = [...META_FIELDS, 'status', 'voidedBy'];

/** How each collection is named in sentences ("Only a practice admin may delete payments."). */
export const COLLECTION_NOUNS: Readonly<Record<CollectionName, string>> = {
  students: 'students',
  families: 'families',
  staff: 'staff records',
  settings: 'the practice settings',
  lessons: 'lessons',
  occurrences: 'occurrences',
  notes: 'notes',
  invoices: 'invoices',
  payments: 'payments',
  billingclaims: 'billing claims',
  closures: 'closures',
  messages: 'e-mail messages',
};

/** The reason given when a grant is `none` for a tutor (the same sentence in the rules and the UI). */
export function adminOnlyReason(collection: CollectionName, action: Action): string {
  const row = PERMISSIONS[collection].tutor;
  const verb = ACTIONS.every((a) => row[a] === 'none') ? 'change' : action;
  return `Only a practice admin may ${verb} ${COLLECTION_NOUNS[collection]}.`;
}

/** The reason given when an `own` grant fails. */
export function ownOnlyReason(collection: CollectionName): string {
  if (collection === 'occurrences') return 'A tutor may only change occurrences of their own lessons.';
  return `A tutor may only change their own ${COLLECTION_NOUNS[collection]}.`;
}

export const NO_STAFF_LINK_REASON = (practice: string): string =>
  `Your user is not linked to a staff record of practice ${practice} (role tutordesk-${practice}-staff:<staffId>); ask the practice admin.`;

type Doc = Record<string, unknown>;

/** The staff id that owns a document for `own` grants ('' when none of its owner fields is set). */
export function ownerOf(collection: CollectionName, doc: Doc | null | undefined): string {
  const fields = OWNER_FIELDS[collection];
  if (!fields || !doc) return '';
  for (const f of fields) {
    const v = doc[f];
    if (typeof v === 'string' && v !== '') return v;
  }
  return '';
}

export interface Decision {
  allowed: boolean;
  /** Why not (a sentence for the user), '' when allowed. */
  reason: string;
}

const yes: Decision = { allowed: true, reason: '' };
const no = (reason: string): Decision => ({ allowed: false, reason });

export interface PermissionSubject {
  /** The stored document (change, delete, issue, void) or the new one (create). */
  doc?: Doc | null;
  /** The user's staff record id (their `tutordesk-<p>-staff:` role); needed for `own` grants. */
  staffId?: string;
}

/**
 * May `role` do `action` on a document of `collection`? Without `subject.doc` the answer is for
 * the kind of action ("may a tutor create lessons at all?": yes, their own); with it, for that
 * document. For the UI; the server applies the same table with `checkWrite`'s logic.
 */
export function decide(
  role: PracticeRole,
  collection: CollectionName,
  action: Action | InvoiceAction,
  subject: PermissionSubject = {},
): Decision {
  const doc = subject.doc ?? null;
  if (collection === 'invoices') {
    if (doc && doc.kind === 'credit_note' && !INVOICE_SPECIAL.creditNote.includes(role))
      return no('Only a practice admin may create or change a credit note.');
    if (action === 'void') {
      if (!INVOICE_SPECIAL.void.includes(role)) return no('Only a practice admin may void an invoice.');
      if (doc && doc.status !== 'issued') return no('Only an issued invoice can be voided.');
      return yes;
    }
    if (action === 'issue') {
      if (!INVOICE_SPECIAL.issue.includes(role)) return no('Only a practice admin may issue invoices.');
      if (doc && doc.status !== 'draft') return no(`Invoice ${String(doc.number ?? '')} is already ${String(doc.status)}.`);
      return yes;
    }
  } else if (action === 'issue' || action === 'void') {
    return no(`${COLLECTION_NOUNS[collection]} cannot be ${action === 'issue' ? 'issued' : 'voided'}.`);
  }
  if (collection === 'payments') {
    if (action === 'delete') return no(PAYMENT_RULES.reasons.delete);
    if (doc && typeof doc.kind === 'string' && doc.kind !== 'payment' && !PAYMENT_RULES.correction.includes(role))
      return no(PAYMENT_RULES.reasons.correction);
  }
  const grant = PERMISSIONS[collection][role][action];
  switch (grant) {
    case 'all':
      return yes;
    case 'none':
      return no(adminOnlyReason(collection, action));
    case 'own': {
      if (!doc) return yes;
      if (!subject.staffId) return no('Your user is not linked to a staff record; ask the practice admin.');
      return ownerOf(collection, doc) === subject.staffId ? yes : no(ownOnlyReason(collection));
    }
    case 'drafts': {
      if (!doc || doc.status === 'draft') return yes;
      if (action === 'delete') return no('An issued invoice cannot be deleted; void it with a credit note.');
      return no(`Invoice ${String(doc.number ?? '')} is ${String(doc.status)} and cannot be changed; void it with a credit note instead.`);
    }
  }
}

/** Shorthand for `decide(...).allowed`. */
export function can(
  role: PracticeRole,
  collection: CollectionName,
  action: Action | InvoiceAction,
  subject: PermissionSubject = {},
): boolean {
  return decide(role, collection, action, subject).allowed;
}

/** Stable JSON of a value with sorted keys (undefined members dropped), as the ES5 rules' `canon`. */
function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v as Doc)
      .filter((k) => (v as Doc)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canon((v as Doc)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export interface WriteIdentity {
  practice: string;
  /** Roles of the writer as the server sees them (userCtx.roles). */
  isServerAdmin: boolean;
  isMember: boolean;
  isAdmin: boolean;
  staffId: string;
}

export type WriteRefusal = { error: 'unauthorized' | 'forbidden'; reason: string };

/**
 * The decision of the server rules for one write (before the schema check), in TypeScript: what
 * the generated validate_doc_update does, used by tests to compare the two and by tools that want
 * to predict a write's fate. `oldDoc` is the stored version (null when none or deleted), `newDoc`
 * the new one (`_deleted: true` for a deletion).
 */
export function checkWrite(collection: CollectionName, who: WriteIdentity, oldDoc: Doc | null, newDoc: Doc): WriteRefusal | null {
  if (who.isServerAdmin) return null;
  if (!who.isAdmin && !who.isMember) return { error: 'unauthorized', reason: `You are not a member of practice ${who.practice}.` };
  const id = String(newDoc._id ?? '');
  if (id.startsWith('_design/')) return { error: 'forbidden', reason: 'Only the server admin may change design documents.' };
  if (id.startsWith('_local/')) return null;
  const deleting = newDoc._deleted === true;
  const old = oldDoc && oldDoc._deleted !== true ? oldDoc : null;
  const role: PracticeRole = who.isAdmin ? 'admin' : 'tutor';
  const action: Action = deleting ? 'delete' : old ? 'change' : 'create';
  const grant = PERMISSIONS[collection][role][action];
  const deny = (reason: string): WriteRefusal => ({ error: 'forbidden', reason });
  if (collection === 'payments' && deleting) return deny(PAYMENT_RULES.reasons.delete);
  if (grant === 'none') return deny(adminOnlyReason(collection, action));
  if (grant === 'own') {
    if (!who.staffId) return deny(NO_STAFF_LINK_REASON(who.practice));
    if ((old && ownerOf(collection, old) !== who.staffId) || (!deleting && ownerOf(collection, newDoc) !== who.staffId))
      return deny(ownOnlyReason(collection));
  }
  if (collection === 'payments') return paymentRefusal(role, id, old, newDoc);
  if ((collection === 'families' || collection === 'students') && !deleting) return mergeRefusal(collection, role, old, newDoc);
  if (collection !== 'invoices') return null;
  const mayCredit = INVOICE_SPECIAL.creditNote.includes(role);
  const oldIssued = old !== null && old.status !== 'draft';
  if (deleting) {
    if (oldIssued) return deny('An issued invoice cannot be deleted; void it with a credit note.');
    if (old && old.kind === 'credit_note' && !mayCredit) return deny('Only a practice admin may delete a credit note.');
    return null;
  }
  if ((newDoc.kind === 'credit_note' || (old && old.kind === 'credit_note')) && !mayCredit)
    return deny('Only a practice admin may create or change a credit note.');
  if (!oldIssued) {
    if (newDoc.status === 'void' && !INVOICE_SPECIAL.void.includes(role)) return deny('Only a practice admin may void an invoice.');
    if (old && newDoc.status === 'issued' && !INVOICE_SPECIAL.issue.includes(role))
      return deny('Only a practice admin may issue invoices.');
    return null;
  }
  const strip = (d: Doc) =>
    Object.fromEntries(Object.entries(d).filter(([k]) => !k.startsWith('_') && !INVOICE_BOOKKEEPING_FIELDS.includes(k)));
  // A merge re-points an issued invoice to the surviving family and student: an admin may change
  // `familyId` and the lines' `studentId`, nothing else (MERGE_RULES).
  const repointed = (d: Doc) => {
    const { familyId: _f, lines, ...rest } = strip(d);
    return { ...rest, lines: Array.isArray(lines) ? lines.map((l) => (isPlain(l) ? withoutKeys(l, ['studentId']) : l)) : lines };
  };
  if (
    canon(strip(old)) !== canon(strip(newDoc)) &&
    !(MERGE_RULES.roles.includes(role) && canon(repointed(old)) === canon(repointed(newDoc)))
  )
    return deny(`Invoice ${String(old.number)} is issued and cannot be changed; void it with a credit note instead.`);
  if (newDoc.status !== old.status || newDoc.voidedBy !== old.voidedBy) {
    if (!(old.status === 'issued' && newDoc.status === 'void'))
      return deny(`Invoice ${String(old.number)} is ${String(old.status)} and cannot become ${String(newDoc.status)}.`);
    if (!INVOICE_SPECIAL.void.includes(role)) return deny('Only a practice admin may void an invoice.');
  }
  return null;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const isPlain = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A document without `_` fields and the given ones. */
const withoutKeys = (d: Doc, keys: readonly string[]): Doc =>
  Object.fromEntries(Object.entries(d).filter(([k]) => !k.startsWith('_') && !keys.includes(k)));

/** The payment rules (PAYMENT_RULES) for a write that is not a deletion. */
function paymentRefusal(role: PracticeRole, id: string, old: Doc | null, newDoc: Doc): WriteRefusal | null {
  const deny = (reason: string): WriteRefusal => ({ error: 'forbidden', reason });
  const R = PAYMENT_RULES.reasons;
  const kind = (d: Doc) => text(d.kind) || 'payment';
  if ((kind(newDoc) !== 'payment' || (old && kind(old) !== 'payment')) && !PAYMENT_RULES.correction.includes(role))
    return deny(R.correction);
  if (kind(newDoc) === 'reversal' && (!text(newDoc.reverses) || id !== `reversal:${text(newDoc.reverses)}` || !text(newDoc.reason).trim()))
    return deny(R.reversal);
  if (kind(newDoc) === 'refund') {
    const sources = Array.isArray(newDoc.refundSources) ? (newDoc.refundSources as Doc[]) : null;
    const sum = sources ? sources.reduce((t, s) => t + (typeof s?.amount === 'number' ? s.amount : 0), 0) : -1;
    if (!text(newDoc.reason).trim() || sum !== newDoc.amount) return deny(R.refund);
  }
  if (!old) return null;
  const broken = PAYMENT_RULES.fixed.filter((f) => canon(old[f]) !== canon(newDoc[f]));
  // A merge moves a record to the surviving family: `familyId` alone, by an admin (MERGE_RULES).
  const values = (d: Doc) => withoutKeys(d, [...META_FIELDS, 'familyId']);
  const repoint =
    broken.length === 1 && broken[0] === 'familyId' && MERGE_RULES.roles.includes(role) && canon(values(old)) === canon(values(newDoc));
  if (broken.length > 0 && !repoint) return deny(R.fixed);
  const revs = (d: Doc) => (Array.isArray(d.revisions) ? (d.revisions as unknown[]).map(canon) : []);
  const before = revs(old);
  const after = revs(newDoc);
  if (before.some((r) => !after.includes(r))) return deny(R.history);
  if (PAYMENT_RULES.values.some((f) => canon(old[f]) !== canon(newDoc[f])) && after.length <= before.length) return deny(R.unrecorded);
  return null;
}

/** The merge rules (MERGE_RULES) for a family or student write that is not a deletion. */
function mergeRefusal(collection: 'families' | 'students', role: PracticeRole, old: Doc | null, newDoc: Doc): WriteRefusal | null {
  const before = old ? text(old.mergedInto) : '';
  const after = text(newDoc.mergedInto);
  if (before && after !== before) return { error: 'forbidden', reason: MERGE_RULES.reasons.permanent };
  if (!before && after && !MERGE_RULES.roles.includes(role)) return { error: 'forbidden', reason: MERGE_RULES.reasons[collection] };
  return null;
}

const GRANT_WORDS: Record<Grant, string> = { all: 'yes', own: 'own', drafts: 'drafts', none: 'no' };

/** The table as Markdown (docs/security.md holds exactly this; a test compares them). */
export function permissionTableMarkdown(): string {
  const head = '| collection | admin: create | admin: change | admin: delete | tutor: create | tutor: change | tutor: delete |';
  const sep = '|---|---|---|---|---|---|---|';
  const rows = COLLECTION_NAMES.map((c) => {
    const cells = PRACTICE_ROLES.flatMap((r) => ACTIONS.map((a) => GRANT_WORDS[PERMISSIONS[c][r][a]]));
    return `| ${c} | ${cells.join(' | ')} |`;
  });
  return [head, sep, ...rows].join('\n');
}

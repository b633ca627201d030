/**
 * Migration strategies, per collection and target version. RxDB runs them when a laptop opens a
 * database written by an older TutorDesk; `server:setup` applies the same functions to the
 * documents already on the server (scripts/lib/couch-provision.ts, `upgradePracticeDocuments`).
 * Each function is pure and tested in tests/unit/shared/migrations.test.ts; all of them together
 * are proven on databases written by older released versions in
 * tests/unit/shared/migration-fixtures.test.ts (fixtures: tests/fixtures/migrations, made by
 * scripts/make-migration-fixture.ts). Bumping a version after a release adds a fixture.
 *
 * Migrations never stamp `fieldClock`: a value a migration fills in has no clock, so any stamped
 * value (the server's upgrade by `server:setup`, a later edit) wins a merge with it, and two
 * laptops that migrated the same document do not make a conflict of it.
 */
import { STUDENT_STATUSES } from './types';
import { TIME_ZONES, isAllowedLessonRule, isKnownTimeZone } from './timing';
import type { CollectionName } from './schemas';
import { checkSchemaLimits } from '../validation/schema-limits';

type Doc = Record<string, unknown>;
type Strategy = (old: Doc) => Doc | null | Promise<Doc | null>;
type Strategies = Record<number, Strategy>;

/**
 * students v0 → v1: v0 (the pre-release prototype) kept one `name` field and a boolean
 * `archived`; v1 splits the name and has a three-state `status`.
 */
export function migrateStudentV0toV1(old: Doc): Doc {
  const { name, archived, ...rest } = old as Doc & { name?: unknown; archived?: unknown };
  const full = typeof name === 'string' ? name.trim() : '';
  const space = full.lastIndexOf(' ');
  const firstName = typeof rest.firstName === 'string' ? rest.firstName : space > 0 ? full.slice(0, space) : full;
  const lastName = typeof rest.lastName === 'string' ? rest.lastName : space > 0 ? full.slice(space + 1) : '';
  const status =
    typeof rest.status === 'string' && (STUDENT_STATUSES as readonly string[]).includes(rest.status)
      ? rest.status
      : archived === true
        ? 'archived'
        : 'active';
  return {
    ...rest,
    firstName,
    lastName,
    status,
    archivedAt: typeof rest.archivedAt === 'string' ? rest.archivedAt : archived === true ? String(rest.updatedAt ?? '') : '',
  };
}

const ZONES_BY_LOWER = new Map<string, string>(TIME_ZONES.map((z) => [z.toLowerCase(), z]));

/** The accepted spelling of a time zone name, ignoring case; null when it is not a known zone. */
export function knownTimeZone(zone: unknown): string | null {
  if (typeof zone !== 'string') return null;
  if (isKnownTimeZone(zone)) return zone;
  return ZONES_BY_LOWER.get(zone.trim().toLowerCase()) ?? null;
}

const DAY_CODES = new Set(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']);

/**
 * A stored repeat rule rewritten in the form the app writes, when it means the same: the same
 * weekly rule with its parts in another order, lower case, an `RRULE:` prefix or `INTERVAL=1`.
 * Null when the rule is not one the app supports (another frequency, BYHOUR, a floating UNTIL…).
 */
export function normaliseLessonRule(rrule: unknown): string | null {
  if (typeof rrule !== 'string') return null;
  if (isAllowedLessonRule(rrule)) return rrule;
  const parts = new Map<string, string>();
  for (const raw of rrule
    .trim()
    .replace(/^RRULE:/i, '')
    .split(';')) {
    if (!raw.trim()) continue;
    const i = raw.indexOf('=');
    if (i <= 0) return null;
    const key = raw.slice(0, i).trim().toUpperCase();
    if (parts.has(key)) return null;
    parts.set(
      key,
      raw
        .slice(i + 1)
        .trim()
        .toUpperCase(),
    );
  }
  if (parts.get('FREQ') !== 'WEEKLY') return null;
  const out: string[] = ['FREQ=WEEKLY'];
  for (const key of parts.keys()) if (!['FREQ', 'INTERVAL', 'BYDAY', 'WKST', 'UNTIL', 'COUNT'].includes(key)) return null;
  const interval = parts.get('INTERVAL');
  if (interval !== undefined && interval !== '1') out.push(`INTERVAL=${interval}`);
  const byday = parts.get('BYDAY');
  if (byday !== undefined) {
    const days = byday.split(',');
    if (!days.every((d) => DAY_CODES.has(d))) return null;
    out.push(`BYDAY=${[...new Set(days)].join(',')}`);
  }
  if (parts.has('WKST')) out.push(`WKST=${parts.get('WKST')}`);
  if (parts.has('UNTIL') && parts.has('COUNT')) return null;
  if (parts.has('UNTIL')) out.push(`UNTIL=${parts.get('UNTIL')}`);
  if (parts.has('COUNT')) out.push(`COUNT=${parts.get('COUNT')}`);
  const rule = out.join(';');
  return isAllowedLessonRule(rule) ? rule : null;
}

const NOTES_MAX = 100_000;

/**
 * lessons v0 → v1: v1 accepts only known time zone names and the weekly rules the editor writes
 * (src-shared/model/timing.ts). A lesson outside that is repaired so that every laptop can show
 * it, and nothing is lost: an unknown zone becomes UTC, a rule the app cannot expand is removed
 * (the lesson becomes a one-off at its first date), and the lesson's notes say what was there.
 */
export function migrateLessonV0toV1(old: Doc): Doc {
  const out: Doc = { ...old };
  const remarks: string[] = [];
  const zone = knownTimeZone(old.timeZone);
  if (zone === null) {
    remarks.push(
      `[TutorDesk] This lesson's time zone "${String(old.timeZone).slice(0, 64)}" is not a known time zone; UTC is used now. Check the lesson's time.`,
    );
    out.timeZone = 'UTC';
  } else out.timeZone = zone;
  const rule = normaliseLessonRule(old.rrule ?? '');
  if (rule === null) {
    remarks.push(
      `[TutorDesk] This lesson's repeat rule "${String(old.rrule).slice(0, 300)}" is not one TutorDesk supports (weekly rules only); it was removed, so the lesson is shown once. Set the repeat again in the lesson editor.`,
    );
    out.rrule = '';
  } else out.rrule = rule;
  if (remarks.length) {
    const notes = typeof old.notes === 'string' ? old.notes : '';
    out.notes = [notes, ...remarks].filter(Boolean).join('\n\n').slice(0, NOTES_MAX);
  }
  return out;
}

/** settings v0 → v1: the practice's time zone must be a known name (else UTC, to be corrected in Settings). */
export function migrateSettingsV0toV1(old: Doc): Doc {
  return { ...old, timeZone: knownTimeZone(old.timeZone) ?? 'UTC' };
}

/**
 * occurrences v0 → v1: an occurrence carries its lesson's tutor (`lessonTutorId`), so the server
 * can tell whose it is. Taken from the lesson (`lessonTutorOf`); '' when the lesson is unknown
 * (the app fills it in the next time it writes the occurrence).
 */
export function migrateOccurrenceV0toV1(old: Doc, lessonTutorOf: (lessonId: string) => string | undefined = () => undefined): Doc {
  const existing = typeof old.lessonTutorId === 'string' ? old.lessonTutorId : '';
  return { ...old, lessonTutorId: existing || lessonTutorOf(String(old.lessonId ?? '')) || '' };
}

/**
 * payments v0 → v1: version 1 only added optional correction fields (`kind`, `reverses`, `reason`,
 * `refundSources`, `revisions`; docs/billing.md "Corrections and refunds"). A version 0 document
 * is a payment received and stays as it is.
 */
export function migratePaymentV0toV1(old: Doc): Doc {
  return old;
}

/** settings v2 → v3: `encryption` is optional and new (end-to-end encryption); a v2 document stays as it is. */
export function migrateSettingsV2toV3(old: Doc): Doc {
  return old;
}

/**
 * settings v3 → v4: `rooms` is optional and new (rooms as records, docs/schedule.md "Rooms"); a v3
 * document has no rooms listed and stays as it is. Lessons keep their free-text rooms.
 */
export function migrateSettingsV3toV4(old: Doc): Doc {
  return old;
}

/**
 * settings v4 → v5: `mailTemplates` and `autoInvoicing` are optional and new (docs/email.md); a v4
 * document uses the default templates and no automatic invoicing, and stays as it is.
 */
export function migrateSettingsV4toV5(old: Doc): Doc {
  return old;
}

/** families v1 → v2: `lessonReminders` is optional and new (opt-in, docs/email.md); absent = no reminders. */
export function migrateFamilyV1toV2(old: Doc): Doc {
  return old;
}

/**
 * The hard limits of issue 15 (students v2, families v1, staff v1, settings v2, lessons v2,
 * occurrences v2, invoices v1, payments v2; docs/billing.md "Sanity limits"): a document within
 * every limit is kept as it is (students and families also gained the optional `mergedInto`,
 * invoice lines `creditsLineId`). A document beyond a limit (the absurd payment of
 * 99,999,999,999 that an older version accepted) cannot be stored under the new schema, and is
 * never changed silently (a clamped payment is a false record) nor dropped: it is SET ASIDE —
 * handed whole to `ctx.setAside` with the field errors, which lists it for a person next to the
 * refused changes — and left out of the migrated collection. The server keeps its copy.
 *
 * Returns the document when it stays, else the field errors ("Amount: at most 10,000,000,000.00"
 * style messages, keyed by path).
 */
export function limitsProblems(collection: CollectionName, doc: Doc): Record<string, string> {
  if (doc._deleted === true) return {};
  const { _deleted, _attachments, _rev, _meta, ...values } = doc;
  void _deleted;
  void _attachments;
  void _rev;
  void _meta;
  return checkSchemaLimits(collection, values);
}

/** A document set aside by a migration, for a person to look at (the local refused-changes list). */
export interface SetAside {
  collection: CollectionName;
  doc: Doc;
  /** Field errors with the fields' names. */
  problems: Record<string, string>;
}

function limitsMigration(collection: CollectionName, setAside: (s: SetAside) => Promise<void>): Strategy {
  return async (old) => {
    const problems = limitsProblems(collection, old);
    if (Object.keys(problems).length === 0) return old;
    await setAside({ collection, doc: old, problems });
    return null;
  };
}

export interface MigrationContext {
  /**
   * The tutor of each lesson, read once when the occurrences migrate (database.ts reads the
   * migrated lessons collection). Without it, migrated occurrences get `lessonTutorId: ''`.
   */
  lessonTutors?: () => Promise<ReadonlyMap<string, string>>;
  /**
   * Where a document beyond the new hard limits goes (see `limitsProblems`). Without it, the
   * migration throws instead of losing the document.
   */
  setAside?: (s: SetAside) => Promise<void>;
}

/** The strategies for RxDB, per collection. */
export function migrationStrategiesFor(ctx: MigrationContext = {}): Partial<Record<string, Strategies>> {
  let tutors: Promise<ReadonlyMap<string, string>> | null = null;
  const lessonTutors = () => (tutors ??= ctx.lessonTutors ? ctx.lessonTutors() : Promise.resolve(new Map()));
  const setAside =
    ctx.setAside ??
    ((s: SetAside) =>
      Promise.reject(
        new Error(
          `A ${s.collection} record (${String(s.doc.id)}) is beyond this version's limits: ${Object.values(s.problems).join('; ')}`,
        ),
      ));
  const limits = (c: CollectionName) => limitsMigration(c, setAside);
  return {
    students: { 1: migrateStudentV0toV1, 2: limits('students') },
    families: { 1: limits('families'), 2: migrateFamilyV1toV2 },
    staff: { 1: limits('staff') },
    lessons: { 1: migrateLessonV0toV1, 2: limits('lessons') },
    settings: {
      1: migrateSettingsV0toV1,
      2: limits('settings'),
      3: migrateSettingsV2toV3,
      4: migrateSettingsV3toV4,
      5: migrateSettingsV4toV5,
    },
    payments: { 1: migratePaymentV0toV1, 2: limits('payments') },
    invoices: { 1: limits('invoices') },
    occurrences: {
      1: async (old) => {
        const map = await lessonTutors();
        return migrateOccurrenceV0toV1(old, (id) => map.get(id));
      },
      2: limits('occurrences'),
    },
  };
}

export const migrationStrategies: Partial<Record<string, Strategies>> = migrationStrategiesFor();

/**
 * Brings a document written by an older TutorDesk (e.g. pulled from a server not yet upgraded
 * with `server:setup`) to the current schema, without a lesson lookup. For the sync client's
 * pull; returns the document unchanged when it is current.
 */
export function upgradeDocument(collection: string, doc: Doc): Doc {
  if (doc._deleted === true) return doc;
  if (collection === 'lessons' && (!isKnownTimeZone(String(doc.timeZone)) || !isAllowedLessonRule(String(doc.rrule ?? ''))))
    return migrateLessonV0toV1(doc);
  if (collection === 'settings' && !isKnownTimeZone(String(doc.timeZone))) return migrateSettingsV0toV1(doc);
  if (collection === 'occurrences' && typeof doc.lessonTutorId !== 'string') return migrateOccurrenceV0toV1(doc);
  return doc;
}

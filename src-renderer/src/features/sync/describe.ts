/**
 * Words for the sync UI, pure (no React, no DOM): what the indicator says for a status, titles
 * of error kinds and conflict kinds, validation of the connection form, and how a refused or
 * conflicting record is named and where it opens. Unit-tested in tests/unit/sync-ui/.
 */
import { clockHour, practiceFormat } from '../../../../src-shared/locale/practice-locale';
import type { CollectionName } from '../../../../src-shared/model/schemas';
import { formatMoney } from '../../../../src-shared/money';
import type { HumanConflictKind } from '../../../../src-shared/sync/conflicts';
import { PRACTICE_ID_RE } from '../../../../src-shared/sync/names';
import { plaintextRefusal, sendsPasswordInClear } from '../../../../src-shared/sync/transport';
import type { SyncStatus } from '../../data';
import type { SyncErrorKind } from '../../data';

/** What the whole sync feature is doing, as the indicator shows it. */
export type SyncPhase =
  /** Reading the saved account at start-up. */
  | 'loading'
  /** No account on this computer: sync is off. */
  | 'off'
  /** An account is saved but its password could not be read (keychain reset): ask again. */
  | 'needs-password'
  /** Replication is running (see the status). */
  | 'on';

export type Tone = 'neutral' | 'busy' | 'ok' | 'warning' | 'danger';

export interface IndicatorText {
  /** Short text shown in the top bar, e.g. "Up to date". */
  label: string;
  /** Second line / detail, e.g. "12:04" or "1,200 of 50,000". */
  detail: string;
  /** The accessible name of the indicator button. */
  accessibleName: string;
  /** The state announced to screen readers when it changes (no counts: they change too often). */
  announcement: string;
  tone: Tone;
}

const plural = (n: number, one: string, many: string, locale = 'en-GB') => `${n.toLocaleString(locale)} ${n === 1 ? one : many}`;

/** "12:04" today, "3 Mar 12:04" another day, in the practice's locale and time zone. */
export function formatSyncTime(iso: string | null, now: Date, locale = 'en-GB', timeZone?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const opts = timeZone ? { timeZone } : {};
  const day = (x: Date) => new Intl.DateTimeFormat('en-CA', { ...opts, year: 'numeric', month: '2-digit', day: '2-digit' }).format(x);
  const time = new Intl.DateTimeFormat(locale, { ...opts, hour: clockHour(locale), minute: '2-digit' }).format(d);
  if (day(d) === day(now)) return time;
  return `${new Intl.DateTimeFormat(locale, { ...opts, day: 'numeric', month: 'short' }).format(d)} ${time}`;
}

/** Changes waiting and items that need a person, as one phrase for accessible names. */
function extras(status: SyncStatus | null, locale = 'en-GB'): string {
  if (!status) return '';
  const parts: string[] = [];
  if (status.pending > 0) parts.push(`${plural(status.pending, 'local change', 'local changes', locale)} not yet on the server`);
  const attention = status.conflicts + status.quarantined;
  if (attention > 0) parts.push(`${plural(attention, 'item needs', 'items need', locale)} attention`);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

export function describeIndicator(
  phase: SyncPhase,
  status: SyncStatus | null,
  opts: { now?: Date; locale?: string; timeZone?: string } = {},
): IndicatorText {
  const now = opts.now ?? new Date();
  const at = (iso: string | null) => formatSyncTime(iso, now, opts.locale, opts.timeZone);
  const make = (label: string, detail: string, spoken: string, tone: Tone): IndicatorText => ({
    label,
    detail,
    accessibleName: `Sync status: ${spoken}${extras(status, opts.locale)}`,
    announcement: `Sync ${spoken}`,
    tone,
  });
  if (phase === 'loading') return make('Sync', '', 'starting', 'neutral');
  if (phase === 'off') return make('Sync off', 'Set up', 'off, not set up on this computer', 'neutral');
  if (phase === 'needs-password')
    return make('Sync paused', 'Password needed', 'paused, enter the password again in sync settings', 'warning');
  if (!status) return make('Sync', '', 'starting', 'neutral');
  const last = at(status.lastSyncedAt);
  switch (status.state) {
    case 'stopped':
      return make('Sync stopped', '', 'stopped', 'neutral');
    case 'connecting':
      return make('Connecting…', '', 'connecting to the server', 'busy');
    case 'syncing': {
      if (status.progress && status.progress.total > 0) {
        const { done, total } = status.progress;
        const pct = Math.min(100, Math.floor((done / total) * 100));
        return make(
          'Syncing…',
          `${done.toLocaleString(opts.locale ?? 'en-GB')} of ${total.toLocaleString(opts.locale ?? 'en-GB')}`,
          `syncing, first sync ${pct}% done (${done.toLocaleString(opts.locale ?? 'en-GB')} of ${total.toLocaleString(opts.locale ?? 'en-GB')} records)`,
          'busy',
        );
      }
      const detail = status.pending > 0 ? `${status.pending.toLocaleString(opts.locale ?? 'en-GB')} to send` : '';
      return make('Syncing…', detail, 'syncing', 'busy');
    }
    case 'up-to-date':
      return make(
        'Up to date',
        last,
        last ? `up to date, last synced ${last}` : 'up to date',
        status.conflicts + status.quarantined > 0 ? 'warning' : 'ok',
      );
    case 'offline': {
      const detail = status.pending > 0 ? `${status.pending.toLocaleString(opts.locale ?? 'en-GB')} waiting` : last ? `Last ${last}` : '';
      const why = status.error && status.error.kind !== 'offline' ? 'offline, the server cannot be reached' : 'offline';
      return make('Offline', detail, `${why}${last ? `, last synced ${last}` : ''}`, 'neutral');
    }
    case 'error':
      return make(
        'Sync problem',
        errorTitle(status.error?.kind ?? 'server-error'),
        `error, ${errorTitle(status.error?.kind ?? 'server-error').toLowerCase()}`,
        'danger',
      );
  }
}

/** A heading for each kind of connection problem (Test connection, the status panel). */
export function errorTitle(kind: SyncErrorKind): string {
  switch (kind) {
    case 'offline':
      return 'This computer is offline';
    case 'unreachable':
      return 'Server unreachable';
    case 'tls':
      return 'Secure connection (TLS) problem';
    case 'cors':
      return 'The server does not allow this web address (CORS)';
    case 'timeout':
      return 'The server did not answer in time';
    case 'wrong-credentials':
      return 'Wrong username or password';
    case 'account-locked':
      return 'Account temporarily locked';
    case 'not-member':
      return 'Not a member of this practice';
    case 'database-missing':
      return 'Practice databases missing';
    case 'server-error':
      return 'Server error';
    case 'not-configured':
      return 'Sync is not set up';
    case 'needs-passphrase':
      return 'Practice passphrase needed';
  }
}

/** Errors after which Connect does not keep the account: the details must be corrected first. */
export const REFUSE_TO_CONNECT: ReadonlySet<SyncErrorKind> = new Set([
  'wrong-credentials',
  'account-locked',
  'not-member',
  'database-missing',
  'tls',
  'cors',
  'not-configured',
  'server-error',
]);

/** "Try again after 12:09" for an error that says when (a locked account), else ''. */
export function retryAfterText(retryAfter: string | undefined, now: Date, locale = 'en-GB', timeZone?: string): string {
  const at = formatSyncTime(retryAfter ?? null, now, locale, timeZone);
  return at ? `Try again after ${at}.` : '';
}

// ---- the connection form ------------------------------------------------------------------

export interface ConnectionForm {
  serverUrl: string;
  username: string;
  password: string;
  practice: string;
  /** "Send my password unencrypted" ticked (needed for http:// to another computer). */
  plaintextConfirmed?: boolean;
  /** "Remember the password without the keychain" ticked (Linux basic_text only). */
  storeWithoutKeychain?: boolean;
}

export type FormErrors = Partial<Record<Exclude<keyof ConnectionForm, 'storeWithoutKeychain'>, string>>;

/**
 * Checks the connection form. `passwordSaved`: a password for these same details is already
 * stored (the field may stay empty).
 */
export function validateConnectionForm(form: ConnectionForm, passwordSaved = false): FormErrors {
  const errors: FormErrors = {};
  const url = form.serverUrl.trim();
  if (!url) errors.serverUrl = 'Enter the server address, e.g. https://sync.example.org';
  else {
    let u: URL | null = null;
    try {
      u = new URL(url);
    } catch {
      u = null;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
      errors.serverUrl = 'The server address must start with http:// or https://';
    else if (u.username || u.password) errors.serverUrl = 'Put the username and password in their own fields, not in the address';
    else if (u.search || u.hash) errors.serverUrl = 'The server address may not contain ? or #';
    else if (sendsPasswordInClear(url) && !form.plaintextConfirmed) errors.plaintextConfirmed = plaintextRefusal(url);
  }
  if (!form.username.trim()) errors.username = 'Enter your sync username';
  if (!form.password && !passwordSaved) errors.password = 'Enter the password';
  const p = form.practice.trim();
  if (!p) errors.practice = 'Enter the practice id given by whoever set up the server, e.g. demo';
  else if (!PRACTICE_ID_RE.test(p)) errors.practice = 'Use lower-case letters, digits, - and _, starting with a letter';
  else if (/-(admin|tutor)$/.test(p)) errors.practice = 'A practice id may not end in -admin or -tutor';
  return errors;
}

/** The form with whitespace trimmed and the address without a trailing slash. */
export function cleanConnectionForm(form: ConnectionForm): ConnectionForm {
  const serverUrl = form.serverUrl.trim().replace(/\/+$/, '');
  return {
    serverUrl,
    username: form.username.trim(),
    password: form.password,
    practice: form.practice.trim(),
    // The confirmation only travels with an address that needs it.
    ...(form.plaintextConfirmed && sendsPasswordInClear(serverUrl) ? { plaintextConfirmed: true } : {}),
    ...(form.storeWithoutKeychain ? { storeWithoutKeychain: true } : {}),
  };
}

/** Whether the form names the same account as the saved one (server, user, practice). */
export function sameAccount(form: ConnectionForm, account: { serverUrl: string; username: string; practice: string } | null): boolean {
  if (!account) return false;
  const norm = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();
  return (
    norm(form.serverUrl) === norm(account.serverUrl) &&
    form.username.trim() === account.username &&
    form.practice.trim() === account.practice
  );
}

// ---- records --------------------------------------------------------------------------------

const COLLECTION_LABELS: Record<CollectionName, string> = {
  students: 'Student',
  families: 'Family',
  staff: 'Staff member',
  settings: 'Practice settings',
  lessons: 'Lesson',
  occurrences: 'Lesson date',
  notes: 'Note',
  invoices: 'Invoice',
  payments: 'Payment',
  billingclaims: 'Billed lesson',
  closures: 'Closure',
  messages: 'E-mail',
};

export function collectionLabel(collection: string): string {
  return COLLECTION_LABELS[collection as CollectionName] ?? collection;
}

type Doc = Record<string, unknown>;
const s = (v: unknown) => (typeof v === 'string' ? v : '');

/** How the review tabs write money and dates: the practice's locale and time zone (useApp). */
export interface RecordFormat {
  locale?: string;
  timeZone?: string;
}

function money(amount: unknown, currency: unknown, locale = 'en-GB'): string {
  if (typeof amount !== 'number' || typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return '';
  try {
    return formatMoney({ amount, currency }, locale);
  } catch {
    return '';
  }
}

/** A business date (YYYY-MM-DD) as it is, an instant in the practice zone: "1 Mar 2026" (en-GB). */
function dateText(value: unknown, f: RecordFormat): string {
  const v = s(value);
  if (!v) return '';
  return practiceFormat(f.locale ?? 'en-GB', f.timeZone ?? 'UTC', 'GBP').date(v);
}

/** A short human name of a record, e.g. "Student Ada Lovelace", "Invoice INV-0042", "Payment £125.50, 1 Mar 2026". */
export function recordTitle(collection: string, doc: Doc | null | undefined, f: RecordFormat = {}): string {
  const d = doc ?? {};
  const label = collectionLabel(collection);
  const date = (v: unknown) => dateText(v, f);
  let name = '';
  switch (collection as CollectionName) {
    case 'students':
      name = `${s(d.firstName)} ${s(d.lastName)}`.trim();
      break;
    case 'families':
    case 'staff':
      name = s(d.name);
      break;
    case 'settings':
      return label;
    case 'lessons':
      name = [s(d.subject), date(d.start)].filter(Boolean).join(', ');
      break;
    case 'occurrences':
      name = date(d.start);
      break;
    case 'notes':
      name = s(d.title) || date(d.createdAt);
      break;
    case 'invoices':
      name = s(d.number) || (s(d.status) === 'draft' || !d.status ? 'draft' : '');
      break;
    case 'payments':
      name = [money(d.amount, d.currency, f.locale), date(d.date)].filter(Boolean).join(', ');
      break;
    case 'billingclaims':
      name = s(d.invoiceId) ? `on invoice ${s(d.invoiceId)}` : '';
      break;
    case 'closures':
      name = s(d.label);
      break;
    case 'messages':
      name = s(d.subject) ? `“${s(d.subject)}”` : '';
      break;
  }
  return name ? `${label} ${name}` : label;
}

/** Where a record opens in the app (a hash route), or null when it has no screen. */
export function recordRoute(collection: string, doc: Doc | null | undefined, fallbackId = ''): string | null {
  const d = doc ?? {};
  const id = encodeURIComponent(s(d.id) || fallbackId);
  const date = (v: unknown) => s(v).slice(0, 10);
  switch (collection as CollectionName) {
    case 'students':
      return `/students?id=${id}`;
    case 'families':
      return `/families?id=${id}`;
    case 'staff':
      return `/staff?id=${id}`;
    case 'settings':
      return '/settings';
    case 'lessons':
      return date(d.start) ? `/schedule?view=day&date=${date(d.start)}` : '/schedule';
    case 'occurrences':
      return date(d.start) ? `/schedule?view=day&date=${date(d.start)}&occ=${id}` : '/schedule';
    case 'notes': {
      const student = Array.isArray(d.studentIds) ? s(d.studentIds[0]) : '';
      return student ? `/students?id=${encodeURIComponent(student)}&note=${id}` : null;
    }
    case 'invoices':
      return `/invoices?id=${id}`;
    case 'payments':
      return s(d.familyId) ? `/payments/ledger?family=${encodeURIComponent(s(d.familyId))}` : '/payments';
    case 'billingclaims':
      return s(d.invoiceId) ? `/invoices?id=${encodeURIComponent(s(d.invoiceId))}` : null;
    case 'closures':
      return date(d.startDate) ? `/schedule?date=${date(d.startDate)}` : '/schedule';
    case 'messages':
      return `/outbox?id=${id}`;
  }
  return null;
}

export function conflictTitle(kind: HumanConflictKind | string): string {
  switch (kind) {
    case 'invoice-issued-twice':
      return 'Invoice issued on two computers';
    case 'invoice-changed-after-issue':
      return 'Invoice changed after it was issued';
    case 'double-billing':
      return 'Lesson billed twice';
    case 'payment-edited-twice':
      return 'Payment edited on two computers';
    default:
      return 'Conflict';
  }
}

/** The fields worth showing side by side for a conflict ("kept" versus "set aside"). */
export function conflictFields(
  collection: string,
  kept: Doc,
  setAside: Doc,
  f: RecordFormat = {},
): { field: string; kept: string; setAside: string }[] {
  const show = (v: unknown): string => {
    if (v === undefined || v === null || v === '') return '—';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  };
  const preferred: Record<string, string[]> = {
    invoices: ['number', 'status', 'issueDate', 'total', 'currency', 'familyId'],
    billingclaims: ['invoiceId', 'studentId', 'occurrenceId', 'familyId'],
    payments: ['amount', 'date', 'method', 'reference', 'notes', 'currency'],
  };
  const fields =
    preferred[collection] ??
    Object.keys({ ...kept, ...setAside }).filter(
      (k) => !['fieldClock', 'updatedAt', 'createdAt', 'deviceId', 'updatedBy', 'id', '_deleted'].includes(k),
    );
  // Money in minor units reads as money ("£45.00", not "4500") where the record names its currency.
  // Dates in the practice locale ("1 Mar 2026"), as everywhere else.
  const value = (d: Doc, field: string) =>
    (['amount', 'total'].includes(field) && money(d[field], d.currency, f.locale)) ||
    (['date', 'issueDate'].includes(field) && dateText(d[field], f)) ||
    show(d[field]);
  const rows = fields.map((field) => ({ field, kept: value(kept, field), setAside: value(setAside, field) }));
  if (Boolean(kept._deleted) !== Boolean(setAside._deleted))
    rows.push({ field: 'deleted', kept: kept._deleted ? 'yes' : 'no', setAside: setAside._deleted ? 'yes' : 'no' });
  return rows;
}

/** Notes holding other versions of their text (`note.conflicts` not empty), as an RxDB selector. */
export const NOTES_WITH_VERSIONS_SELECTOR = { 'conflicts.0': { $exists: true } } as const;

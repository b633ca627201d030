/**
 * The words a person reads for the app's codes and counts, one table each, so a status or a noun
 * is spelt the same way on every screen, export and message. A count is written with `countOf`
 * (src-shared/locale/count.ts), which picks the noun's form with `Intl.PluralRules`; a hand-made
 * `n === 1 ? … : …` is refused by the lint rule `tutordesk/no-hand-made-plural`.
 */
import type { InvoiceDisplayStatus } from '../billing/lifecycle';
import type { AttendanceStatus, Invoice, MessageState } from '../model/types';
import type { NounForms } from './count';

/** Nouns (and noun phrases) the screens count. */
export const NOUNS = {
  invoice: { one: 'invoice', other: 'invoices' },
  payment: { one: 'payment', other: 'payments' },
  record: { one: 'record', other: 'records' },
  invoiceOrCreditNote: { one: 'invoice or credit note', other: 'invoices and credit notes' },
  lesson: { one: 'lesson', other: 'lessons' },
  student: { one: 'student', other: 'students' },
  family: { one: 'family', other: 'families' },
  newFamily: { one: 'new family', other: 'new families' },
  draft: { one: 'draft', other: 'drafts' },
  item: { one: 'item', other: 'items' },
  change: { one: 'change', other: 'changes' },
  conflict: { one: 'conflict', other: 'conflicts' },
  note: { one: 'note', other: 'notes' },
  problem: { one: 'problem', other: 'problems' },
  row: { one: 'row', other: 'rows' },
  makeupCredit: { one: 'make-up credit', other: 'make-up credits' },
  billingRecord: { one: 'billing record', other: 'billing records' },
  thing: { one: 'thing', other: 'things' },
  time: { one: 'time', other: 'times' },
  otherVersion: { one: 'other version', other: 'other versions' },
  hour: { one: 'hour', other: 'hours' },
  minute: { one: 'minute', other: 'minutes' },
  day: { one: 'day', other: 'days' },
  week: { one: 'week', other: 'weeks' },
  email: { one: 'e-mail', other: 'e-mails' },
  attempt: { one: 'attempt', other: 'attempts' },
} as const satisfies Record<string, NounForms>;

/** Verbs that agree with a count: "1 lesson is", "2 lessons are". */
export const VERBS = {
  is: { one: 'is', other: 'are' },
  was: { one: 'was', other: 'were' },
  has: { one: 'has', other: 'have' },
  needs: { one: 'needs', other: 'need' },
  matches: { one: 'matches', other: 'match' },
} as const satisfies Record<string, NounForms>;

/** An occurrence's attendance, as the Today screen, the lesson panel, reports and exports say it. */
export const ATTENDANCE_WORDS: Readonly<Record<AttendanceStatus, string>> = {
  scheduled: 'Scheduled',
  attended: 'Attended',
  cancelled_student_in_time: 'Cancelled by student (in time)',
  cancelled_student_late: 'Cancelled by student (late)',
  cancelled_tutor: 'Cancelled by tutor',
  no_show: 'No-show',
};

/** The same, short enough for a badge. */
export const ATTENDANCE_SHORT_WORDS: Readonly<Record<AttendanceStatus, string>> = {
  scheduled: 'Scheduled',
  attended: 'Attended',
  cancelled_student_in_time: 'Cancelled in time',
  cancelled_student_late: 'Late cancellation',
  cancelled_tutor: 'Tutor cancelled',
  no_show: 'No-show',
};

/** An invoice's state as the screens show it (paid, overdue… worked out from its payments). */
export const INVOICE_STATUS_WORDS: Readonly<Record<InvoiceDisplayStatus, string>> = {
  draft: 'Draft',
  issued: 'Unpaid',
  partially_paid: 'Partially paid',
  partly_credited: 'Partly credited',
  paid: 'Paid',
  overdue: 'Overdue',
  void: 'Void',
  credit_note: 'Credit note',
};

/** An invoice's stored state, as the accountant's CSV gives it. */
export const STORED_INVOICE_STATUS_WORDS: Readonly<Record<Invoice['status'], string>> = {
  draft: 'Draft',
  issued: 'Issued',
  void: 'Void',
};

/** An outbox message's state (src-shared/mail/outbox.ts), as the outbox and a family's history say it. */
export const MESSAGE_STATE_WORDS: Readonly<Record<MessageState, string>> = {
  queued: 'Waiting to send',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Not sent',
  cancelled: 'Cancelled',
};

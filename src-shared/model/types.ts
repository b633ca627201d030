import type { MailTemplate } from '../mail/templates';
import type { PracticeEncryption } from '../sync/encryption';
import type { SyncMeta } from './meta';

/** Money is always an integer number of minor units (pence, cents) plus its ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

export interface Address {
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

/**
 * How a student's lessons are charged (docs/billing.md): a price per lesson, an hourly rate
 * prorated by duration, prepaid packages of N lessons, or a flat monthly fee.
 */
export const BILLING_MODELS = ['per_lesson', 'hourly', 'package', 'monthly'] as const;
export type BillingModel = (typeof BILLING_MODELS)[number];

/** N lessons bought up front; billable lessons on/after `purchasedOn` consume it in date order. */
export interface PrepaidPackage {
  id: string;
  /** Number of lessons bought. */
  lessons: number;
  /** Price of the whole package, minor units in the practice currency. */
  price: number;
  /** YYYY-MM-DD in the practice time zone. */
  purchasedOn: string;
  description: string;
}

export const STUDENT_STATUSES = ['active', 'paused', 'archived'] as const;
export type StudentStatus = (typeof STUDENT_STATUSES)[number];

export interface Student extends SyncMeta {
  firstName: string;
  lastName: string;
  /** The payer account (a family, or an adult paying for themselves). */
  familyId: string;
  status: StudentStatus;
  subjects: string[];
  /** Default lesson rate; null = use the family's or the practice's. */
  defaultRate: Money | null;
  email: string;
  phone: string;
  gradeLevel: string;
  notes: string;
  /** Instant at which the student was archived, '' when not archived. */
  archivedAt: string;
  /** Billing (docs/billing.md). Billing model; '' or absent = the family's model. */
  billingModel?: BillingModel | '';
  /** Monthly flat fee when the model is 'monthly'; null or absent = the family's fee. */
  monthlyFee?: Money | null;
  /** Prepaid lesson packages bought for this student (consumed by billable lessons in date order). */
  packages?: PrepaidPackage[];
  /** Merged into this student (src-shared/students/merge.ts); kept, archived, so late references resolve. (Schema: planned.) */
  mergedInto?: string;
}

export const FAMILY_KINDS = ['family', 'self'] as const;
export type FamilyKind = (typeof FAMILY_KINDS)[number];
export const CONTACT_METHODS = ['email', 'phone', 'sms'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** A payer / guardian account. Invoices are addressed to it. */
export interface Family extends SyncMeta {
  /** 'self' = an adult student who pays for themselves. */
  kind: FamilyKind;
  name: string;
  contactName: string;
  email: string;
  phone: string;
  address: Address;
  preferredContact: ContactMethod;
  notes: string;
  /** Optional family-level lesson rate; null = the practice default. */
  defaultRate: Money | null;
  archived: boolean;
  /** Billing (docs/billing.md). Billing model; '' or absent = the practice default ('per_lesson'). */
  billingModel?: BillingModel | '';
  /** Monthly flat fee per student on the 'monthly' model; null or absent = none. */
  monthlyFee?: Money | null;
  /** Merged into this family (src-shared/students/merge.ts); kept, archived, so late references resolve. (Schema: planned.) */
  mergedInto?: string;
  /** The family asked for an e-mail the day before its lessons (families v2; absent = no). docs/email-templates.md. */
  lessonReminders?: boolean;
}

export const STAFF_ROLES = ['admin', 'tutor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const PAY_UNITS = ['lesson', 'hour'] as const;
export type PayUnit = (typeof PAY_UNITS)[number];

export interface Staff extends SyncMeta {
  name: string;
  email: string;
  phone: string;
  role: StaffRole;
  payRate: Money;
  payUnit: PayUnit;
  /** '#rrggbb' used on the calendar. */
  colour: string;
  /** The CouchDB user name of this staff member, '' if they do not sync. */
  username: string;
  active: boolean;
}

export const ATTENDANCE_STATUSES = [
  'scheduled',
  'attended',
  'cancelled_student_late',
  'cancelled_student_in_time',
  'cancelled_tutor',
  'no_show',
] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const TAX_MODES = ['none', 'exclusive', 'inclusive'] as const;
export type TaxMode = (typeof TAX_MODES)[number];

/** The practice-wide settings: one document with id `practice`. */
export interface PracticeSettings extends SyncMeta {
  name: string;
  address: Address;
  email: string;
  phone: string;
  /** ISO 4217, e.g. 'GBP'. */
  currency: string;
  /** BCP 47, e.g. 'en-GB'. */
  locale: string;
  /** IANA, e.g. 'Europe/London'. */
  timeZone: string;
  taxId: string;
  /** data: URL of a small PNG/JPEG/SVG logo, '' for none. */
  logo: string;
  defaultRate: Money;
  /** Calendar week start: 1 = Monday … 7 = Sunday. */
  weekStartsOn: number;
  billing: {
    paymentTermsDays: number;
    taxMode: TaxMode;
    /** Tax rate in basis points (2000 = 20 %). */
    taxRateBp: number;
    taxLabel: string;
    invoicePrefix: string;
    paymentInstructions: string;
    /** Paper size of invoice and statement PDFs; absent = A4. */
    paperSize?: 'A4' | 'Letter';
  };
  attendance: {
    /** Statuses billed to the family. */
    billable: AttendanceStatus[];
    /** Statuses paid to the tutor. */
    payable: AttendanceStatus[];
    /** Cancellations with at least this notice (hours) are "in time". */
    cancellationNoticeHours: number;
    /** An in-time student cancellation grants a make-up credit. */
    makeupForInTimeCancellation: boolean;
  };
  reminders: {
    enabled: boolean;
    minutesBefore: number;
  };
  /** End-to-end encryption (src-shared/sync/encryption.ts), when the practice turned it on. */
  encryption?: PracticeEncryption;
  /** The practice's rooms (settings v4; absent = none listed yet). docs/schedule.md "Rooms". */
  rooms?: PracticeRoom[];
  /**
   * Monthly invoice drafts made at the first start on/after `dayOfMonth` (settings v5; absent = off;
   * src-shared/mail/auto-invoicing.ts); `lastRunMonth` 'YYYY-MM' ('' = never).
   */
  autoInvoicing?: { enabled: boolean; dayOfMonth: number; lastRunMonth: string };
  /** The practice's own e-mail templates (settings v5); a kind absent uses DEFAULT_TEMPLATES (src-shared/mail/templates.ts). */
  mailTemplates?: Partial<Record<MessageKind, MailTemplate>>;
}

/** A room lessons can be booked in. Lessons and occurrences hold its `name` (their `room`). */
export interface PracticeRoom {
  /** Made on the device (crypto.randomUUID()). */
  id: string;
  /** Unique in the practice, ignoring case and surrounding spaces. */
  name: string;
  /** The site or address; a lesson booked in the room takes it as its location. */
  location: string;
  /** False = archived: kept for the lessons that name it, not offered for new ones. */
  active: boolean;
}

export const PRACTICE_SETTINGS_ID = 'practice';

/**
 * A lesson plan: a one-off lesson (rrule '') or a recurring series (RFC 5545 RRULE).
 * `start` is the UTC instant of the first occurrence; `timeZone` is the IANA zone in which the
 * series' wall-clock time is kept (a 16:00 weekly lesson stays at 16:00 local across DST).
 */
export interface Lesson extends SyncMeta {
  tutorId: string;
  studentIds: string[];
  subject: string;
  location: string;
  onlineUrl: string;
  room: string;
  rateOverride: Money | null;
  start: string;
  durationMinutes: number;
  timeZone: string;
  /** RRULE value without DTSTART, e.g. 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE'; '' = one-off. */
  rrule: string;
  /** Original start instants (UTC ISO) of skipped occurrences. */
  exdates: string[];
  /** When this series was split ("this and following"), the series it continues; '' otherwise. */
  splitFrom: string;
  /** A make-up lesson consumes the credit granted by this occurrence id; '' otherwise. */
  makeupForOccurrenceId: string;
  notes: string;
  cancelled: boolean;
}

/**
 * What happened to one occurrence of a lesson, and per-occurrence overrides ("move this one").
 * The id is deterministic — `${lessonId}@${originalStart}` — so two laptops touching the same
 * occurrence offline produce one document that merges, never two.
 */
export interface Occurrence extends SyncMeta {
  lessonId: string;
  originalStart: string;
  /** Moved start instant, '' when not moved. */
  start: string;
  /** Overridden duration in minutes, 0 when not overridden. */
  durationMinutes: number;
  /** Overridden tutor (a substitute), '' when not overridden. */
  tutorId: string;
  /**
   * The lesson's tutor when this document was written (the app copies it from the lesson and
   * updates it when the lesson's tutor changes; '' when it was not known, e.g. after a migration
   * on a laptop that did not have the lesson). The server rules use it: a tutor may only touch
   * occurrences of their own lessons (docs/security.md).
   */
  lessonTutorId: string;
  room: string;
  status: AttendanceStatus;
  statusChangedAt: string;
  /** Per-student attendance for group lessons: studentId → status. */
  studentStatus: Record<string, AttendanceStatus>;
  makeupGranted: boolean;
}

export const NOTE_KINDS = ['lesson', 'progress'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** One concurrent version of a note's text kept for the user to resolve (see src-shared/notes/merge.ts). */
export interface NoteConflictVersion {
  /** Optional: versions recorded by the sync policy carry only the four text fields. */
  title?: string;
  body: string;
  covered: string;
  homework: string;
  nextSteps: string;
  updatedAt: string;
  updatedBy: string;
  deviceId: string;
}

export interface Note extends SyncMeta {
  kind: NoteKind;
  studentIds: string[];
  lessonId: string;
  occurrenceId: string;
  authorId: string;
  title: string;
  body: string;
  covered: string;
  homework: string;
  nextSteps: string;
  /** Concurrent versions that could not be merged automatically: shown to the user to resolve. */
  conflicts: NoteConflictVersion[];
}

export const INVOICE_KINDS = ['invoice', 'credit_note'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
export const INVOICE_STATUSES = ['draft', 'issued', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const INVOICE_LINE_KINDS = ['lesson', 'manual', 'package', 'monthly_fee', 'credit', 'discount'] as const;
export type InvoiceLineKind = (typeof INVOICE_LINE_KINDS)[number];

/**
 * One invoice line. All amounts are integer minor units; the arithmetic and rounding rules are in
 * docs/billing.md and src-shared/billing/totals.ts (`computeInvoiceTotals` fills the computed
 * fields). Credit notes store every amount negated.
 */
export interface InvoiceLine {
  id: string;
  kind: InvoiceLineKind;
  description: string;
  /** Quantity in thousandths (1000 = 1), so hours can be prorated without floats. */
  quantityMilli: number;
  unitAmount: number;
  /** > 0: the line is time-based and its base is unitAmount (per hour) × minutes / 60, rounded. */
  durationMinutes: number;
  /** Discount on this line, minor units. */
  discountAmount: number;
  /** Computed: this line's share of the invoice-level discount (largest-remainder allocation). */
  invoiceDiscountShare: number;
  /** Computed: amount after discounts. Net of tax for 'exclusive'/'none', tax-inclusive for 'inclusive'. */
  amount: number;
  /** Computed: the tax on (exclusive) or within (inclusive) `amount`. */
  taxAmount: number;
  /**
   * Billable items claimed by this line: occurrence ids for lesson lines, `monthly:YYYY-MM` for a
   * monthly fee, `package:<packageId>` for a package purchase. Each becomes a BillingClaim.
   */
  occurrenceIds: string[];
  studentId: string;
  /** The prepaid package consumed (lesson lines) or sold (package lines); '' otherwise. */
  packageId: string;
  /** Snapshot for reports: YYYY-MM-DD the service was given (lesson date), '' for others. */
  serviceDate: string;
  tutorId: string;
  subject: string;
  /**
   * Partial credit notes (docs/billing.md "Corrections"): the id of the invoice line this credit
   * line credits. Absent on invoices and on the credit note of a void. (Schema: planned.)
   */
  creditsLineId?: string;
}

export interface Invoice extends SyncMeta {
  kind: InvoiceKind;
  familyId: string;
  status: InvoiceStatus;
  /** Human-friendly number, '' for a draft. */
  number: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
  issueDate: string;
  dueDate: string;
  lines: InvoiceLine[];
  invoiceDiscountAmount: number;
  taxMode: TaxMode;
  taxRateBp: number;
  taxLabel: string;
  subtotal: number;
  taxTotal: number;
  total: number;
  /** For a credit note: the invoice it voids; for a voided invoice: the credit note. */
  creditNoteFor: string;
  voidedBy: string;
  issuedAt: string;
  issuedBy: string;
  /** Device that issued (numbered) it, '' for drafts; see docs/billing.md "Invoice numbers". */
  issuedDeviceId: string;
  /** Numbering series `${kind}|${year}|${deviceCode}` and the number within it; '' / 0 for drafts. */
  sequenceKey: string;
  sequence: number;
  notes: string;
}

export const PAYMENT_METHODS = ['cash', 'bank_transfer', 'card', 'cheque', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface PaymentAllocation {
  invoiceId: string;
  amount: number;
}

/**
 * The three kinds of money records kept in the payments collection (docs/billing.md "Corrections
 * and refunds"): money received, money paid back to the family, and the cancellation of one of
 * those. Absent = 'payment' (every document written before corrections existed).
 */
export const PAYMENT_KINDS = ['payment', 'refund', 'reversal'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

/** A refund pays back money that a payment left unallocated (the family's credit). */
export interface RefundSource {
  paymentId: string;
  amount: number;
}

/** The values of a payment before one edit, kept on the payment (its audit trail). */
export interface PaymentRevision {
  amount: number;
  date: string;
  method: PaymentMethod;
  reference: string;
  allocations: PaymentAllocation[];
  notes: string;
  /** When, by whom and where the values were replaced, and why. */
  revisedAt: string;
  revisedBy: string;
  deviceId: string;
  reason: string;
}

export interface Payment extends SyncMeta {
  familyId: string;
  /** Calendar date of the payment, YYYY-MM-DD in the practice time zone. */
  date: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  reference: string;
  allocations: PaymentAllocation[];
  notes: string;
  /** Corrections (schema: planned). Absent = 'payment'. */
  kind?: PaymentKind;
  /** A reversal: the id of the payment or refund it cancels. */
  reverses?: string;
  /** A reversal or refund: why, in the words of the person who recorded it. */
  reason?: string;
  /** A refund: which payments' unallocated money it pays back. */
  refundSources?: RefundSource[];
  /** A payment: its values before each edit, oldest first. */
  revisions?: PaymentRevision[];
}

/**
 * A claim that one occurrence (for one student) is billed by one invoice. The id is deterministic
 * (`${occurrenceId}#${studentId}`): two laptops billing the same lesson offline write the same
 * document id, so the second is detected as a conflict rather than silently double billing.
 */
export interface BillingClaim extends SyncMeta {
  occurrenceId: string;
  studentId: string;
  invoiceId: string;
  familyId: string;
}

/** A practice-wide closed day (holiday): recurring lessons skip it. */
export interface Closure extends SyncMeta {
  /** YYYY-MM-DD, first closed day in the practice time zone. */
  startDate: string;
  /** YYYY-MM-DD, last closed day (inclusive). */
  endDate: string;
  label: string;
}

/** What an outbox message is about (docs/email.md "What can be sent"). */
export const MESSAGE_KINDS = ['invoice', 'statement', 'overdue-reminder', 'progress-report', 'lesson-reminder'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * queued: waiting for its laptop to be online; sending: handed to the mail server by its laptop;
 * sent: accepted by the mail server; failed: refused for good (or too many attempts), with the
 * server's reason; cancelled: withdrawn before it went.
 */
export const MESSAGE_STATES = ['queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** A document a message concerns; its PDF is made at sending time from the record (by reference). */
export interface MessageDocument {
  kind: 'invoice' | 'statement' | 'progress-report';
  /** Invoice id; family id for a statement; student id for a progress report. */
  id: string;
  /** Statement / report period, YYYY-MM-DD, inclusive ('' for an invoice). */
  from: string;
  to: string;
  /** Attach its PDF. */
  attach: boolean;
  /** Progress report: the tutor's notes chosen for it, in the report. */
  noteIds?: string[];
  /** Progress report: the goals written for the next period. */
  goals?: string;
}

/**
 * One e-mail in the outbox and, once sent, in the family's communication history (collection
 * `messages`, synced). Only the laptop that queued it (`deviceId` of its creation, kept in
 * `senderDeviceId`) sends it, so two laptops never send the same message.
 */
export interface OutboxMessage extends SyncMeta {
  kind: MessageKind;
  familyId: string;
  /** Students it concerns ([] for a family-wide message). */
  studentIds: string[];
  /** Recipients as they were when queued. */
  to: { name: string; address: string }[];
  subject: string;
  text: string;
  html: string;
  documents: MessageDocument[];
  state: MessageState;
  /** The laptop that sends it. */
  senderDeviceId: string;
  attempts: number;
  /** ISO instant before which its laptop does not try again ('' = at once). */
  nextAttemptAt: string;
  /** The last failure, '' when none. */
  lastError: string;
  /** The failure's kind (MailFailureKind), '' when none. */
  lastErrorKind: string;
  /** ISO instant the mail server accepted it, '' until then. */
  sentAt: string;
  /** The Message-ID header it went out with, '' until sent. */
  messageIdHeader: string;
  /** Who queued it (staff id). */
  queuedBy: string;
  /** The batch it was queued in ('' = on its own), for the batch's progress. */
  batchId: string;
}

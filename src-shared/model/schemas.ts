/**
 * RxDB JSON schemas of every synced collection. One collection maps to one CouchDB database
 * (see docs/data-model.md and docs/sync.md). Each schema has a version; when a schema changes
 * after release its version is bumped and a migration strategy added in `migrations.ts`.
 */
import type { RxJsonSchema } from 'rxdb';
import { HARD_LIMITS as L } from '../billing/sanity';
import { metaProperties, metaRequired } from './meta';
import { LESSON_RRULE_PATTERN, TIME_ZONES } from './timing';
import {
  ATTENDANCE_STATUSES,
  BILLING_MODELS,
  CONTACT_METHODS,
  FAMILY_KINDS,
  INVOICE_KINDS,
  INVOICE_LINE_KINDS,
  INVOICE_STATUSES,
  MESSAGE_KINDS,
  MESSAGE_STATES,
  NOTE_KINDS,
  PAYMENT_KINDS,
  PAYMENT_METHODS,
  PAY_UNITS,
  STAFF_ROLES,
  STUDENT_STATUSES,
  TAX_MODES,
  type BillingClaim,
  type Closure,
  type Family,
  type Invoice,
  type Lesson,
  type Note,
  type Occurrence,
  type OutboxMessage,
  type Payment,
  type PracticeSettings,
  type Staff,
  type Student,
} from './types';

const str = (maxLength = 500) => ({ type: 'string', maxLength }) as const;
const text = { type: 'string', maxLength: 100_000 } as const;
const instant = { type: 'string', maxLength: 40 } as const;
const int = (minimum?: number) => (minimum === undefined ? { type: 'integer' } : { type: 'integer', minimum });
const bool = { type: 'boolean' } as const;
const strArray = (maxLength = 200) => ({ type: 'array', items: { type: 'string', maxLength } }) as const;
const enumOf = (values: readonly string[]) => ({ type: 'string', enum: [...values], maxLength: 40 }) as const;
/** An IANA time zone name of the fixed list (src-shared/model/time-zones.ts). */
const timeZone = { type: 'string', enum: [...TIME_ZONES], maxLength: 64 } as const;

/**
 * Hard limits (billing/sanity.ts HARD_LIMITS): values no tutoring practice has, refused by the
 * forms, these schemas and the server rules alike (docs/billing.md "Sanity limits").
 */
const amount = { type: 'integer', minimum: 1, maximum: L.amountMax } as const;
/** A signed amount of one line (credit notes store their amounts negated). */
const lineAmount = { type: 'integer', minimum: -L.amountMax, maximum: L.amountMax } as const;
const lineTotal = { type: 'integer', minimum: -L.totalMax, maximum: L.totalMax } as const;

/** A rate, fee or price: 0 … HARD_LIMITS.amountMax minor units. */
const money = {
  type: 'object',
  properties: { amount: { type: 'integer', minimum: 0, maximum: L.amountMax }, currency: { type: 'string', minLength: 3, maxLength: 3 } },
  required: ['amount', 'currency'],
  additionalProperties: false,
} as const;
const moneyOrNull = { oneOf: [{ type: 'null' }, money] } as const;

/** Optional billing fields of students and families (docs/billing.md); not required, so older docs stay valid. */
const billingModelOrInherit = { type: 'string', enum: ['', ...BILLING_MODELS], maxLength: 40 } as const;
const prepaidPackage = {
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    lessons: { type: 'integer', minimum: 1, maximum: L.packageLessonsMax },
    price: { type: 'integer', minimum: 0, maximum: L.amountMax },
    purchasedOn: { type: 'string', maxLength: 10 },
    description: { type: 'string', maxLength: 500 },
  },
  required: ['id', 'lessons', 'price', 'purchasedOn', 'description'],
  additionalProperties: false,
} as const;

const address = {
  type: 'object',
  properties: {
    line1: str(),
    line2: str(),
    city: str(200),
    region: str(200),
    postalCode: str(40),
    country: str(100),
  },
  required: ['line1', 'line2', 'city', 'region', 'postalCode', 'country'],
  additionalProperties: false,
} as const;

function schema<T>(
  title: string,
  version: number,
  properties: Record<string, unknown>,
  required: string[],
  indexes: (string | string[])[] = [],
): RxJsonSchema<T> {
  return {
    title,
    version,
    primaryKey: 'id',
    type: 'object',
    properties: { ...metaProperties, ...properties },
    required: [...metaRequired, ...required],
    indexes,
    additionalProperties: false,
  } as unknown as RxJsonSchema<T>;
}

export const studentSchema = schema<Student>(
  'student',
  2,
  {
    firstName: str(200),
    lastName: str(200),
    familyId: str(100),
    status: enumOf(STUDENT_STATUSES),
    subjects: { ...strArray(), maxItems: L.subjectsMax },
    defaultRate: moneyOrNull,
    email: str(320),
    phone: str(40),
    gradeLevel: str(100),
    notes: text,
    archivedAt: instant,
    billingModel: billingModelOrInherit,
    monthlyFee: moneyOrNull,
    packages: { type: 'array', items: prepaidPackage },
    // Set once when this student was merged into another (docs/data-model.md "Merging duplicates").
    mergedInto: str(100),
  },
  ['firstName', 'lastName', 'familyId', 'status', 'subjects', 'defaultRate', 'email', 'phone', 'gradeLevel', 'notes', 'archivedAt'],
  ['familyId', 'status'],
);

export const familySchema = schema<Family>(
  'family',
  2,
  {
    kind: enumOf(FAMILY_KINDS),
    name: str(300),
    contactName: str(300),
    email: str(320),
    phone: str(40),
    address,
    preferredContact: enumOf(CONTACT_METHODS),
    notes: text,
    defaultRate: moneyOrNull,
    archived: bool,
    billingModel: billingModelOrInherit,
    monthlyFee: moneyOrNull,
    mergedInto: str(100),
    // Version 2: optional; the family asked for e-mail reminders the day before a lesson.
    lessonReminders: bool,
  },
  ['kind', 'name', 'contactName', 'email', 'phone', 'address', 'preferredContact', 'notes', 'defaultRate', 'archived'],
);

export const staffSchema = schema<Staff>(
  'staff',
  1,
  {
    name: str(300),
    email: str(320),
    phone: str(40),
    role: enumOf(STAFF_ROLES),
    payRate: money,
    payUnit: enumOf(PAY_UNITS),
    colour: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$', maxLength: 7 },
    username: str(200),
    active: bool,
  },
  ['name', 'email', 'phone', 'role', 'payRate', 'payUnit', 'colour', 'username', 'active'],
);

const attendanceList = { type: 'array', items: enumOf(ATTENDANCE_STATUSES) } as const;

/** End-to-end encryption of the practice's personal fields (src-shared/sync/encryption.ts): the key only wrapped. */
const practiceEncryption = {
  type: 'object',
  properties: {
    version: { type: 'integer', minimum: 1, maximum: 1 },
    keyId: { type: 'string', pattern: '^[0-9a-f]{16}$', maxLength: 16 },
    cipher: { type: 'string', enum: ['AES-SIV-CMAC-512'], maxLength: 20 },
    kdf: { type: 'string', enum: ['PBKDF2-SHA256'], maxLength: 20 },
    iterations: { type: 'integer', minimum: 100_000, maximum: 10_000_000 },
    salt: str(100),
    wrappedKey: {
      type: 'object',
      properties: { iv: str(100), data: str(200) },
      required: ['iv', 'data'],
      additionalProperties: false,
    },
    enabledAt: instant,
    passphraseChangedAt: instant,
  },
  required: ['version', 'keyId', 'cipher', 'kdf', 'iterations', 'salt', 'wrappedKey', 'enabledAt', 'passphraseChangedAt'],
  additionalProperties: false,
} as const;

/**
 * A room of the practice (settings v4, docs/schedule.md "Rooms"): lessons keep the room's name in
 * their `room` field, so `name` has the lesson room's length and `location` the lesson location's.
 */
const practiceRoom = {
  type: 'object',
  properties: {
    id: str(100),
    name: str(100),
    location: str(500),
    active: bool,
  },
  required: ['id', 'name', 'location', 'active'],
  additionalProperties: false,
} as const;

/** Rooms a practice may list in its settings. */
export const ROOMS_MAX = 200;

const mailTemplate = {
  type: 'object',
  properties: { subject: str(500), body: str(20_000) },
  required: ['subject', 'body'],
  additionalProperties: false,
} as const;

export const settingsSchema = schema<PracticeSettings>(
  'settings',
  5,
  {
    name: str(300),
    address,
    email: str(320),
    phone: str(40),
    currency: { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 3 },
    locale: str(35),
    timeZone,
    taxId: str(100),
    logo: { type: 'string', maxLength: 400_000 },
    defaultRate: money,
    weekStartsOn: { type: 'integer', minimum: 1, maximum: 7 },
    billing: {
      type: 'object',
      properties: {
        paymentTermsDays: { type: 'integer', minimum: 0, maximum: L.paymentTermsDaysMax },
        taxMode: enumOf(TAX_MODES),
        taxRateBp: { type: 'integer', minimum: 0, maximum: 10_000 },
        taxLabel: str(40),
        invoicePrefix: str(20),
        paymentInstructions: str(4000),
        paperSize: { type: 'string', enum: ['A4', 'Letter'], maxLength: 10 },
      },
      required: ['paymentTermsDays', 'taxMode', 'taxRateBp', 'taxLabel', 'invoicePrefix', 'paymentInstructions'],
      additionalProperties: false,
    },
    attendance: {
      type: 'object',
      properties: {
        billable: attendanceList,
        payable: attendanceList,
        cancellationNoticeHours: { type: 'integer', minimum: 0, maximum: L.cancellationNoticeHoursMax },
        makeupForInTimeCancellation: bool,
      },
      required: ['billable', 'payable', 'cancellationNoticeHours', 'makeupForInTimeCancellation'],
      additionalProperties: false,
    },
    reminders: {
      type: 'object',
      properties: { enabled: bool, minutesBefore: { type: 'integer', minimum: 0, maximum: L.reminderMinutesMax } },
      required: ['enabled', 'minutesBefore'],
      additionalProperties: false,
    },
    // Version 3: optional; set when the practice turns end-to-end encryption on.
    encryption: practiceEncryption,
    // Version 4: optional; the practice's rooms (absent = none listed yet).
    rooms: { type: 'array', items: practiceRoom, maxItems: ROOMS_MAX },
    // Version 5: optional; e-mail templates the practice edited (absent kinds use the defaults)
    // and automatic monthly invoicing (docs/email.md).
    mailTemplates: {
      type: 'object',
      properties: Object.fromEntries(MESSAGE_KINDS.map((k) => [k, mailTemplate])),
      additionalProperties: false,
    },
    autoInvoicing: {
      type: 'object',
      properties: {
        enabled: bool,
        dayOfMonth: { type: 'integer', minimum: 1, maximum: 31 },
        lastRunMonth: { type: 'string', pattern: '^$|^[0-9]{4}-[0-9]{2}$', maxLength: 7 },
      },
      required: ['enabled', 'dayOfMonth', 'lastRunMonth'],
      additionalProperties: false,
    },
  },
  [
    'name',
    'address',
    'email',
    'phone',
    'currency',
    'locale',
    'timeZone',
    'taxId',
    'logo',
    'defaultRate',
    'weekStartsOn',
    'billing',
    'attendance',
    'reminders',
  ],
);

export const lessonSchema = schema<Lesson>(
  'lesson',
  2,
  {
    tutorId: str(100),
    studentIds: { ...strArray(100), maxItems: L.lessonStudentsMax },
    subject: str(200),
    location: str(500),
    onlineUrl: str(2000),
    room: str(100),
    rateOverride: moneyOrNull,
    start: instant,
    durationMinutes: { type: 'integer', minimum: 1, maximum: 24 * 60 },
    timeZone,
    // '' (a one-off) or a weekly rule as the lesson editor writes it (src-shared/model/timing.ts).
    rrule: { type: 'string', pattern: LESSON_RRULE_PATTERN, maxLength: 1000 },
    exdates: strArray(40),
    splitFrom: str(100),
    makeupForOccurrenceId: str(250),
    notes: text,
    cancelled: bool,
  },
  [
    'tutorId',
    'studentIds',
    'subject',
    'location',
    'onlineUrl',
    'room',
    'rateOverride',
    'start',
    'durationMinutes',
    'timeZone',
    'rrule',
    'exdates',
    'splitFrom',
    'makeupForOccurrenceId',
    'notes',
    'cancelled',
  ],
  ['tutorId', 'start'],
);

export const occurrenceSchema = schema<Occurrence>(
  'occurrence',
  2,
  {
    lessonId: str(100),
    originalStart: instant,
    start: instant,
    durationMinutes: { type: 'integer', minimum: 0, maximum: L.durationMinutesMax },
    tutorId: str(100),
    lessonTutorId: str(100),
    room: str(100),
    status: enumOf(ATTENDANCE_STATUSES),
    statusChangedAt: instant,
    studentStatus: { type: 'object', additionalProperties: enumOf(ATTENDANCE_STATUSES) },
    makeupGranted: bool,
  },
  [
    'lessonId',
    'originalStart',
    'start',
    'durationMinutes',
    'tutorId',
    'lessonTutorId',
    'room',
    'status',
    'statusChangedAt',
    'studentStatus',
    'makeupGranted',
  ],
  // originalStart / start: the calendar loads attendance documents by date range (old ones lazily).
  ['lessonId', 'originalStart', 'start'],
);

const noteVersion = {
  type: 'object',
  properties: {
    title: str(300),
    body: text,
    covered: text,
    homework: text,
    nextSteps: text,
    updatedAt: instant,
    updatedBy: str(100),
    deviceId: str(100),
  },
  required: ['body', 'covered', 'homework', 'nextSteps', 'updatedAt', 'updatedBy', 'deviceId'],
  additionalProperties: false,
} as const;

export const noteSchema = schema<Note>(
  'note',
  0,
  {
    kind: enumOf(NOTE_KINDS),
    studentIds: strArray(100),
    lessonId: str(100),
    occurrenceId: str(250),
    authorId: str(100),
    title: str(300),
    body: text,
    covered: text,
    homework: text,
    nextSteps: text,
    conflicts: { type: 'array', items: noteVersion },
  },
  ['kind', 'studentIds', 'lessonId', 'occurrenceId', 'authorId', 'title', 'body', 'covered', 'homework', 'nextSteps', 'conflicts'],
  ['updatedAt'],
);

const invoiceLine = {
  type: 'object',
  properties: {
    id: str(100),
    kind: enumOf(INVOICE_LINE_KINDS),
    description: str(1000),
    quantityMilli: { type: 'integer', minimum: 0, maximum: L.quantityMilliMax },
    // Signed: credit notes store every amount negated.
    unitAmount: lineAmount,
    durationMinutes: { type: 'integer', minimum: 0, maximum: L.durationMinutesMax },
    discountAmount: lineAmount,
    invoiceDiscountShare: int(),
    amount: lineTotal,
    taxAmount: lineTotal,
    occurrenceIds: strArray(250),
    studentId: str(100),
    packageId: str(100),
    serviceDate: str(10),
    tutorId: str(100),
    subject: str(200),
    // A partial credit note's line names the line it credits (docs/billing.md "Corrections and refunds").
    creditsLineId: str(100),
  },
  required: [
    'id',
    'kind',
    'description',
    'quantityMilli',
    'unitAmount',
    'durationMinutes',
    'discountAmount',
    'invoiceDiscountShare',
    'amount',
    'taxAmount',
    'occurrenceIds',
    'studentId',
    'packageId',
    'serviceDate',
    'tutorId',
    'subject',
  ],
  additionalProperties: false,
} as const;

export const invoiceSchema = schema<Invoice>(
  'invoice',
  1,
  {
    kind: enumOf(INVOICE_KINDS),
    familyId: str(100),
    status: enumOf(INVOICE_STATUSES),
    number: str(60),
    currency: { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 3 },
    periodStart: str(10),
    periodEnd: str(10),
    issueDate: str(10),
    dueDate: str(10),
    lines: { type: 'array', maxItems: L.invoiceLinesMax, items: invoiceLine },
    invoiceDiscountAmount: lineTotal,
    taxMode: enumOf(TAX_MODES),
    taxRateBp: { type: 'integer', minimum: 0, maximum: 10_000 },
    taxLabel: str(40),
    subtotal: lineTotal,
    taxTotal: lineTotal,
    total: lineTotal,
    creditNoteFor: str(100),
    voidedBy: str(100),
    issuedAt: instant,
    issuedBy: str(100),
    issuedDeviceId: str(100),
    sequenceKey: str(100),
    sequence: int(0),
    notes: text,
  },
  [
    'kind',
    'familyId',
    'status',
    'number',
    'currency',
    'periodStart',
    'periodEnd',
    'issueDate',
    'dueDate',
    'lines',
    'invoiceDiscountAmount',
    'taxMode',
    'taxRateBp',
    'taxLabel',
    'subtotal',
    'taxTotal',
    'total',
    'creditNoteFor',
    'voidedBy',
    'issuedAt',
    'issuedBy',
    'issuedDeviceId',
    'sequenceKey',
    'sequence',
    'notes',
  ],
  ['familyId'],
);

const paymentAllocation = {
  type: 'object',
  properties: { invoiceId: str(100), amount },
  required: ['invoiceId', 'amount'],
  additionalProperties: false,
} as const;

/**
 * Payments, refunds and reversals (docs/billing.md "Corrections and refunds"). Version 1 added the
 * optional correction fields (`kind`, `reverses`, `reason`, `refundSources`, `revisions`); a
 * version 0 document is a payment and stays valid as it is (`migratePaymentV0toV1`).
 */
export const paymentSchema = schema<Payment>(
  'payment',
  2,
  {
    familyId: str(100),
    date: str(10),
    amount,
    currency: { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 3 },
    method: enumOf(PAYMENT_METHODS),
    reference: str(200),
    allocations: { type: 'array', maxItems: L.allocationsMax, items: paymentAllocation },
    notes: text,
    kind: { type: 'string', enum: [...PAYMENT_KINDS], maxLength: 20 },
    reverses: str(100),
    reason: str(500),
    refundSources: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        properties: { paymentId: str(100), amount },
        required: ['paymentId', 'amount'],
        additionalProperties: false,
      },
    },
    revisions: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        properties: {
          amount,
          date: str(10),
          method: enumOf(PAYMENT_METHODS),
          reference: str(200),
          allocations: { type: 'array', items: paymentAllocation },
          notes: text,
          revisedAt: str(40),
          revisedBy: str(100),
          deviceId: str(100),
          reason: str(500),
        },
        required: ['amount', 'date', 'method', 'reference', 'allocations', 'notes', 'revisedAt', 'revisedBy', 'deviceId', 'reason'],
        additionalProperties: false,
      },
    },
  },
  ['familyId', 'date', 'amount', 'currency', 'method', 'reference', 'allocations', 'notes'],
  ['familyId'],
);

export const billingClaimSchema = schema<BillingClaim>(
  'billingclaim',
  0,
  { occurrenceId: str(250), studentId: str(100), invoiceId: str(100), familyId: str(100) },
  ['occurrenceId', 'studentId', 'invoiceId', 'familyId'],
  ['invoiceId'],
);

export const closureSchema = schema<Closure>('closure', 0, { startDate: str(10), endDate: str(10), label: str(200) }, [
  'startDate',
  'endDate',
  'label',
]);

const mailbox = {
  type: 'object',
  properties: { name: str(200), address: str(320) },
  required: ['name', 'address'],
  additionalProperties: false,
} as const;

const messageDocument = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['invoice', 'statement', 'progress-report'], maxLength: 40 },
    id: str(100),
    from: str(10),
    to: str(10),
    attach: bool,
    noteIds: { ...strArray(100), maxItems: 200 },
    goals: str(4000),
  },
  required: ['kind', 'id', 'from', 'to', 'attach'],
  additionalProperties: false,
} as const;

/** The outbox and each family's communication history (docs/email.md). */
export const messageSchema = schema<OutboxMessage>(
  'message',
  0,
  {
    kind: enumOf(MESSAGE_KINDS),
    familyId: str(100),
    studentIds: { ...strArray(100), maxItems: 50 },
    to: { type: 'array', items: mailbox, maxItems: 20 },
    subject: str(500),
    text: { type: 'string', maxLength: 200_000 },
    html: { type: 'string', maxLength: 400_000 },
    documents: { type: 'array', items: messageDocument, maxItems: 20 },
    state: enumOf(MESSAGE_STATES),
    senderDeviceId: str(100),
    attempts: { type: 'integer', minimum: 0, maximum: 1000 },
    nextAttemptAt: str(40),
    lastError: str(2000),
    lastErrorKind: str(40),
    sentAt: str(40),
    messageIdHeader: str(300),
    queuedBy: str(100),
    batchId: str(100),
  },
  [
    'kind',
    'familyId',
    'studentIds',
    'to',
    'subject',
    'text',
    'html',
    'documents',
    'state',
    'senderDeviceId',
    'attempts',
    'nextAttemptAt',
    'lastError',
    'lastErrorKind',
    'sentAt',
    'messageIdHeader',
    'queuedBy',
    'batchId',
  ],
  ['familyId'],
);

/** Collection name → schema. Collection names are also the CouchDB database suffixes. */
export const collectionSchemas = {
  students: studentSchema,
  families: familySchema,
  staff: staffSchema,
  settings: settingsSchema,
  lessons: lessonSchema,
  occurrences: occurrenceSchema,
  notes: noteSchema,
  invoices: invoiceSchema,
  payments: paymentSchema,
  billingclaims: billingClaimSchema,
  closures: closureSchema,
  messages: messageSchema,
} as const;

export type CollectionName = keyof typeof collectionSchemas;
export const COLLECTION_NAMES = Object.keys(collectionSchemas) as CollectionName[];

export interface CollectionDocTypes {
  students: Student;
  families: Family;
  staff: Staff;
  settings: PracticeSettings;
  lessons: Lesson;
  occurrences: Occurrence;
  notes: Note;
  invoices: Invoice;
  payments: Payment;
  billingclaims: BillingClaim;
  closures: Closure;
  messages: OutboxMessage;
}

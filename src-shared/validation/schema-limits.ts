/**
 * Form limits = schema limits (docs/data-model.md "Limits and error messages"). The JSON schemas
 * in src-shared/model/schemas.ts are the one source of every limit (lengths, minimum and maximum,
 * patterns, choices); this module reads them, names every field for people (`FIELD_LABELS`), and
 * gives:
 *
 * - `schemaLimits(collection)`: every limit of a collection, with its path ("lines[].description");
 * - `fieldLimits(collection, path)`: what a form field needs (maxLength for the input, min, max…);
 * - `checkSchemaLimits(collection, values)`: the field errors of values against the schema, with
 *   the field's name ("Room: at most 100 characters") — forms run it before saving, so a value the
 *   schema refuses is caught at the field;
 * - `humaniseWriteError(error)`: an RxDB/Ajv (or z-schema) validation error of a write turned into
 *   the same messages, never the raw RxDB text (which held 19,480 characters of a record in issue 15).
 *
 * A unit test goes over every collection × every limit and proves each has a label and a message.
 * Pure.
 */
import { isQuotaError, STORAGE_FULL_MESSAGE } from './storage-errors';
import { collectionSchemas, type CollectionName } from '../model/schemas';
import { MESSAGE_KINDS } from '../model/types';

export type LimitKeyword = 'maxLength' | 'minLength' | 'minimum' | 'maximum' | 'pattern' | 'enum' | 'maxItems' | 'type';

export interface SchemaLimit {
  collection: CollectionName;
  /** Dot path; `[]` = every item of an array, `{}` = every value of a map: "lines[].description". */
  path: string;
  keyword: LimitKeyword;
  value: number | string | readonly string[];
}

type Node = {
  type?: string | string[];
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node | boolean;
  oneOf?: Node[];
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  enum?: string[];
  maxItems?: number;
  required?: string[];
};

function walk(node: Node, path: string, visit: (path: string, node: Node) => void): void {
  visit(path, node);
  for (const [k, child] of Object.entries(node.properties ?? {})) walk(child, path ? `${path}.${k}` : k, visit);
  if (node.items) walk(node.items, `${path}[]`, visit);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}{}`, visit);
  for (const alt of node.oneOf ?? []) if (alt.type !== 'null') walk({ ...alt }, path, visit);
}

const pathCache = new Map<CollectionName, Set<string>>();

/** Every generic path of a collection's schema (objects, arrays and maps included). */
function schemaPaths(collection: CollectionName): Set<string> {
  let hit = pathCache.get(collection);
  if (!hit) {
    hit = new Set<string>();
    const set = hit;
    walk(collectionSchemas[collection] as unknown as Node, '', (path) => {
      if (path) set.add(path);
    });
    pathCache.set(collection, hit);
  }
  return hit;
}

/** "lines.3.description" → "lines[].description"; "studentStatus.s1" → "studentStatus{}", by the schema. */
export function genericPathOf(collection: CollectionName, concrete: string): string {
  const known = schemaPaths(collection);
  let acc = '';
  for (const part of concrete.split('.').filter(Boolean)) {
    if (acc && known.has(`${acc}[]`) && /^\d+$/.test(part)) acc = `${acc}[]`;
    else if (acc && known.has(`${acc}{}`)) acc = `${acc}{}`;
    else acc = acc ? `${acc}.${part}` : part;
  }
  return acc;
}

const KEYWORDS: readonly LimitKeyword[] = ['maxLength', 'minLength', 'pattern', 'enum', 'minimum', 'maximum', 'maxItems'];
const limitCache = new Map<CollectionName, SchemaLimit[]>();

/** Every limit of a collection's schema, in schema order. */
export function schemaLimits(collection: CollectionName): SchemaLimit[] {
  const hit = limitCache.get(collection);
  if (hit) return hit;
  const out: SchemaLimit[] = [];
  walk(collectionSchemas[collection] as unknown as Node, '', (path, node) => {
    if (!path) return;
    for (const k of KEYWORDS) {
      const v = node[k as keyof Node];
      if (v !== undefined) out.push({ collection, path, keyword: k, value: v as SchemaLimit['value'] });
    }
  });
  limitCache.set(collection, out);
  return out;
}

const SYNC_LABELS: Record<string, string> = {
  id: 'Record id',
  createdAt: 'Created',
  updatedAt: 'Last changed',
  updatedBy: 'Changed by',
  deviceId: 'Device',
  'fieldClock{}': 'Change history',
};

const ADDRESS_LABELS = (prefix: string, who: string): Record<string, string> => ({
  [`${prefix}.line1`]: `${who}address line 1`,
  [`${prefix}.line2`]: `${who}address line 2`,
  [`${prefix}.city`]: `${who}city`,
  [`${prefix}.region`]: `${who}region`,
  [`${prefix}.postalCode`]: `${who}postcode`,
  [`${prefix}.country`]: `${who}country`,
});

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const capitalise = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, capital(v)]));

const MONEY = (prefix: string, label: string): Record<string, string> => ({
  [prefix]: label,
  [`${prefix}.amount`]: label,
  [`${prefix}.currency`]: `${label} currency`,
});

/** The name people read for every field that has a limit (and a few more), per collection. */
export const FIELD_LABELS: Readonly<Record<CollectionName, Readonly<Record<string, string>>>> = {
  students: {
    ...SYNC_LABELS,
    firstName: 'First name',
    lastName: 'Last name',
    familyId: 'Who pays',
    status: 'Status',
    subjects: 'Subjects',
    'subjects[]': 'Subject',
    ...MONEY('defaultRate', 'Lesson rate'),
    email: 'E-mail',
    phone: 'Phone',
    gradeLevel: 'Year / level',
    notes: 'Notes',
    archivedAt: 'Archived on',
    billingModel: 'Billing model',
    ...MONEY('monthlyFee', 'Monthly fee'),
    'packages[].id': 'Package id',
    'packages[].lessons': 'Lessons in the package',
    'packages[].price': 'Package price',
    'packages[].purchasedOn': 'Package bought on',
    'packages[].description': 'Package description',
    mergedInto: 'Merged into',
  },
  families: {
    ...SYNC_LABELS,
    kind: 'Who pays',
    name: 'Family name',
    contactName: 'Parent / guardian',
    email: 'E-mail',
    phone: 'Phone',
    ...capitalise(ADDRESS_LABELS('address', '')),
    preferredContact: 'Preferred contact',
    notes: 'Notes',
    ...MONEY('defaultRate', 'Lesson rate'),
    billingModel: 'Billing model',
    ...MONEY('monthlyFee', 'Monthly fee'),
    mergedInto: 'Merged into',
  },
  staff: {
    ...SYNC_LABELS,
    name: 'Name',
    email: 'E-mail',
    phone: 'Phone',
    role: 'Role',
    ...MONEY('payRate', 'Pay rate'),
    payUnit: 'Paid per',
    colour: 'Calendar colour',
    username: 'Sync user name',
  },
  settings: {
    ...SYNC_LABELS,
    name: 'Practice name',
    ...capitalise(ADDRESS_LABELS('address', '')),
    email: 'E-mail',
    phone: 'Phone',
    currency: 'Currency',
    locale: 'Language and region',
    timeZone: 'Time zone',
    taxId: 'Tax ID',
    logo: 'Logo',
    ...MONEY('defaultRate', 'Default lesson rate'),
    weekStartsOn: 'Week starts on',
    'billing.paymentTermsDays': 'Payment terms (days)',
    'billing.taxMode': 'Tax',
    'billing.taxRateBp': 'Tax rate',
    'billing.taxLabel': 'Tax name',
    'billing.invoicePrefix': 'Invoice number prefix',
    'billing.paymentInstructions': 'Payment instructions',
    'billing.paperSize': 'Paper size',
    'attendance.billable[]': 'Billed statuses',
    'attendance.payable[]': 'Paid statuses',
    'attendance.cancellationNoticeHours': 'Cancellation notice (hours)',
    'reminders.minutesBefore': 'Reminder (minutes before)',
    'encryption.version': 'Encryption format',
    'encryption.keyId': 'Encryption key id',
    'encryption.cipher': 'Encryption cipher',
    'encryption.kdf': 'Passphrase key derivation',
    'encryption.iterations': 'Passphrase key derivation rounds',
    'encryption.salt': 'Passphrase salt',
    'encryption.wrappedKey.iv': 'Wrapped practice key',
    'encryption.wrappedKey.data': 'Wrapped practice key',
    'encryption.enabledAt': 'Encryption turned on',
    'encryption.passphraseChangedAt': 'Passphrase changed',
    rooms: 'Rooms',
    'rooms[].id': 'Room id',
    'rooms[].name': 'Room name',
    'rooms[].location': 'Room location',
    ...Object.fromEntries(
      MESSAGE_KINDS.flatMap((k) => [
        [`mailTemplates.${k}.subject`, `Subject of the ${k.replace('-', ' ')} e-mail`],
        [`mailTemplates.${k}.body`, `Text of the ${k.replace('-', ' ')} e-mail`],
      ]),
    ),
    'autoInvoicing.enabled': 'Automatic monthly invoicing',
    'autoInvoicing.dayOfMonth': 'Day of the month for automatic invoicing',
    'autoInvoicing.lastRunMonth': 'Month of the last automatic invoicing',
  },
  lessons: {
    ...SYNC_LABELS,
    tutorId: 'Tutor',
    studentIds: 'Students',
    'studentIds[]': 'Student',
    subject: 'Subject',
    location: 'Location',
    onlineUrl: 'Online lesson link',
    room: 'Room',
    ...MONEY('rateOverride', 'Rate for this lesson'),
    start: 'Start',
    durationMinutes: 'Duration (minutes)',
    timeZone: 'Time zone',
    rrule: 'Repeats',
    'exdates[]': 'Skipped date',
    splitFrom: 'Series it continues',
    makeupForOccurrenceId: 'Make-up for',
    notes: 'Notes',
  },
  occurrences: {
    ...SYNC_LABELS,
    lessonId: 'Lesson',
    originalStart: 'Original start',
    start: 'Start',
    durationMinutes: 'Duration (minutes)',
    tutorId: 'Tutor',
    lessonTutorId: "Lesson's tutor",
    room: 'Room',
    status: 'Attendance',
    statusChangedAt: 'Attendance recorded',
    'studentStatus{}': "Student's attendance",
  },
  notes: {
    ...SYNC_LABELS,
    kind: 'Kind of note',
    'studentIds[]': 'Student',
    lessonId: 'Lesson',
    occurrenceId: 'Lesson date',
    authorId: 'Author',
    title: 'Title',
    body: 'Note',
    covered: 'Covered',
    homework: 'Homework',
    nextSteps: 'Next steps',
    'conflicts[].title': 'Title (other version)',
    'conflicts[].body': 'Note (other version)',
    'conflicts[].covered': 'Covered (other version)',
    'conflicts[].homework': 'Homework (other version)',
    'conflicts[].nextSteps': 'Next steps (other version)',
    'conflicts[].updatedAt': 'Changed (other version)',
    'conflicts[].updatedBy': 'Changed by (other version)',
    'conflicts[].deviceId': 'Device (other version)',
  },
  invoices: {
    lines: 'Invoice lines',
    ...SYNC_LABELS,
    kind: 'Document',
    familyId: 'Bill to',
    status: 'Status',
    number: 'Number',
    currency: 'Currency',
    periodStart: 'Period start',
    periodEnd: 'Period end',
    issueDate: 'Issue date',
    dueDate: 'Due date',
    'lines[].id': 'Line id',
    'lines[].kind': 'Line type',
    'lines[].description': 'Line description',
    'lines[].quantityMilli': 'Quantity',
    'lines[].unitAmount': 'Unit price',
    'lines[].durationMinutes': 'Minutes',
    'lines[].discountAmount': 'Line discount',
    'lines[].invoiceDiscountShare': 'Share of the discount',
    'lines[].amount': 'Line amount',
    'lines[].taxAmount': 'Line tax',
    'lines[].occurrenceIds[]': 'Lesson billed',
    'lines[].studentId': 'Student',
    'lines[].packageId': 'Package',
    'lines[].serviceDate': 'Lesson date',
    'lines[].tutorId': 'Tutor',
    'lines[].subject': 'Subject',
    'lines[].creditsLineId': 'Line credited',
    invoiceDiscountAmount: 'Invoice discount',
    taxMode: 'Tax',
    taxRateBp: 'Tax rate',
    taxLabel: 'Tax name',
    subtotal: 'Subtotal',
    taxTotal: 'Tax total',
    total: 'Total',
    creditNoteFor: 'Credits invoice',
    voidedBy: 'Voided by',
    issuedAt: 'Issued',
    issuedBy: 'Issued by',
    issuedDeviceId: 'Issued on device',
    sequenceKey: 'Number series',
    sequence: 'Number in series',
    notes: 'Notes',
  },
  payments: {
    ...SYNC_LABELS,
    familyId: 'Who paid',
    date: 'Date',
    amount: 'Amount',
    currency: 'Currency',
    method: 'Method',
    reference: 'Reference',
    allocations: 'Invoices paid',
    'allocations[].invoiceId': 'Invoice paid',
    'allocations[].amount': 'Amount applied',
    notes: 'Notes',
    kind: 'Kind of record',
    reverses: 'Reverses',
    reason: 'Reason',
    'refundSources[].paymentId': 'Refunded from',
    'refundSources[].amount': 'Amount refunded from it',
    refundSources: 'Payments refunded from',
    revisions: 'Earlier versions',
    'revisions[].amount': 'Earlier amount',
    'revisions[].date': 'Earlier date',
    'revisions[].method': 'Earlier method',
    'revisions[].reference': 'Earlier reference',
    'revisions[].allocations[].invoiceId': 'Earlier invoice paid',
    'revisions[].allocations[].amount': 'Earlier amount applied',
    'revisions[].notes': 'Earlier notes',
    'revisions[].revisedAt': 'Changed at',
    'revisions[].revisedBy': 'Changed by',
    'revisions[].deviceId': 'Changed on device',
    'revisions[].reason': 'Reason for the change',
  },
  billingclaims: {
    ...SYNC_LABELS,
    occurrenceId: 'Lesson billed',
    studentId: 'Student',
    invoiceId: 'Invoice',
    familyId: 'Family',
  },
  closures: {
    ...SYNC_LABELS,
    startDate: 'First closed day',
    endDate: 'Last closed day',
    label: 'Name of the closure',
  },
  messages: {
    ...SYNC_LABELS,
    kind: 'Kind of message',
    familyId: 'Family',
    studentIds: 'Students',
    'studentIds[]': 'Student',
    to: 'Recipients',
    'to[].name': 'Recipient name',
    'to[].address': 'Recipient address',
    subject: 'Subject',
    text: 'Message text',
    html: 'Message (HTML)',
    documents: 'Documents',
    'documents[].kind': 'Document kind',
    'documents[].noteIds': 'Notes in the report',
    'documents[].noteIds[]': 'Note in the report',
    'documents[].goals': 'Goals',
    'documents[].id': 'Document',
    'documents[].from': 'Period start',
    'documents[].to': 'Period end',
    state: 'State',
    senderDeviceId: 'Sending computer',
    attempts: 'Attempts',
    nextAttemptAt: 'Next attempt',
    lastError: 'Last error',
    lastErrorKind: 'Kind of error',
    sentAt: 'Sent at',
    messageIdHeader: 'Message-ID',
    queuedBy: 'Queued by',
    batchId: 'Batch',
  },
};

/** The label of a path ("lines[].description" or "lines.3.description"), else the path itself. */
export function fieldLabel(collection: CollectionName, path: string): string {
  const generic = path.includes('[]') || path.includes('{}') ? path : genericPathOf(collection, path);
  return FIELD_LABELS[collection][generic] ?? generic;
}

/** Fields holding an amount of money (minor units): their limits are said in words, not in pence. */
const MONEY_PATHS: Partial<Record<CollectionName, readonly string[]>> = {
  students: ['defaultRate.amount', 'monthlyFee.amount', 'packages[].price'],
  families: ['defaultRate.amount', 'monthlyFee.amount'],
  staff: ['payRate.amount'],
  settings: ['defaultRate.amount'],
  lessons: ['rateOverride.amount'],
  invoices: [
    'lines[].unitAmount',
    'lines[].discountAmount',
    'lines[].invoiceDiscountShare',
    'lines[].amount',
    'lines[].taxAmount',
    'invoiceDiscountAmount',
    'subtotal',
    'taxTotal',
    'total',
  ],
  payments: ['amount', 'allocations[].amount', 'refundSources[].amount'],
};

const PATTERN_HINTS: Record<string, string> = {
  '^[A-Z]{3}$': 'three capital letters, e.g. GBP',
  '^#[0-9a-fA-F]{6}$': 'a colour like #4f46e5',
};

/** The locale of limit messages when the caller gives none (the app always passes the practice's). */
const MESSAGE_LOCALE = 'en-GB';

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A whole number in the practice locale: 5000 → "5,000" (en-GB), "5.000" (de-DE), "5 000" (fr-FR). */
function count(n: number, locale: string): string {
  let f = numberFormats.get(locale);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    } catch {
      f = new Intl.NumberFormat(MESSAGE_LOCALE, { maximumFractionDigits: 2 });
    }
    numberFormats.set(locale, f);
  }
  return f.format(n);
}

function plural(n: number, one: string, many: string, locale: string): string {
  return `${count(n, locale)} ${n === 1 ? one : many}`;
}

/**
 * The message of one limit, with the field's name: "Room: at most 100 characters". The words are
 * English; the numbers are written in `locale`, the practice's ("Notes: at most 5.000 characters"
 * for de-DE).
 */
export function limitMessage(
  limit: Pick<SchemaLimit, 'collection' | 'path' | 'keyword' | 'value'>,
  locale: string = MESSAGE_LOCALE,
): string {
  const label = fieldLabel(limit.collection, limit.path);
  const v = limit.value;
  if (MONEY_PATHS[limit.collection]?.includes(limit.path)) {
    if (limit.keyword === 'maximum') return `${label}: larger than any tutoring practice charges`;
    if (limit.keyword === 'minimum')
      return v === 0
        ? `${label}: cannot be negative`
        : (v as number) > 0
          ? `${label}: must be more than zero`
          : `${label}: larger than any tutoring practice charges`;
  }
  switch (limit.keyword) {
    case 'maxLength':
      return `${label}: at most ${plural(v as number, 'character', 'characters', locale)}`;
    case 'minLength':
      return `${label}: at least ${plural(v as number, 'character', 'characters', locale)}`;
    case 'minimum':
      return v === 0 ? `${label}: cannot be negative` : `${label}: at least ${count(v as number, locale)}`;
    case 'maximum':
      return `${label}: at most ${count(v as number, locale)}`;
    case 'pattern':
      return `${label}: ${PATTERN_HINTS[v as string] ?? 'not in the expected form'}`;
    case 'enum':
      return `${label}: choose one of the options`;
    case 'maxItems':
      return `${label}: at most ${plural(v as number, 'item', 'items', locale)}`;
    case 'type':
      return `${label}: not a valid value`;
  }
}

export interface FieldLimits {
  label: string;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  options?: readonly string[];
}

/** What a form's input for this schema field needs (its `maxLength`, `min`, `max`…). */
export function fieldLimits(collection: CollectionName, path: string): FieldLimits {
  const out: FieldLimits = { label: fieldLabel(collection, path) };
  for (const l of schemaLimits(collection)) {
    if (l.path !== path) continue;
    if (l.keyword === 'enum') out.options = l.value as readonly string[];
    else if (l.keyword !== 'type' && l.keyword !== 'maxItems') (out as unknown as Record<string, unknown>)[l.keyword] = l.value;
  }
  return out;
}

/**
 * Every form field of the app and the schema field it is stored in: the UI gives each input the
 * limits of `formFieldLimits(form, field)` and checks with `checkSchemaLimits` before saving.
 */
export const FORM_FIELDS = {
  student: {
    firstName: ['students', 'firstName'],
    lastName: ['students', 'lastName'],
    email: ['students', 'email'],
    phone: ['students', 'phone'],
    gradeLevel: ['students', 'gradeLevel'],
    notes: ['students', 'notes'],
    subjects: ['students', 'subjects[]'],
    rate: ['students', 'defaultRate.amount'],
    monthlyFee: ['students', 'monthlyFee.amount'],
  },
  package: {
    lessons: ['students', 'packages[].lessons'],
    price: ['students', 'packages[].price'],
    description: ['students', 'packages[].description'],
  },
  family: {
    name: ['families', 'name'],
    contactName: ['families', 'contactName'],
    email: ['families', 'email'],
    phone: ['families', 'phone'],
    'address.line1': ['families', 'address.line1'],
    'address.line2': ['families', 'address.line2'],
    'address.city': ['families', 'address.city'],
    'address.region': ['families', 'address.region'],
    'address.postalCode': ['families', 'address.postalCode'],
    'address.country': ['families', 'address.country'],
    notes: ['families', 'notes'],
    rate: ['families', 'defaultRate.amount'],
    monthlyFee: ['families', 'monthlyFee.amount'],
  },
  staff: {
    name: ['staff', 'name'],
    email: ['staff', 'email'],
    phone: ['staff', 'phone'],
    username: ['staff', 'username'],
    colour: ['staff', 'colour'],
    payRate: ['staff', 'payRate.amount'],
  },
  practice: {
    name: ['settings', 'name'],
    email: ['settings', 'email'],
    phone: ['settings', 'phone'],
    taxId: ['settings', 'taxId'],
    currency: ['settings', 'currency'],
    locale: ['settings', 'locale'],
    timeZone: ['settings', 'timeZone'],
    'address.line1': ['settings', 'address.line1'],
    'address.line2': ['settings', 'address.line2'],
    'address.city': ['settings', 'address.city'],
    'address.region': ['settings', 'address.region'],
    'address.postalCode': ['settings', 'address.postalCode'],
    'address.country': ['settings', 'address.country'],
    paymentTermsDays: ['settings', 'billing.paymentTermsDays'],
    taxRate: ['settings', 'billing.taxRateBp'],
    taxLabel: ['settings', 'billing.taxLabel'],
    invoicePrefix: ['settings', 'billing.invoicePrefix'],
    paymentInstructions: ['settings', 'billing.paymentInstructions'],
    cancellationNoticeHours: ['settings', 'attendance.cancellationNoticeHours'],
    reminderMinutes: ['settings', 'reminders.minutesBefore'],
    weekStartsOn: ['settings', 'weekStartsOn'],
  },
  lesson: {
    subject: ['lessons', 'subject'],
    location: ['lessons', 'location'],
    onlineUrl: ['lessons', 'onlineUrl'],
    room: ['lessons', 'room'],
    durationMinutes: ['lessons', 'durationMinutes'],
    notes: ['lessons', 'notes'],
    rate: ['lessons', 'rateOverride.amount'],
  },
  occurrence: { room: ['occurrences', 'room'], durationMinutes: ['occurrences', 'durationMinutes'] },
  invoiceLine: {
    description: ['invoices', 'lines[].description'],
    unitPrice: ['invoices', 'lines[].unitAmount'],
    quantity: ['invoices', 'lines[].quantityMilli'],
    discount: ['invoices', 'lines[].discountAmount'],
  },
  invoice: { notes: ['invoices', 'notes'], discount: ['invoices', 'invoiceDiscountAmount'] },
  payment: { amount: ['payments', 'amount'], reference: ['payments', 'reference'], notes: ['payments', 'notes'] },
  note: {
    title: ['notes', 'title'],
    body: ['notes', 'body'],
    covered: ['notes', 'covered'],
    homework: ['notes', 'homework'],
    nextSteps: ['notes', 'nextSteps'],
  },
  closure: { label: ['closures', 'label'] },
} as const satisfies Record<string, Record<string, readonly [CollectionName, string]>>;

export type FormName = keyof typeof FORM_FIELDS;

/** The limits of one form field, from the schema field it is stored in. */
export function formFieldLimits<F extends FormName>(form: F, field: keyof (typeof FORM_FIELDS)[F] & string): FieldLimits {
  const [collection, path] = (FORM_FIELDS[form] as Record<string, readonly [CollectionName, string]>)[field]!;
  return fieldLimits(collection, path);
}

/**
 * The errors of a form's fields against the schema limits of the fields they are stored in
 * (FORM_FIELDS): key = the form's field name, message with the field's name ("Room: at most 100
 * characters"). Only the fields given are checked; a list field (subjects) checks each item.
 */
export function formFieldErrors<F extends FormName>(
  form: F,
  values: Partial<Record<keyof (typeof FORM_FIELDS)[F] & string, unknown>>,
  locale: string = MESSAGE_LOCALE,
): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = FORM_FIELDS[form] as Record<string, readonly [CollectionName, string]>;
  for (const [field, value] of Object.entries(values)) {
    const target = fields[field];
    if (!target || value === undefined) continue;
    const [collection, path] = target;
    const items = path.endsWith('[]') && Array.isArray(value) ? value : [value];
    for (const item of items) {
      const broken = brokenLimit(collection, path, item);
      if (broken) {
        out[field] = limitMessage(broken, locale);
        break;
      }
    }
  }
  return out;
}

/** The first limit of `path` that `value` breaks, in a fixed order (length, form, choice, range). */
function brokenLimit(collection: CollectionName, path: string, value: unknown): SchemaLimit | null {
  for (const l of schemaLimits(collection)) {
    if (l.path !== path) continue;
    if (typeof value === 'string') {
      const length = [...value].length;
      if (l.keyword === 'maxLength' && length > (l.value as number)) return l;
      if (l.keyword === 'minLength' && length < (l.value as number)) return l;
    }
  }
  for (const l of schemaLimits(collection)) {
    if (l.path !== path) continue;
    if (typeof value === 'string' && l.keyword === 'pattern' && !new RegExp(l.value as string, 'u').test(value)) return l;
    if (l.keyword === 'enum' && !(l.value as readonly string[]).includes(value as string)) return l;
    if (typeof value === 'number' && l.keyword === 'minimum' && value < (l.value as number)) return l;
    if (typeof value === 'number' && l.keyword === 'maximum' && value > (l.value as number)) return l;
    if (Array.isArray(value) && l.keyword === 'maxItems' && value.length > (l.value as number)) return l;
  }
  return null;
}

export type FieldErrors = Record<string, string>;

/**
 * The field errors of `values` (a whole document or only the fields of a form) against the
 * collection's schema limits: key = the concrete path ("lines.2.description"), message with the
 * field's name. {} = within every limit.
 */
export function checkSchemaLimits(
  collection: CollectionName,
  values: Record<string, unknown>,
  locale: string = MESSAGE_LOCALE,
): FieldErrors {
  const errors: FieldErrors = {};
  const paths = new Set(schemaLimits(collection).map((l) => l.path));
  const known = schemaPaths(collection);
  const visit = (value: unknown, concrete: string, generic: string) => {
    if (paths.has(generic)) {
      const broken = brokenLimit(collection, generic, value);
      if (broken && !errors[concrete]) errors[concrete] = limitMessage(broken, locale);
    }
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${concrete}.${i}`, `${generic}[]`));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const g = known.has(`${generic}{}`) ? `${generic}{}` : generic ? `${generic}.${k}` : k;
        visit(v, concrete ? `${concrete}.${k}` : k, g);
      }
    }
  };
  visit(values, '', '');
  return errors;
}

// ───────────────────────────── Write errors ─────────────────────────────

export interface HumanError {
  /** Concrete path → message with the field's name (for the form). */
  fields: FieldErrors;
  /** One sentence for a toast or the top of the form; never RxDB's own text. */
  summary: string;
}

type AjvLike = { instancePath?: string; keyword?: string; params?: Record<string, unknown>; path?: string; message?: string };

function valueAt(doc: unknown, concrete: string): unknown {
  let cur: unknown = doc;
  for (const part of concrete.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** An Ajv error's path ("/lines/3/description") or a z-schema one ("#/lines/3/description") → "lines.3.description". */
function concretePath(e: AjvLike): string {
  const raw = e.instancePath ?? e.path ?? '';
  const base = raw
    .replace(/^#?\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
  const missing = e.params?.missingProperty;
  return typeof missing === 'string' ? (base ? `${base}.${missing}` : missing) : base;
}

const KEYWORD_FROM_ZSCHEMA: [RegExp, LimitKeyword][] = [
  [/too long/i, 'maxLength'],
  [/too short/i, 'minLength'],
  [/pattern/i, 'pattern'],
  [/enum/i, 'enum'],
  [/less than minimum|minimum/i, 'minimum'],
  [/greater than maximum|maximum/i, 'maximum'],
];

function messageFor(collection: CollectionName, e: AjvLike, doc: unknown, locale: string): { path: string; message: string }[] {
  const path = concretePath(e);
  const generic = genericPathOf(collection, path);
  const label = fieldLabel(collection, path);
  const keyword = e.keyword ?? KEYWORD_FROM_ZSCHEMA.find(([re]) => re.test(e.message ?? ''))?.[1];
  if (keyword === 'required' || /missing/i.test(e.message ?? '')) return [{ path, message: `${label}: required` }];
  if (keyword === 'additionalProperties') {
    const extra = typeof e.params?.additionalProperty === 'string' ? e.params.additionalProperty : 'a field';
    return [
      {
        path,
        message: `This record has ${extra === 'a field' ? extra : `a field (${extra})`} this version of the app does not know: update the app on this laptop`,
      },
    ];
  }
  if (doc !== undefined) {
    // The document's value says which limit it breaks (the same order as checkSchemaLimits)…
    const broken = brokenLimit(collection, generic, valueAt(doc, path));
    if (broken) return [{ path, message: limitMessage(broken, locale) }];
    // …or, for an error on an object ("matches none of oneOf"), what breaks inside it.
    const inside = Object.entries(checkSchemaLimits(collection, doc as Record<string, unknown>, locale)).filter(([p]) =>
      p.startsWith(`${path}.`),
    );
    if (inside.length) return inside.map(([p, message]) => ({ path: p, message }));
  }
  const limit = schemaLimits(collection).find((l) => l.path === generic && l.keyword === keyword);
  if (limit) return [{ path, message: limitMessage(limit, locale) }];
  return [{ path, message: `${label}: not a valid value` }];
}

function collectionFrom(value: unknown): CollectionName | undefined {
  return typeof value === 'string' && value in collectionSchemas ? (value as CollectionName) : undefined;
}

/**
 * A failed write, as people read it. Understands RxDB's validation error (code VD2, with
 * `parameters.writeError.validationErrors` from Ajv or z-schema), a bulk write's error row
 * (`{ status: 422, validationErrors }`) and a conflict (409). Anything else gets a plain sentence;
 * the original error is for the log, never for the screen.
 */
export function humaniseWriteError(
  error: unknown,
  opts: { collection?: CollectionName; document?: unknown; locale?: string } = {},
): HumanError {
  const e = (error ?? {}) as Record<string, unknown>;
  const params = (e.parameters ?? {}) as Record<string, unknown>;
  const writeError = (params.writeError ?? (e.status !== undefined ? e : undefined) ?? {}) as Record<string, unknown>;
  const status = writeError.status ?? e.status;
  const collection = opts.collection ?? collectionFrom(params.collection);
  if (isQuotaError(error)) return { fields: {}, summary: STORAGE_FULL_MESSAGE };
  if (e.code === 'CONFLICT' || status === 409) {
    return { fields: {}, summary: 'This record was changed elsewhere at the same moment: open it again and repeat your change.' };
  }
  const list = (writeError.validationErrors ?? (Array.isArray(error) ? error : undefined)) as AjvLike[] | undefined;
  if ((e.code === 'VD2' || status === 422 || Array.isArray(error)) && collection && Array.isArray(list)) {
    const row = writeError.writeRow as { document?: unknown } | undefined;
    const doc = opts.document ?? row?.document ?? params.data;
    const fields: FieldErrors = {};
    for (const item of list) {
      for (const { path, message } of messageFor(collection, item, doc, opts.locale ?? MESSAGE_LOCALE))
        if (!fields[path]) fields[path] = message;
    }
    // The most precise error of a field wins: "Lesson rate currency: …" over "Lesson rate: not valid".
    for (const path of Object.keys(fields)) {
      if (Object.keys(fields).some((other) => other !== path && other.startsWith(`${path}.`))) delete fields[path];
    }
    const messages = [...new Set(Object.values(fields))];
    return { fields, summary: messages.length ? `Not saved. ${messages.join('. ')}.` : 'Not saved: a value is not valid.' };
  }
  return { fields: {}, summary: 'Not saved: the record could not be written. Try again; if it keeps failing, the log has the details.' };
}

/** Test builders for the mail tests: outbox records with deterministic ids and times. */
import type { Invoice, OutboxMessage, Payment } from '../../../src-shared/model/types';

export function makeMessage(id: string, over: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id,
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:00:00.000Z',
    updatedBy: 'staff-1',
    deviceId: 'dev-a',
    fieldClock: {},
    kind: 'invoice',
    familyId: 'f1',
    studentIds: [],
    to: [{ name: 'Jo Lee', address: 'jo@example.com' }],
    subject: 'Invoice',
    text: 'Hello',
    html: '<p>Hello</p>',
    documents: [],
    state: 'queued',
    senderDeviceId: 'dev-a',
    attempts: 0,
    nextAttemptAt: '',
    lastError: '',
    lastErrorKind: '',
    sentAt: '',
    messageIdHeader: '',
    queuedBy: 'staff-1',
    batchId: '',
    ...over,
  };
}

const META = {
  createdAt: '2026-01-01T09:00:00.000Z',
  updatedAt: '2026-01-01T09:00:00.000Z',
  updatedBy: 'staff-1',
  deviceId: 'dev-a',
  fieldClock: {},
};

/** An issued invoice with one line of `total` (no tax), due `dueDate`. */
export function makeInvoice(id: string, familyId: string, total: number, dueDate: string, over: Partial<Invoice> = {}): Invoice {
  return {
    ...META,
    id,
    kind: 'invoice',
    familyId,
    status: 'issued',
    number: `INV-${id}`,
    currency: 'GBP',
    periodStart: '',
    periodEnd: '',
    issueDate: '2026-01-01',
    dueDate,
    lines: [],
    invoiceDiscountAmount: 0,
    taxMode: 'none',
    taxRateBp: 0,
    taxLabel: '',
    subtotal: total,
    taxTotal: 0,
    total,
    creditNoteFor: '',
    voidedBy: '',
    issuedAt: '2026-01-01T09:00:00.000Z',
    issuedBy: 'staff-1',
    issuedDeviceId: 'dev-a',
    sequenceKey: 'invoice|2026|K7Q',
    sequence: 1,
    notes: '',
    ...over,
  };
}

export function makePayment(
  id: string,
  familyId: string,
  date: string,
  allocations: { invoiceId: string; amount: number }[],
  over: Partial<Payment> = {},
): Payment {
  return {
    ...META,
    id,
    familyId,
    date,
    amount: allocations.reduce((s, a) => s + a.amount, 0),
    currency: 'GBP',
    method: 'bank_transfer',
    reference: '',
    allocations,
    notes: '',
    ...over,
  };
}

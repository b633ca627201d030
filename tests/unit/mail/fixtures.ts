/** Test builders for the mail tests: outbox records with deterministic ids and times. */
import type { OutboxMessage } from '../../../src-shared/model/types';

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

/**
 * Putting messages in the outbox: the template filled in now (what the family reads is what the
 * person previewed), the documents by reference (their PDFs are made when the message goes), the
 * recipients as the family's record has them now. A family without a usable address is skipped
 * with the reason, never queued half-addressed.
 */
import type { TutorDatabase } from '../../data';
import { insertDoc, saveDoc } from '../../data';
import type { ChangeContext } from '../../../../src-shared/model/meta';
import type { Family, MessageDocument, MessageKind, OutboxMessage, PracticeSettings } from '../../../../src-shared/model/types';
import { recipientsFor } from '../../../../src-shared/mail/recipients';
import { renderMail, templateFor, type MailValues, type RenderedMail } from '../../../../src-shared/mail/templates';

export interface Draft {
  kind: MessageKind;
  family: Family;
  studentIds: string[];
  values: MailValues;
  documents: MessageDocument[];
}

export type Composed = { ok: true; to: OutboxMessage['to']; mail: RenderedMail } | { ok: false; reason: string };

/** The message as it would go, or why it cannot. */
export function compose(draft: Draft, settings: PracticeSettings): Composed {
  const recipients = recipientsFor(draft.family);
  if (recipients.to.length === 0) return { ok: false, reason: recipients.skipped ?? 'No e-mail address' };
  try {
    return { ok: true, to: recipients.to, mail: renderMail(draft.kind, templateFor(draft.kind, settings), draft.values, settings) };
  } catch (e) {
    return { ok: false, reason: `The ${draft.kind.replace('-', ' ')} template has a problem: ${(e as Error).message}` };
  }
}

/**
 * Queues one message to be sent by this laptop; returns it, or the reason it was skipped. With
 * `id` (a deterministic id, e.g. a lesson reminder's), the record is only ever inserted: when a
 * record with that id exists already (queued by an earlier run or another laptop, whatever its
 * state) nothing is written and `{ exists: true }` comes back.
 */
export async function queueMessage(
  db: TutorDatabase,
  ctx: ChangeContext,
  draft: Draft,
  settings: PracticeSettings,
  batchId = '',
  id?: string,
): Promise<{ queued: OutboxMessage } | { skipped: string } | { exists: true }> {
  const composed = compose(draft, settings);
  if (!composed.ok) return { skipped: composed.reason };
  const values = {
    kind: draft.kind,
    familyId: draft.family.id,
    studentIds: draft.studentIds,
    to: composed.to,
    subject: composed.mail.subject,
    text: composed.mail.text,
    html: composed.mail.html,
    documents: draft.documents,
    state: 'queued' as const,
    senderDeviceId: ctx.deviceId,
    attempts: 0,
    nextAttemptAt: '',
    lastError: '',
    lastErrorKind: '' as const,
    sentAt: '',
    messageIdHeader: '',
    queuedBy: ctx.staffId,
    batchId,
  };
  if (id !== undefined) {
    const r = await insertDoc(db, 'messages', id, values, ctx);
    return 'inserted' in r ? { queued: r.inserted } : r;
  }
  return { queued: await saveDoc(db, 'messages', undefined, values, ctx) };
}

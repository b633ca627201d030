/**
 * The outbox: every e-mail of the practice, newest first. Waiting and failed messages come first
 * with their reason; a failed or cancelled message can be sent again, a waiting one cancelled.
 * The messages a batch queued show the batch's progress.
 */
import { useMemo, useState } from 'react';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { navigate, useRoute } from '../../app/router';
import { EmptyState } from '../../ui/EmptyState';
import { useToast } from '../../ui/Toast';
import { getBridge } from '../../platform/bridge';
import { SyncProgressBar } from '../sync';
import type { MessageState, OutboxMessage } from '../../../../src-shared/model/types';
import { MAIL_NEEDS_DESKTOP } from '../../../../src-shared/mail/contract';
import { batchProgressText, cancel, describeMessage, resend, summariseBatch } from '../../../../src-shared/mail/outbox';
import { MESSAGE_STATE_WORDS } from '../../../../src-shared/locale/wording';
import { MessagePreview } from './MessagePreview';
import { mailtoHref, useMailAvailable } from './useMailAvailable';
import './mail.css';

const ORDER: Record<MessageState, number> = { failed: 0, sending: 1, queued: 2, sent: 3, cancelled: 4 };
const BADGE: Record<MessageState, string> = {
  failed: 'mail-badge-failed',
  sending: 'mail-badge-waiting',
  queued: 'mail-badge-waiting',
  sent: 'mail-badge-sent',
  cancelled: 'mail-badge-cancelled',
};

export function OutboxScreen() {
  const app = useApp();
  const toast = useToast();
  const available = useMailAvailable();
  const route = useRoute();
  const { docs, loading } = useLiveQuery('messages');
  const { docs: families } = useLiveQuery('families');
  const [openId, setOpenId] = useState(route.query.get('id') ?? '');
  const familyName = useMemo(() => new Map(families.map((f) => [f.id, f.name])), [families]);
  // Opened from a family's page: that family's communication history.
  const familyId = route.query.get('family') ?? '';
  const rows = useMemo(
    () =>
      docs
        .filter((m) => !familyId || m.familyId === familyId)
        .sort((a, b) => ORDER[a.state] - ORDER[b.state] || (a.createdAt < b.createdAt ? 1 : -1)),
    [docs, familyId],
  );
  const batchId = route.query.get('batch') ?? '';
  const batch = batchId ? summariseBatch(docs, batchId) : null;
  const practice = { locale: app.format.locale, timeZone: app.settings?.timeZone ?? 'UTC' };
  const act = async (m: OutboxMessage, what: 'resend' | 'cancel') => {
    try {
      await app.save('messages', m.id, what === 'resend' ? { ...resend(m, new Date()), senderDeviceId: app.device.deviceId } : cancel(m));
      toast(what === 'resend' ? 'E-mail queued again' : 'E-mail cancelled');
    } catch (e) {
      toast((e as Error).message);
    }
  };
  const open = rows.find((m) => m.id === openId) ?? null;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{familyId ? `E-mails to ${familyName.get(familyId) ?? 'this family'}` : 'Outbox'}</h1>
          <p>E-mails to families. Written offline, they go as soon as the computer that wrote them is online.</p>
        </div>
        {familyId && (
          <button type="button" className="btn" onClick={() => navigate('/outbox')}>
            All e-mails
          </button>
        )}
      </div>
      {available === false && (
        <div className="card card-pad mail-note" role="note">
          {MAIL_NEEDS_DESKTOP}
        </div>
      )}
      {batch && batch.total > 0 && (
        <section className="card card-pad stack" aria-label="Batch progress">
          <SyncProgressBar done={batch.done} total={batch.total} label="Batch progress" />
          <p>{batchProgressText(batch, app.format.locale)}</p>
        </section>
      )}
      {!loading && rows.length === 0 ? (
        <div className="card">
          <EmptyState icon="mail" title={familyId ? 'No e-mails to this family yet' : 'No e-mails yet'}>
            E-mail an invoice from its page, or all of a month’s invoices from Invoices. Every message is kept here.
          </EmptyState>
        </div>
      ) : (
        <div className="card mail-outbox">
          <table className="mail-table" aria-label="E-mails">
            <thead>
              <tr>
                <th scope="col">Family</th>
                <th scope="col">Subject</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id} aria-selected={m.id === openId}>
                  <td>{familyName.get(m.familyId) ?? m.to.map((t) => t.name || t.address).join(', ')}</td>
                  <td>
                    <button type="button" className="link-button" onClick={() => setOpenId(m.id === openId ? '' : m.id)}>
                      {m.subject}
                    </button>
                  </td>
                  <td>
                    <span className={`badge ${BADGE[m.state]}`}>{MESSAGE_STATE_WORDS[m.state]}</span>
                    <StateDetail text={describeMessage(m, practice)} state={m.state} />
                  </td>
                  <td className="mail-actions">
                    {(m.state === 'failed' || m.state === 'cancelled') && (
                      <button
                        type="button"
                        className="btn btn-sm"
                        aria-label={`Send again: ${m.subject}`}
                        onClick={() => void act(m, 'resend')}
                      >
                        Send again
                      </button>
                    )}
                    {(m.state === 'queued' || m.state === 'failed') && (
                      <button
                        type="button"
                        className="btn btn-sm btn-ghost"
                        aria-label={`Cancel: ${m.subject}`}
                        onClick={() => void act(m, 'cancel')}
                      >
                        Cancel
                      </button>
                    )}
                    {available === false && m.state !== 'sent' && (
                      <button
                        type="button"
                        className="btn btn-sm btn-ghost"
                        aria-label={`Open in my mail app: ${m.subject}`}
                        onClick={() => void getBridge().openExternal(mailtoHref(m.to, m.subject, m.text))}
                      >
                        Open in my mail app
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && (
        <section className="card card-pad" aria-label="Message">
          <MessagePreview to={open.to} mail={open} attachments={open.documents.filter((d) => d.attach).map((d) => `${d.kind} PDF`)} />
        </section>
      )}
    </div>
  );
}

/** What describeMessage adds to the state's badge (the retry time, the reason), if anything. */
function StateDetail({ text, state }: { text: string; state: MessageState }) {
  const extra = text.startsWith(MESSAGE_STATE_WORDS[state]) ? text.slice(MESSAGE_STATE_WORDS[state].length).replace(/^ · /, '') : text;
  return extra ? <div className="mail-state-detail">{extra}</div> : null;
}

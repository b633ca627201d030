/**
 * "E-mail these invoices": after a month's drafts are issued, one e-mail per invoice with its PDF,
 * queued in one batch. Before sending it says how many families get one and which are skipped and
 * why (no usable address); while queuing it shows a progress bar; then it opens the Outbox on the
 * batch, whose bar follows the sending. The browser cannot send and says so.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { FormDialog } from '../../ui/FormDialog';
import { useToast } from '../../ui/Toast';
import { SyncProgressBar } from '../sync';
import { MAIL_NEEDS_DESKTOP } from '../../../../src-shared/mail/contract';
import { recipientsFor } from '../../../../src-shared/mail/recipients';
import type { Family, Invoice, Student } from '../../../../src-shared/model/types';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';
import { queueMessage } from './compose';
import { invoiceDraft } from './EmailInvoiceDialog';
import { useMailAvailable } from './useMailAvailable';
import './mail.css';

export function EmailInvoicesDialog(props: {
  invoices: readonly Invoice[];
  families: readonly Family[];
  students: readonly Student[];
  onClose: () => void;
}) {
  const app = useApp();
  const toast = useToast();
  const available = useMailAvailable();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState('');
  const familyById = useMemo(() => new Map(props.families.map((f) => [f.id, f])), [props.families]);
  const plan = useMemo(
    () =>
      props.invoices.map((invoice) => {
        const family = familyById.get(invoice.familyId);
        const r = family ? recipientsFor(family) : { to: [], skipped: 'The family is not on this computer' };
        return { invoice, family, skipped: r.to.length === 0 ? (r.skipped ?? 'No e-mail address') : '' };
      }),
    [props.invoices, familyById],
  );
  const sendable = plan.filter((p) => !p.skipped && p.family);
  const skipped = plan.filter((p) => p.skipped);
  const locale = app.format.locale;
  const send = async () => {
    const batchId = crypto.randomUUID();
    const ctx = app.ctx();
    let queued = 0;
    const notQueued: string[] = skipped.map((p) => p.skipped);
    setProgress({ done: 0, total: sendable.length });
    try {
      for (const [i, p] of sendable.entries()) {
        const r = await queueMessage(app.db, ctx, invoiceDraft(p.invoice, p.family!, props.students), app.settings!, batchId);
        if ('queued' in r) queued++;
        else if ('skipped' in r) notQueued.push(r.skipped);
        setProgress({ done: i + 1, total: sendable.length });
      }
    } catch (e) {
      setError(`Stopped after ${countOf(queued, NOUNS.email, locale)}: ${(e as Error).message}`);
      return;
    }
    toast(`Invoices: ${countOf(queued, NOUNS.email, locale)} queued, ${notQueued.length} skipped (no e-mail)`);
    props.onClose();
    if (queued > 0) navigate(`/outbox?batch=${batchId}`);
  };
  return (
    <FormDialog
      title={`E-mail ${countOf(props.invoices.length, NOUNS.invoice, locale)}`}
      onClose={props.onClose}
      onSubmit={send}
      submitLabel={`Send ${countOf(sendable.length, NOUNS.email, locale)}`}
      cancelLabel="Not now"
      busy={progress !== null || available !== true || sendable.length === 0}
      error={error}
    >
      {available === false && (
        <p className="mail-note" role="note">
          {MAIL_NEEDS_DESKTOP}
        </p>
      )}
      <p>
        Each family gets its invoice as a PDF, with the invoice e-mail of Settings › E-mail templates.{' '}
        {countOf(sendable.length, NOUNS.family, locale)} will get one.
      </p>
      {skipped.length > 0 && (
        <section aria-label="Skipped">
          <p>
            <strong>{countOf(skipped.length, NOUNS.family, locale)} skipped:</strong>
          </p>
          <ul className="mail-skipped">
            {skipped.map((p) => (
              <li key={p.invoice.id}>
                {p.invoice.number}: {p.skipped}
              </li>
            ))}
          </ul>
        </section>
      )}
      {progress && <SyncProgressBar done={progress.done} total={progress.total} label="Queuing e-mails" />}
    </FormDialog>
  );
}

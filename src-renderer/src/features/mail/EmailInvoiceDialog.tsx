/**
 * "E-mail invoice": the invoice's message as the family will read it (the practice's template
 * filled in, HTML and plain text), with its PDF attached when it is sent. The desktop app queues
 * it in the outbox; the browser cannot send and offers the family's mail link instead.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { FormDialog } from '../../ui/FormDialog';
import { useToast } from '../../ui/Toast';
import { getBridge } from '../../platform/bridge';
import { MAIL_NEEDS_DESKTOP } from '../../../../src-shared/mail/contract';
import type { Family, Invoice, Student } from '../../../../src-shared/model/types';
import { invoicePdfFileName } from '../../../../src-shared/billing/html';
import { compose, queueMessage, type Draft } from './compose';
import { MessagePreview } from './MessagePreview';
import { mailtoHref, useMailAvailable } from './useMailAvailable';

export function invoiceDraft(invoice: Invoice, family: Family, students: readonly Student[]): Draft {
  const mine = students.filter((s) => s.familyId === family.id);
  return {
    kind: 'invoice',
    family,
    studentIds: mine.map((s) => s.id),
    values: {
      family: { name: family.name, contactName: family.contactName },
      students: mine.map((s) => s.firstName),
      invoice: { number: invoice.number, total: invoice.total, dueDate: invoice.dueDate },
    },
    documents: [{ kind: 'invoice', id: invoice.id, from: '', to: '', attach: true }],
  };
}

export function EmailInvoiceDialog(props: { invoice: Invoice; family: Family; students: readonly Student[]; onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const available = useMailAvailable();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const draft = useMemo(() => invoiceDraft(props.invoice, props.family, props.students), [props.invoice, props.family, props.students]);
  const composed = useMemo(() => compose(draft, app.settings!), [draft, app.settings]);
  const attachment = invoicePdfFileName(props.invoice, props.family);
  const submit = async () => {
    if (!composed.ok) return;
    if (available === false) {
      await getBridge().openExternal(mailtoHref(composed.to, composed.mail.subject, composed.mail.text));
      props.onClose();
      return;
    }
    setBusy(true);
    try {
      const r = await queueMessage(app.db, app.ctx(), draft, app.settings!);
      if ('skipped' in r) setError(r.skipped);
      else {
        toast('E-mail queued: it goes as soon as this computer is online');
        props.onClose();
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormDialog
      title={`E-mail invoice ${props.invoice.number}`}
      wide
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel={available === false ? 'Open in my mail app' : 'Send'}
      busy={busy || available === null || !composed.ok}
      error={error || (composed.ok ? '' : composed.reason)}
    >
      {available === false && (
        <p className="mail-note" role="note">
          {MAIL_NEEDS_DESKTOP} Attach the invoice PDF (Download PDF) to the message yourself.
        </p>
      )}
      {composed.ok && <MessagePreview to={composed.to} mail={composed.mail} attachments={[attachment]} />}
    </FormDialog>
  );
}

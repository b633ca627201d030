/**
 * "E-mail invoice": the invoice's message as the family will read it (the practice's template
 * filled in, HTML and plain text), with its PDF attached when it is sent. The desktop app queues
 * it in the outbox; the browser cannot send and offers the family's mail link instead.
 */
import { useMemo } from 'react';
import { FormDialog } from '../../ui/FormDialog';
import { MAIL_NEEDS_DESKTOP } from '../../../../src-shared/mail/contract';
import type { Family, Invoice, Student } from '../../../../src-shared/model/types';
import { invoicePdfFileName } from '../../../../src-shared/billing/html';
import { type Draft } from './compose';
import { MessagePreview } from './MessagePreview';
import { useSendOne } from './useSendOne';

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
  const draft = useMemo(() => invoiceDraft(props.invoice, props.family, props.students), [props.invoice, props.family, props.students]);
  const { available, composed, busy, error, submitLabel, submit } = useSendOne(draft, props.onClose);
  const attachment = invoicePdfFileName(props.invoice, props.family);
  return (
    <FormDialog
      title={`E-mail invoice ${props.invoice.number}`}
      wide
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel={submitLabel}
      busy={busy}
      error={error}
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

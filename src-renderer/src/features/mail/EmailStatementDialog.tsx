/**
 * "E-mail statement": a family's statement of account for a period, as the family will read it
 * (the practice's statement template), with the statement PDF attached when it is sent (made then
 * from the records, features/mail/documents.ts). The desktop app queues it in the outbox; the
 * browser cannot send and offers the family's mail link instead.
 */
import { useMemo } from 'react';
import { FormDialog } from '../../ui/FormDialog';
import { MAIL_NEEDS_DESKTOP } from '../../../../src-shared/mail/contract';
import type { Family, Student } from '../../../../src-shared/model/types';
import { statementFileName } from '../../../../src-shared/billing/statement-html';
import { type Draft } from './compose';
import { MessagePreview } from './MessagePreview';
import { useSendOne } from './useSendOne';

/** The statement message of a family for [from, to] (YYYY-MM-DD), its PDF attached. */
export function statementDraft(family: Family, students: readonly Student[], from: string, to: string): Draft {
  const mine = students.filter((s) => s.familyId === family.id);
  return {
    kind: 'statement',
    family,
    studentIds: mine.map((s) => s.id),
    values: {
      family: { name: family.name, contactName: family.contactName },
      students: mine.map((s) => s.firstName),
      period: { from, to },
    },
    documents: [{ kind: 'statement', id: family.id, from, to, attach: true }],
  };
}

export function EmailStatementDialog(props: {
  family: Family;
  students: readonly Student[];
  from: string;
  to: string;
  onClose: () => void;
}) {
  const draft = useMemo(
    () => statementDraft(props.family, props.students, props.from, props.to),
    [props.family, props.students, props.from, props.to],
  );
  const { available, composed, busy, error, submitLabel, submit } = useSendOne(draft, props.onClose);
  const attachment = statementFileName(props.family, props.from, props.to);
  return (
    <FormDialog
      title={`E-mail statement to ${props.family.name}`}
      wide
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel={submitLabel}
      busy={busy}
      error={error}
    >
      {available === false && (
        <p className="mail-note" role="note">
          {MAIL_NEEDS_DESKTOP} Attach the statement PDF (Statement PDF) to the message yourself.
        </p>
      )}
      {composed.ok && <MessagePreview to={composed.to} mail={composed.mail} attachments={[attachment]} />}
    </FormDialog>
  );
}

/**
 * Reverse a payment or a refund with a reason (a bounced transfer, money recorded twice). The
 * payment keeps its place in the ledger, marked reversed, and the reversal is its own entry on its
 * own date with the reason: the history is never rewritten (docs/billing.md "Corrections and
 * refunds").
 */
import { useState } from 'react';
import { useApp } from '../../app/AppContext';
import { FormDialog } from '../../ui/FormDialog';
import { TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { recordKind } from '../../../../src-shared/billing/records';
import type { Payment } from '../../../../src-shared/model/types';
import { reversePayment } from './actions';
import { useMoney, useToday } from './data';
import { dateLabel } from './labels';

export function ReverseDialog({ payment, onClose }: { payment: Payment; onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const kind = recordKind(payment) === 'refund' ? 'refund' : 'payment';
  const [reason, setReason] = useState('');
  const [date, setDate] = useState(today < payment.date ? payment.date : today);
  const [errors, setErrors] = useState<{ reason?: string; date?: string }>({});
  const figure = money(payment.amount, payment.currency);

  const save = async () => {
    const errs: typeof errors = {};
    if (!reason.trim()) errs.reason = `Say why the ${kind} is reversed`;
    else if (reason.trim().length > 500) errs.reason = 'Reason: at most 500 characters';
    if (!date) errs.date = 'Choose the date of the reversal';
    else if (date < payment.date)
      errs.date = `The reversal cannot be dated before the ${kind} (${dateLabel(payment.date, app.settings?.locale ?? 'en-GB')})`;
    setErrors(errs);
    if (Object.keys(errs).length) return;
    await reversePayment(app, payment.id, { reason, date });
    toast(`${kind === 'refund' ? 'Refund' : 'Payment'} of ${figure} reversed`);
    onClose();
  };

  return (
    <FormDialog
      title={`Reverse the ${kind} of ${figure}`}
      description={`Cancels the ${kind} of ${dateLabel(payment.date, app.settings?.locale ?? 'en-GB')}${payment.reference ? ` (${payment.reference})` : ''}. It stays in the ledger, marked reversed, and the reversal is recorded with your reason.`}
      onClose={onClose}
      onSubmit={save}
      submitLabel={`Reverse ${figure}`}
      danger
    >
      <TextField
        label="Reason"
        value={reason}
        onChange={(r) => {
          setReason(r);
          setErrors((e) => ({ ...e, reason: undefined }));
        }}
        required
        error={errors.reason}
        hint="Shown in the ledger and on statements, e.g. “Transfer bounced”"
      />
      <TextField label="Reversal date" type="date" value={date} onChange={setDate} required error={errors.date} />
    </FormDialog>
  );
}

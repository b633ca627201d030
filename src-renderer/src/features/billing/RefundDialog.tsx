/**
 * Pay back a family's credit (an overpayment, or what a credit note freed): a refund record with
 * its reason, shown in the ledger, on statements, in Reports and in the payments CSV. At most the
 * family's credit, said at the field with the figure (docs/billing.md "Corrections and refunds").
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { FormDialog } from '../../ui/FormDialog';
import { SelectField, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { moneyToInput } from '../../../../src-shared/money';
import { refundFieldErrors } from '../../../../src-shared/billing/correction-forms';
import { refundablePayments } from '../../../../src-shared/billing/corrections';
import { familyCredit } from '../../../../src-shared/billing/payments';
import type { PaymentMethod } from '../../../../src-shared/model/types';
import { refundFamilyCredit } from './actions';
import { useMoney, useToday, type BillingData } from './data';
import { dateLabel, METHOD_OPTIONS } from './labels';

export function RefundDialog({ data, familyId, onClose }: { data: BillingData; familyId: string; onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const currency = app.settings?.currency ?? 'GBP';
  const locale = app.settings?.locale ?? 'en-GB';
  const credit = useMemo(() => familyCredit(familyId, data.payments), [familyId, data.payments]);
  const sources = useMemo(() => refundablePayments(familyId, data.payments), [familyId, data.payments]);
  const [v, setV] = useState({
    amount: moneyToInput(Math.max(credit, 0), currency, locale),
    date: today,
    method: 'bank_transfer' as PaymentMethod,
    reference: '',
    reason: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (k: keyof typeof v) => (value: string) => {
    setV((p) => ({ ...p, [k]: value }));
    setErrors((e) => ({ ...e, [k]: '' }));
  };

  const save = async () => {
    const r = refundFieldErrors(v, { credit, currency, locale });
    setErrors(r.errors as Record<string, string>);
    if (r.amount === undefined || Object.values(r.errors).some(Boolean)) return;
    const refund = await refundFamilyCredit(app, {
      familyId,
      amount: r.amount,
      date: v.date,
      method: v.method,
      reference: v.reference,
      reason: v.reason,
    });
    toast(`Refund of ${money(refund.amount)} to ${data.familyName(familyId)} recorded`);
    onClose();
  };

  return (
    <FormDialog
      title={`Refund credit to ${data.familyName(familyId)}`}
      description={`The family has ${money(credit)} of credit. A refund records the money paid back to them; it appears in their ledger and statements with your reason.`}
      onClose={onClose}
      onSubmit={save}
      submitLabel="Record refund"
    >
      <div className="grid-2">
        <TextField
          label="Amount"
          value={v.amount}
          onChange={set('amount')}
          prefix={currency}
          inputMode="decimal"
          required
          error={errors.amount}
          hint={`At most ${money(credit)}`}
        />
        <TextField label="Refund date" type="date" value={v.date} onChange={set('date')} required error={errors.date} />
        <SelectField
          label="Method"
          value={v.method}
          onChange={(m) => setV((p) => ({ ...p, method: m as PaymentMethod }))}
          options={METHOD_OPTIONS}
        />
        <TextField
          label="Reference"
          value={v.reference}
          onChange={set('reference')}
          error={errors.reference}
          hint="Bank reference, cheque number…"
        />
        <TextField
          label="Reason"
          value={v.reason}
          onChange={set('reason')}
          required
          error={errors.reason}
          hint="Shown in the ledger and on statements, e.g. “Overpaid the autumn term”"
          className="span-2"
        />
      </div>
      {sources.length > 0 && (
        <p className="muted inv-preview">
          Paid back from the unallocated money of{' '}
          {sources
            .slice(0, 3)
            .map((s) => `the payment of ${dateLabel(s.payment.date, locale)} (${money(s.available)} left)`)
            .join(', ')}
          {sources.length > 3 ? ` and ${sources.length - 3} more` : ''}, newest first.
        </p>
      )}
    </FormDialog>
  );
}

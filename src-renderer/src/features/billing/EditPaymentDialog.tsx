/**
 * Edit a payment while it is the latest word on that money (docs/billing.md "Corrections and
 * refunds"): amount, date, method, reference, notes and what it pays. The values it replaces are
 * kept on the payment (the audit trail, shown in the ledger as "Edited N times"). The amount is
 * read and checked exactly as when a payment is recorded (checkPaymentAmount): above the hard
 * limit it is refused at the field, far above what the family owes it asks for a confirmation.
 */
import { useMemo, useState } from 'react';
import { Alert } from '../../ui/Alert';
import { Icon } from '../../ui/Icon';
import { useApp } from '../../app/AppContext';
import { FormDialog } from '../../ui/FormDialog';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { moneyToInput, parseMoneyInput } from '../../../../src-shared/money';
import { checkPaymentAmount } from '../../../../src-shared/billing/correction-forms';
import { editPayment } from '../../../../src-shared/billing/corrections';
import { familyBalance, openInvoices, validatePaymentInput, type AllocationTarget } from '../../../../src-shared/billing/payments';
import { practiceRange, type Confirmation } from '../../../../src-shared/billing/sanity';
import type { Payment, PaymentMethod } from '../../../../src-shared/model/types';
import { editPaymentRecord } from './actions';
import { useMoney, type BillingData } from './data';
import { dateLabel, METHOD_OPTIONS } from './labels';
import { AllocationPreview, AllocationTable, allocationTargets, type ChosenInvoices } from './AllocationTable';

type Mode = 'keep' | 'oldest' | 'choose';

export function EditPaymentDialog({ data, payment, onClose }: { data: BillingData; payment: Payment; onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const currency = payment.currency;
  const locale = app.settings?.locale ?? 'en-GB';
  const others = useMemo(() => data.payments.filter((p) => p.id !== payment.id), [data.payments, payment.id]);
  // The invoices this payment could pay: open without it (its own allocations count as room).
  const open = useMemo(
    () => openInvoices(payment.familyId, data.invoices, data.payments, payment.id),
    [payment.familyId, payment.id, data.invoices, data.payments],
  );
  const [v, setV] = useState({
    date: payment.date,
    amount: moneyToInput(payment.amount, currency, locale),
    method: payment.method,
    reference: payment.reference,
    notes: payment.notes,
    reason: '',
  });
  const [mode, setMode] = useState<Mode>('keep');
  const [chosen, setChosen] = useState<ChosenInvoices>(() =>
    Object.fromEntries(payment.allocations.map((a) => [a.invoiceId, { on: true, amount: moneyToInput(a.amount, currency, locale) }])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirm, setConfirm] = useState<(Confirmation & { amount: number }) | null>(null);
  const parsed = parseMoneyInput(v.amount, currency, { locale });
  const pending = confirm && parsed.ok && confirm.amount === parsed.amount ? confirm : null;

  const targets = (): { targets?: AllocationTarget[]; errors: Record<string, string> } => {
    if (mode === 'keep') return { errors: {} };
    if (mode === 'oldest') return { targets: open.map((o) => ({ invoiceId: o.invoice.id })), errors: {} };
    return allocationTargets(open, chosen, { currency, locale, money });
  };

  // Dry run of the edit on what is entered so far: what the payment will pay, and the credit left.
  const preview = useMemo(() => {
    if (!parsed.ok || parsed.amount <= 0) return null;
    const t = targets();
    if (Object.keys(t.errors).length) return null;
    try {
      const next = editPayment(
        payment,
        { amount: parsed.amount, ...(t.targets ? { targets: t.targets } : {}) },
        { invoices: data.invoices, payments: data.payments, ctx: { now: new Date(0), staffId: '', deviceId: '' } },
      );
      const allocated = next.allocations.reduce((s, a) => s + a.amount, 0);
      return { allocations: next.allocations, credit: next.amount - allocated, error: '' };
    } catch (e) {
      return { allocations: [], credit: 0, error: (e as Error).message };
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [v.amount, mode, chosen, data.invoices, data.payments, payment]);

  const save = async () => {
    const errs: Record<string, string> = {
      ...validatePaymentInput({ familyId: payment.familyId, date: v.date, amount: 1, method: v.method, reference: v.reference }),
    };
    const t = targets();
    Object.assign(errs, t.errors);
    if (mode === 'choose' && t.targets?.length === 0 && open.length > 0) errs._form = 'Tick at least one invoice, or keep what it pays';
    if (preview?.error) errs._form = preview.error;
    if (v.reason.trim().length > 500) errs.reason = 'Reason: at most 500 characters';
    if (v.notes.length > 100_000) errs.notes = `Notes: at most ${app.format.number(100_000, 0)} characters`;
    const check = checkPaymentAmount({
      input: v.amount,
      currency,
      locale,
      // What the family would owe without this payment: the new amount is compared with that.
      familyBalance: familyBalance(payment.familyId, data.invoices, others),
      familyName: data.familyName(payment.familyId),
      range: practiceRange({
        settings: app.settings ?? { currency, defaultRate: { amount: 0, currency } },
        families: data.families,
        students: data.students,
      }),
    });
    if (!check.ok) errs.amount = check.error;
    else if (check.confirm && check.amount !== payment.amount && !pending && Object.keys(errs).length === 0) {
      setErrors({});
      setConfirm(check.confirm);
      return;
    }
    setErrors(errs);
    if (Object.keys(errs).length || !check.ok) return;
    const saved = await editPaymentRecord(app, payment.id, {
      amount: check.amount,
      date: v.date,
      method: v.method,
      reference: v.reference,
      notes: v.notes,
      reason: v.reason,
      ...(t.targets ? { targets: t.targets } : {}),
    });
    toast(
      saved.updatedAt === payment.updatedAt
        ? 'Nothing was changed'
        : `Payment of ${money(saved.amount)} saved; the earlier values are kept`,
    );
    onClose();
  };

  const numberOf = (id: string) => data.invoiceById.get(id)?.number ?? id;
  const currently = payment.allocations.length
    ? payment.allocations.map((a) => `${numberOf(a.invoiceId)} (${money(a.amount)})`).join(', ')
    : 'no invoice (all family credit)';

  return (
    <FormDialog
      title={`Edit the payment of ${money(payment.amount)}`}
      description={`Received on ${dateLabel(payment.date, locale)} from ${data.familyName(payment.familyId)}. The values you replace are kept in the payment’s history.`}
      onClose={onClose}
      onSubmit={save}
      wide
      submitLabel={pending ? pending.confirmLabel.replace(/^Record/, 'Save') : 'Save changes'}
      {...(errors._form ? { error: errors._form } : {})}
    >
      {pending && (
        <Alert tone="warning" role="alert" icon={<Icon name="alert" />} title={`Is ${pending.figure} right?`}>
          {pending.message} Check the amount, or choose “{pending.confirmLabel.replace(/^Record/, 'Save')}” to save it as it is.
        </Alert>
      )}
      <div className="grid-2">
        <TextField
          label="Amount"
          value={v.amount}
          onChange={(amount) => {
            setConfirm(null);
            setErrors((e) => ({ ...e, amount: '' }));
            setV((p) => ({ ...p, amount }));
          }}
          prefix={currency}
          inputMode="decimal"
          required
          error={errors.amount}
        />
        <TextField
          label="Payment date"
          type="date"
          value={v.date}
          onChange={(date) => setV((p) => ({ ...p, date }))}
          required
          error={errors.date}
        />
        <SelectField
          label="Method"
          value={v.method}
          onChange={(m) => setV((p) => ({ ...p, method: m as PaymentMethod }))}
          options={METHOD_OPTIONS}
          error={errors.method}
        />
        <TextField
          label="Reference"
          value={v.reference}
          onChange={(reference) => setV((p) => ({ ...p, reference }))}
          error={errors.reference}
          hint="Bank reference, cheque number…"
        />
        <TextArea
          label="Notes"
          value={v.notes}
          onChange={(notes) => setV((p) => ({ ...p, notes }))}
          rows={2}
          error={errors.notes}
          className="span-2"
        />
        <TextField
          label="Why it is changed"
          value={v.reason}
          onChange={(reason) => setV((p) => ({ ...p, reason }))}
          error={errors.reason}
          hint="Kept in the history, e.g. “Typed 450 for 45”"
          className="span-2"
        />
      </div>
      <fieldset className="group">
        <legend>Pays which invoices</legend>
        <div className="row inv-radio-row">
          <label className="checkbox">
            <input type="radio" name="edit-alloc-mode" checked={mode === 'keep'} onChange={() => setMode('keep')} />
            Keep as it is
          </label>
          <label className="checkbox">
            <input type="radio" name="edit-alloc-mode" checked={mode === 'oldest'} onChange={() => setMode('oldest')} />
            Oldest invoices first
          </label>
          <label className="checkbox">
            <input type="radio" name="edit-alloc-mode" checked={mode === 'choose'} onChange={() => setMode('choose')} />
            Choose invoices
          </label>
        </div>
        {mode === 'keep' && (
          <p className="muted">Now pays {currently}. A smaller amount is re-allocated oldest first if it no longer fits.</p>
        )}
        {mode === 'choose' &&
          (open.length === 0 ? (
            <p className="muted">This family has no unpaid invoices: the whole payment is family credit.</p>
          ) : (
            <AllocationTable
              label="Invoices this payment can pay"
              open={open}
              choose
              chosen={chosen}
              onChosen={setChosen}
              receives={preview?.allocations ?? []}
              errors={errors}
              currency={currency}
              locale={locale}
              money={money}
            />
          ))}
        <AllocationPreview preview={preview} verb="Will pay" numberOf={numberOf} money={money} />
      </fieldset>
    </FormDialog>
  );
}

/**
 * Record a payment against a family: date, amount (validated by the domain), method, reference,
 * and where it goes: the family's open invoices oldest first (default), or chosen invoices with
 * optional amounts. A live preview (the domain's allocatePayment on the entered values) shows
 * what each invoice receives and what becomes family credit.
 *
 * Sanity, not silence (docs/billing.md "Sanity limits"): an amount above the hard limit is refused
 * at the field; one far above what the family owes asks for an explicit confirmation whose button
 * names the figure (checkPayment). Amounts are read in the practice locale.
 */
import { useMemo, useState } from 'react';
import { Alert } from '../../ui/Alert';
import { Icon } from '../../ui/Icon';
import { useApp } from '../../app/AppContext';
import { FormDialog } from '../../ui/FormDialog';
import { SelectField, TextField } from '../../ui/Field';
import { Combobox } from '../../ui/Combobox';
import { useToast } from '../../ui/Toast';
import { parseMoneyInput, moneyToInput } from '../../../../src-shared/money';
import { practiceRange, type Confirmation } from '../../../../src-shared/billing/sanity';
import { checkPaymentAmount } from '../../../../src-shared/billing/correction-forms';
import {
  allocatePayment,
  familyBalance,
  openInvoices,
  validatePaymentInput,
  type AllocationTarget,
  type PaymentInput,
} from '../../../../src-shared/billing/payments';
import type { Payment, PaymentMethod } from '../../../../src-shared/model/types';
import { recordPayment } from './actions';
import { useFamilyOptions, useMoney, useToday, type BillingData } from './data';
import { METHOD_OPTIONS } from './labels';
import { AllocationPreview, AllocationTable, allocationTargets, type ChosenInvoices } from './AllocationTable';

export function PaymentDialog({
  data,
  familyId,
  invoiceId,
  onClose,
  onSaved,
}: {
  data: BillingData;
  familyId?: string;
  invoiceId?: string;
  onClose: () => void;
  onSaved?: (p: Payment) => void;
}) {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const currency = app.settings?.currency ?? 'GBP';
  const locale = app.settings?.locale ?? 'en-GB';
  const [family, setFamily] = useState(familyId ?? '');
  const open = useMemo(() => (family ? openInvoices(family, data.invoices, data.payments) : []), [family, data.invoices, data.payments]);
  const preset = invoiceId ? open.find((o) => o.invoice.id === invoiceId) : undefined;
  const [v, setV] = useState({
    date: today,
    amount: preset ? moneyToInput(preset.balance, currency, locale) : '',
    method: 'bank_transfer' as PaymentMethod,
    reference: '',
  });
  const [mode, setMode] = useState<'oldest' | 'choose'>(invoiceId ? 'choose' : 'oldest');
  const [chosen, setChosen] = useState<ChosenInvoices>(invoiceId ? { [invoiceId]: { on: true, amount: '' } } : {});
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** The confirmation asked for an unusual amount (cleared when the amount or family changes). */
  const [confirm, setConfirm] = useState<(Confirmation & { amount: number; familyId: string }) | null>(null);
  const familyOptions = useFamilyOptions(data.families, familyId);

  const parsed = parseMoneyInput(v.amount, currency, { locale });
  const pending = confirm && parsed.ok && confirm.amount === parsed.amount && confirm.familyId === family ? confirm : null;
  const targets = (): { targets?: AllocationTarget[]; errors: Record<string, string> } =>
    mode === 'oldest' ? { errors: {} } : allocationTargets(open, chosen, { currency, locale, money });

  // Dry run of the allocation on what is entered so far.
  const preview = useMemo(() => {
    if (!family || !parsed.ok || parsed.amount <= 0) return null;
    const t = targets();
    if (Object.keys(t.errors).length) return null;
    try {
      const fake: Payment = {
        id: '__preview__',
        familyId: family,
        date: v.date,
        amount: parsed.amount,
        currency,
        method: v.method,
        reference: '',
        allocations: [],
        notes: '',
        createdAt: '',
        updatedAt: '',
        updatedBy: '',
        deviceId: '',
        fieldClock: {},
      };
      const r = allocatePayment(fake, { invoices: data.invoices, payments: data.payments, ...(t.targets ? { targets: t.targets } : {}) });
      const allocated = r.allocations.reduce((s, a) => s + a.amount, 0);
      return { allocations: r.allocations, credit: parsed.amount - allocated, error: '' };
    } catch (e) {
      return { allocations: [], credit: 0, error: (e as Error).message };
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [family, v.amount, v.date, mode, chosen, data.invoices, data.payments]);

  const save = async () => {
    const input: PaymentInput = {
      familyId: family,
      date: v.date,
      amount: parsed.ok ? parsed.amount : NaN,
      method: v.method,
      reference: v.reference,
    };
    const errs: Record<string, string> = { ...validatePaymentInput(input) };
    const t = targets();
    Object.assign(errs, t.errors);
    if (mode === 'choose' && t.targets && t.targets.length === 0 && open.length > 0)
      errs._form = 'Tick at least one invoice, or choose “Oldest invoices first”';
    if (preview?.error) errs._form = preview.error;
    if (family) {
      const check = checkPaymentAmount({
        input: v.amount,
        currency,
        locale,
        familyBalance: familyBalance(family, data.invoices, data.payments),
        familyName: data.familyName(family),
        range: practiceRange({
          settings: app.settings ?? { currency, defaultRate: { amount: 0, currency } },
          families: data.families,
          students: data.students,
        }),
      });
      if (!check.ok) errs.amount = check.error;
      else if (check.confirm && !pending && Object.keys(errs).length === 0) {
        setErrors({});
        setConfirm({ ...check.confirm, familyId: family });
        return;
      }
    } else if (!parsed.ok) errs.amount = parsed.error;
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const p = await recordPayment(app, input, mode === 'choose' ? t.targets : undefined);
    const credit = p.amount - p.allocations.reduce((s, a) => s + a.amount, 0);
    toast(`Payment of ${money(p.amount)} recorded${credit > 0 ? `; ${money(credit)} kept as family credit` : ''}`);
    onSaved?.(p);
    onClose();
  };

  const numberOf = (id: string) => data.invoiceById.get(id)?.number ?? id;

  return (
    <FormDialog
      title="Record a payment"
      description="Money received from a family. It pays their oldest invoices first unless you choose; anything left over is kept as credit."
      onClose={onClose}
      onSubmit={save}
      wide
      submitLabel={pending ? pending.confirmLabel : 'Record payment'}
      {...(errors._form ? { error: errors._form } : {})}
    >
      {pending && (
        <Alert tone="warning" role="alert" icon={<Icon name="alert" />} title={`Is ${pending.figure} right?`}>
          {pending.message} Check the amount, or choose “{pending.confirmLabel}” to record it as it is.
        </Alert>
      )}
      <div className="grid-2">
        <Combobox
          label="Family"
          value={family}
          onChange={(f) => {
            setFamily(f);
            setChosen({});
            setConfirm(null);
          }}
          options={familyOptions}
          loading={data.loading}
          placeholder="Type who paid…"
          required
          error={errors.familyId}
        />
        <TextField
          label="Payment date"
          type="date"
          value={v.date}
          onChange={(date) => setV((p) => ({ ...p, date }))}
          required
          error={errors.date}
        />
        <TextField
          label="Amount"
          value={v.amount}
          onChange={(amount) => {
            setConfirm(null);
            setV((p) => ({ ...p, amount }));
          }}
          prefix={currency}
          inputMode="decimal"
          required
          error={errors.amount}
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
          className="span-2"
        />
      </div>
      {family && (
        <fieldset className="group">
          <legend>Pay which invoices</legend>
          <div className="row inv-radio-row">
            <label className="checkbox">
              <input type="radio" name="alloc-mode" checked={mode === 'oldest'} onChange={() => setMode('oldest')} />
              Oldest invoices first
            </label>
            <label className="checkbox">
              <input type="radio" name="alloc-mode" checked={mode === 'choose'} onChange={() => setMode('choose')} />
              Choose invoices
            </label>
          </div>
          {open.length === 0 ? (
            <p className="muted">This family has no unpaid invoices: the whole payment becomes credit for their next invoice.</p>
          ) : (
            <AllocationTable
              label="Unpaid invoices"
              open={open}
              choose={mode === 'choose'}
              chosen={chosen}
              onChosen={setChosen}
              receives={preview?.allocations ?? []}
              errors={errors}
              currency={currency}
              locale={locale}
              money={money}
            />
          )}
          <AllocationPreview preview={preview} verb="Pays" numberOf={numberOf} money={money} />
        </fieldset>
      )}
    </FormDialog>
  );
}

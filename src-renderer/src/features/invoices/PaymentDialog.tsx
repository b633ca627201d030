/**
 * Record a payment against a family: date, amount (validated by the domain), method, reference,
 * and where it goes: the family's open invoices oldest first (default), or chosen invoices with
 * optional amounts. A live preview (the domain's allocatePayment on the entered values) shows
 * what each invoice receives and what becomes family credit.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Dialog } from '../../ui/Dialog';
import { SelectField, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { parseMoneyInput, moneyToInput } from '../../../../src-shared/billing/money';
import { allocatePayment, openInvoices, validatePaymentInput, type AllocationTarget, type PaymentInput } from '../../../../src-shared/billing/payments';
import type { Payment, PaymentMethod } from '../../../../src-shared/model/types';
import { recordPayment } from './actions';
import { useMoney, useToday, type BillingData } from './data';
import { dateLabel, METHOD_OPTIONS } from './labels';

export function PaymentDialog({ data, familyId, invoiceId, onClose, onSaved }: { data: BillingData; familyId?: string; invoiceId?: string; onClose: () => void; onSaved?: (p: Payment) => void }) {
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
    amount: preset ? moneyToInput(preset.balance, currency) : '',
    method: 'bank_transfer' as PaymentMethod,
    reference: '',
  });
  const [mode, setMode] = useState<'oldest' | 'choose'>(invoiceId ? 'choose' : 'oldest');
  const [chosen, setChosen] = useState<Record<string, { on: boolean; amount: string }>>(invoiceId ? { [invoiceId]: { on: true, amount: '' } } : {});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const families = data.families.filter((f) => !f.archived || f.id === familyId).sort((a, b) => a.name.localeCompare(b.name));

  const parsed = parseMoneyInput(v.amount, currency);
  const targets = (): { targets?: AllocationTarget[]; errors: Record<string, string> } => {
    if (mode === 'oldest') return { errors: {} };
    const errs: Record<string, string> = {};
    const list: AllocationTarget[] = [];
    for (const o of open) {
      const c = chosen[o.invoice.id];
      if (!c?.on) continue;
      if (c.amount.trim()) {
        const a = parseMoneyInput(c.amount, currency);
        if (!a.ok) errs[`alloc-${o.invoice.id}`] = a.error;
        else if (a.amount <= 0) errs[`alloc-${o.invoice.id}`] = 'Enter an amount greater than zero';
        else if (a.amount > o.balance) errs[`alloc-${o.invoice.id}`] = `At most ${money(o.balance)} is owed on this invoice`;
        else list.push({ invoiceId: o.invoice.id, amount: a.amount });
      } else list.push({ invoiceId: o.invoice.id });
    }
    return { targets: list, errors: errs };
  };

  // Dry run of the allocation on what is entered so far.
  const preview = useMemo(() => {
    if (!family || !parsed.ok || parsed.amount <= 0) return null;
    const t = targets();
    if (Object.keys(t.errors).length) return null;
    try {
      const fake: Payment = { id: '__preview__', familyId: family, date: v.date, amount: parsed.amount, currency, method: v.method, reference: '', allocations: [], notes: '', createdAt: '', updatedAt: '', updatedBy: '', deviceId: '', fieldClock: {} };
      const r = allocatePayment(fake, { invoices: data.invoices, payments: data.payments, ...(t.targets ? { targets: t.targets } : {}) });
      const allocated = r.allocations.reduce((s, a) => s + a.amount, 0);
      return { allocations: r.allocations, credit: parsed.amount - allocated, error: '' };
    } catch (e) {
      return { allocations: [], credit: 0, error: (e as Error).message };
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [family, v.amount, v.date, mode, chosen, data.invoices, data.payments]);

  const save = async () => {
    const input: PaymentInput = { familyId: family, date: v.date, amount: parsed.ok ? parsed.amount : NaN, method: v.method, reference: v.reference };
    const errs: Record<string, string> = { ...validatePaymentInput(input) };
    if (!parsed.ok) errs.amount = parsed.error;
    const t = targets();
    Object.assign(errs, t.errors);
    if (mode === 'choose' && t.targets && t.targets.length === 0 && open.length > 0) errs._form = 'Tick at least one invoice, or choose “Oldest invoices first”';
    if (preview?.error) errs._form = preview.error;
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const p = await recordPayment(app, input, mode === 'choose' ? t.targets : undefined);
      const credit = p.amount - p.allocations.reduce((s, a) => s + a.amount, 0);
      toast(`Payment of ${money(p.amount)} recorded${credit > 0 ? `; ${money(credit)} kept as family credit` : ''}`);
      onSaved?.(p);
      onClose();
    } catch (e) {
      setErrors({ _form: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const numberOf = (id: string) => data.invoiceById.get(id)?.number ?? id;

  return (
    <Dialog
      title="Record a payment"
      description="Money received from a family. It pays their oldest invoices first unless you choose; anything left over is kept as credit."
      onClose={onClose}
      onSubmit={() => void save()}
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Record payment
          </button>
        </>
      }
    >
      {errors._form && (
        <div className="alert alert-error" role="alert">
          {errors._form}
        </div>
      )}
      <div className="grid-2">
        <SelectField
          label="Family"
          value={family}
          onChange={(f) => {
            setFamily(f);
            setChosen({});
          }}
          options={[{ value: '', label: 'Choose who paid…' }, ...families.map((f) => ({ value: f.id, label: f.name }))]}
          required
          error={errors.familyId}
        />
        <TextField label="Payment date" type="date" value={v.date} onChange={(date) => setV((p) => ({ ...p, date }))} required error={errors.date} />
        <TextField label="Amount" value={v.amount} onChange={(amount) => setV((p) => ({ ...p, amount }))} prefix={currency} inputMode="decimal" required error={errors.amount} />
        <SelectField label="Method" value={v.method} onChange={(m) => setV((p) => ({ ...p, method: m as PaymentMethod }))} options={METHOD_OPTIONS} error={errors.method} />
        <TextField label="Reference" value={v.reference} onChange={(reference) => setV((p) => ({ ...p, reference }))} error={errors.reference} hint="Bank reference, cheque number…" className="span-2" />
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
            <table className="inv-table" aria-label="Unpaid invoices">
              <thead>
                <tr>
                  {mode === 'choose' && <th scope="col">Pay</th>}
                  <th scope="col">Invoice</th>
                  <th scope="col">Due</th>
                  <th scope="col" className="num">
                    Still to pay
                  </th>
                  <th scope="col" className="num">
                    {mode === 'choose' ? 'Amount (blank = as much as fits)' : 'Receives'}
                  </th>
                </tr>
              </thead>
              <tbody>
                {open.map((o) => {
                  const c = chosen[o.invoice.id] ?? { on: false, amount: '' };
                  const gets = preview?.allocations.find((a) => a.invoiceId === o.invoice.id)?.amount ?? 0;
                  return (
                    <tr key={o.invoice.id}>
                      {mode === 'choose' && (
                        <td>
                          <input
                            type="checkbox"
                            aria-label={`Pay ${o.invoice.number}`}
                            checked={c.on}
                            onChange={(e) => setChosen((p) => ({ ...p, [o.invoice.id]: { ...c, on: e.target.checked } }))}
                          />
                        </td>
                      )}
                      <td>{o.invoice.number}</td>
                      <td>{dateLabel(o.invoice.dueDate, locale)}</td>
                      <td className="num">{money(o.balance)}</td>
                      <td className="num">
                        {mode === 'choose' ? (
                          <div className="inv-inline-field">
                            <input
                              className="input"
                              inputMode="decimal"
                              aria-label={`Amount for ${o.invoice.number}`}
                              disabled={!c.on}
                              value={c.amount}
                              placeholder={c.on ? moneyToInput(gets, currency) : ''}
                              aria-invalid={errors[`alloc-${o.invoice.id}`] ? true : undefined}
                              onChange={(e) => setChosen((p) => ({ ...p, [o.invoice.id]: { ...c, amount: e.target.value } }))}
                            />
                            {errors[`alloc-${o.invoice.id}`] && (
                              <span className="error" role="alert">
                                {errors[`alloc-${o.invoice.id}`]}
                              </span>
                            )}
                          </div>
                        ) : (
                          money(gets)
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {preview && !preview.error && (
            <p className="inv-preview" aria-live="polite">
              {preview.allocations.length > 0 ? `Pays ${preview.allocations.map((a) => `${numberOf(a.invoiceId)} (${money(a.amount)})`).join(', ')}. ` : ''}
              {preview.credit > 0 ? `${money(preview.credit)} will be kept as family credit.` : 'Nothing left over.'}
            </p>
          )}
          {preview?.error && (
            <p className="error" role="alert">
              {preview.error}
            </p>
          )}
        </fieldset>
      )}
    </Dialog>
  );
}

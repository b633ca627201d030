/**
 * A partial credit note for an issued invoice (docs/billing.md "Corrections and refunds"): chosen
 * lines, each in full or a part of it, or an amount spread over the lines in proportion to what is
 * left of each. The invoice itself never changes: the credit note is its own document in the CN
 * series, and the invoice owes less. A preview (the domain's createPartialCreditNote on what is
 * entered) shows the credit note's total and the invoice's new balance; money already paid beyond
 * that becomes family credit, which can be refunded.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { FormDialog } from '../../ui/FormDialog';
import { Checkbox, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { parseMoneyInput } from '../../../../src-shared/money';
import { partialCreditEffect } from '../../../../src-shared/billing/correction-forms';
import { createPartialCreditNote, creditableLines, type PartialCreditInput } from '../../../../src-shared/billing/corrections';
import { splitLineDescription } from '../../../../src-shared/billing/line-reasons';
import type { Invoice } from '../../../../src-shared/model/types';
import { creditInvoicePartly } from './actions';
import { useMoney, useToday, type BillingData } from './data';

export function CreditNoteDialog({
  data,
  invoice,
  balance,
  onClose,
}: {
  data: BillingData;
  invoice: Invoice;
  /** What the invoice owes now. */
  balance: number;
  onClose: () => void;
}) {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const currency = invoice.currency;
  const locale = app.settings?.locale ?? 'en-GB';
  const lines = useMemo(() => creditableLines(invoice, data.invoices), [invoice, data.invoices]);
  const [mode, setMode] = useState<'lines' | 'amount'>('lines');
  const [chosen, setChosen] = useState<Record<string, { on: boolean; amount: string }>>({});
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [rebill, setRebill] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  /** The domain's input from the form, or the field errors. */
  const input = (): { input?: Omit<PartialCreditInput, 'reason'>; errors: Record<string, string> } => {
    const errs: Record<string, string> = {};
    if (mode === 'amount') {
      const a = parseMoneyInput(amount, currency, { locale });
      if (!a.ok) return { errors: { amount: a.error } };
      if (a.amount <= 0) return { errors: { amount: 'Enter an amount greater than zero' } };
      const left = Math.min(
        lines.reduce((s, l) => s + l.remainingGross, 0),
        invoice.total - (data.credited.get(invoice.id) ?? 0),
      );
      if (a.amount > left) return { errors: { amount: `At most ${money(left, currency)} is left to credit on ${invoice.number}` } };
      return { input: { amount: a.amount }, errors: {} };
    }
    const picked: { lineId: string; amount?: number }[] = [];
    for (const l of lines) {
      const c = chosen[l.lineId];
      if (!c?.on) continue;
      if (!c.amount.trim()) {
        picked.push({ lineId: l.lineId });
        continue;
      }
      const a = parseMoneyInput(c.amount, currency, { locale });
      if (!a.ok) errs[`line-${l.lineId}`] = a.error;
      else if (a.amount <= 0) errs[`line-${l.lineId}`] = 'Enter an amount greater than zero';
      else if (a.amount > l.remainingGross) errs[`line-${l.lineId}`] = `At most ${money(l.remainingGross, currency)} is left on this line`;
      else picked.push({ lineId: l.lineId, amount: a.amount });
    }
    if (Object.keys(errs).length) return { errors: errs };
    if (picked.length === 0) return { errors: { _lines: 'Tick at least one line to credit, or credit an amount' } };
    return { input: { lines: picked }, errors: {} };
  };

  // Dry run on what is entered so far.
  const preview = useMemo(() => {
    const r = input();
    if (!r.input || !app.settings) return null;
    try {
      const dry = createPartialCreditNote(
        invoice,
        { ...r.input, reason: 'preview' },
        {
          issueDate: today,
          deviceCode: 'AAA',
          invoices: data.invoices,
          settings: app.settings,
          ctx: { now: new Date(0), staffId: '', deviceId: '' },
          newId: () => 'preview',
          payments: data.payments,
          locale,
        },
      );
      return { total: dry.creditNote.total, ...partialCreditEffect(balance, dry.creditNote.total), error: '' };
    } catch (e) {
      return { total: 0, newBalance: balance, toFamilyCredit: 0, error: (e as Error).message };
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode, chosen, amount, invoice, data.invoices, data.payments, balance, today]);

  const save = async () => {
    const r = input();
    const errs = { ...r.errors };
    if (!reason.trim()) errs.reason = 'Say why the invoice is credited (it is printed on the credit note)';
    else if (reason.trim().length > 100_000) errs.reason = 'Reason: too long';
    if (preview?.error) errs._form = preview.error;
    setErrors(errs);
    if (Object.keys(errs).length || !r.input) return;
    const cn = await creditInvoicePartly(app, invoice.id, { ...r.input, reason, ...(rebill ? { rebill: true } : {}) });
    toast(`Credit note ${cn.number} for ${money(-cn.total, currency)} issued against ${invoice.number}`);
    onClose();
  };

  const figure = preview && !preview.error ? money(-preview.total, currency) : '';
  return (
    <FormDialog
      title={`Credit part of ${invoice.number}`}
      description="Issues a credit note for chosen lines or an amount. The invoice stays as it was issued and owes less; to cancel all of it, use Void."
      onClose={onClose}
      onSubmit={save}
      wide
      submitLabel={figure ? `Issue credit note for ${figure}` : 'Issue credit note'}
      {...(errors._form ? { error: errors._form } : {})}
    >
      <fieldset className="group">
        <legend>What to credit</legend>
        <div className="row inv-radio-row">
          <label className="checkbox">
            <input type="radio" name="credit-mode" checked={mode === 'lines'} onChange={() => setMode('lines')} />
            Chosen lines
          </label>
          <label className="checkbox">
            <input type="radio" name="credit-mode" checked={mode === 'amount'} onChange={() => setMode('amount')} />
            An amount spread over the lines
          </label>
        </div>
        {mode === 'lines' ? (
          <>
            <table className="report-table" aria-label="Lines to credit">
              <thead>
                <tr>
                  <th scope="col">Credit</th>
                  <th scope="col">Line</th>
                  <th scope="col" className="num">
                    Left to credit
                  </th>
                  <th scope="col" className="num">
                    Amount (blank = all of it)
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => {
                  const c = chosen[l.lineId] ?? { on: false, amount: '' };
                  const err = errors[`line-${l.lineId}`];
                  const lesson = splitLineDescription(l.description).main;
                  return (
                    <tr key={l.lineId}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Credit ${lesson}`}
                          checked={c.on}
                          onChange={(e) => {
                            setErrors({});
                            setChosen((p) => ({ ...p, [l.lineId]: { ...c, on: e.target.checked } }));
                          }}
                        />
                      </td>
                      <td>{lesson}</td>
                      <td className="num">{money(l.remainingGross, currency)}</td>
                      <td className="num">
                        <div className="inv-inline-field">
                          <input
                            className="input"
                            inputMode="decimal"
                            aria-label={`Amount to credit of ${lesson}`}
                            disabled={!c.on}
                            value={c.amount}
                            aria-invalid={err ? true : undefined}
                            onChange={(e) => {
                              setErrors({});
                              setChosen((p) => ({ ...p, [l.lineId]: { ...c, amount: e.target.value } }));
                            }}
                          />
                          {err && (
                            <span className="error" role="alert">
                              {err}
                            </span>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {errors._lines && (
              <p className="error" role="alert">
                {errors._lines}
              </p>
            )}
          </>
        ) : (
          <TextField
            label="Amount to credit"
            value={amount}
            onChange={(a) => {
              setErrors({});
              setAmount(a);
            }}
            prefix={currency}
            inputMode="decimal"
            required
            error={errors.amount}
            hint="Tax included; spread over the lines in proportion to what is left of each"
          />
        )}
      </fieldset>
      <TextField
        label="Reason"
        value={reason}
        onChange={(r) => {
          setReason(r);
          setErrors((e) => ({ ...e, reason: '' }));
        }}
        required
        error={errors.reason}
        hint="Printed on the credit note, e.g. “Lesson of 10 March charged at the wrong rate”"
      />
      {mode === 'lines' && (
        <Checkbox
          label="Lessons on lines credited in full can be billed again (charged at the wrong rate)"
          checked={rebill}
          onChange={setRebill}
        />
      )}
      {preview && !preview.error && (
        <p className="inv-preview" aria-live="polite">
          Credit note total {money(-preview.total, currency)}. {invoice.number} will owe {money(preview.newBalance, currency)}
          {preview.toFamilyCredit > 0 ? `; ${money(preview.toFamilyCredit, currency)} already paid becomes family credit` : ''}.
        </p>
      )}
      {preview?.error && (
        <p className="error" role="alert">
          {preview.error}
        </p>
      )}
    </FormDialog>
  );
}

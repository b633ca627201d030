/**
 * "Pay which invoices" of the payment dialogs (record and edit): the family's open invoices, each
 * ticked with an optional amount when invoices are chosen, or with what it receives; the targets
 * read from what is entered; and the preview sentence of what the payment pays.
 */
import { moneyToInput, parseMoneyInput } from '../../../../src-shared/money';
import type { AllocationTarget, OpenInvoice } from '../../../../src-shared/billing/payments';
import type { PaymentAllocation } from '../../../../src-shared/model/types';
import { dateLabel } from './labels';

/** Per invoice id: ticked, and the amount typed ('' = as much as fits). */
export type ChosenInvoices = Record<string, { on: boolean; amount: string }>;

/** The allocation targets of the ticked invoices, or the field errors (keyed `alloc-<invoice id>`). */
export function allocationTargets(
  open: readonly OpenInvoice[],
  chosen: ChosenInvoices,
  f: { currency: string; locale: string; money: (amount: number) => string },
): { targets: AllocationTarget[]; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const targets: AllocationTarget[] = [];
  for (const o of open) {
    const c = chosen[o.invoice.id];
    if (!c?.on) continue;
    if (!c.amount.trim()) {
      targets.push({ invoiceId: o.invoice.id });
      continue;
    }
    const a = parseMoneyInput(c.amount, f.currency, { locale: f.locale });
    if (!a.ok) errors[`alloc-${o.invoice.id}`] = a.error;
    else if (a.amount <= 0) errors[`alloc-${o.invoice.id}`] = 'Enter an amount greater than zero';
    else if (a.amount > o.balance) errors[`alloc-${o.invoice.id}`] = `At most ${f.money(o.balance)} is owed on this invoice`;
    else targets.push({ invoiceId: o.invoice.id, amount: a.amount });
  }
  return { targets, errors };
}

export function AllocationTable(props: {
  label: string;
  open: readonly OpenInvoice[];
  /** Invoices are ticked (with amounts); otherwise each row shows what it receives. */
  choose: boolean;
  chosen: ChosenInvoices;
  onChosen: (next: (prev: ChosenInvoices) => ChosenInvoices) => void;
  /** What the preview gives each invoice. */
  receives: readonly PaymentAllocation[];
  errors: Record<string, string>;
  currency: string;
  locale: string;
  money: (amount: number) => string;
}) {
  const { choose, chosen, money, locale } = props;
  return (
    <table className="report-table" aria-label={props.label}>
      <thead>
        <tr>
          {choose && <th scope="col">Pay</th>}
          <th scope="col">Invoice</th>
          <th scope="col">Due</th>
          <th scope="col" className="num">
            Still to pay
          </th>
          <th scope="col" className="num">
            {choose ? 'Amount (blank = as much as fits)' : 'Receives'}
          </th>
        </tr>
      </thead>
      <tbody>
        {props.open.map((o) => {
          const id = o.invoice.id;
          const c = chosen[id] ?? { on: false, amount: '' };
          const gets = props.receives.find((a) => a.invoiceId === id)?.amount ?? 0;
          const err = props.errors[`alloc-${id}`];
          return (
            <tr key={id}>
              {choose && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Pay ${o.invoice.number}`}
                    checked={c.on}
                    onChange={(e) => props.onChosen((p) => ({ ...p, [id]: { ...c, on: e.target.checked } }))}
                  />
                </td>
              )}
              <td>{o.invoice.number}</td>
              <td>{dateLabel(o.invoice.dueDate, locale)}</td>
              <td className="num">{money(o.balance)}</td>
              <td className="num">
                {choose ? (
                  <div className="inv-inline-field">
                    <input
                      className="input"
                      inputMode="decimal"
                      aria-label={`Amount for ${o.invoice.number}`}
                      disabled={!c.on}
                      value={c.amount}
                      placeholder={c.on ? moneyToInput(gets, props.currency, locale) : ''}
                      aria-invalid={err ? true : undefined}
                      onChange={(e) => props.onChosen((p) => ({ ...p, [id]: { ...c, amount: e.target.value } }))}
                    />
                    {err && (
                      <span className="error" role="alert">
                        {err}
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
  );
}

/** "Pays INV-… (£45.00). £10.00 will be kept as family credit.", or the domain's refusal. */
export function AllocationPreview(props: {
  preview: { allocations: readonly PaymentAllocation[]; credit: number; error: string } | null;
  verb: string;
  numberOf: (invoiceId: string) => string;
  money: (amount: number) => string;
}) {
  const { preview, money } = props;
  if (!preview) return null;
  if (preview.error)
    return (
      <p className="error" role="alert">
        {preview.error}
      </p>
    );
  return (
    <p className="inv-preview" aria-live="polite">
      {preview.allocations.length > 0
        ? `${props.verb} ${preview.allocations.map((a) => `${props.numberOf(a.invoiceId)} (${money(a.amount)})`).join(', ')}. `
        : ''}
      {preview.credit > 0 ? `${money(preview.credit)} will be kept as family credit.` : 'Nothing left over.'}
    </p>
  );
}

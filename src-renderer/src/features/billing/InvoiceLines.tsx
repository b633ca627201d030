/** The lines card of the invoice screen: the lines (editable on a draft) and the totals. */
import { useApp } from '../../app/AppContext';
import { Icon } from '../../ui/Icon';
import { LINE_KIND_LABELS, removeLine } from '../../../../src-shared/billing/drafts';
import { lineBase } from '../../../../src-shared/billing/totals';
import type { InvoiceLine } from '../../../../src-shared/model/types';
import { editDraft } from './actions';
import { useMoney } from './data';
import type { InvoiceView } from './invoice-view';

function quantityText(l: InvoiceLine, locale: string): string {
  const q = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(l.quantityMilli / 1000);
  return l.durationMinutes > 0 ? `${q} h` : q;
}

export function InvoiceLines(props: {
  view: InvoiceView;
  onAddLine: (kind: 'manual' | 'credit') => void;
  onEditLine: (line: InvoiceLine) => void;
  onEditDiscount: () => void;
  run: (what: () => Promise<unknown>, done?: string) => Promise<void>;
}) {
  const { view } = props;
  const inv = view.invoice;
  return (
    <section className="card inv-lines-card" aria-labelledby="lines-title">
      <div className="inv-card-head">
        <h2 id="lines-title">Lines</h2>
        {view.isDraft && (
          <div className="toolbar">
            <button type="button" className="btn btn-sm" onClick={() => props.onAddLine('manual')}>
              <Icon name="plus" size={14} />
              Add item
            </button>
            <button type="button" className="btn btn-sm" onClick={() => props.onAddLine('credit')}>
              <Icon name="plus" size={14} />
              Add credit
            </button>
          </div>
        )}
      </div>
      {inv.lines.length === 0 ? <p className="muted inv-pad">No lines yet. Add an item or a credit.</p> : <LinesTable {...props} />}
      <InvoiceTotals view={view} onEditDiscount={props.onEditDiscount} />
    </section>
  );
}

function LinesTable({ view, onEditLine, run }: Parameters<typeof InvoiceLines>[0]) {
  const app = useApp();
  const money = useMoney();
  const inv = view.invoice;
  const locale = app.settings?.locale ?? 'en-GB';
  const remove = (l: InvoiceLine) =>
    void run(
      () =>
        editDraft(app, inv.id, (d) => {
          const r = removeLine(d, l.id);
          return { next: r.invoice, releasedClaimIds: r.releasedClaimIds };
        }),
      'Line removed',
    );
  return (
    <table className="report-table inv-lines" aria-label="Invoice lines">
      <thead>
        <tr>
          <th scope="col">Description</th>
          <th scope="col" className="num">
            Qty
          </th>
          <th scope="col" className="num">
            Unit price
          </th>
          {view.showDiscount && (
            <th scope="col" className="num">
              Discount
            </th>
          )}
          <th scope="col" className="num">
            Amount
          </th>
          {view.isDraft && (
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {inv.lines.map((l) => (
          <tr key={l.id}>
            <td>
              <span className="inv-line-desc">{l.description}</span>
              {l.kind !== 'lesson' && <span className="chip">{LINE_KIND_LABELS[l.kind]}</span>}
            </td>
            <td className="num">{quantityText(l, locale)}</td>
            <td className="num">
              {money(l.unitAmount, inv.currency)}
              {l.durationMinutes > 0 ? ' / h' : ''}
            </td>
            {view.showDiscount && <td className="num">{l.discountAmount ? money(-l.discountAmount, inv.currency) : ''}</td>}
            <td className="num">{money(lineBase(l) - l.discountAmount, inv.currency)}</td>
            {view.isDraft && (
              <td className="inv-line-actions">
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  aria-label={`Edit line: ${l.description}`}
                  onClick={() => onEditLine(l)}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="btn btn-ghost btn-sm btn-danger"
                  aria-label={`Remove line: ${l.description}`}
                  onClick={() => remove(l)}
                >
                  Remove
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function InvoiceTotals({ view, onEditDiscount }: { view: InvoiceView; onEditDiscount: () => void }) {
  const money = useMoney();
  const inv = view.invoice;
  const { standing } = view;
  return (
    <table className="inv-totals" aria-label="Totals">
      <tbody>
        <tr>
          <th scope="row">Subtotal</th>
          <td className="num">{money(view.subtotal, inv.currency)}</td>
        </tr>
        {(inv.invoiceDiscountAmount !== 0 || view.isDraft) && (
          <tr>
            <th scope="row">
              Invoice discount
              {view.isDraft && (
                <button type="button" className="btn btn-ghost btn-sm inv-inline-btn" onClick={onEditDiscount}>
                  {inv.invoiceDiscountAmount ? 'Change' : 'Add'}
                </button>
              )}
            </th>
            <td className="num">{money(-inv.invoiceDiscountAmount, inv.currency)}</td>
          </tr>
        )}
        {view.hasTax && inv.taxMode === 'exclusive' && (
          <tr>
            <th scope="row">
              {inv.taxLabel} {view.taxRate}
            </th>
            <td className="num">{money(inv.taxTotal, inv.currency)}</td>
          </tr>
        )}
        <tr className="grand">
          <th scope="row">Total</th>
          <td className="num">{money(inv.total, inv.currency)}</td>
        </tr>
        {view.hasTax && inv.taxMode === 'inclusive' && (
          <tr>
            <th scope="row">
              Includes {inv.taxLabel} {view.taxRate}
            </th>
            <td className="num">{money(inv.taxTotal, inv.currency)}</td>
          </tr>
        )}
        {view.isOpen && (
          <>
            {standing.credited > 0 && (
              <tr>
                <th scope="row">Credited ({view.partialCredits.map((c) => c.number).join(', ')})</th>
                <td className="num">{money(-standing.credited, inv.currency)}</td>
              </tr>
            )}
            <tr>
              <th scope="row">Payments received</th>
              <td className="num">{money(-standing.paid, inv.currency)}</td>
            </tr>
            <tr className="due">
              <th scope="row">Balance due</th>
              <td className="num">{money(standing.balance, inv.currency)}</td>
            </tr>
          </>
        )}
      </tbody>
    </table>
  );
}

/**
 * One invoice or credit note. A draft is editable (items, credits, line and invoice discounts,
 * notes, removing lines); issuing numbers it and freezes it (the screen then offers no edits);
 * an issued invoice takes payments and is voided only through a credit note.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { EmptyState } from '../../ui/EmptyState';
import { TextArea } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { detectDoubleBilling } from '../../../../src-shared/billing/claims';
import { applyTaxSettings, removeLine, setDraftDetails, LINE_KIND_LABELS } from '../../../../src-shared/billing/drafts';
import { invoiceStanding } from '../../../../src-shared/billing/lifecycle';
import { familyCredit, paymentMethodLabel } from '../../../../src-shared/billing/payments';
import { lineBase } from '../../../../src-shared/billing/totals';
import type { Invoice, InvoiceLine } from '../../../../src-shared/model/types';
import { applyCredit, deleteDraft, editDraft, issueDrafts, voidWithCreditNote } from './actions';
import { useMoney, useToday, type BillingData } from './data';
import { saveInvoicePdf } from './documents';
import { DoubleBillingDialog } from './DoubleBillingDialog';
import { dateLabel, periodLabel, StatusBadge } from './labels';
import { ConfirmDialog, InvoiceDiscountDialog, LineDialog, VoidDialog } from './LineDialogs';
import { PaymentDialog } from './PaymentDialog';

function quantityText(l: InvoiceLine, locale: string): string {
  const q = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(l.quantityMilli / 1000);
  return l.durationMinutes > 0 ? `${q} h` : q;
}

type DialogState = { kind: 'line'; lineKind: 'manual' | 'credit'; line?: InvoiceLine } | { kind: 'discount' } | { kind: 'issue' } | { kind: 'delete' } | { kind: 'void' } | { kind: 'pay' } | { kind: 'double' } | null;

export function InvoiceDetail({ id, data }: { id: string; data: BillingData }) {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const settings = app.settings!;
  const locale = settings.locale;
  const [dialog, setDialog] = useState<DialogState>(null);
  const [error, setError] = useState('');
  const inv = data.invoiceById.get(id);
  const findings = useMemo(
    () => (inv && !data.loading ? detectDoubleBilling(data.claims, data.invoices).filter((f) => f.kind === 'billed_twice' && f.invoices.some((r) => r.invoiceId === inv.id)) : []),
    [data.loading, data.claims, data.invoices, inv],
  );

  if (!inv) {
    return (
      <div className="page">
        <div className="card">
          <EmptyState
            icon="invoice"
            title={data.loading ? 'Loading…' : 'Invoice not found'}
            actions={
              <button type="button" className="btn" onClick={() => navigate('/invoices')}>
                Back to invoices
              </button>
            }
          >
            {data.loading ? '' : 'It may have been a draft that was deleted on another computer.'}
          </EmptyState>
        </div>
      </div>
    );
  }

  const family = data.familyById.get(inv.familyId);
  const standing = invoiceStanding(inv, data.paid.get(inv.id) ?? 0, today);
  const isDraft = inv.kind === 'invoice' && inv.status === 'draft';
  const isCredit = inv.kind === 'credit_note';
  const related = data.invoiceById.get(isCredit ? inv.creditNoteFor : inv.voidedBy);
  const credit = familyCredit(inv.familyId, data.payments);
  const title = isCredit ? `Credit note ${inv.number}` : isDraft ? 'Draft invoice' : `Invoice ${inv.number}`;
  const applied = data.payments.flatMap((p) => p.allocations.filter((a) => a.invoiceId === inv.id).map((a) => ({ p, amount: a.amount })));
  const beforeInvoiceDiscount = inv.lines.reduce((s, l) => s + lineBase(l) - l.discountAmount, 0);
  const hasTax = inv.taxMode !== 'none' && inv.taxRateBp > 0;
  const showDiscount = isDraft || inv.lines.some((l) => l.discountAmount !== 0);
  const taxRate = `${(inv.taxRateBp / 100).toLocaleString(locale, { maximumFractionDigits: 2 })} %`;
  const taxDiffers =
    isDraft && (inv.taxMode !== settings.billing.taxMode || inv.taxRateBp !== settings.billing.taxRateBp || inv.taxLabel !== settings.billing.taxLabel);

  const run = async (what: () => Promise<unknown>, done?: string) => {
    setError('');
    try {
      await what();
      if (done) toast(done);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const pdf = () =>
    run(async () => {
      const r = await saveInvoicePdf(inv, data, settings);
      if (r.saved) toast(`PDF saved to ${r.location}`);
    });

  return (
    <div className="page inv-detail">
      <div className="page-header">
        <div className="stack inv-head">
          <button type="button" className="btn btn-ghost btn-sm inv-back" onClick={() => navigate('/invoices')}>
            ← All invoices
          </button>
          <div className="row">
            <h1>{title}</h1>
            <StatusBadge status={standing.status} />
          </div>
          <p>
            {family?.name ?? 'Unknown family'} · {periodLabel(inv.periodStart, inv.periodEnd, locale)}
          </p>
        </div>
        <div className="toolbar">
          {isDraft && (
            <>
              <button type="button" className="btn btn-ghost btn-danger" onClick={() => setDialog({ kind: 'delete' })}>
                Delete draft
              </button>
              <button type="button" className="btn" onClick={() => void pdf()}>
                <Icon name="invoice" size={16} />
                Preview PDF
              </button>
              <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: 'issue' })} disabled={inv.lines.length === 0}>
                <Icon name="check" size={16} />
                Issue invoice
              </button>
            </>
          )}
          {!isDraft && (
            <button type="button" className="btn" onClick={() => void pdf()}>
              <Icon name="download" size={16} />
              Download PDF
            </button>
          )}
          {inv.kind === 'invoice' && inv.status === 'issued' && (
            <>
              <button type="button" className="btn" onClick={() => setDialog({ kind: 'void' })}>
                Void…
              </button>
              {standing.balance > 0 && credit > 0 && (
                <button type="button" className="btn" onClick={() => void run(async () => toast(`${money(await applyCredit(app, inv.familyId, [inv.id]))} of family credit applied`))}>
                  Apply credit ({money(credit)})
                </button>
              )}
              {standing.balance > 0 && (
                <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: 'pay' })}>
                  Record payment
                </button>
              )}
            </>
          )}
        </div>
      </div>

      {error && (
        <div className="alert alert-error" role="alert">
          {error}
        </div>
      )}
      {findings.length > 0 && (
        <div className="alert alert-warning" role="alert">
          <Icon name="alert" />
          <div className="inv-grow">
            <strong>Billed twice:</strong> {findings.length === 1 ? 'one item on this invoice is' : `${findings.length} items on this invoice are`} also on another invoice. {findings[0]!.message}
          </div>
          <button type="button" className="btn btn-sm" onClick={() => setDialog({ kind: 'double' })}>
            Review
          </button>
        </div>
      )}
      {taxDiffers && (
        <div className="alert alert-info">
          <div className="inv-grow">The tax settings changed since this draft was made ({inv.taxMode === 'none' ? 'no tax' : `${inv.taxLabel} ${taxRate}`}).</div>
          <button type="button" className="btn btn-sm" onClick={() => void run(() => editDraft(app, inv.id, (d) => ({ next: applyTaxSettings(d, settings) })), 'Current tax settings applied')}>
            Apply current tax settings
          </button>
        </div>
      )}
      {inv.status === 'void' && related && (
        <div className="alert alert-info">
          <div className="inv-grow">
            Voided by credit note <strong>{related.number}</strong>
            {related.notes ? `: ${related.notes}` : ''}.
          </div>
          <button type="button" className="btn btn-sm" onClick={() => navigate(`/invoices?id=${related.id}`)}>
            Open {related.number}
          </button>
        </div>
      )}
      {isCredit && related && (
        <div className="alert alert-info">
          <div className="inv-grow">
            Credits invoice <strong>{related.number}</strong> in full.
          </div>
          <button type="button" className="btn btn-sm" onClick={() => navigate(`/invoices?id=${related.id}`)}>
            Open {related.number}
          </button>
        </div>
      )}

      <div className="inv-detail-grid">
        <section className="card inv-lines-card" aria-labelledby="lines-title">
          <div className="inv-card-head">
            <h2 id="lines-title">Lines</h2>
            {isDraft && (
              <div className="toolbar">
                <button type="button" className="btn btn-sm" onClick={() => setDialog({ kind: 'line', lineKind: 'manual' })}>
                  <Icon name="plus" size={14} />
                  Add item
                </button>
                <button type="button" className="btn btn-sm" onClick={() => setDialog({ kind: 'line', lineKind: 'credit' })}>
                  <Icon name="plus" size={14} />
                  Add credit
                </button>
              </div>
            )}
          </div>
          {inv.lines.length === 0 ? (
            <p className="muted inv-pad">No lines yet. Add an item or a credit.</p>
          ) : (
            <table className="inv-table inv-lines" aria-label="Invoice lines">
              <thead>
                <tr>
                  <th scope="col">Description</th>
                  <th scope="col" className="num">
                    Qty
                  </th>
                  <th scope="col" className="num">
                    Unit price
                  </th>
                  {showDiscount && (
                    <th scope="col" className="num">
                      Discount
                    </th>
                  )}
                  <th scope="col" className="num">
                    Amount
                  </th>
                  {isDraft && (
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
                    {showDiscount && <td className="num">{l.discountAmount ? money(-l.discountAmount, inv.currency) : ''}</td>}
                    <td className="num">{money(lineBase(l) - l.discountAmount, inv.currency)}</td>
                    {isDraft && (
                      <td className="inv-line-actions">
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm"
                          aria-label={`Edit line: ${l.description}`}
                          onClick={() => setDialog({ kind: 'line', lineKind: l.kind === 'credit' ? 'credit' : 'manual', line: l })}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm btn-danger"
                          aria-label={`Remove line: ${l.description}`}
                          onClick={() =>
                            void run(() => editDraft(app, inv.id, (d) => {
                              const r = removeLine(d, l.id);
                              return { next: r.invoice, releasedClaimIds: r.releasedClaimIds };
                            }), 'Line removed')
                          }
                        >
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <table className="inv-totals" aria-label="Totals">
            <tbody>
              <tr>
                <th scope="row">Subtotal</th>
                <td className="num">{money(beforeInvoiceDiscount, inv.currency)}</td>
              </tr>
              {(inv.invoiceDiscountAmount !== 0 || isDraft) && (
                <tr>
                  <th scope="row">
                    Invoice discount
                    {isDraft && (
                      <button type="button" className="btn btn-ghost btn-sm inv-inline-btn" onClick={() => setDialog({ kind: 'discount' })}>
                        {inv.invoiceDiscountAmount ? 'Change' : 'Add'}
                      </button>
                    )}
                  </th>
                  <td className="num">{money(-inv.invoiceDiscountAmount, inv.currency)}</td>
                </tr>
              )}
              {hasTax && inv.taxMode === 'exclusive' && (
                <tr>
                  <th scope="row">
                    {inv.taxLabel} {taxRate}
                  </th>
                  <td className="num">{money(inv.taxTotal, inv.currency)}</td>
                </tr>
              )}
              <tr className="grand">
                <th scope="row">Total</th>
                <td className="num">{money(inv.total, inv.currency)}</td>
              </tr>
              {hasTax && inv.taxMode === 'inclusive' && (
                <tr>
                  <th scope="row">
                    Includes {inv.taxLabel} {taxRate}
                  </th>
                  <td className="num">{money(inv.taxTotal, inv.currency)}</td>
                </tr>
              )}
              {inv.kind === 'invoice' && inv.status === 'issued' && (
                <>
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
        </section>

        <aside className="stack">
          <section className="card card-pad" aria-labelledby="facts-title">
            <h2 id="facts-title" className="sr-only">
              Details
            </h2>
            <dl className="detail-grid inv-facts">
              <dt>Number</dt>
              <dd>{inv.number || <span className="muted">Given when issued</span>}</dd>
              <dt>Issued</dt>
              <dd>{dateLabel(inv.issueDate, locale)}</dd>
              {!isCredit && (
                <>
                  <dt>Due</dt>
                  <dd>
                    {inv.dueDate ? dateLabel(inv.dueDate, locale) : <span className="muted">{settings.billing.paymentTermsDays} days after issue</span>}
                    {standing.overdue && <span className="inv-danger"> · {standing.daysOverdue} days overdue</span>}
                  </dd>
                </>
              )}
              <dt>Period</dt>
              <dd>{periodLabel(inv.periodStart, inv.periodEnd, locale)}</dd>
              <dt>Bill to</dt>
              <dd>
                {family ? (
                  <button type="button" className="btn-link" onClick={() => navigate(`/payments/ledger?family=${family.id}`)}>
                    {family.name}
                  </button>
                ) : (
                  'Unknown family'
                )}
                {family && [family.address.line1, family.address.city, family.address.postalCode].filter(Boolean).length > 0 && (
                  <div className="muted">{[family.address.line1, family.address.city, family.address.postalCode].filter(Boolean).join(', ')}</div>
                )}
              </dd>
              {credit > 0 && (
                <>
                  <dt>Family credit</dt>
                  <dd>{money(credit)}</dd>
                </>
              )}
            </dl>
          </section>
          {applied.length > 0 && (
            <section className="card card-pad stack" aria-labelledby="applied-title">
              <h2 id="applied-title">Payments</h2>
              <ul className="list">
                {applied.map(({ p, amount }) => (
                  <li key={p.id}>
                    <span>
                      {dateLabel(p.date, locale)} · {paymentMethodLabel(p.method)}
                      {p.reference ? ` · ${p.reference}` : ''}
                    </span>
                    <strong className="num">{money(amount)}</strong>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section className="card card-pad stack" aria-labelledby="notes-title">
            <h2 id="notes-title">{isCredit ? 'Reason' : 'Notes'}</h2>
            {isDraft ? <DraftNotes invoice={inv} onError={setError} /> : <p className="inv-notes">{inv.notes || <span className="muted">None</span>}</p>}
          </section>
        </aside>
      </div>

      {dialog?.kind === 'line' && <LineDialog invoice={inv} kind={dialog.lineKind} {...(dialog.line ? { line: dialog.line } : {})} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'discount' && <InvoiceDiscountDialog invoice={inv} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'pay' && <PaymentDialog data={data} familyId={inv.familyId} invoiceId={inv.id} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'double' && <DoubleBillingDialog data={data} findings={findings} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this draft?"
          confirm="Delete draft"
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await deleteDraft(app, inv);
            toast('Draft deleted; its lessons can be billed again');
            navigate('/invoices');
          }}
        >
          <p>The lessons on it go back to “not invoiced” and will be picked up by the next draft.</p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'issue' && (
        <ConfirmDialog
          title="Issue this invoice?"
          confirm="Issue invoice"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const [issued] = await issueDrafts(app, [inv.id], data.invoices, today);
            setDialog(null);
            toast(`Invoice ${issued?.number} issued`);
          }}
        >
          <p>
            It gets the next invoice number and today’s date, and is due in {settings.billing.paymentTermsDays} days. After that its lines and amounts can no longer change: mistakes are
            corrected with a credit note.
          </p>
          <p>
            Total: <strong>{money(inv.total, inv.currency)}</strong>
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'void' && (
        <VoidDialog
          invoice={inv}
          onClose={() => setDialog(null)}
          onVoid={async (reason) => {
            const cn = await voidWithCreditNote(app, inv.id, reason);
            setDialog(null);
            toast(`${inv.number} voided by credit note ${cn.number}`);
          }}
        />
      )}
    </div>
  );
}

function DraftNotes({ invoice, onError }: { invoice: Invoice; onError: (m: string) => void }) {
  const app = useApp();
  const [notes, setNotes] = useState(invoice.notes);
  const [saved, setSaved] = useState(invoice.notes);
  const dirty = notes !== saved;
  return (
    <div className="stack">
      <TextArea label="Notes printed on the invoice" value={notes} onChange={setNotes} rows={3} />
      {dirty && (
        <div className="row">
          <button
            type="button"
            className="btn btn-sm"
            onClick={async () => {
              try {
                await editDraft(app, invoice.id, (d) => ({ next: setDraftDetails(d, { notes }) }));
                setSaved(notes);
              } catch (e) {
                onError((e as Error).message);
              }
            }}
          >
            Save notes
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * A family's account: every issued invoice, credit note and payment in date order with the
 * running balance (the domain's familyLedger), the family's credit, and a statement for a period
 * exported as CSV or PDF.
 */
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useApp, usePermissions } from '../../app/AppContext';
import { PermissionButton } from '../../ui/Permission';
import { navigate, useRoute } from '../../app/router';
import { EmptyState } from '../../ui/EmptyState';
import { TextField } from '../../ui/Field';
import { Combobox } from '../../ui/Combobox';
import { Icon } from '../../ui/Icon';
import { ReportTable } from '../../ui/ReportTable';
import { useToast } from '../../ui/Toast';
import { getBridge } from '../../platform/bridge';
import { statementCsv } from '../../../../src-shared/billing/exports';
import type { Payment } from '../../../../src-shared/model/types';
import { familyCredit, familyLedger, familyStatement, openInvoices } from '../../../../src-shared/billing/payments';
import { renderStatementHtml, statementFileName } from '../../../../src-shared/billing/statement-html';
import { pageSizeOf, useFamilyOptions, useMoney, useToday, type BillingData } from './data';
import { saveCsv } from './documents';
import { dateLabel } from './labels';
import { NewInvoiceDialog } from './NewInvoiceDialog';
import { PaymentDialog } from './PaymentDialog';
import { ReverseDialog } from './ReverseDialog';
import { EditPaymentDialog } from './EditPaymentDialog';
import { RefundDialog } from './RefundDialog';
import { paymentEditability } from '../../../../src-shared/billing/corrections';
import { revisionHistory } from '../../../../src-shared/billing/correction-forms';
import { formatWhen } from '../../ui/format';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';
import { EmailStatementDialog } from '../mail';

const KIND = { invoice: 'Invoice', credit_note: 'Credit note', payment: 'Payment', refund: 'Refund', reversal: 'Reversal' } as const;

export function LedgerScreen({ data }: { data: BillingData }) {
  const app = useApp();
  const route = useRoute();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const settings = app.settings!;
  const locale = settings.locale;
  const familyId = route.query.get('family') ?? '';
  const family = data.familyById.get(familyId);
  const [dialog, setDialog] = useState<'' | 'pay' | 'invoice' | 'refund' | 'email'>('');
  const [from, setFrom] = useState(`${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(today);
  const [error, setError] = useState('');
  const [reversing, setReversing] = useState<Payment | null>(null);
  const [editing, setEditing] = useState<Payment | null>(null);
  const permissions = usePermissions();
  const mayRefund = permissions.decide('payments', 'create', { kind: 'refund' });
  const paymentById = useMemo(() => new Map(data.payments.map((p) => [p.id, p])), [data.payments]);
  const familyRecords = useMemo(() => data.payments.filter((p) => p.familyId === familyId), [data.payments, familyId]);
  const staffName = (id: string) => data.staff.find((s) => s.id === id)?.name ?? '';
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: settings.timeZone });
  const history = (p: Payment) =>
    revisionHistory(p, {
      money: (a) => money(a, p.currency),
      date: (d) => dateLabel(d, locale),
      invoiceNumber: (id) => data.invoiceById.get(id)?.number || id,
    });

  const ledger = useMemo(
    () => (familyId ? familyLedger(familyId, data.invoices, data.payments, { formatDate: (d) => dateLabel(d, locale) }) : []),
    [familyId, data.invoices, data.payments, locale],
  );
  const credit = useMemo(() => familyCredit(familyId, data.payments), [familyId, data.payments]);
  const open = useMemo(
    () => (familyId ? openInvoices(familyId, data.invoices, data.payments) : []),
    [familyId, data.invoices, data.payments],
  );
  const balance = ledger.at(-1)?.balance ?? 0;
  const owed = open.reduce((s, o) => s + o.balance, 0);
  const drafts = data.invoices.filter((i) => i.familyId === familyId && i.status === 'draft');
  const familyOptions = useFamilyOptions(data.families, familyId, true);

  const statement = () => {
    setError('');
    if (!from || !to || to < from) {
      setError('Choose a period whose end is after its start');
      return null;
    }
    return familyStatement(familyId, from, to, data.invoices, data.payments, { formatDate: (d) => dateLabel(d, locale) });
  };

  const exportCsv = async () => {
    const st = statement();
    if (!st || !family) return;
    const r = await saveCsv(statementFileName(family, from, to, 'csv'), statementCsv(st, settings.currency));
    if (r.saved) toast(`Statement exported to ${r.location}`);
  };
  const exportPdf = async () => {
    const st = statement();
    if (!st || !family) return;
    const r = await getBridge().savePdf({
      html: renderStatementHtml({ statement: st, family, settings, pageSize: pageSizeOf(settings), generatedOn: today }),
      pageSize: pageSizeOf(settings),
      landscape: false,
      suggestedName: statementFileName(family, from, to),
    });
    if (r.saved) toast(`Statement saved to ${r.location}`);
  };
  const emailStatement = () => {
    if (statement()) setDialog('email');
  };

  return (
    <div className="page">
      <div className="page-header">
        <div className="stack inv-head">
          <button type="button" className="btn btn-ghost btn-sm inv-back" onClick={() => navigate('/payments')}>
            ← Payments
          </button>
          <h1>{family ? `${family.name}: account` : 'Family account'}</h1>
          <p>Invoices, credit notes and payments with the running balance.</p>
        </div>
        <div className="toolbar">
          <div style={{ width: 260 }}>
            <Combobox
              label="Family"
              value={familyId}
              onChange={(id) => navigate(`/payments/ledger?family=${encodeURIComponent(id)}`)}
              options={familyOptions}
              loading={data.loading}
              placeholder="Type a family’s name…"
            />
          </div>
          {family && (
            <>
              <button type="button" className="btn" onClick={() => setDialog('invoice')}>
                New invoice
              </button>
              {credit > 0 && (
                <PermissionButton className="btn" decision={mayRefund} onClick={() => setDialog('refund')}>
                  Refund credit…
                </PermissionButton>
              )}
              <button type="button" className="btn btn-primary" onClick={() => setDialog('pay')}>
                Record payment
              </button>
            </>
          )}
        </div>
      </div>

      {!family ? (
        <div className="card">
          <EmptyState icon="family" title="Choose a family">
            Pick a family to see their invoices, payments and balance.
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="inv-stats" role="group" aria-label="Account summary">
            <div className="inv-stat">
              <span className="label">{balance < 0 ? 'In credit' : 'Balance'}</span>
              <strong className={balance > 0 ? 'inv-owed' : ''} data-testid="ledger-balance">
                {money(Math.abs(balance))}
              </strong>
              <span className="muted">
                {balance > 0 ? 'owed by the family' : balance < 0 ? 'the family has paid ahead' : 'all settled'}
              </span>
            </div>
            <div className="inv-stat">
              <span className="label">Unpaid invoices</span>
              <strong>{open.length}</strong>
              <span className="muted">{money(owed)}</span>
            </div>
            <div className="inv-stat">
              <span className="label">Credit to apply</span>
              <strong>{money(credit)}</strong>
              <span className="muted">unallocated payments</span>
            </div>
            <div className="inv-stat">
              <span className="label">Drafts</span>
              <strong>{drafts.length}</strong>
              <span className="muted">not yet issued</span>
            </div>
          </div>

          <section className="card" aria-labelledby="ledger-title">
            <div className="inv-section-head">
              <h2 id="ledger-title">Ledger</h2>
            </div>
            <ReportTable
              label="Ledger"
              scroll
              rows={ledger}
              rowKey={(e, i) => `${e.documentId}-${i}`}
              emptyText="No issued invoices or payments yet."
              rowProps={(e) =>
                e.kind === 'invoice' || e.kind === 'credit_note'
                  ? { className: 'clickable', onClick: () => navigate(`/invoices?id=${e.documentId}`) }
                  : {}
              }
              columns={[
                { header: 'Date', cell: (e) => dateLabel(e.date, locale) },
                { header: 'Type', cell: (e) => KIND[e.kind] },
                { header: 'Reference', cell: (e) => e.reference },
                {
                  header: 'Description',
                  cell: (e) => {
                    const p = e.kind === 'payment' ? paymentById.get(e.documentId) : undefined;
                    const edits = p ? history(p) : [];
                    if (!p || edits.length === 0) return e.description;
                    return (
                      <>
                        {e.description}
                        <details className="inv-history">
                          <summary>
                            {formOf(edits.length, { one: 'Edited once', other: `Edited ${countOf(edits.length, NOUNS.time)}` })}
                          </summary>
                          <ol aria-label={`Edit history of the payment of ${dateLabel(p.date, locale)}`}>
                            {edits.map((h, i) => (
                              <li key={`${h.revisedAt}-${i}`}>
                                <span className="muted">
                                  {formatWhen(when, h.revisedAt)}
                                  {staffName(h.revisedBy) ? ` · ${staffName(h.revisedBy)}` : ''}
                                  {h.reason ? ` · ${h.reason}` : ''}
                                </span>
                                {h.changes.map((c) => (
                                  <span key={c} className="inv-history-change">
                                    {c}
                                  </span>
                                ))}
                              </li>
                            ))}
                          </ol>
                        </details>
                      </>
                    );
                  },
                },
                { header: 'Charges', numeric: true, cell: (e) => (e.debit ? money(e.debit) : '') },
                { header: 'Payments & credits', numeric: true, cell: (e) => (e.credit ? money(e.credit) : '') },
                { header: 'Balance', numeric: true, className: 'inv-owed', cell: (e) => money(e.balance) },
                {
                  header: 'Actions',
                  cell: (e) => {
                    const p = (e.kind === 'payment' || e.kind === 'refund') && !e.reversedBy ? paymentById.get(e.documentId) : undefined;
                    if (!p) return e.reversedBy ? <span className="muted">Reversed</span> : '';
                    const on = `the ${e.kind} of ${money(p.amount)} on ${dateLabel(p.date, locale)}`;
                    const editable = paymentEditability(p, familyRecords, locale);
                    const mayEdit = permissions.decide('payments', 'change', p);
                    const edit = !mayEdit.allowed ? mayEdit.reason : editable.editable ? '' : editable.reason;
                    const mayReverse = permissions.decide('payments', 'create', { kind: 'reversal', reverses: p.id });
                    return (
                      <div className="inv-row-actions">
                        {e.kind === 'payment' && (
                          <RowButton why={edit} id={`why-edit-${p.id}`} label={`Edit ${on}`} onClick={() => setEditing(p)}>
                            Edit…
                          </RowButton>
                        )}
                        <RowButton
                          why={mayReverse.reason}
                          id={`why-reverse-${p.id}`}
                          label={`Reverse ${on}`}
                          onClick={() => setReversing(p)}
                        >
                          Reverse…
                        </RowButton>
                      </div>
                    );
                  },
                },
              ]}
            />
          </section>

          <section className="card card-pad stack" aria-labelledby="statement-title">
            <h2 id="statement-title">Statement</h2>
            <p className="muted">
              Opening balance, the period’s invoices, credit notes and payments, and the closing balance, to send to the family.
            </p>
            <div className="inv-filters">
              <TextField label="Statement from" type="date" value={from} onChange={setFrom} />
              <TextField label="Statement to" type="date" value={to} onChange={setTo} error={error || undefined} />
              <button type="button" className="btn" onClick={() => void exportCsv()}>
                <Icon name="download" size={16} />
                Statement CSV
              </button>
              <button type="button" className="btn" onClick={() => void exportPdf()}>
                <Icon name="invoice" size={16} />
                Statement PDF
              </button>
              <button type="button" className="btn" onClick={emailStatement}>
                <Icon name="mail" size={16} />
                E-mail statement…
              </button>
            </div>
          </section>
        </>
      )}
      {reversing && <ReverseDialog payment={reversing} onClose={() => setReversing(null)} />}
      {editing && <EditPaymentDialog data={data} payment={editing} onClose={() => setEditing(null)} />}
      {dialog === 'email' && family && (
        <EmailStatementDialog family={family} students={data.students} from={from} to={to} onClose={() => setDialog('')} />
      )}
      {dialog === 'refund' && family && <RefundDialog data={data} familyId={family.id} onClose={() => setDialog('')} />}
      {dialog === 'pay' && family && <PaymentDialog data={data} familyId={family.id} onClose={() => setDialog('')} />}
      {dialog === 'invoice' && family && (
        <NewInvoiceDialog
          data={data}
          familyId={family.id}
          onClose={() => setDialog('')}
          onCreated={(id) => {
            setDialog('');
            navigate(`/invoices?id=${id}`);
          }}
        />
      )}
    </div>
  );
}

/**
 * A small button of a ledger row: disabled when `why` is not empty, with the reason as its
 * description (for screen readers) and tooltip.
 */
function RowButton(props: { why: string; id: string; label: string; onClick: () => void; children: ReactNode }) {
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        onClick={props.onClick}
        disabled={!!props.why}
        aria-label={props.label}
        {...(props.why ? { 'aria-describedby': props.id, title: props.why } : {})}
      >
        {props.children}
      </button>
      {props.why && (
        <span id={props.id} className="sr-only">
          {props.why}
        </span>
      )}
    </>
  );
}

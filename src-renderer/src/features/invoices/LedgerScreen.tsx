/**
 * A family's account: every issued invoice, credit note and payment in date order with the
 * running balance (the domain's familyLedger), the family's credit, and a statement for a period
 * exported as CSV or PDF.
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate, useRoute } from '../../app/router';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField, TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { getBridge } from '../../platform/bridge';
import { statementCsv } from '../../../../src-shared/billing/exports';
import { familyCredit, familyLedger, familyStatement, openInvoices } from '../../../../src-shared/billing/payments';
import { renderStatementHtml, statementFileName } from '../../../../src-shared/billing/statement-html';
import { pageSizeOf, useMoney, useToday, type BillingData } from './data';
import { saveCsv } from './documents';
import { dateLabel } from './labels';
import { NewInvoiceDialog } from './NewInvoiceDialog';
import { PaymentDialog } from './PaymentDialog';

const KIND = { invoice: 'Invoice', credit_note: 'Credit note', payment: 'Payment' } as const;

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
  const [dialog, setDialog] = useState<'' | 'pay' | 'invoice'>('');
  const [from, setFrom] = useState(`${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(today);
  const [error, setError] = useState('');

  const ledger = useMemo(() => (familyId ? familyLedger(familyId, data.invoices, data.payments) : []), [familyId, data.invoices, data.payments]);
  const credit = useMemo(() => familyCredit(familyId, data.payments), [familyId, data.payments]);
  const open = useMemo(() => (familyId ? openInvoices(familyId, data.invoices, data.payments) : []), [familyId, data.invoices, data.payments]);
  const balance = ledger.at(-1)?.balance ?? 0;
  const owed = open.reduce((s, o) => s + o.balance, 0);
  const drafts = data.invoices.filter((i) => i.familyId === familyId && i.status === 'draft');
  const families = [...data.families].sort((a, b) => a.name.localeCompare(b.name));

  const statement = () => {
    setError('');
    if (!from || !to || to < from) {
      setError('Choose a period whose end is after its start');
      return null;
    }
    return familyStatement(familyId, from, to, data.invoices, data.payments);
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
            <SelectField
              label="Family"
              value={familyId}
              onChange={(id) => navigate(`/payments/ledger?family=${id}`)}
              options={[{ value: '', label: 'Choose a family…' }, ...families.map((f) => ({ value: f.id, label: f.name }))]}
            />
          </div>
          {family && (
            <>
              <button type="button" className="btn" onClick={() => setDialog('invoice')}>
                New invoice
              </button>
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
              <span className="muted">{balance > 0 ? 'owed by the family' : balance < 0 ? 'the family has paid ahead' : 'all settled'}</span>
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
            {ledger.length === 0 ? (
              <p className="muted inv-pad">No issued invoices or payments yet.</p>
            ) : (
              <div className="inv-scroll">
                <table className="inv-table" aria-label="Ledger">
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">Type</th>
                      <th scope="col">Reference</th>
                      <th scope="col">Description</th>
                      <th scope="col" className="num">
                        Charges
                      </th>
                      <th scope="col" className="num">
                        Payments &amp; credits
                      </th>
                      <th scope="col" className="num">
                        Balance
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {ledger.map((e, i) => (
                      <tr
                        key={`${e.documentId}-${i}`}
                        className={e.kind === 'payment' ? undefined : 'clickable'}
                        onClick={e.kind === 'payment' ? undefined : () => navigate(`/invoices?id=${e.documentId}`)}
                      >
                        <td>{dateLabel(e.date, locale)}</td>
                        <td>{KIND[e.kind]}</td>
                        <td>{e.reference}</td>
                        <td>{e.description}</td>
                        <td className="num">{e.debit ? money(e.debit) : ''}</td>
                        <td className="num">{e.credit ? money(e.credit) : ''}</td>
                        <td className="num inv-owed">{money(e.balance)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section className="card card-pad stack" aria-labelledby="statement-title">
            <h2 id="statement-title">Statement</h2>
            <p className="muted">Opening balance, the period’s invoices, credit notes and payments, and the closing balance, to send to the family.</p>
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
            </div>
          </section>
        </>
      )}
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

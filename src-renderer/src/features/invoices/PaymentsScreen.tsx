/**
 * Payments: every payment received (record, search, open the family's ledger), and the
 * outstanding report with aging buckets (current, 1–30, 31–60, 61–90, over 90 days). The family
 * ledger lives under /payments/ledger?family=….
 */
import { useMemo, useState } from 'react';
import { createColumnHelper } from '@tanstack/react-table';
import { useApp } from '../../app/AppContext';
import { navigate, useRoute } from '../../app/router';
import { DataTable, type ColumnLayout, type Features, type SearchableRow } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { agingCsv, paymentsCsv } from '../../../../src-shared/billing/exports';
import { AGING_BUCKETS, AGING_BUCKET_LABELS, agingReport, allocatedAmount, paymentMethodLabel } from '../../../../src-shared/billing/payments';
import type { Payment } from '../../../../src-shared/model/types';
import { useBillingData, useMoney, useToday, type BillingData } from './data';
import { saveCsv } from './documents';
import { dateLabel } from './labels';
import { LedgerScreen } from './LedgerScreen';
import { PaymentDialog } from './PaymentDialog';
import './billing.css';

interface PaymentRow extends SearchableRow {
  payment: Payment;
  date: string;
  family: string;
  method: string;
  reference: string;
  amount: number;
  appliedTo: string;
  credit: number;
}

const helper = createColumnHelper<Features, PaymentRow>();
const LAYOUT: Record<string, ColumnLayout> = {
  date: { width: 130 },
  family: { width: 200, grow: 2 },
  method: { width: 140 },
  reference: { width: 160, grow: 1 },
  appliedTo: { width: 220, grow: 1 },
  amount: { width: 120, align: 'right' },
  credit: { width: 130, align: 'right' },
};

export function PaymentsScreen() {
  const route = useRoute();
  const data = useBillingData();
  if (route.path === '/payments/ledger') return <LedgerScreen data={data} />;
  return <PaymentsHome data={data} />;
}

function PaymentsHome({ data }: { data: BillingData }) {
  const route = useRoute();
  const [tab, setTab] = useState<'payments' | 'outstanding'>(route.query.get('tab') === 'outstanding' ? 'outstanding' : 'payments');
  const [recording, setRecording] = useState(false);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Payments</h1>
          <p>Money received from families, and who still owes what.</p>
        </div>
        <div className="toolbar">
          <button type="button" className="btn btn-primary" onClick={() => setRecording(true)}>
            <Icon name="plus" size={16} />
            Record payment
          </button>
        </div>
      </div>
      <div className="inv-tabs" role="tablist" aria-label="Payments views">
        <button type="button" role="tab" id="tab-payments" aria-controls="panel-payments" aria-selected={tab === 'payments'} onClick={() => setTab('payments')}>
          Payments received
        </button>
        <button type="button" role="tab" id="tab-outstanding" aria-controls="panel-outstanding" aria-selected={tab === 'outstanding'} onClick={() => setTab('outstanding')}>
          Outstanding
        </button>
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="inv-tabpanel">
        {tab === 'payments' ? <PaymentsList data={data} onRecord={() => setRecording(true)} /> : <Outstanding data={data} />}
      </div>
      {recording && <PaymentDialog data={data} onClose={() => setRecording(false)} />}
    </div>
  );
}

function PaymentsList({ data, onRecord }: { data: BillingData; onRecord: () => void }) {
  const app = useApp();
  const money = useMoney();
  const toast = useToast();
  const locale = app.settings?.locale ?? 'en-GB';
  const [search, setSearch] = useState('');
  const rows = useMemo<PaymentRow[]>(
    () =>
      data.payments.map((p) => {
        const family = data.familyName(p.familyId);
        const appliedTo = p.allocations.map((a) => data.invoiceById.get(a.invoiceId)?.number || '?').join(', ');
        return {
          id: p.id,
          payment: p,
          date: p.date,
          family,
          method: paymentMethodLabel(p.method),
          reference: p.reference,
          amount: p.amount,
          appliedTo,
          credit: p.amount - allocatedAmount(p),
          searchText: `${family} ${p.reference} ${paymentMethodLabel(p.method)} ${appliedTo} ${money(p.amount)} ${p.date}`.toLowerCase(),
        };
      }),
    [data, money],
  );
  const columns = useMemo(
    () => [
      helper.accessor('date', { header: 'Date', sortFn: 'text', cell: (i) => dateLabel(i.getValue(), locale) }),
      helper.accessor('family', { header: 'Family', sortFn: 'text', cell: (i) => <span className="cell-text">{i.getValue()}</span> }),
      helper.accessor('method', { header: 'Method', sortFn: 'text' }),
      helper.accessor('reference', { header: 'Reference', enableSorting: false, cell: (i) => <span className="cell-text">{i.getValue()}</span> }),
      helper.accessor('appliedTo', { header: 'Paid invoices', enableSorting: false, cell: (i) => <span className="cell-text">{i.getValue() || <span className="muted">—</span>}</span> }),
      helper.accessor('amount', { header: 'Amount', sortFn: 'basic', cell: (i) => <span className="num inv-owed">{money(i.getValue())}</span> }),
      helper.accessor('credit', { header: 'Left as credit', sortFn: 'basic', cell: (i) => <span className={`num${i.getValue() ? '' : ' muted'}`}>{money(i.getValue())}</span> }),
    ],
    [locale, money],
  );
  if (data.payments.length === 0 && !data.loading) {
    return (
      <div className="card">
        <EmptyState
          icon="payment"
          title="No payments yet"
          actions={
            <button type="button" className="btn btn-primary" onClick={onRecord}>
              Record a payment
            </button>
          }
        >
          Record money as it arrives: it pays the family’s oldest invoices first, and anything extra is kept as credit.
        </EmptyState>
      </div>
    );
  }
  return (
    <DataTable
      label="Payments"
      rows={rows}
      columns={columns}
      layout={LAYOUT}
      hideable={[
        { id: 'method', label: 'Method' },
        { id: 'reference', label: 'Reference' },
        { id: 'appliedTo', label: 'Paid invoices' },
        { id: 'credit', label: 'Left as credit' },
      ]}
      initialSorting={[{ id: 'date', desc: true }]}
      globalFilter={search}
      columnFilters={[]}
      onRowOpen={(r) => navigate(`/payments/ledger?family=${r.payment.familyId}`)}
      noun={['payment', 'payments']}
      emptyMessage="No payments match your search."
      toolbar={
        <>
          <div className="search">
            <Icon name="search" size={16} />
            <input className="input" type="search" aria-label="Search payments" placeholder="Search family, reference, amount…" value={search} onChange={(e) => setSearch(e.target.value)} />
          </div>
          <button
            type="button"
            className="btn btn-sm"
            onClick={async () => {
              const r = await saveCsv(`payments-${new Date().toISOString().slice(0, 10)}.csv`, paymentsCsv(data.payments, { invoices: data.invoices, families: data.families }));
              if (r.saved) toast(`${data.payments.length} payments exported to ${r.location}`);
            }}
          >
            <Icon name="download" size={14} />
            Export CSV
          </button>
        </>
      }
    />
  );
}

function Outstanding({ data }: { data: BillingData }) {
  const app = useApp();
  const money = useMoney();
  const toast = useToast();
  const today = useToday();
  const [asOf, setAsOf] = useState(today);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(asOf);
  const report = useMemo(() => (valid ? agingReport(data.invoices, data.payments, asOf) : null), [data.invoices, data.payments, asOf, valid]);
  const currency = app.settings?.currency ?? 'GBP';

  return (
    <section className="card" aria-labelledby="aging-title">
      <div className="inv-section-head">
        <h2 id="aging-title">Outstanding by age</h2>
        <div className="inv-filters">
          <TextField label="As of" type="date" value={asOf} onChange={setAsOf} error={valid ? undefined : 'Enter a date'} />
          <button
            type="button"
            className="btn"
            disabled={!report || report.rows.length === 0}
            onClick={async () => {
              if (!report) return;
              const r = await saveCsv(`outstanding-${asOf}.csv`, agingCsv(report, { currency, families: data.families }));
              if (r.saved) toast(`Outstanding report exported to ${r.location}`);
            }}
          >
            <Icon name="download" size={16} />
            Export CSV
          </button>
        </div>
      </div>
      {report && report.rows.length === 0 ? (
        <EmptyState icon="check" title="Nothing outstanding">
          Every issued invoice is paid.
        </EmptyState>
      ) : (
        report && (
          <div className="inv-scroll">
            <table className="inv-table" aria-label="Outstanding by age">
              <thead>
                <tr>
                  <th scope="col">Family</th>
                  {AGING_BUCKETS.map((b) => (
                    <th key={b} scope="col" className="num">
                      {AGING_BUCKET_LABELS[b]}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    Outstanding
                  </th>
                  <th scope="col" className="num">
                    Credit
                  </th>
                  <th scope="col" className="num">
                    Net
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => (
                  <tr
                    key={r.familyId}
                    className="clickable"
                    tabIndex={0}
                    onClick={() => navigate(`/payments/ledger?family=${r.familyId}`)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') navigate(`/payments/ledger?family=${r.familyId}`);
                    }}
                  >
                    <td>{data.familyName(r.familyId)}</td>
                    {AGING_BUCKETS.map((b) => (
                      <td key={b} className={`num inv-aging-cell${b !== 'current' && r.buckets[b] > 0 ? ' hot' : ''}`}>
                        {r.buckets[b] ? money(r.buckets[b]) : <span className="muted">—</span>}
                      </td>
                    ))}
                    <td className="num">{money(r.outstanding)}</td>
                    <td className="num">{r.credit ? money(r.credit) : <span className="muted">—</span>}</td>
                    <td className="num inv-owed">{money(r.net)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  {AGING_BUCKETS.map((b) => (
                    <td key={b} className="num">
                      {money(report.totals[b])}
                    </td>
                  ))}
                  <td className="num">{money(report.totals.outstanding)}</td>
                  <td className="num">{money(report.totals.credit)}</td>
                  <td className="num">{money(report.totals.net)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        )
      )}
    </section>
  );
}

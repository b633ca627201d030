/**
 * Payments: every payment received (record, search, open the family's ledger), and the
 * outstanding report with aging buckets (current, 1–30, 31–60, 61–90, over 90 days). The family
 * ledger lives under /payments/ledger?family=….
 */
import { useMemo, useState } from 'react';
import { createColumnHelper, type SortFn } from '@tanstack/react-table';
import { useApp } from '../../app/AppContext';
import { navigate, useRoute } from '../../app/router';
import { DataTable, type ColumnLayout, type Features, type SearchableRow } from '../../ui/DataTable';
import { rowsOf } from '../../ui/table-row-models';
import { EmptyState } from '../../ui/EmptyState';
import { ReportTable, type ReportColumn } from '../../ui/ReportTable';
import { TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { agingCsv, paymentsCsv } from '../../../../src-shared/billing/exports';
import {
  AGING_BUCKETS,
  AGING_BUCKET_LABELS,
  agingReport,
  allocatedAmount,
  paymentMethodLabel,
} from '../../../../src-shared/billing/payments';
import type { Payment } from '../../../../src-shared/model/types';
import { recordKind, refundedByPayment, reversedIds } from '../../../../src-shared/billing/records';
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

/**
 * The payment's date, and among payments of one date the order they were recorded in: newest
 * first, the one just recorded at the top, whatever the records' random ids.
 */
const byDateThenRecorded: SortFn<Features, PaymentRow> = (a, b) =>
  compareText(a.original.date, b.original.date) || compareText(a.original.payment.createdAt, b.original.payment.createdAt);
const compareText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
const LAYOUT: Record<string, ColumnLayout> = {
  date: { width: 130, min: 124 },
  family: { width: 200, grow: 2, min: 140 },
  method: { width: 140 },
  reference: { width: 160, grow: 1 },
  appliedTo: { width: 220, grow: 1, shrink: 2 },
  amount: { width: 120, align: 'right', min: 104 },
  credit: { width: 160, align: 'right', min: 104, shrink: 0.2 },
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
        <button
          type="button"
          role="tab"
          id="tab-payments"
          aria-controls="panel-payments"
          aria-selected={tab === 'payments'}
          onClick={() => setTab('payments')}
        >
          Payments received
        </button>
        <button
          type="button"
          role="tab"
          id="tab-outstanding"
          aria-controls="panel-outstanding"
          aria-selected={tab === 'outstanding'}
          onClick={() => setTab('outstanding')}
        >
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
  const { rows, skipped } = useMemo(() => {
    const reversed = reversedIds(data.payments);
    const refunded = refundedByPayment(data.payments);
    const byId = new Map(data.payments.map((p) => [p.id, p]));
    return rowsOf(data.payments, (p): PaymentRow => {
      const family = data.familyName(p.familyId);
      const kind = recordKind(p);
      const target = p.reverses ? byId.get(p.reverses) : undefined;
      // Signed by the effect on the practice's cash, as in the payments CSV.
      const amount =
        kind === 'payment'
          ? p.amount
          : kind === 'refund'
            ? -p.amount
            : target && recordKind(target) === 'refund'
              ? target.amount
              : -(target?.amount ?? p.amount);
      const appliedTo =
        kind === 'payment'
          ? p.allocations.map((a) => data.invoiceById.get(a.invoiceId)?.number || '?').join(', ')
          : kind === 'refund'
            ? `Refund: ${p.reason ?? ''}`
            : `Reversal: ${p.reason ?? ''}`;
      const live = kind === 'payment' && !reversed.has(p.id);
      return {
        id: p.id,
        payment: p,
        date: p.date,
        family,
        method: `${paymentMethodLabel(p.method)}${reversed.has(p.id) ? ' (reversed)' : ''}`,
        reference: p.reference,
        amount,
        appliedTo,
        credit: live ? p.amount - allocatedAmount(p) - (refunded.get(p.id) ?? 0) : 0,
        searchText: `${family} ${p.reference} ${paymentMethodLabel(p.method)} ${appliedTo} ${money(p.amount)} ${p.date}`.toLowerCase(),
      };
    });
  }, [data, money]);
  const columns = useMemo(
    () => [
      helper.accessor('date', { header: 'Date', sortFn: byDateThenRecorded, cell: (i) => dateLabel(i.getValue(), locale) }),
      helper.accessor('family', { header: 'Family', sortFn: 'text', cell: (i) => <span className="cell-text">{i.getValue()}</span> }),
      helper.accessor('method', { header: 'Method', sortFn: 'text' }),
      helper.accessor('reference', {
        header: 'Reference',
        enableSorting: false,
        cell: (i) => <span className="cell-text">{i.getValue()}</span>,
      }),
      helper.accessor('appliedTo', {
        header: 'Paid invoices',
        enableSorting: false,
        cell: (i) => <span className="cell-text">{i.getValue() || <span className="muted">—</span>}</span>,
      }),
      helper.accessor('amount', {
        header: 'Amount',
        sortFn: 'basic',
        cell: (i) => <span className="num inv-owed">{money(i.getValue())}</span>,
      }),
      helper.accessor('credit', {
        header: 'Left as credit',
        sortFn: 'basic',
        cell: (i) => <span className={`num${i.getValue() ? '' : ' muted'}`}>{money(i.getValue())}</span>,
      }),
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
      skipped={skipped}
      locale={app.settings?.locale}
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
            <input
              className="input"
              type="search"
              aria-label="Search payments"
              placeholder="Search family, reference, amount…"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
          <button
            type="button"
            className="btn btn-sm"
            onClick={async () => {
              const r = await saveCsv(
                `payments-${new Date().toISOString().slice(0, 10)}.csv`,
                paymentsCsv(data.payments, { invoices: data.invoices, families: data.families }),
              );
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
  const report = useMemo(
    () => (valid ? agingReport(data.invoices, data.payments, asOf) : null),
    [data.invoices, data.payments, asOf, valid],
  );
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
          <ReportTable
            label="Outstanding by age"
            scroll
            rows={report.rows}
            rowKey={(r) => r.familyId}
            rowProps={(r) => ({
              className: 'clickable',
              tabIndex: 0,
              onClick: () => navigate(`/payments/ledger?family=${r.familyId}`),
              onKeyDown: (e) => {
                if (e.key === 'Enter') navigate(`/payments/ledger?family=${r.familyId}`);
              },
            })}
            totalsLabel="Total"
            columns={[
              { header: 'Family', cell: (r) => data.familyName(r.familyId) },
              ...AGING_BUCKETS.map((b): ReportColumn<(typeof report.rows)[number]> => ({
                header: AGING_BUCKET_LABELS[b],
                numeric: true,
                className: (r) => `inv-aging-cell${b !== 'current' && r.buckets[b] > 0 ? ' hot' : ''}`,
                cell: (r) => (r.buckets[b] ? money(r.buckets[b]) : <span className="muted">—</span>),
                total: money(report.totals[b]),
              })),
              { header: 'Outstanding', numeric: true, cell: (r) => money(r.outstanding), total: money(report.totals.outstanding) },
              {
                header: 'Credit',
                numeric: true,
                cell: (r) => (r.credit ? money(r.credit) : <span className="muted">—</span>),
                total: money(report.totals.credit),
              },
              { header: 'Net', numeric: true, className: 'inv-owed', cell: (r) => money(r.net), total: money(report.totals.net) },
            ]}
          />
        )
      )}
    </section>
  );
}

/**
 * Invoices: the list (status and month filters, search), the month's batch generation, a new
 * draft for one family, exports, issuing several drafts at once, and the double-billing flag.
 * `/invoices?id=…` shows one invoice (InvoiceDetail).
 */
import { useMemo, useState } from 'react';
import { createColumnHelper } from '@tanstack/react-table';
import { useApp } from '../../app/AppContext';
import { navigate, useRoute } from '../../app/router';
import { DataTable, type ColumnLayout, type Features, type SearchableRow } from '../../ui/DataTable';
import { rowsOf } from '../../ui/table-row-models';
import { Dialog } from '../../ui/Dialog';
import { EmptyState } from '../../ui/EmptyState';
import { TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { Alert } from '../../ui/Alert';
import { detectDoubleBilling } from '../../../../src-shared/billing/claims';
import { defaultExportMonth, invoiceLinesCsv, invoicesCsv, paymentsCsv } from '../../../../src-shared/billing/exports';
import { invoiceStanding, OPEN_STATUSES, type InvoiceDisplayStatus } from '../../../../src-shared/billing/lifecycle';
import type { Invoice } from '../../../../src-shared/model/types';
import { issueDrafts } from './actions';
import { useBillingData, useMoney, useToday, previousMonth, type BillingData } from './data';
import { saveCsv, saveInvoicePdfBatch } from './documents';
import { DoubleBillingDialog } from './DoubleBillingDialog';
import { IntegrityReview } from './IntegrityReview';
import { GenerateDialog } from './GenerateDialog';
import { InvoiceDetail } from './InvoiceDetail';
import { dateLabel, monthLabel, periodLabel, StatusBadge, STATUS_LABELS } from './labels';
import { NewInvoiceDialog } from './NewInvoiceDialog';
import './billing.css';
import { EmailInvoicesDialog, OverdueRemindersDialog } from '../mail';
import { getBridge } from '../../platform/bridge';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';

interface InvoiceRow extends SearchableRow {
  invoice: Invoice;
  /** Drafts first, then the latest issued. */
  sortKey: string;
  number: string;
  family: string;
  period: string;
  periodStart: string;
  issueDate: string;
  dueDate: string;
  status: InvoiceDisplayStatus;
  total: number;
  balance: number;
}

const helper = createColumnHelper<Features, InvoiceRow>();
const LAYOUT: Record<string, ColumnLayout> = {
  number: { width: 190, min: 136, shrink: 0.3 },
  family: { width: 200, grow: 2, min: 140 },
  periodStart: { width: 150, min: 100 },
  issueDate: { width: 124, min: 124 },
  dueDate: { width: 124, min: 124 },
  status: { width: 150, min: 150 },
  total: { width: 120, align: 'right', min: 104, shrink: 0.2 },
  balance: { width: 120, align: 'right', min: 112, shrink: 0.2 },
};

const STATUS_FILTERS: { value: string; label: string }[] = [
  { value: 'all', label: 'All statuses' },
  { value: 'draft', label: 'Drafts' },
  { value: 'open', label: 'Unpaid (all open)' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'partially_paid', label: 'Partially paid' },
  { value: 'partly_credited', label: 'Partly credited' },
  { value: 'paid', label: 'Paid' },
  { value: 'void', label: 'Void' },
  { value: 'credit_note', label: 'Credit notes' },
];

function matchesStatus(s: InvoiceDisplayStatus, filter: string): boolean {
  if (filter === 'all') return true;
  if (filter === 'open') return OPEN_STATUSES.includes(s);
  return s === filter;
}

export function InvoicesScreen() {
  const route = useRoute();
  const data = useBillingData();
  const id = route.query.get('id');
  if (id) return <InvoiceDetail key={id} id={id} data={data} />;
  return <InvoiceList data={data} />;
}

function InvoiceList({ data }: { data: BillingData }) {
  const app = useApp();
  const route = useRoute();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const locale = app.settings?.locale ?? 'en-GB';
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState(route.query.get('status') ?? 'all');
  const [month, setMonth] = useState(route.query.get('month') ?? '');
  const [dialog, setDialog] = useState<'' | 'generate' | 'new' | 'export' | 'issue' | 'double' | 'overdue' | 'email-issued'>('');
  const [justIssued, setJustIssued] = useState<Invoice[]>([]);

  const { rows, skipped } = useMemo(
    () =>
      rowsOf(data.invoices, (inv): InvoiceRow => {
        const st = invoiceStanding(inv, data.paid.get(inv.id) ?? 0, today, data.credited.get(inv.id) ?? 0);
        const family = data.familyName(inv.familyId);
        const number = inv.number || 'Draft';
        const period = periodLabel(inv.periodStart, inv.periodEnd, locale);
        return {
          id: inv.id,
          invoice: inv,
          sortKey:
            inv.status === 'draft' ? `~${inv.createdAt}` : `${inv.issueDate}|${inv.sequenceKey}|${String(inv.sequence).padStart(8, '0')}`,
          number,
          family,
          period,
          periodStart: inv.periodStart,
          issueDate: inv.issueDate,
          dueDate: inv.kind === 'credit_note' ? '' : inv.dueDate,
          status: st.status,
          total: inv.total,
          balance: st.balance,
          searchText: `${number} ${family} ${period} ${STATUS_LABELS[st.status]} ${money(inv.total)}`.toLowerCase(),
        };
      }),
    [data, today, locale, money],
  );

  // Only once every collection has loaded: invoices without their claims would look unclaimed.
  const findings = useMemo(
    () => (data.loading ? [] : detectDoubleBilling(data.claims, data.invoices)),
    [data.loading, data.claims, data.invoices],
  );
  const billedTwice = findings.filter((f) => f.kind === 'billed_twice').length;
  const stats = useMemo(() => {
    let outstanding = 0;
    let overdue = 0;
    let overdueCount = 0;
    let drafts = 0;
    let draftTotal = 0;
    for (const r of rows) {
      if (r.status === 'draft') {
        drafts += 1;
        draftTotal += r.total;
      }
      if (OPEN_STATUSES.includes(r.status)) outstanding += r.balance;
      if (r.status === 'overdue') {
        overdue += r.balance;
        overdueCount += 1;
      }
    }
    const thisMonth = today.slice(0, 7);
    const received = data.payments.filter((p) => p.date.startsWith(thisMonth)).reduce((s, p) => s + p.amount, 0);
    return { outstanding, overdue, overdueCount, drafts, draftTotal, received };
  }, [rows, data.payments, today]);

  const columns = useMemo(
    () => [
      helper.accessor((r) => r.sortKey, {
        id: 'number',
        header: 'Number',
        sortFn: 'text',
        cell: (i) => <span className={i.row.original.invoice.number ? 'inv-number' : 'muted'}>{i.row.original.number}</span>,
      }),
      helper.accessor('family', { header: 'Family', sortFn: 'text', cell: (i) => <span className="cell-text">{i.getValue()}</span> }),
      helper.accessor('periodStart', {
        header: 'Period',
        sortFn: 'text',
        filterFn: ((row: { original: InvoiceRow }, _id: string, value: string) =>
          !value ||
          (row.original.invoice.periodStart.slice(0, 7) <= value && row.original.invoice.periodEnd.slice(0, 7) >= value)) as never,
        cell: (i) => <span className="cell-text">{i.row.original.period}</span>,
      }),
      helper.accessor('issueDate', { header: 'Issued', sortFn: 'text', cell: (i) => dateLabel(i.getValue(), locale) }),
      helper.accessor('dueDate', { header: 'Due', sortFn: 'text', cell: (i) => dateLabel(i.getValue(), locale) }),
      helper.accessor('status', {
        header: 'Status',
        sortFn: 'text',
        filterFn: ((row: { original: InvoiceRow }, _id: string, value: string) => matchesStatus(row.original.status, value)) as never,
        cell: (i) => <StatusBadge status={i.getValue()} />,
      }),
      helper.accessor('total', {
        header: 'Total',
        sortFn: 'basic',
        cell: (i) => <span className="num">{money(i.getValue(), i.row.original.invoice.currency)}</span>,
      }),
      helper.accessor('balance', {
        header: 'Balance',
        sortFn: 'basic',
        cell: (i) =>
          i.row.original.status === 'draft' || i.row.original.status === 'void' || i.row.original.status === 'credit_note' ? (
            <span className="num muted">—</span>
          ) : (
            <span className={`num${i.getValue() > 0 ? ' inv-owed' : ' muted'}`}>
              {money(i.getValue(), i.row.original.invoice.currency)}
            </span>
          ),
      }),
    ],
    [locale, money],
  );

  // The months the invoices' periods cover (and this month), newest first, for the month filter.
  const months = useMemo(() => {
    const set = new Set<string>([today.slice(0, 7)]);
    if (month) set.add(month);
    for (const inv of data.invoices) {
      const start = inv.periodStart.slice(0, 7);
      const end = inv.periodEnd.slice(0, 7) || start;
      if (!/^\d{4}-\d\d$/.test(start)) continue;
      for (let m = start, guard = 0; m <= end && guard < 24; guard++) {
        set.add(m);
        const [y, mo] = m.split('-').map(Number) as [number, number];
        m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
      }
    }
    return [...set].sort().reverse();
  }, [data.invoices, today, month]);

  const columnFilters = useMemo(
    () => [
      { id: 'status', value: status },
      { id: 'periodStart', value: month },
    ],
    [status, month],
  );
  const visibleDrafts = useMemo(
    () =>
      rows.filter(
        (r) => r.status === 'draft' && (!month || (r.invoice.periodStart.slice(0, 7) <= month && r.invoice.periodEnd.slice(0, 7) >= month)),
      ),
    [rows, month],
  );

  const showDrafts = (m: string) => {
    setStatus('draft');
    setMonth(m);
    setDialog('');
  };

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Invoices</h1>
          <p>Drafts are built from attended lessons; issued invoices are numbered and can no longer change.</p>
        </div>
        <div className="toolbar">
          <button type="button" className="btn" onClick={() => setDialog('overdue')} disabled={data.loading}>
            <Icon name="mail" size={16} />
            Overdue reminders…
          </button>
          <button type="button" className="btn" onClick={() => setDialog('export')} disabled={data.invoices.length === 0}>
            <Icon name="download" size={16} />
            Export
          </button>
          <button type="button" className="btn" onClick={() => setDialog('new')}>
            <Icon name="plus" size={16} />
            New invoice
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setDialog('generate')}>
            <Icon name="sparkles" size={16} />
            Generate drafts for a month
          </button>
        </div>
      </div>

      {findings.length > 0 && (
        <Alert tone="warning" role="alert">
          <Icon name="alert" />
          <div className="inv-grow">
            {billedTwice > 0 ? (
              <>
                <strong>
                  {countOf(billedTwice, NOUNS.item)} {formOf(billedTwice, VERBS.is)} billed twice.
                </strong>{' '}
                This happens when two laptops generate invoices for the same family while offline.
              </>
            ) : (
              <>
                <strong>
                  {countOf(findings.length, NOUNS.billingRecord)} {formOf(findings.length, VERBS.needs)} repair
                </strong>{' '}
                after syncing (a lesson’s billing claim names another invoice).
              </>
            )}
          </div>
          <button type="button" className="btn btn-sm" onClick={() => setDialog('double')}>
            Review double billing
          </button>
        </Alert>
      )}

      <IntegrityReview />

      <div className="inv-stats" role="group" aria-label="Invoice totals">
        <button type="button" className="inv-stat" onClick={() => setStatus('open')}>
          <span className="label">Outstanding</span>
          <strong>{money(stats.outstanding)}</strong>
        </button>
        <button type="button" className="inv-stat" onClick={() => setStatus('overdue')}>
          <span className="label">Overdue</span>
          <strong className={stats.overdue > 0 ? 'inv-danger' : ''}>{money(stats.overdue)}</strong>
          <span className="muted">{countOf(stats.overdueCount, NOUNS.invoice, app.format.locale)}</span>
        </button>
        <button type="button" className="inv-stat" onClick={() => setStatus('draft')}>
          <span className="label">Drafts</span>
          <strong>{stats.drafts}</strong>
          <span className="muted">{money(stats.draftTotal)}</span>
        </button>
        <button type="button" className="inv-stat" onClick={() => navigate('/payments')}>
          <span className="label">Received in {monthLabel(today.slice(0, 7), locale)}</span>
          <strong>{money(stats.received)}</strong>
        </button>
      </div>

      {!data.loading && data.invoices.length === 0 ? (
        <div className="card">
          <EmptyState
            icon="invoice"
            title="No invoices yet"
            actions={
              <button type="button" className="btn btn-primary" onClick={() => setDialog('generate')}>
                Generate drafts for a month
              </button>
            }
          >
            Mark lessons as attended in the schedule, then generate a month’s drafts for every family in one go. Check them, then issue.
          </EmptyState>
        </div>
      ) : (
        <DataTable
          skipped={skipped}
          locale={app.settings?.locale}
          label="Invoices"
          rows={rows}
          columns={columns}
          layout={LAYOUT}
          hideable={[
            { id: 'periodStart', label: 'Period' },
            { id: 'issueDate', label: 'Issued' },
            { id: 'dueDate', label: 'Due' },
            { id: 'total', label: 'Total' },
            { id: 'balance', label: 'Balance' },
          ]}
          initialSorting={[{ id: 'number', desc: true }]}
          globalFilter={search}
          columnFilters={columnFilters}
          onRowOpen={(r) => navigate(`/invoices?id=${r.id}`)}
          noun={['invoice', 'invoices']}
          emptyMessage="No invoices match these filters."
          toolbar={
            <>
              <div className="search">
                <Icon name="search" size={16} />
                <input
                  className="input"
                  type="search"
                  aria-label="Search invoices"
                  placeholder="Search number, family, amount…"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                />
              </div>
              <select
                className="input"
                style={{ width: 180 }}
                aria-label="Filter invoices by status"
                value={status}
                onChange={(e) => setStatus(e.target.value)}
              >
                {STATUS_FILTERS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              <select
                className="input"
                style={{ width: 170 }}
                aria-label="Filter invoices by month"
                value={month}
                onChange={(e) => setMonth(e.target.value)}
              >
                <option value="">All months</option>
                {months.map((m) => (
                  <option key={m} value={m}>
                    {monthLabel(m, locale)}
                  </option>
                ))}
              </select>
              {status === 'draft' && visibleDrafts.length > 0 && (
                <button type="button" className="btn btn-sm btn-primary" onClick={() => setDialog('issue')}>
                  Issue {countOf(visibleDrafts.length, NOUNS.draft)}…
                </button>
              )}
            </>
          }
        />
      )}

      {dialog === 'generate' && (
        <GenerateDialog data={data} defaultMonth={previousMonth(today)} onClose={() => setDialog('')} onShowDrafts={showDrafts} />
      )}
      {dialog === 'new' && (
        <NewInvoiceDialog
          data={data}
          onClose={() => setDialog('')}
          onCreated={(invId) => {
            setDialog('');
            navigate(`/invoices?id=${invId}`);
          }}
        />
      )}
      {dialog === 'export' && (
        <ExportDialog
          data={data}
          defaultMonth={month || defaultExportMonth(data.invoices, data.payments, today)}
          onClose={() => setDialog('')}
        />
      )}
      {dialog === 'overdue' && (
        <OverdueRemindersDialog
          invoices={data.invoices}
          payments={data.payments}
          families={data.families}
          students={data.students}
          onClose={() => setDialog('')}
        />
      )}
      {dialog === 'double' && <DoubleBillingDialog data={data} findings={findings} onClose={() => setDialog('')} />}
      {dialog === 'email-issued' && (
        <EmailInvoicesDialog invoices={justIssued} families={data.families} students={data.students} onClose={() => setDialog('')} />
      )}
      {dialog === 'issue' && (
        <IssueManyDialog
          drafts={visibleDrafts.map((r) => r.invoice)}
          total={visibleDrafts.reduce((s, r) => s + r.total, 0)}
          onClose={() => setDialog('')}
          onIssue={async () => {
            try {
              const issued = await issueDrafts(
                app,
                visibleDrafts.map((r) => r.id),
                data.invoices,
                today,
              );
              toast(`${countOf(issued.length, NOUNS.invoice, app.format.locale)} issued: ${issued[0]?.number} … ${issued.at(-1)?.number}`);
              setStatus('open');
              // Next, where this computer can send e-mail: offer to send them (a batch with its
              // progress in the Outbox). The browser cannot send, so it does not ask.
              if (await getBridge().mail.available()) {
                setJustIssued(issued);
                setDialog('email-issued');
              } else setDialog('');
            } catch (e) {
              toast(`Could not issue: ${(e as Error).message}`);
            }
          }}
        />
      )}
    </div>
  );
}

function IssueManyDialog({
  drafts,
  total,
  onClose,
  onIssue,
}: {
  drafts: Invoice[];
  total: number;
  onClose: () => void;
  onIssue: () => Promise<void>;
}) {
  const money = useMoney();
  const [busy, setBusy] = useState(false);
  const empty = drafts.filter((d) => d.lines.length === 0).length;
  return (
    <Dialog
      title={`Issue ${countOf(drafts.length, NOUNS.draft)}?`}
      description="Each gets the next invoice number and today’s date; issued invoices can no longer be edited."
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy || empty > 0}
            onClick={async () => {
              setBusy(true);
              await onIssue();
              setBusy(false);
            }}
          >
            Issue {countOf(drafts.length, NOUNS.invoice)}
          </button>
        </>
      }
    >
      <p>
        Total invoiced: <strong>{money(total)}</strong>
      </p>
      {empty > 0 && (
        <Alert tone="error" role="alert">
          {empty} of these drafts have no lines. Delete them or add items first.
        </Alert>
      )}
    </Dialog>
  );
}

function ExportDialog({ data, defaultMonth, onClose }: { data: BillingData; defaultMonth: string; onClose: () => void }) {
  const app = useApp();
  const toast = useToast();
  const [month, setMonth] = useState(defaultMonth);
  const [busy, setBusy] = useState(false);
  const settings = app.settings!;
  const inMonth = (d: string) => d.slice(0, 7) === month;
  const invoices = data.invoices.filter((i) => i.status !== 'draft' && inMonth(i.issueDate));
  const payments = data.payments.filter((p) => inMonth(p.date));
  const label = monthLabel(month, settings.locale);

  const run = async (what: 'invoices' | 'lines' | 'payments' | 'pdf') => {
    setBusy(true);
    try {
      if (what === 'invoices') {
        const r = await saveCsv(
          `invoices-${month}.csv`,
          invoicesCsv(invoices, { settings, families: data.families, payments: data.payments }),
        );
        if (r.saved) toast(`${countOf(invoices.length, NOUNS.invoice, app.format.locale)} exported to ${r.location}`);
      } else if (what === 'lines') {
        const r = await saveCsv(
          `invoice-lines-${month}.csv`,
          invoiceLinesCsv(invoices, { families: data.families, students: data.students, staff: data.staff }),
        );
        if (r.saved) toast(`Invoice lines exported to ${r.location}`);
      } else if (what === 'payments') {
        const r = await saveCsv(`payments-${month}.csv`, paymentsCsv(payments, { invoices: data.invoices, families: data.families }));
        if (r.saved) toast(`${payments.length} payments exported to ${r.location}`);
      } else {
        const r = await saveInvoicePdfBatch(invoices, data, settings);
        if (r.saved) toast(`${r.count} PDF files saved to ${r.folder}`);
      }
    } catch (e) {
      toast(`Export failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Export"
      description="Accountant-friendly CSV files (UTF-8, one header row) and PDF copies of the month’s invoices."
      onClose={onClose}
    >
      <div className="grid-2">
        <TextField
          label="Month issued"
          type="month"
          value={month}
          onChange={setMonth}
          hint={`${countOf(invoices.length, NOUNS.invoiceOrCreditNote, app.format.locale)}, ${countOf(payments.length, NOUNS.payment, app.format.locale)} in ${label}`}
        />
      </div>
      <div className="inv-export-grid">
        <button type="button" className="btn" disabled={busy || invoices.length === 0} onClick={() => void run('invoices')}>
          <Icon name="download" size={16} />
          Invoices (CSV)
        </button>
        <button type="button" className="btn" disabled={busy || invoices.length === 0} onClick={() => void run('lines')}>
          <Icon name="download" size={16} />
          Invoice lines (CSV)
        </button>
        <button type="button" className="btn" disabled={busy || payments.length === 0} onClick={() => void run('payments')}>
          <Icon name="download" size={16} />
          Payments (CSV)
        </button>
        <button type="button" className="btn" disabled={busy || invoices.length === 0} onClick={() => void run('pdf')}>
          <Icon name="invoice" size={16} />
          PDF of every invoice…
        </button>
      </div>
    </Dialog>
  );
}

/**
 * Reports for a chosen range (the domain's reports.ts): income by month (chart + the same data
 * as a table), hours taught and income by tutor, per-subject totals and attendance rates; each
 * exportable as CSV.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useApp } from '../../app/AppContext';
import { Icon } from '../../ui/Icon';
import { ReportTable } from '../../ui/ReportTable';
import { useToast } from '../../ui/Toast';
import { formatWhen } from '../../ui/format';
import { attendanceCsv, incomeByMonthCsv, subjectReportCsv, tutorReportCsv } from '../../../../src-shared/billing/exports';
import { minorUnitDigits } from '../../../../src-shared/money';
import { readableScale } from '../../../../src-shared/billing/sanity';
import { attendanceReport, incomeByMonth, subjectReport, tutorReport } from '../../../../src-shared/billing/reports';
import { useBillableLessons, useBillingData, useMoney, useToday } from './data';
import { saveCsv } from './documents';
import { monthLabel } from './labels';
import { presetRange, RangePicker } from './RangePicker';
import './billing.css';

const GROUP_HEADERS = { all: 'Group', tutor: 'Tutor', subject: 'Subject', student: 'Student' } as const;

function Section(props: { id: string; title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={props.id}>
      <div className="inv-section-head">
        <h2 id={props.id}>{props.title}</h2>
        <div className="toolbar">{props.actions}</div>
      </div>
      {props.children}
    </section>
  );
}

function CsvButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="btn btn-sm" onClick={onClick} aria-label={label}>
      <Icon name="download" size={14} />
      CSV
    </button>
  );
}

export function ReportsScreen() {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const data = useBillingData();
  const settings = app.settings!;
  const locale = settings.locale;
  const currency = settings.currency;
  const [range, setRange] = useState(() => presetRange('this-year', today));
  const [groupBy, setGroupBy] = useState<'all' | 'tutor' | 'subject' | 'student'>('tutor');
  const valid = Boolean(range.from && range.to && range.to >= range.from);
  const lessons = useBillableLessons(range.from, range.to, data.students);

  const income = useMemo(
    () => (valid ? incomeByMonth(data.invoices, data.payments, range) : []),
    [valid, data.invoices, data.payments, range],
  );
  const tutors = useMemo(
    () =>
      valid && lessons ? tutorReport({ lessons, invoices: data.invoices, staff: data.staff, range, timeZone: settings.timeZone }) : [],
    [valid, lessons, data.invoices, data.staff, range, settings.timeZone],
  );
  const subjects = useMemo(
    () => (valid && lessons ? subjectReport({ lessons, invoices: data.invoices, range, timeZone: settings.timeZone }) : []),
    [valid, lessons, data.invoices, range, settings.timeZone],
  );
  const attendance = useMemo(
    () =>
      valid && lessons
        ? attendanceReport({ lessons, range, timeZone: settings.timeZone, groupBy, staff: data.staff, students: data.students })
        : [],
    [valid, lessons, range, settings.timeZone, groupBy, data.staff, data.students],
  );

  const digits = minorUnitDigits(currency);
  const compact = useMemo(
    () => new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }),
    [locale, currency],
  );
  // A readable axis (docs/billing.md "Sanity limits"): one absurd month does not flatten the others;
  // it is drawn at the top edge and named below the chart with its real figure.
  // An empty period would draw an axis of "£0 £0 £0 £0": say so instead.
  const nothingYet = income.every((r) => r.invoiced === 0 && r.received === 0);
  const scale = useMemo(() => readableScale([...income.map((r) => r.invoiced), ...income.map((r) => r.received)]), [income]);
  const chartData = income.map((r, i) => ({
    ...r,
    invoicedPlotted: scale.plotted[i] ?? 0,
    receivedPlotted: scale.plotted[income.length + i] ?? 0,
    label: formatWhen(
      new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' }),
      `${r.month}-01T00:00:00Z`,
      r.month,
    ),
  }));
  const offScale = scale.outliers.map(({ index, value }) => {
    const received = index >= income.length;
    const row = income[received ? index - income.length : index]!;
    return `${received ? 'Received' : 'Invoiced'} in ${monthLabel(row.month, locale)}: ${money(value)}`;
  });
  const totals = income.reduce(
    (s, r) => ({
      invoiced: s.invoiced + r.invoiced,
      received: s.received + r.received,
      refunded: s.refunded + r.refunded,
      tax: s.tax + r.tax,
      net: s.net + r.invoicedNet,
    }),
    { invoiced: 0, received: 0, refunded: 0, tax: 0, net: 0 },
  );
  const stamp = `${range.from}-to-${range.to}`;
  const save = async (name: string, csv: string) => {
    const r = await saveCsv(`${name}-${stamp}.csv`, csv);
    if (r.saved) toast(`Exported to ${r.location}`);
  };
  const hours = (m: number) => (m / 60).toLocaleString(locale, { maximumFractionDigits: 1 });
  // Intl percent style of the practice locale: "92.5%" (en-GB), "92,5 %" (de-DE, fr-FR).
  const pct = (r: number | null) => (r === null ? '—' : app.format.percent(r, 1));

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Reports</h1>
          <p>Income, teaching hours, subjects and attendance for a period.</p>
        </div>
      </div>
      <div className="card card-pad">
        <RangePicker from={range.from} to={range.to} onChange={setRange} {...(valid ? {} : { error: 'The end is before the start' })} />
      </div>

      <Section
        id="income-title"
        title="Income by month"
        actions={
          <CsvButton
            label="Export income by month as CSV"
            onClick={() => void save('income-by-month', incomeByMonthCsv(income, currency))}
          />
        }
      >
        {nothingYet ? (
          <p className="muted inv-chart-empty" role="note">
            Nothing invoiced or received in this period yet. The chart fills in as you issue invoices and record payments.
          </p>
        ) : (
          <div
            className="inv-chart"
            role="img"
            aria-label={`Bar chart of income by month from ${range.from} to ${range.to}: invoiced ${money(totals.invoiced)}, received ${money(totals.received)}${totals.refunded ? `, refunded ${money(totals.refunded)}` : ''} in total. The same figures are in the table below.`}
          >
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={chartData} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
                <CartesianGrid vertical={false} stroke="var(--border)" />
                <XAxis
                  dataKey="label"
                  tick={{ fill: 'var(--text-3)', fontSize: 12 }}
                  axisLine={{ stroke: 'var(--border-strong)' }}
                  tickLine={false}
                />
                <YAxis
                  domain={[scale.min, scale.max]}
                  ticks={scale.ticks}
                  allowDataOverflow
                  tick={{ fill: 'var(--text-3)', fontSize: 12 }}
                  axisLine={false}
                  tickLine={false}
                  width={64}
                  tickFormatter={(v: number) => compact.format(v / 10 ** digits)}
                />
                <Tooltip
                  cursor={{ fill: 'var(--surface-hover)' }}
                  contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
                  labelStyle={{ color: 'var(--text)', fontWeight: 600 }}
                  formatter={(_v, _name, item) =>
                    money(Number((item.payload as Record<string, number>)[item.dataKey === 'receivedPlotted' ? 'received' : 'invoiced']))
                  }
                />
                <Bar dataKey="invoicedPlotted" name="Invoiced" fill="var(--accent)" radius={[4, 4, 0, 0]} maxBarSize={36} />
                <Bar dataKey="receivedPlotted" name="Received" fill="var(--success)" radius={[4, 4, 0, 0]} maxBarSize={36} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        )}
        {!nothingYet && (
          <div className="inv-chart-legend" aria-hidden="true">
            <span style={{ ['--swatch' as string]: 'var(--accent)' }}>Invoiced</span>
            <span style={{ ['--swatch' as string]: 'var(--success)' }}>Received</span>
          </div>
        )}
        {offScale.length > 0 && (
          <p className="muted" role="note" style={{ padding: '0 20px 12px', margin: 0 }}>
            Off the scale (drawn at the top): {offScale.join('; ')}.
          </p>
        )}
        <ReportTable
          label="Income by month"
          scroll
          rows={income}
          rowKey={(r) => r.month}
          totalsLabel="Total"
          columns={[
            { header: 'Month', cell: (r) => monthLabel(r.month, locale) },
            {
              header: 'Invoices',
              numeric: true,
              cell: (r) => `${r.invoices}${r.creditNotes ? ` (−${r.creditNotes} CN)` : ''}`,
              total: income.reduce((s, r) => s + r.invoices, 0),
            },
            { header: 'Invoiced (net)', numeric: true, cell: (r) => money(r.invoicedNet), total: money(totals.net) },
            { header: 'Tax', numeric: true, cell: (r) => money(r.tax), total: money(totals.tax) },
            { header: 'Invoiced', numeric: true, cell: (r) => money(r.invoiced), total: money(totals.invoiced) },
            { header: 'Received', numeric: true, cell: (r) => money(r.received), total: money(totals.received) },
            {
              header: 'Refunded',
              numeric: true,
              cell: (r) => (r.refunded ? money(-r.refunded) : <span className="muted">—</span>),
              total: money(-totals.refunded),
            },
            {
              header: 'Net received',
              numeric: true,
              cell: (r) => money(r.received - r.refunded),
              total: money(totals.received - totals.refunded),
            },
          ]}
        />
      </Section>

      <div className="inv-grid-2">
        <Section
          id="tutors-title"
          title="Hours and income by tutor"
          actions={<CsvButton label="Export tutors report as CSV" onClick={() => void save('tutors', tutorReportCsv(tutors, currency))} />}
        >
          <ReportTable
            label="Hours and income by tutor"
            rows={lessons && tutors}
            rowKey={(r) => r.tutorId}
            loadingText="Loading the schedule…"
            emptyText="No lessons taught in this period."
            columns={[
              { header: 'Tutor', cell: (r) => (r.tutorId === '' ? <span className="muted">Fees, packages and items</span> : r.tutorName) },
              { header: 'Lessons', numeric: true, cell: (r) => r.lessonsTaught || '' },
              { header: 'Hours', numeric: true, cell: (r) => (r.minutesTaught ? hours(r.minutesTaught) : '') },
              { header: 'Billed (net)', numeric: true, cell: (r) => money(r.billedNet) },
            ]}
          />
        </Section>

        <Section
          id="subjects-title"
          title="By subject"
          actions={
            <CsvButton label="Export subjects report as CSV" onClick={() => void save('subjects', subjectReportCsv(subjects, currency))} />
          }
        >
          <ReportTable
            label="By subject"
            rows={lessons && subjects}
            rowKey={(r) => r.subject}
            loadingText="Loading the schedule…"
            emptyText="Nothing in this period."
            columns={[
              { header: 'Subject', cell: (r) => r.subject || <span className="muted">Fees, packages and items</span> },
              { header: 'Lessons', numeric: true, cell: (r) => r.lessonsTaught || '' },
              { header: 'Hours', numeric: true, cell: (r) => (r.minutesTaught ? hours(r.minutesTaught) : '') },
              { header: 'Students', numeric: true, cell: (r) => r.studentsTaught || '' },
              { header: 'Billed (net)', numeric: true, cell: (r) => money(r.billedNet) },
            ]}
          />
        </Section>
      </div>

      <Section
        id="attendance-title"
        title="Attendance"
        actions={
          <>
            <select
              className="input"
              style={{ width: 170 }}
              aria-label="Group attendance by"
              value={groupBy}
              onChange={(e) => setGroupBy(e.target.value as typeof groupBy)}
            >
              <option value="all">All lessons</option>
              <option value="tutor">By tutor</option>
              <option value="subject">By subject</option>
              <option value="student">By student</option>
            </select>
            <CsvButton label="Export attendance as CSV" onClick={() => void save('attendance', attendanceCsv(attendance))} />
          </>
        }
      >
        <ReportTable
          label="Attendance"
          scroll
          rows={lessons && attendance}
          rowKey={(r) => r.key}
          loadingText="Loading the schedule…"
          emptyText="No lessons in this period."
          columns={[
            { header: GROUP_HEADERS[groupBy], cell: (r) => r.label || <span className="muted">None</span> },
            { header: 'Lessons', numeric: true, cell: (r) => r.total },
            { header: 'Attended', numeric: true, cell: (r) => r.counts.attended },
            { header: 'No-show', numeric: true, cell: (r) => r.counts.no_show },
            {
              header: 'Cancelled by student',
              numeric: true,
              cell: (r) => r.counts.cancelled_student_in_time + r.counts.cancelled_student_late,
            },
            { header: 'Cancelled by tutor', numeric: true, cell: (r) => r.counts.cancelled_tutor },
            {
              header: 'Attendance rate',
              numeric: true,
              cell: (r) => (
                <span className="inv-rate">
                  <span className="bar" aria-hidden="true">
                    <span style={{ width: `${Math.round((r.attendanceRate ?? 0) * 100)}%` }} />
                  </span>
                  {pct(r.attendanceRate)}
                </span>
              ),
            },
          ]}
        />
      </Section>
    </div>
  );
}

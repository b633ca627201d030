/**
 * Reports for a chosen range (the domain's reports.ts): income by month (chart + the same data
 * as a table), hours taught and income by tutor, per-subject totals and attendance rates; each
 * exportable as CSV.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useApp } from '../../app/AppContext';
import { TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { monthRange } from '../../../../src-shared/billing/dates';
import { attendanceCsv, incomeByMonthCsv, subjectReportCsv, tutorReportCsv } from '../../../../src-shared/billing/exports';
import { minorUnitDigits } from '../../../../src-shared/billing/money';
import { attendanceReport, incomeByMonth, subjectReport, tutorReport } from '../../../../src-shared/billing/reports';
import { previousMonth, useBillableLessons, useBillingData, useMoney, useToday } from './data';
import { saveCsv } from './documents';
import { monthLabel } from './labels';
import './billing.css';

type Preset = 'this-month' | 'last-month' | 'this-year' | 'last-12';

export function presetRange(preset: Preset, today: string): { from: string; to: string } {
  const month = today.slice(0, 7);
  if (preset === 'this-month') return { from: monthRange(month).start, to: today };
  if (preset === 'last-month') {
    const r = monthRange(previousMonth(today));
    return { from: r.start, to: r.end };
  }
  if (preset === 'this-year') return { from: `${today.slice(0, 4)}-01-01`, to: today };
  // Last 12 months: the current month and the 11 before it.
  let y = Number(today.slice(0, 4));
  let m = Number(today.slice(5, 7)) - 11;
  if (m < 1) {
    m += 12;
    y -= 1;
  }
  return { from: `${y}-${String(m).padStart(2, '0')}-01`, to: today };
}

export function RangePicker({ from, to, onChange, error }: { from: string; to: string; onChange: (r: { from: string; to: string }) => void; error?: string }) {
  const today = useToday();
  return (
    <div className="inv-filters">
      <TextField label="From" type="date" value={from} onChange={(f) => onChange({ from: f, to })} />
      <TextField label="To" type="date" value={to} onChange={(t) => onChange({ from, to: t })} error={error} />
      <div className="toolbar" role="group" aria-label="Quick ranges">
        {(
          [
            ['this-month', 'This month'],
            ['last-month', 'Last month'],
            ['this-year', 'This year'],
            ['last-12', 'Last 12 months'],
          ] as [Preset, string][]
        ).map(([p, label]) => (
          <button key={p} type="button" className="btn btn-sm" onClick={() => onChange(presetRange(p, today))}>
            {label}
          </button>
        ))}
      </div>
    </div>
  );
}

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

  const income = useMemo(() => (valid ? incomeByMonth(data.invoices, data.payments, range) : []), [valid, data.invoices, data.payments, range]);
  const tutors = useMemo(() => (valid && lessons ? tutorReport({ lessons, invoices: data.invoices, staff: data.staff, range, timeZone: settings.timeZone }) : []), [valid, lessons, data.invoices, data.staff, range, settings.timeZone]);
  const subjects = useMemo(() => (valid && lessons ? subjectReport({ lessons, invoices: data.invoices, range, timeZone: settings.timeZone }) : []), [valid, lessons, data.invoices, range, settings.timeZone]);
  const attendance = useMemo(
    () => (valid && lessons ? attendanceReport({ lessons, range, timeZone: settings.timeZone, groupBy, staff: data.staff, students: data.students }) : []),
    [valid, lessons, range, settings.timeZone, groupBy, data.staff, data.students],
  );

  const digits = minorUnitDigits(currency);
  const compact = useMemo(() => new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }), [locale, currency]);
  const chartData = income.map((r) => ({ ...r, label: new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(new Date(`${r.month}-01T00:00:00Z`)) }));
  const totals = income.reduce((s, r) => ({ invoiced: s.invoiced + r.invoiced, received: s.received + r.received, tax: s.tax + r.tax, net: s.net + r.invoicedNet }), { invoiced: 0, received: 0, tax: 0, net: 0 });
  const stamp = `${range.from}-to-${range.to}`;
  const save = async (name: string, csv: string) => {
    const r = await saveCsv(`${name}-${stamp}.csv`, csv);
    if (r.saved) toast(`Exported to ${r.location}`);
  };
  const hours = (m: number) => (m / 60).toLocaleString(locale, { maximumFractionDigits: 1 });
  const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toLocaleString(locale, { maximumFractionDigits: 1 })} %`);

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

      <Section id="income-title" title="Income by month" actions={<CsvButton label="Export income by month as CSV" onClick={() => void save('income-by-month', incomeByMonthCsv(income, currency))} />}>
        <div
          className="inv-chart"
          role="img"
          aria-label={`Bar chart of income by month from ${range.from} to ${range.to}: invoiced ${money(totals.invoiced)}, received ${money(totals.received)} in total. The same figures are in the table below.`}
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={chartData} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
              <CartesianGrid vertical={false} stroke="var(--border)" />
              <XAxis dataKey="label" tick={{ fill: 'var(--text-3)', fontSize: 12 }} axisLine={{ stroke: 'var(--border-strong)' }} tickLine={false} />
              <YAxis tick={{ fill: 'var(--text-3)', fontSize: 12 }} axisLine={false} tickLine={false} width={64} tickFormatter={(v: number) => compact.format(v / 10 ** digits)} />
              <Tooltip
                cursor={{ fill: 'var(--surface-hover)' }}
                contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
                labelStyle={{ color: 'var(--text)', fontWeight: 600 }}
                formatter={(v) => money(Number(v))}
              />
              <Bar dataKey="invoiced" name="Invoiced" fill="var(--accent)" radius={[4, 4, 0, 0]} maxBarSize={36} />
              <Bar dataKey="received" name="Received" fill="var(--success)" radius={[4, 4, 0, 0]} maxBarSize={36} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <div className="inv-chart-legend" aria-hidden="true">
          <span style={{ ['--swatch' as string]: 'var(--accent)' }}>Invoiced</span>
          <span style={{ ['--swatch' as string]: 'var(--success)' }}>Received</span>
        </div>
        <div className="inv-scroll">
          <table className="inv-table" aria-label="Income by month">
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col" className="num">
                  Invoices
                </th>
                <th scope="col" className="num">
                  Invoiced (net)
                </th>
                <th scope="col" className="num">
                  Tax
                </th>
                <th scope="col" className="num">
                  Invoiced
                </th>
                <th scope="col" className="num">
                  Received
                </th>
              </tr>
            </thead>
            <tbody>
              {income.map((r) => (
                <tr key={r.month}>
                  <td>{monthLabel(r.month, locale)}</td>
                  <td className="num">
                    {r.invoices}
                    {r.creditNotes ? ` (−${r.creditNotes} CN)` : ''}
                  </td>
                  <td className="num">{money(r.invoicedNet)}</td>
                  <td className="num">{money(r.tax)}</td>
                  <td className="num">{money(r.invoiced)}</td>
                  <td className="num">{money(r.received)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td className="num">{income.reduce((s, r) => s + r.invoices, 0)}</td>
                <td className="num">{money(totals.net)}</td>
                <td className="num">{money(totals.tax)}</td>
                <td className="num">{money(totals.invoiced)}</td>
                <td className="num">{money(totals.received)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      </Section>

      <div className="inv-grid-2">
        <Section id="tutors-title" title="Hours and income by tutor" actions={<CsvButton label="Export tutors report as CSV" onClick={() => void save('tutors', tutorReportCsv(tutors, currency))} />}>
          <table className="inv-table" aria-label="Hours and income by tutor">
            <thead>
              <tr>
                <th scope="col">Tutor</th>
                <th scope="col" className="num">
                  Lessons
                </th>
                <th scope="col" className="num">
                  Hours
                </th>
                <th scope="col" className="num">
                  Billed (net)
                </th>
              </tr>
            </thead>
            <tbody>
              {!lessons && (
                <tr>
                  <td colSpan={4} className="muted">
                    Loading the schedule…
                  </td>
                </tr>
              )}
              {lessons && tutors.length === 0 && (
                <tr>
                  <td colSpan={4} className="muted">
                    No lessons taught in this period.
                  </td>
                </tr>
              )}
              {tutors.map((r) => (
                <tr key={r.tutorId}>
                  <td>{r.tutorId === '' ? <span className="muted">Fees, packages and items</span> : r.tutorName}</td>
                  <td className="num">{r.lessonsTaught || ''}</td>
                  <td className="num">{r.minutesTaught ? hours(r.minutesTaught) : ''}</td>
                  <td className="num">{money(r.billedNet)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>

        <Section id="subjects-title" title="By subject" actions={<CsvButton label="Export subjects report as CSV" onClick={() => void save('subjects', subjectReportCsv(subjects, currency))} />}>
          <table className="inv-table" aria-label="By subject">
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col" className="num">
                  Lessons
                </th>
                <th scope="col" className="num">
                  Hours
                </th>
                <th scope="col" className="num">
                  Students
                </th>
                <th scope="col" className="num">
                  Billed (net)
                </th>
              </tr>
            </thead>
            <tbody>
              {lessons && subjects.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    Nothing in this period.
                  </td>
                </tr>
              )}
              {subjects.map((r) => (
                <tr key={r.subject}>
                  <td>{r.subject || <span className="muted">Fees, packages and items</span>}</td>
                  <td className="num">{r.lessonsTaught || ''}</td>
                  <td className="num">{r.minutesTaught ? hours(r.minutesTaught) : ''}</td>
                  <td className="num">{r.studentsTaught || ''}</td>
                  <td className="num">{money(r.billedNet)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      </div>

      <Section
        id="attendance-title"
        title="Attendance"
        actions={
          <>
            <select className="input" style={{ width: 170 }} aria-label="Group attendance by" value={groupBy} onChange={(e) => setGroupBy(e.target.value as typeof groupBy)}>
              <option value="all">All lessons</option>
              <option value="tutor">By tutor</option>
              <option value="subject">By subject</option>
              <option value="student">By student</option>
            </select>
            <CsvButton label="Export attendance as CSV" onClick={() => void save('attendance', attendanceCsv(attendance))} />
          </>
        }
      >
        <div className="inv-scroll">
          <table className="inv-table" aria-label="Attendance">
            <thead>
              <tr>
                <th scope="col">{groupBy === 'tutor' ? 'Tutor' : groupBy === 'subject' ? 'Subject' : groupBy === 'student' ? 'Student' : 'Group'}</th>
                <th scope="col" className="num">
                  Lessons
                </th>
                <th scope="col" className="num">
                  Attended
                </th>
                <th scope="col" className="num">
                  No-show
                </th>
                <th scope="col" className="num">
                  Cancelled by student
                </th>
                <th scope="col" className="num">
                  Cancelled by tutor
                </th>
                <th scope="col" className="num">
                  Attendance rate
                </th>
              </tr>
            </thead>
            <tbody>
              {lessons && attendance.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    No lessons in this period.
                  </td>
                </tr>
              )}
              {attendance.map((r) => (
                <tr key={r.key}>
                  <td>{r.label || <span className="muted">None</span>}</td>
                  <td className="num">{r.total}</td>
                  <td className="num">{r.counts.attended}</td>
                  <td className="num">{r.counts.no_show}</td>
                  <td className="num">{r.counts.cancelled_student_in_time + r.counts.cancelled_student_late}</td>
                  <td className="num">{r.counts.cancelled_tutor}</td>
                  <td className="num">
                    <span className="inv-rate">
                      <span className="bar" aria-hidden="true">
                        <span style={{ width: `${Math.round((r.attendanceRate ?? 0) * 100)}%` }} />
                      </span>
                      {pct(r.attendanceRate)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </div>
  );
}

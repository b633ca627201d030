/**
 * Tutor payroll for a period (the domain's tutorPayroll): each tutor's payable lessons (per the
 * attendance policy) times their pay rate, with the lesson-by-lesson detail and CSV exports for
 * the accountant (summary and detail; the detail lines add up to the summary).
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { monthRange } from '../../../../src-shared/billing/dates';
import { payrollCsv, payrollLinesCsv } from '../../../../src-shared/billing/exports';
import { tutorPayroll } from '../../../../src-shared/billing/payroll';
import { previousMonth, useBillableLessons, useBillingData, useMoney, useToday } from './data';
import { saveCsv } from './documents';
import { dateLabel } from './labels';
import { RangePicker } from './ReportsScreen';
import './billing.css';

export function PayrollScreen() {
  const app = useApp();
  const toast = useToast();
  const money = useMoney();
  const today = useToday();
  const data = useBillingData();
  const settings = app.settings!;
  const locale = settings.locale;
  const [range, setRange] = useState(() => {
    const r = monthRange(previousMonth(today));
    return { from: r.start, to: r.end };
  });
  const [tutorId, setTutorId] = useState('');
  const valid = Boolean(range.from && range.to && range.to >= range.from);
  const lessons = useBillableLessons(range.from, range.to, data.students);
  const payroll = useMemo(() => (valid && lessons ? tutorPayroll({ lessons, staff: data.staff, settings, range }) : null), [valid, lessons, data.staff, settings, range]);
  const staffName = (id: string) => data.staff.find((s) => s.id === id)?.name ?? id;
  const lines = payroll ? payroll.lines.filter((l) => !tutorId || l.tutorId === tutorId) : [];
  const stamp = `${range.from}-to-${range.to}`;
  const hours = (m: number) => (m / 60).toLocaleString(locale, { maximumFractionDigits: 2 });
  const payable = settings.attendance.payable.map((s) => s.replace(/_/g, ' ')).join(', ');

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Payroll</h1>
          <p>What each tutor is owed for the period: payable lessons ({payable}) times their pay rate.</p>
        </div>
        <div className="toolbar">
          <button
            type="button"
            className="btn"
            disabled={!payroll || payroll.rows.length === 0}
            onClick={async () => {
              const r = await saveCsv(`payroll-${stamp}.csv`, payrollCsv(payroll!));
              if (r.saved) toast(`Payroll exported to ${r.location}`);
            }}
          >
            <Icon name="download" size={16} />
            Summary CSV
          </button>
          <button
            type="button"
            className="btn"
            disabled={!payroll || payroll.lines.length === 0}
            onClick={async () => {
              const r = await saveCsv(`payroll-lessons-${stamp}.csv`, payrollLinesCsv(payroll!, { staff: data.staff, currency: settings.currency }));
              if (r.saved) toast(`Payroll lessons exported to ${r.location}`);
            }}
          >
            <Icon name="download" size={16} />
            Lessons CSV
          </button>
        </div>
      </div>
      <div className="card card-pad">
        <RangePicker from={range.from} to={range.to} onChange={setRange} {...(valid ? {} : { error: 'The end is before the start' })} />
      </div>
      {payroll && payroll.warnings.length > 0 && (
        <div className="alert alert-warning" role="alert">
          <ul className="inv-plain-list">
            {payroll.warnings.map((w, i) => (
              <li key={i}>{w.message}</li>
            ))}
          </ul>
        </div>
      )}
      <section className="card" aria-labelledby="payroll-title">
        <div className="inv-section-head">
          <h2 id="payroll-title">Pay by tutor</h2>
        </div>
        <table className="inv-table" aria-label="Pay by tutor">
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
                Pay rate
              </th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {!payroll && (
              <tr>
                <td colSpan={5} className="muted">
                  {valid ? 'Loading the schedule…' : 'Choose a valid period.'}
                </td>
              </tr>
            )}
            {payroll && payroll.rows.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No payable lessons in this period.
                </td>
              </tr>
            )}
            {payroll?.rows.map((r) => (
              <tr
                key={r.tutorId}
                className="clickable"
                tabIndex={0}
                aria-selected={tutorId === r.tutorId}
                onClick={() => setTutorId(tutorId === r.tutorId ? '' : r.tutorId)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') setTutorId(tutorId === r.tutorId ? '' : r.tutorId);
                }}
              >
                <td>{r.tutorName}</td>
                <td className="num">{r.lessons}</td>
                <td className="num">{hours(r.minutes)}</td>
                <td className="num">
                  {money(r.payRate, r.currency)} / {r.payUnit === 'hour' ? 'hour' : 'lesson'}
                </td>
                <td className="num inv-owed">{money(r.amount, r.currency)}</td>
              </tr>
            ))}
          </tbody>
          {payroll && payroll.rows.length > 0 && (
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td className="num">{payroll.rows.reduce((s, r) => s + r.lessons, 0)}</td>
                <td className="num">{hours(payroll.rows.reduce((s, r) => s + r.minutes, 0))}</td>
                <td />
                <td className="num">{money(payroll.total)}</td>
              </tr>
            </tfoot>
          )}
        </table>
      </section>
      {payroll && payroll.lines.length > 0 && (
        <section className="card" aria-labelledby="payroll-lines-title">
          <div className="inv-section-head">
            <h2 id="payroll-lines-title">Lessons{tutorId ? ` of ${staffName(tutorId)}` : ''}</h2>
            <select className="input" style={{ width: 220 }} aria-label="Show lessons of tutor" value={tutorId} onChange={(e) => setTutorId(e.target.value)}>
              <option value="">All tutors</option>
              {payroll.rows.map((r) => (
                <option key={r.tutorId} value={r.tutorId}>
                  {r.tutorName}
                </option>
              ))}
            </select>
          </div>
          <div className="inv-scroll">
            <table className="inv-table" aria-label="Payable lessons">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Tutor</th>
                  <th scope="col">Subject</th>
                  <th scope="col" className="num">
                    Minutes
                  </th>
                  <th scope="col" className="num">
                    Students
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Pay
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.slice(0, 500).map((l) => (
                  <tr key={l.occurrenceId}>
                    <td>{dateLabel(l.date, locale)}</td>
                    <td>{staffName(l.tutorId)}</td>
                    <td>{l.subject}</td>
                    <td className="num">{l.minutes}</td>
                    <td className="num">{l.students}</td>
                    <td>{l.statuses.map((s) => s.replace(/_/g, ' ')).join(', ')}</td>
                    <td className="num">{money(l.amount)}</td>
                  </tr>
                ))}
                {lines.length > 500 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      … and {lines.length - 500} more lessons (all are in the lessons CSV)
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}

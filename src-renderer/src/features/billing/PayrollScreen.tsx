/**
 * Tutor payroll for a period (the domain's tutorPayroll): each tutor's payable lessons (per the
 * attendance policy) times their pay rate, with the lesson-by-lesson detail and CSV exports for
 * the accountant (summary and detail; the detail lines add up to the summary).
 */
import { useMemo, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { Icon } from '../../ui/Icon';
import { ReportTable } from '../../ui/ReportTable';
import { useToast } from '../../ui/Toast';
import { Alert } from '../../ui/Alert';
import { monthRange } from '../../../../src-shared/billing/dates';
import { payrollCsv, payrollLinesCsv } from '../../../../src-shared/billing/exports';
import { tutorPayroll } from '../../../../src-shared/billing/payroll';
import { previousMonth, useBillableLessons, useBillingData, useMoney, useToday } from './data';
import { saveCsv } from './documents';
import { dateLabel } from './labels';
import { RangePicker } from './RangePicker';
import { ATTENDANCE_LABELS } from '../../../../src-shared/schedule/export-csv';
import './billing.css';

/** Lessons listed on the screen (all of them are in the lessons CSV). */
const SHOWN_LINES = 500;

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
  const payroll = useMemo(
    () => (valid && lessons ? tutorPayroll({ lessons, staff: data.staff, settings, range }) : null),
    [valid, lessons, data.staff, settings, range],
  );
  const staffName = (id: string) => data.staff.find((s) => s.id === id)?.name ?? id;
  const lines = payroll ? payroll.lines.filter((l) => !tutorId || l.tutorId === tutorId) : [];
  const stamp = `${range.from}-to-${range.to}`;
  const hours = (m: number) => (m / 60).toLocaleString(locale, { maximumFractionDigits: 2 });
  // The statuses as everywhere else on screen ("cancelled by student (late)"), never their codes.
  const payable = new Intl.ListFormat(locale, { type: 'conjunction' }).format(
    settings.attendance.payable.map((s) => ATTENDANCE_LABELS[s].toLowerCase()),
  );

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
              const r = await saveCsv(
                `payroll-lessons-${stamp}.csv`,
                payrollLinesCsv(payroll!, { staff: data.staff, currency: settings.currency }),
              );
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
        <Alert tone="warning" role="alert">
          <ul className="inv-plain-list">
            {payroll.warnings.map((w, i) => (
              <li key={i}>{w.message}</li>
            ))}
          </ul>
        </Alert>
      )}
      <section className="card" aria-labelledby="payroll-title">
        <div className="inv-section-head">
          <h2 id="payroll-title">Pay by tutor</h2>
        </div>
        <ReportTable
          label="Pay by tutor"
          rows={payroll?.rows ?? null}
          rowKey={(r) => r.tutorId}
          loadingText={valid ? 'Loading the schedule…' : 'Choose a valid period.'}
          emptyText="No payable lessons in this period."
          {...(payroll && payroll.rows.length > 0 ? { totalsLabel: 'Total' } : {})}
          rowProps={(r) => ({
            className: 'clickable',
            tabIndex: 0,
            'aria-selected': tutorId === r.tutorId,
            onClick: () => setTutorId(tutorId === r.tutorId ? '' : r.tutorId),
            onKeyDown: (e) => {
              if (e.key === 'Enter') setTutorId(tutorId === r.tutorId ? '' : r.tutorId);
            },
          })}
          columns={[
            { header: 'Tutor', cell: (r) => r.tutorName },
            { header: 'Lessons', numeric: true, cell: (r) => r.lessons, total: payroll?.rows.reduce((s, r) => s + r.lessons, 0) },
            {
              header: 'Hours',
              numeric: true,
              cell: (r) => hours(r.minutes),
              total: hours(payroll?.rows.reduce((s, r) => s + r.minutes, 0) ?? 0),
            },
            {
              header: 'Pay rate',
              numeric: true,
              cell: (r) => `${money(r.payRate, r.currency)} / ${r.payUnit === 'hour' ? 'hour' : 'lesson'}`,
            },
            {
              header: 'Amount',
              numeric: true,
              className: 'inv-owed',
              cell: (r) => money(r.amount, r.currency),
              total: payroll ? money(payroll.total) : '',
            },
          ]}
        />
      </section>
      {payroll && payroll.lines.length > 0 && (
        <section className="card" aria-labelledby="payroll-lines-title">
          <div className="inv-section-head">
            <h2 id="payroll-lines-title">Lessons{tutorId ? ` of ${staffName(tutorId)}` : ''}</h2>
            <select
              className="input"
              style={{ width: 220 }}
              aria-label="Show lessons of tutor"
              value={tutorId}
              onChange={(e) => setTutorId(e.target.value)}
            >
              <option value="">All tutors</option>
              {payroll.rows.map((r) => (
                <option key={r.tutorId} value={r.tutorId}>
                  {r.tutorName}
                </option>
              ))}
            </select>
          </div>
          <ReportTable
            label="Payable lessons"
            scroll
            rows={lines.slice(0, SHOWN_LINES)}
            rowKey={(l) => l.occurrenceId}
            {...(lines.length > SHOWN_LINES
              ? { note: `… and ${lines.length - SHOWN_LINES} more lessons (all are in the lessons CSV)` }
              : {})}
            columns={[
              { header: 'Date', cell: (l) => dateLabel(l.date, locale) },
              { header: 'Tutor', cell: (l) => staffName(l.tutorId) },
              { header: 'Subject', cell: (l) => l.subject },
              { header: 'Minutes', numeric: true, cell: (l) => l.minutes },
              { header: 'Students', numeric: true, cell: (l) => l.students },
              { header: 'Status', cell: (l) => l.statuses.map((s) => ATTENDANCE_LABELS[s]).join(', ') },
              { header: 'Pay', numeric: true, cell: (l) => money(l.amount) },
            ]}
          />
        </section>
      )}
    </div>
  );
}

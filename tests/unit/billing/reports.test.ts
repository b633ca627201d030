import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { UTF8_BOM } from '../../../src-shared/csv';
import {
  agingCsv,
  attendanceCsv,
  incomeByMonthCsv,
  invoiceLinesCsv,
  invoicesCsv,
  paymentsCsv,
  payrollCsv,
  payrollLinesCsv,
  statementCsv,
  subjectReportCsv,
  tutorReportCsv,
} from '../../../src-shared/billing/exports';
import { buildBillingState, generateDraftInvoice } from '../../../src-shared/billing/generate';
import { issueInvoice, voidInvoice } from '../../../src-shared/billing/lifecycle';
import { agingReport, allocatePayment, createPayment, familyStatement } from '../../../src-shared/billing/payments';
import { tutorPayroll } from '../../../src-shared/billing/payroll';
import { attendanceReport, incomeByMonth, subjectReport, tutorReport } from '../../../src-shared/billing/reports';
import { stampChange } from '../../../src-shared/model/meta';
import type { Invoice, Staff } from '../../../src-shared/model/types';
import { ctxAt, idGen, lesson, makeFamily, makeSettings, makeStudent } from './fixtures';

const settings = makeSettings({ billing: { taxMode: 'exclusive', taxRateBp: 2000 } });
const newId = idGen('r');

function tutor(id: string, name: string, payUnit: Staff['payUnit'], rate: number): Staff {
  return stampChange<Staff>(
    undefined,
    {
      id,
      name,
      email: '',
      phone: '',
      role: 'tutor',
      payRate: { amount: rate, currency: 'GBP' },
      payUnit,
      colour: '#336699',
      username: '',
      active: true,
    },
    ctxAt('2026-01-01T00:00:00Z'),
    () => id,
  );
}
const staff = [tutor('t1', 'Alice Tutor', 'hour', 3000), tutor('t2', 'Bob Tutor', 'lesson', 2500)];

const lessons = [
  lesson('A@1', 's1', 'f1', '2026-03-02T16:00:00Z', { tutorId: 't1', subject: 'Maths', durationMinutes: 45 }),
  lesson('A@2', 's1', 'f1', '2026-03-09T16:00:00Z', { tutorId: 't1', subject: 'Maths', durationMinutes: 45, status: 'no_show' }),
  lesson('A@3', 's1', 'f1', '2026-03-16T16:00:00Z', { tutorId: 't1', subject: 'Maths', durationMinutes: 45, status: 'cancelled_tutor' }),
  // group lesson with two students of two families
  lesson('G@1', 's1', 'f1', '2026-03-04T17:00:00Z', { tutorId: 't2', subject: 'Physics', durationMinutes: 90 }),
  lesson('G@1', 's2', 'f2', '2026-03-04T17:00:00Z', {
    tutorId: 't2',
    subject: 'Physics',
    durationMinutes: 90,
    status: 'cancelled_student_late',
  }),
  lesson('G@2', 's1', 'f1', '2026-03-11T17:00:00Z', {
    tutorId: 't2',
    subject: 'Physics',
    durationMinutes: 90,
    status: 'cancelled_student_in_time',
  }),
  lesson('G@2', 's2', 'f2', '2026-03-11T17:00:00Z', {
    tutorId: 't2',
    subject: 'Physics',
    durationMinutes: 90,
    status: 'cancelled_student_in_time',
  }),
  lesson('B@1', 's2', 'f2', '2026-04-01T10:00:00Z', { tutorId: 't2', subject: 'Physics' }), // April
];

function world() {
  const families = [makeFamily('f1', { name: 'Ng' }), makeFamily('f2', { name: '=HYPERLINK("x") Family' })];
  const students = [
    makeStudent('s1', 'f1', { firstName: 'Ana', lastName: 'Ng' }),
    makeStudent('s2', 'f2', { firstName: 'Ben', lastName: 'Li' }),
  ];
  const g = { settings, ctx: ctxAt('2026-04-01T08:00:00Z'), newId };
  const state = buildBillingState([], []);
  const MARCH = { periodStart: '2026-03-01', periodEnd: '2026-03-31' };
  const d1 = generateDraftInvoice({ family: families[0]!, students, lessons }, MARCH, state, g).invoice!;
  const d2 = generateDraftInvoice(
    { family: families[1]!, students, lessons },
    { ...MARCH, manualLines: [{ kind: 'manual', description: 'Lab book', unitAmount: 1000 }] },
    state,
    g,
  ).invoice!;
  const i1 = issueInvoice(d1, { issueDate: '2026-04-01', deviceCode: 'AAA', invoices: [], settings, ctx: ctxAt('2026-04-01T09:00:00Z') });
  const i2 = issueInvoice(d2, { issueDate: '2026-04-01', deviceCode: 'AAA', invoices: [i1], settings, ctx: ctxAt('2026-04-01T09:00:00Z') });
  const p1 = allocatePayment(
    createPayment(
      { familyId: 'f1', date: '2026-04-10', amount: 5000, method: 'card', reference: '-SUM(A1)' },
      'GBP',
      ctxAt('2026-04-10T10:00:00Z'),
      newId,
    ),
    { invoices: [i1], payments: [] },
  );
  const v = voidInvoice(i2, {
    issueDate: '2026-05-02',
    deviceCode: 'AAA',
    invoices: [i1, i2],
    settings,
    ctx: ctxAt('2026-05-02T10:00:00Z'),
    newId,
    reason: 'Wrong rate',
    payments: [],
    claims: [],
  });
  return { families, students, invoices: [i1, v.invoice, v.creditNote] as Invoice[], payments: [p1], i1, i2 };
}

const parse = (csv: string) => {
  expect(csv.startsWith(UTF8_BOM)).toBe(true);
  expect(csv).toContain('\r\n');
  return Papa.parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: true }).data;
};

describe('reports', () => {
  it('income by month: invoiced by issue date (credit notes subtract), received by payment date; empty months included', () => {
    const { invoices, payments, i1, i2 } = world();
    const rows = incomeByMonth(invoices, payments, { from: '2026-03-01', to: '2026-05-31' });
    expect(rows.map((r) => r.month)).toEqual(['2026-03', '2026-04', '2026-05']);
    expect(rows[0]).toMatchObject({ invoiced: 0, received: 0 });
    expect(rows[1]).toMatchObject({
      invoiced: i1.total + i2.total,
      tax: i1.taxTotal + i2.taxTotal,
      received: 5000,
      invoices: 2,
      creditNotes: 0,
    });
    expect(rows[2]).toMatchObject({ invoiced: -i2.total, invoicedNet: -(i2.total - i2.taxTotal), creditNotes: 1 });
  });

  it('tutor report: group lessons taught once, hours from attended lessons, billed net from issued lines', () => {
    const { invoices } = world();
    const rows = tutorReport({ lessons, invoices, staff, range: { from: '2026-03-01', to: '2026-03-31' }, timeZone: 'Europe/London' });
    expect(rows.map((r) => [r.tutorName, r.lessonsTaught, r.minutesTaught, r.studentsTaught, r.billedNet])).toEqual([
      // f1: A@1 4000 + A@2 (no-show, billable) 4000 + G@1 4000 → Alice 8000, Bob 4000 (f1's G@1);
      // f2's invoice is void: its lines do not count.
      ['Alice Tutor', 1, 45, 1, 8000],
      ['Bob Tutor', 1, 90, 1, 4000],
    ]);
  });

  it('subject report and attendance rates', () => {
    const { invoices } = world();
    const subjects = subjectReport({ lessons, invoices, range: { from: '2026-03-01', to: '2026-03-31' }, timeZone: 'Europe/London' });
    expect(subjects.map((r) => [r.subject, r.lessonsTaught, r.minutesTaught, r.billedNet])).toEqual([
      ['Maths', 1, 45, 8000],
      ['Physics', 1, 90, 4000],
    ]);
    const byTutor = attendanceReport({
      lessons,
      range: { from: '2026-03-01', to: '2026-03-31' },
      timeZone: 'Europe/London',
      groupBy: 'tutor',
      staff,
    });
    expect(byTutor.map((r) => [r.label, r.total, r.counts.attended, r.attendanceRate])).toEqual([
      ['Alice Tutor', 3, 1, 0.5], // tutor cancellation excluded from the denominator
      ['Bob Tutor', 4, 1, 0.25],
    ]);
    const all = attendanceReport({ lessons, range: { from: '2026-04-01', to: '2026-04-30' }, timeZone: 'Europe/London', groupBy: 'all' });
    expect(all).toEqual([expect.objectContaining({ label: 'All lessons', total: 1, attendanceRate: 1 })]);
  });

  it('payroll: payable occurrences × pay rate (per lesson or hourly), a group lesson paid once', () => {
    const p = tutorPayroll({ lessons, staff, settings, range: { from: '2026-03-01', to: '2026-03-31' } });
    // payable = attended, cancelled_student_late. Alice: A@1 (45 min × 30.00/h = 22.50); A@2 no-show not payable.
    // Bob: G@1 (s1 attended, s2 late cancel) paid once = 25.00; G@2 in-time cancellations not payable.
    expect(p.rows.map((r) => [r.tutorName, r.lessons, r.minutes, r.amount])).toEqual([
      ['Alice Tutor', 1, 45, 2250],
      ['Bob Tutor', 1, 90, 2500],
    ]);
    expect(p.lines.map((l) => [l.occurrenceId, l.students, l.statuses, l.amount])).toEqual([
      ['A@1', 1, ['attended'], 2250],
      ['G@1', 2, ['attended', 'cancelled_student_late'], 2500],
    ]);
    expect(p.total).toBe(4750);
    const unknown = tutorPayroll({
      lessons: [lesson('X@1', 's1', 'f1', '2026-03-02T16:00:00Z', { tutorId: 'ghost' })],
      staff,
      settings,
      range: { from: '2026-03-01', to: '2026-03-31' },
    });
    expect(unknown.rows).toEqual([]);
    expect(unknown.warnings[0]!.message).toMatch(/unknown tutor/);
  });
});

describe('CSV exports', () => {
  it('invoices: accountant columns, credit notes negative, formulas neutralised', () => {
    const { invoices, payments, families, i1 } = world();
    const rows = parse(invoicesCsv(invoices, { settings, families, payments }));
    expect(rows.map((r) => [r.Number, r.Type, r.Status, r.Total, r.Paid, r.Balance])).toEqual([
      [i1.number, 'Invoice', 'Issued', String(i1.total / 100), '50', String((i1.total - 5000) / 100)],
      ['INV-2026-AAA-0002', 'Invoice', 'Void', '60', '0', '0'],
      ['CN-2026-AAA-0001', 'Credit note', 'Issued', '-60', '0', '0'],
    ]);
    expect(rows[2]!['Credits invoice']).toBe('INV-2026-AAA-0002');
    expect(rows[1]!['Voided by']).toBe('CN-2026-AAA-0001');
    expect(rows[1]!.Family).toBe(`'=HYPERLINK("x") Family`);
    expect(rows[0]).toMatchObject({
      Net: '120',
      Tax: '24',
      'Tax label': 'VAT',
      'Tax rate %': '20',
      Currency: 'GBP',
      'Issue date': '2026-04-01',
      'Due date': '2026-04-15',
    });
  });

  it('invoice lines, payments, statement, aging, reports and payroll', () => {
    const { invoices, payments, families, students } = world();
    const lines = parse(invoiceLinesCsv(invoices, { families, students, staff }));
    expect(lines[0]).toMatchObject({
      Number: 'INV-2026-AAA-0001',
      'Line kind': 'lesson',
      Student: 'Ana Ng',
      Tutor: 'Alice Tutor',
      'Unit price': '40',
      Net: '40',
      Tax: '8',
      'Service date': '2026-03-02',
    });
    expect(lines.filter((l) => l.Type === 'Credit note').every((l) => Number(l.Net) <= 0)).toBe(true);

    const pays = parse(paymentsCsv(payments, { invoices, families }));
    expect(pays).toEqual([
      expect.objectContaining({
        Date: '2026-04-10',
        Family: 'Ng',
        Method: 'Card',
        Reference: `'-SUM(A1)`,
        Amount: '50',
        Allocated: '50',
        'Unallocated (credit)': '0',
        'Applied to': 'INV-2026-AAA-0001: 50',
      }),
    ]);

    const st = parse(statementCsv(familyStatement('f1', '2026-04-01', '2026-04-30', invoices, payments), 'GBP'));
    expect(st.map((r) => [r.Type, r.Debit, r.Credit, r.Balance])).toEqual([
      ['Opening balance', '0', '0', '0'],
      ['Invoice', '144', '0', '144'],
      ['Payment', '0', '50', '94'],
      ['Closing balance', '0', '0', '94'],
    ]);

    const aging = parse(agingCsv(agingReport(invoices, payments, '2026-05-20'), { currency: 'GBP', families }));
    expect(aging).toEqual([expect.objectContaining({ Family: 'Ng', '31–60 days': '94', Outstanding: '94', 'As of': '2026-05-20' })]);

    const range = { from: '2026-03-01', to: '2026-05-31' };
    expect(parse(incomeByMonthCsv(incomeByMonth(invoices, payments, range), 'GBP')).map((r) => r['Invoiced (total)'])).toEqual([
      '0',
      '204',
      '-60',
    ]);
    expect(parse(tutorReportCsv(tutorReport({ lessons, invoices, staff, range, timeZone: 'Europe/London' }), 'GBP'))[0]).toMatchObject({
      Tutor: 'Alice Tutor',
      'Hours taught': '0.75',
      'Billed (net)': '80',
    });
    expect(
      parse(subjectReportCsv(subjectReport({ lessons, invoices, range, timeZone: 'Europe/London' }), 'GBP')).map((r) => r.Subject),
    ).toEqual(['Maths', 'Physics']);
    expect(parse(attendanceCsv(attendanceReport({ lessons, range, timeZone: 'Europe/London', groupBy: 'subject' })))[0]).toMatchObject({
      Group: 'Maths',
      'Attendance %': '50',
    });

    const payroll = tutorPayroll({ lessons, staff, settings, range });
    const summary = parse(payrollCsv(payroll));
    expect(summary.map((r) => [r.Tutor, r.Lessons, r.Hours, r['Pay unit'], r['Pay rate'], r.Amount])).toEqual([
      ['Alice Tutor', '1', '0.75', 'per hour', '30', '22.5'],
      ['Bob Tutor', '2', '2.5', 'per lesson', '25', '50'],
    ]);
    const detail = parse(payrollLinesCsv(payroll, { staff, currency: 'GBP' }));
    expect(detail.reduce((s, r) => s + Math.round(Number(r.Amount) * 100), 0)).toBe(payroll.total);
    // Statuses read as words, with the codes in a column of their own (issue 17).
    for (const r of detail) {
      expect(r.Status).not.toMatch(/_/);
      expect(r['Status codes']).toMatch(/^[a-z_ ]+$/);
    }
    const late = detail.find((r) => r['Status codes']!.includes('cancelled_student_late'));
    expect(late?.Status).toBe('Attended; Cancelled by student (late)');
  });
});

describe('the Export dialog’s month', () => {
  it('opens on the latest month with issued invoices or payments, never an empty past month', async () => {
    const { defaultExportMonth } = await import('../../../src-shared/billing/exports');
    const today = '2026-12-06';
    expect(defaultExportMonth([], [], today)).toBe('2026-12');
    // Right after issuing this month's invoices: this month, not last month.
    expect(
      defaultExportMonth(
        [
          { status: 'issued', issueDate: '2026-12-01' },
          { status: 'issued', issueDate: '2026-11-01' },
        ],
        [],
        today,
      ),
    ).toBe('2026-12');
    // Drafts do not count; a payment does.
    expect(
      defaultExportMonth(
        [
          { status: 'draft', issueDate: '2026-12-05' },
          { status: 'issued', issueDate: '2026-10-01' },
        ],
        [{ date: '2026-11-15' }],
        today,
      ),
    ).toBe('2026-11');
    // Nothing dated after today.
    expect(defaultExportMonth([{ status: 'issued', issueDate: '2027-01-01' }], [], today)).toBe('2026-12');
  });
});

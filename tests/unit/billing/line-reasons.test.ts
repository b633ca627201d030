/**
 * Invoice lines say why they are charged (issue 15): a late cancellation, a no-show or a make-up is
 * labelled, in the practice policy's words, in the line, the invoice HTML (the PDF) and the CSV.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src-shared/csv';
import { billableLessonsFromOccurrences } from '../../../src-shared/billing/from-schedule';
import { buildBillingState, generateDraftInvoice, type GenerateContext } from '../../../src-shared/billing/generate';
import { invoiceLinesCsv } from '../../../src-shared/billing/exports';
import { renderInvoiceHtml } from '../../../src-shared/billing/html';
import { chargeReason, noticeWords, splitLineDescription } from '../../../src-shared/billing/line-reasons';
import { ctxAt, idGen, lesson, makeFamily, makeSettings, makeStudent } from './fixtures';

const MARCH = { periodStart: '2026-03-01', periodEnd: '2026-03-31' };
const fam = makeFamily('f1', { name: 'Patel family' });
const aisha = makeStudent('s1', 'f1', { firstName: 'Aisha', lastName: 'Patel', defaultRate: { amount: 4500, currency: 'GBP' } });
const lessons = [
  lesson('L1@2026-03-03T16:00:00.000Z', 's1', 'f1', '2026-03-03T16:00:00.000Z'),
  lesson('L1@2026-03-10T16:00:00.000Z', 's1', 'f1', '2026-03-10T16:00:00.000Z', { status: 'cancelled_student_late' }),
  lesson('L1@2026-03-17T16:00:00.000Z', 's1', 'f1', '2026-03-17T16:00:00.000Z', { status: 'no_show' }),
  lesson('M1@2026-03-21T10:00:00.000Z', 's1', 'f1', '2026-03-21T10:00:00.000Z', { makeupForOccurrenceId: 'L0@2026-02-24T16:00:00.000Z' }),
];

function draft(over: Partial<GenerateContext> = {}, settings = makeSettings()) {
  const g: GenerateContext = { settings, ctx: ctxAt('2026-04-01T08:00:00Z'), newId: idGen('r'), ...over };
  return generateDraftInvoice({ family: fam, students: [aisha], lessons }, MARCH, buildBillingState([], []), g).invoice!;
}

describe('the lines of a generated draft', () => {
  it('say why a lesson that did not simply take place is charged, with the policy’s notice period', () => {
    const inv = draft();
    expect(inv.lines.map((l) => l.description)).toEqual([
      'Maths · Tue, 3 Mar 2026, 16:00 · 60 min — Aisha',
      "Maths · Tue, 10 Mar 2026, 16:00 · 60 min — Aisha\nLate cancellation: cancelled with less than 24 hours' notice",
      'Maths · Tue, 17 Mar 2026, 16:00 · 60 min — Aisha\nNo-show: the lesson was missed without notice',
      'Maths · Sat, 21 Mar 2026, 10:00 · 60 min — Aisha\nMake-up for the lesson of Tue, 24 Feb 2026',
    ]);
    expect(inv.lines.map((l) => l.amount)).toEqual([4500, 4500, 4500, 4500]);
  });

  it('follow the practice’s policy: its notice period and, when set, its own wording', () => {
    const settings = makeSettings();
    settings.attendance.cancellationNoticeHours = 48;
    const inv = draft({ chargeWording: { no_show: 'Missed lesson (no notice given)' } }, settings);
    expect(splitLineDescription(inv.lines[1]!.description).reason).toBe("Late cancellation: cancelled with less than 2 days' notice");
    expect(splitLineDescription(inv.lines[2]!.description).reason).toBe('Missed lesson (no notice given)');
    expect([1, 12, 24, 36, 72].map(noticeWords)).toEqual(["1 hour's", "12 hours'", "24 hours'", "36 hours'", "3 days'"]);
  });

  it('a make-up that was also missed says both', () => {
    expect(
      chargeReason({ status: 'no_show', makeupForOccurrenceId: 'L0@2026-02-24T16:00:00.000Z' }, { cancellationNoticeHours: 24 }, (d) =>
        d.slice(0, 10),
      ),
    ).toBe('Make-up for the lesson of 2026-02-24 · No-show: the lesson was missed without notice');
    expect(chargeReason({ status: 'attended' }, { cancellationNoticeHours: 24 }, String)).toBe('');
  });

  it('the schedule bridge carries the make-up link from the lesson', () => {
    const out = billableLessonsFromOccurrences(
      [
        {
          id: 'M1@2026-03-21T10:00:00.000Z',
          lessonId: 'M1',
          start: '2026-03-21T10:00:00.000Z',
          durationMinutes: 60,
          status: 'attended',
          studentStatus: {},
          studentIds: ['s1'],
          subject: 'Maths',
          tutorId: 't1',
          closed: false,
          lesson: { rateOverride: null, makeupForOccurrenceId: 'L0@2026-02-24T16:00:00.000Z' },
        },
      ],
      [aisha],
    );
    expect(out[0]!.makeupForOccurrenceId).toBe('L0@2026-02-24T16:00:00.000Z');
  });
});

describe('the invoice document and the CSV', () => {
  const inv = { ...draft(), status: 'issued' as const, number: 'INV-2026-AAA-0001', issueDate: '2026-04-01', dueDate: '2026-04-15' };

  it('the HTML (printed to PDF) puts the reason under the lesson, escaped', () => {
    const html = renderInvoiceHtml({ invoice: inv, family: fam, settings: makeSettings(), pageSize: 'A4' });
    expect(html).toContain(
      `<div class="pre">Maths · Tue, 10 Mar 2026, 16:00 · 60 min — Aisha</div><div class="why">Late cancellation: cancelled with less than 24 hours&#39; notice</div>`,
    );
    expect(html).toContain('<div class="why">No-show: the lesson was missed without notice</div>');
    expect(html).toContain('<div class="why">Make-up for the lesson of Tue, 24 Feb 2026</div>');
    expect(html).toContain('<div class="pre">Maths · Tue, 3 Mar 2026, 16:00 · 60 min — Aisha</div></td>');
    const evil = renderInvoiceHtml({
      invoice: { ...inv, lines: [{ ...inv.lines[0]!, description: 'Maths\n<b>x</b>' }] },
      family: fam,
      settings: makeSettings(),
      pageSize: 'A4',
    });
    expect(evil).toContain('<div class="why">&lt;b&gt;x&lt;/b&gt;</div>');
  });

  it('the lines CSV has the lesson in Description and the reason in “Charged as”', () => {
    const rows = parseCsv(invoiceLinesCsv([inv])).rows.map((r) => r.values);
    expect(rows.map((r) => [r.Description, r['Charged as']])).toEqual([
      ['Maths · Tue, 3 Mar 2026, 16:00 · 60 min — Aisha', ''],
      ['Maths · Tue, 10 Mar 2026, 16:00 · 60 min — Aisha', "Late cancellation: cancelled with less than 24 hours' notice"],
      ['Maths · Tue, 17 Mar 2026, 16:00 · 60 min — Aisha', 'No-show: the lesson was missed without notice'],
      ['Maths · Sat, 21 Mar 2026, 10:00 · 60 min — Aisha', 'Make-up for the lesson of Tue, 24 Feb 2026'],
    ]);
  });
});

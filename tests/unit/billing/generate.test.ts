import { describe, expect, it } from 'vitest';
import { claimId } from '../../../src-shared/billing/claims';
import { buildBillingState, generateDraftInvoice, generateMonthDrafts, type GenerateContext } from '../../../src-shared/billing/generate';
import { issueInvoice, voidInvoice } from '../../../src-shared/billing/lifecycle';
import { packageBalances } from '../../../src-shared/billing/packages';
import { checkTotals } from '../../../src-shared/billing/totals';
import type { BillingClaim, Invoice } from '../../../src-shared/model/types';
import { ctxAt, idGen, lesson, makeFamily, makeSettings, makeStudent } from './fixtures';

const GBP = (amount: number) => ({ amount, currency: 'GBP' });

function gctx(over: Partial<GenerateContext> = {}): GenerateContext {
  return { settings: makeSettings(), ctx: ctxAt('2026-04-01T08:00:00Z'), newId: idGen('g'), ...over };
}
const EMPTY = buildBillingState([], []);
const MARCH = { periodStart: '2026-03-01', periodEnd: '2026-03-31' };

describe('generateDraftInvoice', () => {
  const fam = makeFamily('f1', { defaultRate: GBP(4800), name: 'The Smiths' });
  const perLesson = makeStudent('s1', 'f1', { firstName: 'Ada', defaultRate: GBP(3000) });
  const hourly = makeStudent('s2', 'f1', { firstName: 'Ben', billingModel: 'hourly' });
  const lessons = [
    lesson('L1@a', 's1', 'f1', '2026-03-03T16:00:00Z'),
    lesson('L1@b', 's1', 'f1', '2026-03-10T16:00:00Z', { status: 'cancelled_tutor' }), // not billable
    lesson('L1@c', 's1', 'f1', '2026-03-17T16:00:00Z', { status: 'no_show' }), // billable
    lesson('L1@d', 's1', 'f1', '2026-03-24T16:00:00Z', { rateOverride: GBP(2000) }),
    lesson('L2@a', 's2', 'f1', '2026-03-05T17:00:00Z', { durationMinutes: 45, subject: 'Physics' }),
    lesson('L2@b', 's2', 'f1', '2026-03-12T17:00:00Z', { durationMinutes: 50, subject: 'Physics' }),
    lesson('L2@c', 's2', 'f1', '2026-03-19T17:00:00Z', { durationMinutes: 60, status: 'scheduled' }), // not billable
    lesson('L9@x', 's1', 'f1', '2026-02-24T16:00:00Z'), // other month
    lesson('L9@y', 'sX', 'f2', '2026-03-03T16:00:00Z'), // other family
  ];

  it('bills billable lessons of the period at the resolved rates, prorating hourly ones', () => {
    const r = generateDraftInvoice({ family: fam, students: [perLesson, hourly], lessons }, MARCH, EMPTY, gctx());
    const inv = r.invoice!;
    expect(inv.status).toBe('draft');
    expect(inv.number).toBe('');
    expect(inv.lines.map((l) => [l.occurrenceIds[0], l.amount])).toEqual([
      ['L1@a', 3000],
      ['L2@a', 3600], // 48.00/h × 45 min
      ['L2@b', 4000], // 48.00/h × 50 min
      ['L1@c', 3000],
      ['L1@d', 2000], // lesson override
    ]);
    expect(inv.lines[1]).toMatchObject({
      durationMinutes: 45,
      quantityMilli: 750,
      unitAmount: 4800,
      subject: 'Physics',
      studentId: 's2',
      serviceDate: '2026-03-05',
    });
    expect(inv.lines[0]!.description).toBe('Maths · Tue, 3 Mar 2026, 16:00 · 60 min — Ada');
    expect(inv.total).toBe(15600);
    expect(checkTotals(inv)).toEqual([]);
    expect(r.lessonsBilled).toBe(5);
    expect(r.claims.map((c) => c.id).sort()).toEqual(['L1@a#s1', 'L1@c#s1', 'L1@d#s1', 'L2@a#s2', 'L2@b#s2']);
    expect(r.claims.every((c) => c.invoiceId === inv.id && c.familyId === 'f1')).toBe(true);
  });

  it('never bills a claimed lesson again (the normal path cannot double bill)', () => {
    const first = generateDraftInvoice({ family: fam, students: [perLesson, hourly], lessons }, MARCH, EMPTY, gctx());
    const state = buildBillingState(first.claims, [first.invoice!]);
    const again = generateDraftInvoice({ family: fam, students: [perLesson, hourly], lessons }, MARCH, state, gctx());
    expect(again.invoice).toBeNull();
    expect(again.lessonsAlreadyBilled).toBe(5);
    // A lesson marked attended later is picked up alone.
    const late = [...lessons, lesson('L1@z', 's1', 'f1', '2026-03-30T16:00:00Z')];
    const third = generateDraftInvoice({ family: fam, students: [perLesson, hourly], lessons: late }, MARCH, state, gctx());
    expect(third.invoice!.lines.map((l) => l.occurrenceIds[0])).toEqual(['L1@z']);
  });

  it('claims of a voided invoice no longer block billing', () => {
    const settings = makeSettings();
    const first = generateDraftInvoice({ family: fam, students: [perLesson, hourly], lessons }, MARCH, EMPTY, gctx());
    const issued = issueInvoice(first.invoice!, {
      issueDate: '2026-04-01',
      deviceCode: 'AAA',
      invoices: [],
      settings,
      ctx: ctxAt('2026-04-01T09:00:00Z'),
    });
    const v = voidInvoice(issued, {
      issueDate: '2026-04-02',
      deviceCode: 'AAA',
      invoices: [issued],
      settings,
      ctx: ctxAt('2026-04-02T09:00:00Z'),
      newId: idGen('cn'),
      reason: 'Wrong rate',
      payments: [],
      claims: first.claims,
    });
    expect(v.releasedClaims).toHaveLength(5);
    // Even before the claim deletions sync, a claim pointing at a void invoice is inactive.
    const state = buildBillingState(first.claims, [v.invoice, v.creditNote]);
    const redo = generateDraftInvoice({ family: fam, students: [perLesson, hourly], lessons }, MARCH, state, gctx());
    expect(redo.invoice!.lines).toHaveLength(5);
  });

  it('uses local dates of the practice time zone for the period (DST-safe)', () => {
    const edge = [
      lesson('E@1', 's1', 'f1', '2026-02-28T23:30:00Z'), // 28 Feb 23:30 GMT → February
      lesson('E@2', 's1', 'f1', '2026-03-01T00:15:00Z'), // 1 Mar 00:15 GMT → March
      lesson('E@3', 's1', 'f1', '2026-03-31T22:30:00Z'), // 31 Mar 23:30 BST → March
      lesson('E@4', 's1', 'f1', '2026-03-31T23:30:00Z'), // 1 Apr 00:30 BST → April
    ];
    const r = generateDraftInvoice({ family: fam, students: [perLesson], lessons: edge }, MARCH, EMPTY, gctx());
    expect(r.invoice!.lines.map((l) => [l.occurrenceIds[0], l.serviceDate])).toEqual([
      ['E@2', '2026-03-01'],
      ['E@3', '2026-03-31'],
    ]);
    const ny = generateDraftInvoice(
      { family: fam, students: [perLesson], lessons: edge },
      MARCH,
      EMPTY,
      gctx({ settings: makeSettings({ timeZone: 'America/New_York' }) }),
    );
    // In New York: E@1 = 28 Feb 18:30, E@2 = 28 Feb 19:15, E@3 = 31 Mar 18:30, E@4 = 31 Mar 19:30
    expect(ny.invoice!.lines.map((l) => l.occurrenceIds[0])).toEqual(['E@3', 'E@4']);
  });

  it('adds manual lines, credits and an invoice discount; tax settings come from the practice', () => {
    const g = gctx({ settings: makeSettings({ billing: { taxMode: 'exclusive', taxRateBp: 2000 } }) });
    const r = generateDraftInvoice(
      { family: fam, students: [perLesson], lessons: [lesson('L1@a', 's1', 'f1', '2026-03-03T16:00:00Z')] },
      {
        ...MARCH,
        manualLines: [
          { kind: 'credit', description: 'Goodwill credit', unitAmount: 500 },
          { kind: 'manual', description: 'Workbook', unitAmount: 1250, quantityMilli: 2000 },
        ],
        invoiceDiscountAmount: 550,
        notes: 'Thank you!',
      },
      EMPTY,
      g,
    );
    const inv = r.invoice!;
    expect(inv.lines.map((l) => [l.kind, l.amount, l.taxAmount])).toEqual([
      ['lesson', 2700, 540], // 3000 − 300 share
      ['manual', 2250, 450], // 2500 − 250 share
      ['credit', -500, -100],
    ]);
    expect(inv).toMatchObject({ subtotal: 4450, taxTotal: 890, total: 5340, taxMode: 'exclusive', taxLabel: 'VAT', notes: 'Thank you!' });
    expect(r.claims).toHaveLength(1); // manual lines claim nothing
  });

  it('returns no invoice when there is nothing to bill, and warns about rates in another currency', () => {
    const r = generateDraftInvoice(
      {
        family: fam,
        students: [perLesson],
        lessons: [lesson('X@1', 's1', 'f1', '2026-03-03T16:00:00Z', { rateOverride: { amount: 100, currency: 'EUR' } })],
      },
      MARCH,
      EMPTY,
      gctx(),
    );
    expect(r.invoice).toBeNull();
    expect(r.warnings.map((w) => w.code)).toEqual(['currency_mismatch']);
  });
});

describe('prepaid packages', () => {
  const fam = makeFamily('f1');
  const stu = makeStudent('s1', 'f1', {
    billingModel: 'package',
    defaultRate: GBP(4000),
    packages: [{ id: 'p1', lessons: 3, price: 10500, purchasedOn: '2026-03-02', description: '3 lessons of Maths' }],
  });
  const march = ['2026-03-01', '2026-03-04', '2026-03-11', '2026-03-18', '2026-03-25'].map((d, i) =>
    lesson(`P@${i}`, 's1', 'f1', `${d}T16:00:00Z`),
  );

  it('sells the package and consumes it by attended lessons in date order, then bills per lesson', () => {
    const r = generateDraftInvoice({ family: fam, students: [stu], lessons: march }, MARCH, EMPTY, gctx());
    const inv = r.invoice!;
    expect(inv.lines.map((l) => [l.kind, l.occurrenceIds[0], l.packageId, l.amount])).toEqual([
      ['package', 'package:p1', 'p1', 10500],
      ['lesson', 'P@0', '', 4000], // 1 March: before the package was bought
      ['lesson', 'P@1', 'p1', 0],
      ['lesson', 'P@2', 'p1', 0],
      ['lesson', 'P@3', 'p1', 0],
      ['lesson', 'P@4', '', 4000], // package used up
    ]);
    expect(inv.lines[4]!.description).toMatch(/package, lesson 3 of 3/);
    expect(r.warnings.map((w) => w.code)).toEqual(['package_exhausted', 'package_exhausted']);
    expect(packageBalances(stu, [inv])).toEqual([{ package: stu.packages![0], used: 3, remaining: 0, invoiced: true }]);
  });

  it('continues consumption across invoices, and voiding gives lessons back', () => {
    const stu2 = { ...stu, packages: [{ id: 'p1', lessons: 6, price: 20000, purchasedOn: '2026-03-02', description: '' }] };
    const first = generateDraftInvoice({ family: fam, students: [stu2], lessons: march.slice(1, 3) }, MARCH, EMPTY, gctx());
    expect(packageBalances(stu2, [first.invoice!])[0]).toMatchObject({ used: 2, remaining: 4 });
    const april = [lesson('P@a1', 's1', 'f1', '2026-04-01T15:00:00Z'), lesson('P@a2', 's1', 'f1', '2026-04-08T15:00:00Z')];
    const state = buildBillingState(first.claims, [first.invoice!]);
    const second = generateDraftInvoice(
      { family: fam, students: [stu2], lessons: april },
      { periodStart: '2026-04-01', periodEnd: '2026-04-30' },
      state,
      gctx(),
    );
    expect(second.invoice!.lines.map((l) => l.description.match(/lesson \d of 6/)?.[0])).toEqual(['lesson 3 of 6', 'lesson 4 of 6']);
    expect(second.invoice!.lines.some((l) => l.kind === 'package')).toBe(false); // already sold
    expect(packageBalances(stu2, [first.invoice!, second.invoice!])[0]).toMatchObject({ used: 4, remaining: 2 });
    expect(packageBalances(stu2, [{ ...first.invoice!, status: 'void' }, second.invoice!])[0]).toMatchObject({
      used: 2,
      remaining: 4,
      invoiced: false,
    });
  });
});

describe('monthly flat fee', () => {
  const fam = makeFamily('f1', { billingModel: 'monthly', monthlyFee: GBP(18000) });
  const a = makeStudent('s1', 'f1', { firstName: 'Ada' });
  const b = makeStudent('s2', 'f1', { firstName: 'Ben', monthlyFee: GBP(12000) });
  const paused = makeStudent('s3', 'f1', { status: 'paused' });
  const ls = [lesson('M@1', 's1', 'f1', '2026-03-03T16:00:00Z'), lesson('M@2', 's2', 'f1', '2026-03-04T16:00:00Z')];

  it('charges each active student their fee once per month; lessons are listed at zero', () => {
    const r = generateDraftInvoice({ family: fam, students: [a, b, paused], lessons: ls }, MARCH, EMPTY, gctx());
    const inv = r.invoice!;
    expect(inv.lines.map((l) => [l.kind, l.studentId, l.amount])).toEqual([
      ['monthly_fee', 's1', 18000],
      ['monthly_fee', 's2', 12000],
      ['lesson', 's1', 0],
      ['lesson', 's2', 0],
    ]);
    expect(inv.lines[0]!.description).toBe('Monthly fee, March 2026 — Ada');
    expect(inv.total).toBe(30000);
    expect(r.claims.map((c) => c.id)).toContain(claimId('monthly:2026-03', 's1'));
    // Regenerating the month bills nothing more.
    const state = buildBillingState(r.claims, [inv]);
    expect(generateDraftInvoice({ family: fam, students: [a, b, paused], lessons: ls }, MARCH, state, gctx()).invoice).toBeNull();
  });

  it('a two-month period charges both months', () => {
    const r = generateDraftInvoice(
      { family: fam, students: [a], lessons: [] },
      { periodStart: '2026-03-01', periodEnd: '2026-04-30' },
      EMPTY,
      gctx(),
    );
    expect(r.invoice!.lines.map((l) => l.occurrenceIds[0])).toEqual(['monthly:2026-03', 'monthly:2026-04']);
  });
});

describe('generateMonthDrafts (batch)', () => {
  it('drafts every family with something to bill, reports progress and a summary', () => {
    const families = [makeFamily('f1'), makeFamily('f2'), makeFamily('f3'), makeFamily('f4', { archived: true })];
    const students = [makeStudent('s1', 'f1'), makeStudent('s2', 'f2'), makeStudent('s3', 'f3'), makeStudent('s4', 'f4')];
    const lessons = [
      lesson('A@1', 's1', 'f1', '2026-03-02T10:00:00Z'),
      lesson('A@2', 's1', 'f1', '2026-03-09T10:00:00Z'),
      lesson('B@1', 's2', 'f2', '2026-03-02T11:00:00Z'),
      lesson('B@2', 's2', 'f2', '2026-03-09T11:00:00Z', { status: 'cancelled_student_in_time' }),
      lesson('C@1', 's3', 'f3', '2026-04-02T11:00:00Z'), // April: nothing in March
      lesson('D@1', 's4', 'f4', '2026-03-02T11:00:00Z'), // archived family
    ];
    const existingClaim: BillingClaim = {
      ...makeFamily('x'),
      id: 'A@2#s1',
      occurrenceId: 'A@2',
      studentId: 's1',
      invoiceId: 'old',
      familyId: 'f1',
    } as unknown as BillingClaim;
    const progress: [number, number][] = [];
    const r = generateMonthDrafts(
      { month: '2026-03', families, students, lessons, claims: [existingClaim], invoices: [] as Invoice[] },
      gctx(),
      (d, t) => progress.push([d, t]),
    );
    expect(r.invoices.map((i) => i.familyId)).toEqual(['f1', 'f2']);
    expect(r.invoices.map((i) => i.lines.map((l) => l.occurrenceIds[0]))).toEqual([['A@1'], ['B@1']]);
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(r.summary).toMatchObject({
      month: '2026-03',
      periodStart: '2026-03-01',
      periodEnd: '2026-03-31',
      familiesConsidered: 3,
      invoicesCreated: 2,
      familiesWithNothingToBill: 1,
      lessonsBilled: 2,
      lessonsAlreadyBilled: 1,
      total: 8000,
      failures: [],
    });
    expect(r.summary.warnings.map((w) => w.familyId)).toEqual(['f4']);
    expect(new Set(r.claims.map((c) => c.id)).size).toBe(r.claims.length);
  });
});

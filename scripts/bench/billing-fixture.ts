/**
 * The billing benchmark's fixture (`npm run bench`, scripts/bench/billing.ts; also the batch test
 * tests/unit/billing/batch-and-schema.test.ts):
 *
 *   const fx = createBillingBenchFixture({ families: 1000, lessons: 100_000 });
 *   const t0 = performance.now();
 *   const result = runBillingBenchBatch(fx);            // goal ≤ 0.5 s
 *   const ms = performance.now() - t0;
 *
 * The fixture is deterministic (seeded) and realistic in mix: per-lesson, hourly, package and
 * monthly students, group-free lessons with mixed attendance, a few lessons already billed.
 */
import { stampChange, type ChangeContext } from '../../src-shared/model/meta';
import { seededRandom } from '../../src-shared/random';
import {
  PRACTICE_SETTINGS_ID,
  type AttendanceStatus,
  type BillingClaim,
  type BillingModel,
  type Family,
  type Invoice,
  type PracticeSettings,
  type Student,
} from '../../src-shared/model/types';
import { claimId } from '../../src-shared/billing/claims';
import { monthRange } from '../../src-shared/billing/dates';
import { generateMonthDrafts, type BatchResult } from '../../src-shared/billing/generate';
import type { BillableLesson } from '../../src-shared/billing/rates';

export interface BillingBenchFixture {
  month: string;
  settings: PracticeSettings;
  families: Family[];
  students: Student[];
  lessons: BillableLesson[];
  claims: BillingClaim[];
  invoices: Invoice[];
  ctx: ChangeContext;
}

const SUBJECTS = ['Maths', 'English', 'Physics', 'Chemistry', 'Biology', 'French', 'Piano', 'History'];
const STATUSES: [AttendanceStatus, number][] = [
  ['attended', 0.85],
  ['no_show', 0.04],
  ['cancelled_student_late', 0.03],
  ['cancelled_student_in_time', 0.04],
  ['cancelled_tutor', 0.04],
];

export function createBillingBenchFixture(
  opts: { families?: number; lessons?: number; month?: string; seed?: number } = {},
): BillingBenchFixture {
  const familyCount = opts.families ?? 1000;
  const lessonCount = opts.lessons ?? 100_000;
  const month = opts.month ?? '2026-03';
  const rand = seededRandom(opts.seed ?? 42);
  const ctx: ChangeContext = { staffId: 'bench', deviceId: 'bench-device', now: new Date(`${month}-01T08:00:00Z`) };
  const { start } = monthRange(month);
  const settings = stampChange<PracticeSettings>(
    undefined,
    {
      id: PRACTICE_SETTINGS_ID,
      name: 'Bench Tutoring',
      address: { line1: '1 Bench Road', line2: '', city: 'London', region: '', postalCode: 'N1 1AA', country: 'United Kingdom' },
      email: '',
      phone: '',
      currency: 'GBP',
      locale: 'en-GB',
      timeZone: 'Europe/London',
      taxId: '',
      logo: '',
      defaultRate: { amount: 4500, currency: 'GBP' },
      weekStartsOn: 1,
      billing: {
        paymentTermsDays: 14,
        taxMode: 'exclusive',
        taxRateBp: 2000,
        taxLabel: 'VAT',
        invoicePrefix: 'INV',
        paymentInstructions: '',
      },
      attendance: {
        billable: ['attended', 'no_show', 'cancelled_student_late'],
        payable: ['attended', 'cancelled_student_late'],
        cancellationNoticeHours: 24,
        makeupForInTimeCancellation: true,
      },
      reminders: { enabled: false, minutesBefore: 15 },
    },
    ctx,
    () => PRACTICE_SETTINGS_ID,
  );
  const families: Family[] = [];
  const students: Student[] = [];
  for (let f = 0; f < familyCount; f++) {
    const fid = `fam-${f}`;
    families.push(
      stampChange<Family>(
        undefined,
        {
          id: fid,
          kind: 'family',
          name: `Family ${f}`,
          contactName: '',
          email: '',
          phone: '',
          address: { line1: '', line2: '', city: '', region: '', postalCode: '', country: '' },
          preferredContact: 'email',
          notes: '',
          defaultRate: rand() < 0.2 ? { amount: 4000, currency: 'GBP' } : null,
          archived: false,
        },
        ctx,
        () => fid,
      ),
    );
    const kids = 1 + Math.floor(rand() * 2);
    for (let k = 0; k < kids; k++) {
      const sid = `stu-${f}-${k}`;
      const r = rand();
      const model: BillingModel = r < 0.7 ? 'per_lesson' : r < 0.9 ? 'hourly' : r < 0.95 ? 'package' : 'monthly';
      students.push(
        stampChange<Student>(
          undefined,
          {
            id: sid,
            firstName: `Student${k}`,
            lastName: `F${f}`,
            familyId: fid,
            status: 'active',
            subjects: [],
            defaultRate: rand() < 0.3 ? { amount: 3500 + Math.floor(rand() * 20) * 100, currency: 'GBP' } : null,
            email: '',
            phone: '',
            gradeLevel: '',
            notes: '',
            archivedAt: '',
            billingModel: model,
            monthlyFee: model === 'monthly' ? { amount: 20000, currency: 'GBP' } : null,
            packages:
              model === 'package' ? [{ id: `pkg-${sid}`, lessons: 20, price: 80000, purchasedOn: start, description: '20 lessons' }] : [],
          },
          ctx,
          () => sid,
        ),
      );
    }
  }
  const monthStart = Date.parse(`${start}T00:00:00Z`);
  const days = Number(monthRange(month).end.slice(8, 10));
  const lessons: BillableLesson[] = [];
  const claims: BillingClaim[] = [];
  for (let i = 0; i < lessonCount; i++) {
    const student = students[Math.floor(rand() * students.length)]!;
    const startMs =
      monthStart + Math.floor(rand() * days) * 86_400_000 + (8 + Math.floor(rand() * 12)) * 3_600_000 + Math.floor(rand() * 4) * 900_000;
    let x = rand();
    let status: AttendanceStatus = 'attended';
    for (const [s, p] of STATUSES) {
      if (x < p) {
        status = s;
        break;
      }
      x -= p;
    }
    const occurrenceId = `les-${i % 5000}@${new Date(startMs).toISOString()}#${i}`;
    lessons.push({
      occurrenceId,
      lessonId: `les-${i % 5000}`,
      studentId: student.id,
      familyId: student.familyId,
      start: new Date(startMs).toISOString(),
      durationMinutes: [30, 45, 60, 60, 60, 90][Math.floor(rand() * 6)]!,
      status,
      subject: SUBJECTS[Math.floor(rand() * SUBJECTS.length)]!,
      tutorId: `tutor-${Math.floor(rand() * 40)}`,
      rateOverride: rand() < 0.02 ? { amount: 5000, currency: 'GBP' } : null,
    });
    if (rand() < 0.01) {
      const id = claimId(occurrenceId, student.id);
      claims.push(
        stampChange<BillingClaim>(
          undefined,
          { id, occurrenceId, studentId: student.id, invoiceId: 'earlier-invoice', familyId: student.familyId },
          ctx,
          () => id,
        ),
      );
    }
  }
  return { month, settings, families, students, lessons, claims, invoices: [], ctx };
}

/** The measured operation: every family's draft for the month, with claims. */
export function runBillingBenchBatch(fx: BillingBenchFixture, onProgress?: (done: number, total: number) => void): BatchResult {
  let n = 0;
  return generateMonthDrafts(
    { month: fx.month, families: fx.families, students: fx.students, lessons: fx.lessons, claims: fx.claims, invoices: fx.invoices },
    { settings: fx.settings, ctx: fx.ctx, newId: () => `bench-${++n}` },
    onProgress,
  );
}

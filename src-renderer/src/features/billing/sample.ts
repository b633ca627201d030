/**
 * Sample billing for "Load a sample practice": when the schedule's sample lessons are there, the
 * two previous months are billed with the real domain functions (drafts from attended lessons,
 * issued and numbered, payments allocated), leaving some drafts, unpaid and overdue invoices, a
 * partial payment and a family in credit, so every billing screen has something to show.
 */
import type { TutorDatabase } from '../../data';
import { insertAllOrNothing, newId } from '../../data';
import type { DeviceInfo } from '../../app/AppContext';
import { billableLessonsFromOccurrences } from '../../../../src-shared/billing/from-schedule';
import { addDays, monthRange, todayIn } from '../../../../src-shared/billing/dates';
import { generateMonthDrafts } from '../../../../src-shared/billing/generate';
import { issueInvoices } from '../../../../src-shared/billing/lifecycle';
import { chooseDeviceCode } from '../../../../src-shared/billing/numbering';
import { allocatePayment, createPayment } from '../../../../src-shared/billing/payments';
import { stampChange, type ChangeContext } from '../../../../src-shared/model/meta';
import type {
  BillingClaim,
  Closure,
  Invoice,
  Lesson,
  Occurrence,
  Payment,
  PaymentMethod,
  Student,
} from '../../../../src-shared/model/types';
import { seededRandom } from '../../../../src-shared/random';
import type { SamplePractice } from '../../../../src-shared/sample/generate';
import { expandLessons } from '../../../../src-shared/schedule/expand';
import { localDaysRange } from '../../../../src-shared/schedule/time';
import { previousMonth } from './data';

const METHODS: PaymentMethod[] = ['bank_transfer', 'bank_transfer', 'bank_transfer', 'card', 'cash', 'cheque'];

export async function addSampleBilling(db: TutorDatabase, practice: SamplePractice): Promise<void> {
  const lessons = (await db.lessons.find().exec()).map((d) => d.toJSON() as Lesson);
  if (lessons.length === 0) return; // no sample schedule: nothing to bill
  const occurrences = (await db.occurrences.find().exec()).map((d) => d.toJSON() as Occurrence);
  const closures = (await db.closures.find().exec()).map((d) => d.toJSON() as Closure);
  const device = (await db.getLocal<DeviceInfo>('device'))?.toJSON().data as DeviceInfo | undefined;
  const deviceId = device?.deviceId ?? 'sample';
  const settings = practice.settings;
  const tz = settings.timeZone;
  const now = new Date();
  const today = todayIn(tz, now);
  const ctxOn = (date: string): ChangeContext => ({
    staffId: practice.meStaffId,
    deviceId,
    now: new Date(Math.min(Date.parse(`${date}T09:00:00Z`), now.getTime())),
  });
  const rand = seededRandom(17);
  const code = chooseDeviceCode(deviceId, []);
  const monthB = previousMonth(today);
  const monthA = previousMonth(`${monthB}-01`);
  // Two students on other billing models: a prepaid 10-lesson package and a monthly fee.
  const taught = new Set(lessons.flatMap((l) => l.studentIds));
  const candidates = practice.students.filter((x) => x.status === 'active' && taught.has(x.id));
  const changed = new Map<string, Student>();
  const pkgStudent = candidates[1];
  if (pkgStudent) {
    changed.set(
      pkgStudent.id,
      stampChange<Student>(
        pkgStudent,
        {
          ...pkgStudent,
          billingModel: 'package',
          packages: [{ id: newId(), lessons: 10, price: 40000, purchasedOn: `${monthA}-01`, description: '10-lesson package' }],
        },
        ctxOn(`${monthA}-01`),
        () => pkgStudent.id,
      ),
    );
  }
  const monthlyStudent = candidates[4];
  if (monthlyStudent) {
    changed.set(
      monthlyStudent.id,
      stampChange<Student>(
        monthlyStudent,
        { ...monthlyStudent, billingModel: 'monthly', monthlyFee: { amount: 18000, currency: settings.currency } },
        ctxOn(`${monthA}-01`),
        () => monthlyStudent.id,
      ),
    );
  }
  const students = practice.students.map((x) => changed.get(x.id) ?? x);
  const invoices: Invoice[] = [];
  const claims: BillingClaim[] = [];
  const payments: Payment[] = [];

  const thisMonthStart = `${today.slice(0, 7)}-01`;
  const recent = [addDays(today, -4), thisMonthStart].sort().at(-1)!;
  for (const month of [monthA, monthB]) {
    const { start, end } = monthRange(month);
    const expanded = expandLessons(lessons, occurrences, closures, localDaysRange(start, end, tz), tz);
    const billable = billableLessonsFromOccurrences(expanded, students);
    const latest = month === monthB;
    const batch = generateMonthDrafts(
      { month, families: practice.families, students, lessons: billable, claims, invoices },
      { settings, ctx: ctxOn(latest ? thisMonthStart : `${monthB}-01`), newId },
    );
    claims.push(...batch.claims);
    // The latest month: a few drafts still to check, most issued on the 1st (unpaid ones are
    // overdue by now), some issued a few days ago (not due yet). The month before: all issued.
    const drafts: Invoice[] = [];
    const plan: { draft: Invoice; issueDate: string }[] = [];
    batch.invoices.forEach((inv, k) => {
      if (latest && k % 7 === 3) drafts.push(inv);
      else plan.push({ draft: inv, issueDate: !latest ? `${monthB}-01` : k % 3 === 1 ? recent : thisMonthStart });
    });
    for (const issueDate of [...new Set(plan.map((p) => p.issueDate))].sort()) {
      const issued = issueInvoices(
        plan.filter((p) => p.issueDate === issueDate).map((p) => p.draft),
        { issueDate, deviceCode: code, invoices, settings, ctx: ctxOn(issueDate) },
      );
      invoices.push(...issued);
      issued.forEach((inv, k) => {
        const r = rand();
        const paidShare = !latest ? (r < 0.8 ? 1 : r < 0.9 ? 0.5 : 0) : r < 0.45 ? 1 : r < 0.65 ? 0.5 : 0;
        if (paidShare === 0 || inv.total <= 0) return;
        const date = [addDays(issueDate, 1 + Math.floor(rand() * 10)), today].sort()[0]!;
        // One family pays a little more than asked: the rest becomes credit.
        const extra = k === 0 && issueDate === thisMonthStart ? 2500 : 0;
        const amount = paidShare === 1 ? inv.total + extra : Math.round(inv.total / 200) * 100;
        const p = createPayment(
          {
            familyId: inv.familyId,
            date,
            amount,
            method: METHODS[Math.floor(rand() * METHODS.length)]!,
            reference: rand() < 0.8 ? inv.number : '',
          },
          settings.currency,
          ctxOn(date),
          newId,
        );
        payments.push(allocatePayment(p, { invoices, payments, targets: [{ invoiceId: inv.id }] }));
      });
    }
    invoices.push(...drafts);
  }
  for (const student of changed.values()) {
    const doc = await db.students.findOne(student.id).exec();
    await doc?.incrementalModify((prev) => ({ ...prev, ...student }));
  }
  await insertAllOrNothing(db, [
    { collection: 'billingclaims', docs: claims },
    { collection: 'invoices', docs: invoices },
    { collection: 'payments', docs: payments },
  ]);
  await db.upsertLocal('billing-device-code', { code });
}

/**
 * Billing hooks for the end-to-end tests and benchmarks (test build only, with `?testHooks`):
 * seed attended lessons through the schedule domain, and get the exact HTML the app prints for
 * an invoice (so a test can print it with Playwright's page.pdf and read it with pdftotext).
 */
import { formatDate } from '../../../src-shared/billing/dates';
import { resolvePracticeLocale } from '../../../src-shared/locale/practice-locale';
import type { TutorDatabase } from '../data';
import { checkMoneyRecordsOf, checkOrphanClaims, newId, recoverIntents } from '../data';
import { refundCredit } from '../../../src-shared/billing/corrections';
import { PENDING_INTENTS_DOC } from '../data/intents';
import { MONEY_REVIEW_DOC } from '../data/money-check';
import { claimId } from '../../../src-shared/billing/claims';
import { intentFromWrites, intentKey, put } from '../../../src-shared/integrity/intent-log';
import { stampChange, type ChangeContext } from '../../../src-shared/model/meta';
import { newDraftValues } from '../../../src-shared/billing/drafts';
import type { AttendanceStatus, BillingClaim, Family, Invoice, Payment, PracticeSettings, Student } from '../../../src-shared/model/types';
import { createLesson, writeOccurrence } from '../../../src-shared/schedule/edit';
import { ruleInstances } from '../../../src-shared/schedule/recurrence';
import { renderStatementHtml } from '../../../src-shared/billing/statement-html';
import { createPayment, familyStatement } from '../../../src-shared/billing/payments';
import { startOfLocalDay } from '../../../src-shared/schedule/time';
import { invoiceHtml } from '../features/billing/documents';
import { pageSizeOf } from '../features/billing/data';

export interface BillingTestHooks {
  /**
   * For the first `families` current families (by name) that have an active student: a weekly
   * 60-minute lesson in `month` (YYYY-MM) at 16:00 practice time for that student, every
   * occurrence marked with `statuses[i]` (default all 'attended'). Returns the family names.
   */
  seedLessons(args: {
    month: string;
    families: number;
    weeks?: number;
    statuses?: AttendanceStatus[];
  }): Promise<{ families: string[]; lessons: number; occurrences: number }>;
  /**
   * What another laptop's offline work looks like after sync: a draft for the same family and
   * period billing the same items as `invoiceId` (its billing claims lost the sync conflict).
   */
  duplicateFromOtherLaptop(invoiceId: string): Promise<string>;
  /** The HTML the app prints for an invoice or credit note. */
  invoiceHtml(invoiceId: string): Promise<string>;
  /** The HTML of a family statement for [from, to]. */
  statementHtml(familyId: string, from: string, to: string): Promise<string>;
  /**
   * What the integrity checks leave to a person (issue 15): another laptop's billing claim whose
   * invoice never arrived (found by the orphan-claim check after a sync), and an operation that
   * stopped half-way while another laptop changed one of its payments (held by intent recovery).
   */
  integrityReview(): Promise<{ claimId: string }>;
  /**
   * What two laptops refunding the same credit offline leave after sync (issue 15): for the first
   * family by name, a £50 payment left as credit, refunded in full twice (once by "laptop-b"); then
   * the money-records check as after a sync. Returns the family.
   */
  refundedTwice(): Promise<{ familyId: string; familyName: string; paymentDate: string }>;
  /** The money findings stored by the last check (`money-review`); null when no check ran. */
  moneyFindings(): Promise<unknown[] | null>;
  /** The orphan-claim check as after a sync, two days from now: what it releases, waits for, lists. */
  checkClaims(): Promise<{ released: string[]; waiting: string[]; review: unknown[] }>;
}

async function settingsOf(db: TutorDatabase): Promise<PracticeSettings> {
  const s = await db.settings.findOne('practice').exec();
  if (!s) throw new Error('No practice yet');
  // As the app does (AppContext): '' = follow this computer's languages.
  const settings = s.toJSON() as PracticeSettings;
  const { locale } = resolvePracticeLocale({
    chosen: settings.locale,
    systemLanguages: navigator.languages,
    currency: settings.currency,
    timeZone: settings.timeZone,
  });
  return { ...settings, locale };
}

export function billingTestHooks(db: TutorDatabase): BillingTestHooks {
  return {
    async seedLessons({ month, families: count, weeks = 4, statuses }) {
      const settings = await settingsOf(db);
      const tz = settings.timeZone;
      const families = (await db.families.find({ selector: { archived: false } }).exec())
        .map((d) => d.toJSON() as Family)
        .sort((a, b) => a.name.localeCompare(b.name));
      const students = (await db.students.find({ selector: { status: 'active' } }).exec()).map((d) => d.toJSON() as Student);
      const staff = (await db.staff.find().exec()).map((d) => d.id);
      const chosen: { family: Family; student: Student }[] = [];
      for (const f of families) {
        const s = students.filter((x) => x.familyId === f.id).sort((a, b) => a.firstName.localeCompare(b.firstName))[0];
        if (s) chosen.push({ family: f, student: s });
        if (chosen.length === count) break;
      }
      const ctx: ChangeContext = { staffId: staff[0] ?? 'test', deviceId: 'test-hooks', now: new Date() };
      // The first day of the month at 16:00 local time, then weekly.
      const firstStart = startOfLocalDay(`${month}-01`, tz) + 16 * 3_600_000;
      let occurrences = 0;
      for (const [i, { student }] of chosen.entries()) {
        const lesson = createLesson(
          {
            tutorId: staff[i % Math.max(1, staff.length)] ?? '',
            studentIds: [student.id],
            subject: student.subjects[0] || 'Maths',
            start: new Date(firstStart + i * 3_600_000).toISOString(),
            durationMinutes: 60,
            timeZone: tz,
            rrule: `FREQ=WEEKLY;COUNT=${weeks}`,
            location: 'Main office',
          },
          ctx,
          newId,
        );
        await db.lessons.insert(lesson);
        const instances = ruleInstances(lesson, Date.parse(lesson.start), Date.parse(lesson.start) + (weeks + 1) * 7 * 86_400_000);
        const docs = instances.map((ms, k) =>
          writeOccurrence(lesson, ms, null, { status: statuses?.[k] ?? 'attended', statusChangedAt: ctx.now.toISOString() }, ctx),
        );
        await db.occurrences.bulkInsert(docs);
        occurrences += docs.length;
      }
      return { families: chosen.map((c) => c.family.name), lessons: chosen.length, occurrences };
    },
    async duplicateFromOtherLaptop(invoiceId) {
      const settings = await settingsOf(db);
      const inv = (await db.invoices.findOne(invoiceId).exec())?.toJSON() as Invoice | undefined;
      if (!inv) throw new Error(`No invoice ${invoiceId}`);
      const ctx: ChangeContext = { staffId: 'other-laptop', deviceId: 'laptop-b', now: new Date() };
      const values = newDraftValues({
        familyId: inv.familyId,
        settings,
        periodStart: inv.periodStart,
        periodEnd: inv.periodEnd,
        lines: inv.lines.map((l) => ({ ...l, id: newId() })),
      });
      const copy = stampChange<Invoice>(undefined, values, ctx, newId);
      await db.invoices.insert(copy);
      return copy.id;
    },
    async invoiceHtml(invoiceId) {
      const settings = await settingsOf(db);
      const invoices = (await db.invoices.find().exec()).map((d) => d.toJSON() as Invoice);
      const invoice = invoices.find((i) => i.id === invoiceId);
      if (!invoice) throw new Error(`No invoice ${invoiceId}`);
      const families = (await db.families.find().exec()).map((d) => d.toJSON() as Family);
      const payments = (await db.payments.find({ selector: { familyId: invoice.familyId } }).exec()).map((d) => d.toJSON() as Payment);
      return invoiceHtml(
        invoice,
        { invoiceById: new Map(invoices.map((i) => [i.id, i])), familyById: new Map(families.map((f) => [f.id, f])), payments },
        settings,
      );
    },
    async statementHtml(familyId, from, to) {
      const settings = await settingsOf(db);
      const family = (await db.families.findOne(familyId).exec())?.toJSON() as Family | undefined;
      if (!family) throw new Error(`No family ${familyId}`);
      const invoices = (await db.invoices.find({ selector: { familyId } }).exec()).map((d) => d.toJSON() as Invoice);
      const payments = (await db.payments.find({ selector: { familyId } }).exec()).map((d) => d.toJSON() as Payment);
      return renderStatementHtml({
        statement: familyStatement(familyId, from, to, invoices, payments, { formatDate: (d) => formatDate(d, settings.locale) }),
        family,
        settings,
        pageSize: pageSizeOf(settings),
        generatedOn: to,
      });
    },
    async refundedTwice() {
      const settings = await settingsOf(db);
      const family = (await db.families.find({ selector: { archived: false } }).exec())
        .map((d) => d.toJSON() as Family)
        .sort((a, b) => a.name.localeCompare(b.name))[0];
      if (!family) throw new Error('No family');
      const here: ChangeContext = { staffId: 'test', deviceId: 'test-hooks', now: new Date(Date.now() - 86_400_000) };
      const paymentDate = here.now.toISOString().slice(0, 10);
      const payment = createPayment(
        { familyId: family.id, date: paymentDate, amount: 5000, method: 'bank_transfer', reference: 'OVERPAID' },
        settings.currency,
        here,
        newId,
      );
      const refund = (deviceId: string) =>
        refundCredit(
          { familyId: family.id, amount: 5000, date: paymentDate, method: 'bank_transfer', reference: 'REFUND', reason: 'Overpaid' },
          { payments: [payment], currency: settings.currency, ctx: { ...here, deviceId }, newId },
        );
      await db.payments.bulkInsert([payment, refund('test-hooks'), refund('laptop-b')]);
      await checkMoneyRecordsOf(db);
      return { familyId: family.id, familyName: family.name, paymentDate };
    },
    async moneyFindings() {
      const doc = await db.getLocal<{ findings: unknown[] }>(MONEY_REVIEW_DOC);
      return (doc?.toJSON().data as { findings?: unknown[] } | undefined)?.findings ?? null;
    },
    async checkClaims() {
      const device = (await db.getLocal<{ deviceId: string }>('device'))?.toJSON().data as { deviceId: string };
      const ctx: ChangeContext = { staffId: 'test', deviceId: device.deviceId, now: new Date(Date.now() + 2 * 86_400_000) };
      return checkOrphanClaims(db, ctx, { invoicesCaughtUp: true });
    },
    async integrityReview() {
      const device = (await db.getLocal<{ deviceId: string }>('device'))?.toJSON().data as { deviceId: string };
      const ctx: ChangeContext = { staffId: 'test', deviceId: device.deviceId, now: new Date() };
      const student = (await db.students.find({ selector: { status: 'active' } }).exec())[0]!.toJSON() as Student;
      const old: ChangeContext = { staffId: 'other-laptop', deviceId: 'laptop-b', now: new Date(Date.now() - 3 * 86_400_000) };
      const occ = `lost-lesson@${old.now.toISOString().slice(0, 10)}T16:00:00.000Z`;
      const id = claimId(occ, student.id);
      await db.billingclaims.insert(
        stampChange<BillingClaim>(
          undefined,
          { id, occurrenceId: occ, studentId: student.id, invoiceId: 'invoice-never-sent', familyId: student.familyId },
          old,
          () => id,
        ),
      );
      const payments = (await db.payments.find().exec()).map((d) => d.toJSON() as Payment).slice(0, 2);
      if (payments.length < 2) throw new Error('The sample practice has fewer than two payments');
      const [a, b] = payments as [Payment, Payment];
      // Payment a was written by the operation; payment b was changed on another laptop since.
      const intent = intentFromWrites(
        'payment',
        'Applying family credit',
        [
          put('payments', { ...a, reference: `${a.reference} (before)` } as Payment, a),
          put('payments', { ...b, reference: 'before' } as Payment, { ...b, reference: 'after' } as Payment),
        ],
        ctx,
        newId,
      );
      await db.upsertLocal(PENDING_INTENTS_DOC, { batches: { [intentKey(intent.id)]: [intent] }, held: [] });
      await recoverIntents(db, ctx);
      await checkOrphanClaims(db, ctx, { invoicesCaughtUp: true });
      return { claimId: id };
    },
  };
}

/**
 * Billing hooks for the end-to-end tests and benchmarks (installed only with `?testHooks`):
 * seed attended lessons through the schedule domain, and get the exact HTML the app prints for
 * an invoice (so a test can print it with Playwright's page.pdf and read it with pdftotext).
 */
import type { TutorDatabase } from '../../data';
import { newId } from '../../data';
import { stampChange, type ChangeContext } from '../../../../src-shared/model/meta';
import { newDraftValues } from '../../../../src-shared/billing/drafts';
import type { AttendanceStatus, Family, Invoice, Payment, PracticeSettings, Student } from '../../../../src-shared/model/types';
import { createLesson, writeOccurrence } from '../../../../src-shared/schedule/edit';
import { ruleInstances } from '../../../../src-shared/schedule/recurrence';
import { renderStatementHtml } from '../../../../src-shared/billing/statement-html';
import { familyStatement } from '../../../../src-shared/billing/payments';
import { startOfLocalDay } from '../../../../src-shared/schedule/time';
import { invoiceHtml } from './documents';
import { pageSizeOf } from './data';

export interface BillingTestHooks {
  /**
   * For the first `families` current families (by name) that have an active student: a weekly
   * 60-minute lesson in `month` (YYYY-MM) at 16:00 practice time for that student, every
   * occurrence marked with `statuses[i]` (default all 'attended'). Returns the family names.
   */
  seedLessons(args: { month: string; families: number; weeks?: number; statuses?: AttendanceStatus[] }): Promise<{ families: string[]; lessons: number; occurrences: number }>;
  /**
   * What another laptop's offline work looks like after sync: a draft for the same family and
   * period billing the same items as `invoiceId` (its billing claims lost the sync conflict).
   */
  duplicateFromOtherLaptop(invoiceId: string): Promise<string>;
  /** The HTML the app prints for an invoice or credit note. */
  invoiceHtml(invoiceId: string): Promise<string>;
  /** The HTML of a family statement for [from, to]. */
  statementHtml(familyId: string, from: string, to: string): Promise<string>;
}

async function settingsOf(db: TutorDatabase): Promise<PracticeSettings> {
  const s = await db.settings.findOne('practice').exec();
  if (!s) throw new Error('No practice yet');
  return s.toJSON() as PracticeSettings;
}

export function billingTestHooks(db: TutorDatabase): BillingTestHooks {
  return {
    async seedLessons({ month, families: count, weeks = 4, statuses }) {
      const settings = await settingsOf(db);
      const tz = settings.timeZone;
      const families = (await db.families.find({ selector: { archived: false } }).exec()).map((d) => d.toJSON() as Family).sort((a, b) => a.name.localeCompare(b.name));
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
        const docs = instances.map((ms, k) => writeOccurrence(lesson, ms, null, { status: statuses?.[k] ?? 'attended', statusChangedAt: ctx.now.toISOString() }, ctx));
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
      const values = newDraftValues({ familyId: inv.familyId, settings, periodStart: inv.periodStart, periodEnd: inv.periodEnd, lines: inv.lines.map((l) => ({ ...l, id: newId() })) });
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
      return invoiceHtml(invoice, { invoiceById: new Map(invoices.map((i) => [i.id, i])), familyById: new Map(families.map((f) => [f.id, f])), payments }, settings);
    },
    async statementHtml(familyId, from, to) {
      const settings = await settingsOf(db);
      const family = (await db.families.findOne(familyId).exec())?.toJSON() as Family | undefined;
      if (!family) throw new Error(`No family ${familyId}`);
      const invoices = (await db.invoices.find({ selector: { familyId } }).exec()).map((d) => d.toJSON() as Invoice);
      const payments = (await db.payments.find({ selector: { familyId } }).exec()).map((d) => d.toJSON() as Payment);
      return renderStatementHtml({ statement: familyStatement(familyId, from, to, invoices, payments), family, settings, pageSize: pageSizeOf(settings), generatedOn: to });
    },
  };
}

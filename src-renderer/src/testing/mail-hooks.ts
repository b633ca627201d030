/**
 * Test build only: the page sends e-mail like the desktop app. Its bridge's `mail` calls go to
 * `window.__tutordeskMailHost`, which the end-to-end test exposes (Playwright `exposeFunction`) and
 * backs with the desktop app's own mail service (src-main/mail/service.ts) and a real SMTP server
 * on loopback, so the UI, the outbox runner, the host's journal and SMTP are all the real ones.
 */
import type { TutorDatabase } from '../data';
import { saveDoc } from '../data';
import { getBridge } from '../platform/bridge';
import type { TutorBridge } from '../../../src-shared/bridge';
import { addDays, todayIn } from '../../../src-shared/billing/dates';
import { tomorrowIn } from '../../../src-shared/mail/lesson-reminders';
import { createLesson } from '../../../src-shared/schedule/edit';
import { DateTime } from 'luxon';
import { addLines, manualLine, newDraftValues } from '../../../src-shared/billing/drafts';
import { issueInvoices } from '../../../src-shared/billing/lifecycle';
import {
  PRACTICE_SETTINGS_ID,
  type Family,
  type Invoice,
  type PracticeSettings,
  type Staff,
  type Student,
} from '../../../src-shared/model/types';
import { reportOf, reportSources } from '../features/mail/documents';
import { defaultReportPeriod } from '../features/mail/ProgressReportDialog';

declare global {
  interface Window {
    __tutordeskMailHost?: (method: string, arg: unknown) => Promise<unknown>;
  }
}

export function desktopMail(): void {
  const host = window.__tutordeskMailHost;
  if (!host) throw new Error('The test has not exposed __tutordeskMailHost');
  const call = <T>(method: string, arg?: unknown) => host(method, arg ?? null) as Promise<T>;
  const mail: TutorBridge['mail'] = {
    available: () => call('available'),
    getAccount: () => call('getAccount'),
    saveAccount: (s) => call('saveAccount', s),
    clearAccount: () => call('clearAccount'),
    sendTest: (r) => call('sendTest', r),
    send: (m) => call('send', m),
  };
  getBridge().mail = mail;
}

/**
 * An issued invoice of the sample practice whose family has an e-mail address; the family is
 * renamed to `name` (and so is its contact) first, to check escaping in what is sent.
 */
export async function issuedInvoiceFor(db: TutorDatabase, name: string): Promise<{ id: string; number: string; email: string }> {
  const invoices = (await db.invoices.find({ selector: { status: 'issued', kind: 'invoice' } }).exec()).map((d) => d.toJSON() as Invoice);
  for (const inv of invoices) {
    const family = (await db.families.findOne(inv.familyId).exec())?.toJSON() as Family | undefined;
    if (!family || !/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(family.email)) continue;
    await saveDoc(db, 'families', family.id, { name, contactName: name }, { staffId: 'test', deviceId: 'test-hooks', now: new Date() });
    return { id: inv.id, number: inv.number, email: family.email };
  }
  throw new Error('The sample practice has no issued invoice to a family with an e-mail address');
}

/**
 * Overdue accounts for the reminders: for the first `withEmail` families (by name) with an e-mail
 * address and one more, an invoice issued `45 + 35 × i` days ago and unpaid (a draft saved, then
 * issued with the domain's issueInvoices, through the data layer like the app), so they fall in
 * different age groups; the last of them loses its e-mail address.
 */
export async function overdueFamilies(
  db: TutorDatabase,
  withEmail: number,
): Promise<{ withEmail: { id: string; name: string; email: string }[]; withoutEmail: { id: string; name: string } }> {
  const ctx = { staffId: 'test', deviceId: 'test-hooks', now: new Date() };
  const settings = (await db.settings.findOne('practice').exec())?.toJSON() as PracticeSettings;
  const today = todayIn(settings.timeZone, ctx.now);
  const families = (await db.families.find().exec())
    .map((d) => d.toJSON() as Family)
    .filter((f) => !f.archived && /^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(f.email))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, withEmail + 1);
  if (families.length < withEmail + 1) throw new Error('The sample practice has too few families with an e-mail address');
  for (const [i, family] of families.entries()) {
    const issueDate = addDays(today, -(45 + 35 * i));
    const values = addLines(
      newDraftValues({ familyId: family.id, settings, periodStart: addDays(issueDate, -30), periodEnd: addDays(issueDate, -1) }),
      [manualLine({ kind: 'manual', description: 'Tuition (test)', unitAmount: 4500 + 1000 * i }, crypto.randomUUID())],
    );
    const draft = await saveDoc(db, 'invoices', undefined, values, ctx);
    const invoices = (await db.invoices.find().exec()).map((d) => d.toJSON() as Invoice);
    const [issued] = issueInvoices([draft], { issueDate, deviceCode: 'TST', invoices, settings, ctx });
    await saveDoc(db, 'invoices', draft.id, issued!, ctx);
  }
  const last = families.at(-1)!;
  await saveDoc(db, 'families', last.id, { email: '' }, ctx);
  return {
    withEmail: families.slice(0, withEmail).map((f) => ({ id: f.id, name: f.name, email: f.email })),
    withoutEmail: { id: last.id, name: last.name },
  };
}

export interface StudentWithNotes {
  studentId: string;
  name: string;
  firstName: string;
  email: string;
  /** Lesson notes of the dialog's default period, oldest first, retitled to the titles asked for. */
  notes: { id: string; title: string }[];
  figures: { taken: number; missed: number; attendanceRate: number | null };
}

/**
 * A sample student whose family has an e-mail address and who has at least `titles.length` lesson
 * notes in the progress report dialog's default period; those notes (oldest first) are retitled
 * to `titles` (the sample's lesson notes are all titled by subject) so a test can tell them apart.
 */
export async function studentWithNotes(db: TutorDatabase, titles: readonly string[]): Promise<StudentWithNotes> {
  const settings = (await db.settings.findOne('practice').exec())!.toJSON() as PracticeSettings;
  const period = defaultReportPeriod(settings.timeZone);
  const students = (await db.students.find({ selector: { status: 'active' } }).exec()).map((d) => d.toJSON() as Student);
  for (const student of students) {
    const family = (await db.families.findOne(student.familyId).exec())?.toJSON() as Family | undefined;
    if (!family || !/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(family.email)) continue;
    const src = await reportSources(db, student.id);
    const report = reportOf(src, { ...period, noteIds: src.notes.filter((n) => n.kind === 'lesson').map((n) => n.id) }, settings);
    const notes = report.notes.filter((n) => n.date >= period.from && n.date <= period.to);
    if (notes.length < titles.length + 1 || report.figures.taken === 0) continue;
    const ctx = { staffId: 'test', deviceId: 'test-hooks', now: new Date() };
    const out: { id: string; title: string }[] = [];
    for (const [i, title] of titles.entries()) {
      await saveDoc(db, 'notes', notes[i]!.id, { title }, ctx);
      out.push({ id: notes[i]!.id, title });
    }
    const { taken, missed, attendanceRate } = report.figures;
    return {
      studentId: student.id,
      name: `${student.firstName} ${student.lastName}`.trim(),
      firstName: student.firstName,
      email: family.email,
      notes: out,
      figures: { taken, missed, attendanceRate },
    };
  }
  throw new Error('The sample practice has no student with lesson notes this term and a family e-mail address');
}

/**
 * `count` new families, each with a draft invoice for last month (saved through the data layer like
 * the app's drafts); the last one has no e-mail address. For the batch e-mail after issuing.
 */
export async function draftsForNewFamilies(db: TutorDatabase, count: number): Promise<{ emails: string[]; withoutEmail: string }> {
  const ctx = { staffId: 'test', deviceId: 'test-hooks', now: new Date() };
  const settings = (await db.settings.findOne('practice').exec())?.toJSON() as PracticeSettings;
  const today = todayIn(settings.timeZone, ctx.now);
  const monthStart = `${addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7)}-01`;
  const monthEnd = addDays(`${today.slice(0, 7)}-01`, -1);
  const emails: string[] = [];
  let withoutEmail = '';
  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(2, '0');
    const last = i === count;
    const email = last ? '' : `batch${n}@families.example`;
    const family = await saveDoc(
      db,
      'families',
      undefined,
      {
        kind: 'family',
        name: `Batch ${n} family`,
        contactName: `Parent ${n}`,
        email,
        phone: '',
        address: { line1: '', line2: '', city: '', region: '', postalCode: '', country: '' },
        preferredContact: 'email',
        notes: '',
        defaultRate: null,
        archived: false,
      },
      ctx,
    );
    if (last) withoutEmail = family.name;
    else emails.push(email);
    const values = addLines(newDraftValues({ familyId: family.id, settings, periodStart: monthStart, periodEnd: monthEnd }), [
      manualLine({ kind: 'manual', description: 'Tuition (batch test)', unitAmount: 4000 + i }, crypto.randomUUID()),
    ]);
    await saveDoc(db, 'invoices', undefined, values, ctx);
  }
  return { emails, withoutEmail };
}

/**
 * A family of the sample practice that asks for lesson reminders: the first active student whose
 * family has an e-mail address gets a lesson tomorrow at 16:00 (practice time), and the family
 * opts in (`lessonReminders`). No other family has opted in.
 */
export async function reminderFamily(db: TutorDatabase): Promise<{ familyId: string; email: string; firstName: string; date: string }> {
  const ctx = { staffId: 'test', deviceId: 'test-hooks', now: new Date() };
  const settings = (await db.settings.findOne(PRACTICE_SETTINGS_ID).exec())!.toJSON() as PracticeSettings;
  const students = (await db.students.find({ selector: { status: 'active' } }).exec()).map((d) => d.toJSON() as Student);
  const tutor = (await db.staff.find().exec()).map((d) => d.toJSON() as Staff)[0]!;
  for (const student of students) {
    const family = (await db.families.findOne(student.familyId).exec())?.toJSON() as Family | undefined;
    if (!family || family.archived || !/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(family.email)) continue;
    const date = tomorrowIn(settings.timeZone, new Date());
    const start = DateTime.fromISO(`${date}T16:00`, { zone: settings.timeZone }).toUTC().toISO()!;
    const lesson = createLesson(
      { subject: 'Chemistry', durationMinutes: 60, timeZone: settings.timeZone, start, studentIds: [student.id], tutorId: tutor.id },
      ctx,
      () => crypto.randomUUID(),
    );
    await db.lessons.insert(lesson);
    await saveDoc(db, 'families', family.id, { lessonReminders: true }, ctx);
    return { familyId: family.id, email: family.email, firstName: student.firstName, date };
  }
  throw new Error('The sample practice has no active student whose family has an e-mail address');
}

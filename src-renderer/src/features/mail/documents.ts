/**
 * The PDFs an outbox message attaches, made when it is sent from the records it refers to (by
 * reference: a message stores which invoice or report, never a copy of the PDF), so an invoice
 * e-mailed after a payment shows that payment. The host renders the HTML to PDF (bridge.mail.send).
 */
import type { TutorDatabase } from '../../data';
import type { MailAttachment } from '../../../../src-shared/mail/contract';
import { invoicePdfFileName, renderInvoiceHtml } from '../../../../src-shared/billing/html';
import { formatDate, todayIn } from '../../../../src-shared/billing/dates';
import { familyStatement } from '../../../../src-shared/billing/payments';
import { renderStatementHtml, statementFileName } from '../../../../src-shared/billing/statement-html';
import { progressReport, progressReportFileName, renderProgressReportHtml } from '../../../../src-shared/reports/progress-report';
import type {
  Closure,
  Family,
  Invoice,
  Lesson,
  MessageDocument,
  Note,
  Occurrence,
  Payment,
  PracticeSettings,
  Staff,
  Student,
} from '../../../../src-shared/model/types';

type Json<T> = { toJSON(): T };
type Coll<T> = {
  findOne(id: string): { exec(): Promise<Json<T> | null> };
  find(q?: unknown): { exec(): Promise<Json<T>[]> };
};

const coll = <T>(db: TutorDatabase, name: string) => (db.collections as unknown as Record<string, Coll<T>>)[name]!;
const one = async <T>(db: TutorDatabase, name: string, id: string): Promise<T | null> =>
  (await coll<T>(db, name).findOne(id).exec())?.toJSON() ?? null;
const all = async <T>(db: TutorDatabase, name: string, selector: Record<string, unknown>): Promise<T[]> =>
  (await coll<T>(db, name).find({ selector }).exec()).map((d) => d.toJSON());

/** A document a message refers to is gone (deleted, or not synced to this laptop yet). */
export class MissingDocumentError extends Error {}

const pageSize = (settings: PracticeSettings) => settings.billing.paperSize ?? 'A4';

async function invoiceAttachment(db: TutorDatabase, ref: MessageDocument, settings: PracticeSettings): Promise<MailAttachment> {
  const invoice = await one<Invoice>(db, 'invoices', ref.id);
  if (!invoice) throw new MissingDocumentError(`The invoice this message attaches (${ref.id}) is not on this computer.`);
  const family = await one<Family>(db, 'families', invoice.familyId);
  if (!family) throw new MissingDocumentError(`The family of invoice ${invoice.number || invoice.id} is not on this computer.`);
  const payments = await all<Payment>(db, 'payments', { familyId: invoice.familyId });
  const related = await all<Invoice>(db, 'invoices', { familyId: invoice.familyId });
  const relatedId = invoice.kind === 'credit_note' ? invoice.creditNoteFor : invoice.voidedBy;
  const students = await all<Student>(db, 'students', { familyId: invoice.familyId });
  const html = renderInvoiceHtml({
    invoice,
    family,
    settings,
    payments,
    students,
    related: related.find((r) => r.id === relatedId) ?? null,
    creditNotes: invoice.kind === 'invoice' ? related.filter((c) => c.creditNoteFor === invoice.id) : [],
    pageSize: pageSize(settings),
  });
  return { filename: invoicePdfFileName(invoice, family), pdfHtml: html, pageSize: pageSize(settings) };
}

/** A family's statement for [ref.from, ref.to], as the ledger's "Statement PDF" makes it, dated the day it is sent. */
async function statementAttachment(
  db: TutorDatabase,
  ref: MessageDocument,
  settings: PracticeSettings,
  now: Date,
): Promise<MailAttachment> {
  const family = await one<Family>(db, 'families', ref.id);
  if (!family) throw new MissingDocumentError(`The family of this statement (${ref.id}) is not on this computer.`);
  const invoices = await all<Invoice>(db, 'invoices', { familyId: family.id });
  const payments = await all<Payment>(db, 'payments', { familyId: family.id });
  const statement = familyStatement(family.id, ref.from, ref.to, invoices, payments, {
    formatDate: (d) => (d ? formatDate(d, settings.locale) : '—'),
  });
  const html = renderStatementHtml({
    statement,
    family,
    settings,
    pageSize: pageSize(settings),
    generatedOn: todayIn(settings.timeZone, now),
  });
  return { filename: statementFileName(family, ref.from, ref.to), pdfHtml: html, pageSize: pageSize(settings) };
}

/** Everything a student's progress report is computed from, read from this computer's records. */
export interface ReportSources {
  student: Student;
  family: Pick<Family, 'name'>;
  lessons: Lesson[];
  occurrences: Occurrence[];
  notes: Note[];
  staff: Staff[];
  closures: Closure[];
}

export async function reportSources(db: TutorDatabase, studentId: string): Promise<ReportSources> {
  const student = await one<Student>(db, 'students', studentId);
  if (!student) throw new MissingDocumentError(`The student of this progress report (${studentId}) is not on this computer.`);
  const family = (await one<Family>(db, 'families', student.familyId)) ?? { name: '' };
  const lessons = (await all<Lesson>(db, 'lessons', {})).filter((l) => l.studentIds.includes(student.id));
  const lessonIds = new Set(lessons.map((l) => l.id));
  const occurrences = (await all<Occurrence>(db, 'occurrences', {})).filter((o) => lessonIds.has(o.lessonId));
  const notes = (await all<Note>(db, 'notes', {})).filter((n) => n.studentIds.includes(student.id));
  const staff = await all<Staff>(db, 'staff', {});
  const closures = await all<Closure>(db, 'closures', {});
  return { student, family, lessons, occurrences, notes, staff, closures };
}

/** The goals as the report lists them: one per non-empty line. */
export const goalLines = (goals: string): string[] =>
  goals
    .split('\n')
    .map((g) => g.trim())
    .filter(Boolean);

/** The report of `ref` (a progress-report document) from its sources. */
export function reportOf(src: ReportSources, ref: Pick<MessageDocument, 'from' | 'to' | 'noteIds' | 'goals'>, settings: PracticeSettings) {
  return progressReport({
    ...src,
    from: ref.from,
    to: ref.to,
    timeZone: settings.timeZone,
    chosenNoteIds: ref.noteIds ?? [],
    goals: goalLines(ref.goals ?? ''),
  });
}

/** The printable HTML of a progress report, its file name and paper size (the PDF the e-mail attaches). */
export function reportPdf(src: ReportSources, ref: Pick<MessageDocument, 'from' | 'to' | 'noteIds' | 'goals'>, settings: PracticeSettings) {
  return {
    filename: progressReportFileName(src.student, ref.from, ref.to),
    pdfHtml: renderProgressReportHtml(reportOf(src, ref, settings), settings),
    pageSize: pageSize(settings),
  };
}

async function reportAttachment(db: TutorDatabase, ref: MessageDocument, settings: PracticeSettings): Promise<MailAttachment> {
  return reportPdf(await reportSources(db, ref.id), ref, settings);
}

/** The attachments of a message's documents marked `attach`. */
export async function attachmentsOf(
  db: TutorDatabase,
  documents: readonly MessageDocument[],
  settings: PracticeSettings,
  now: Date = new Date(),
): Promise<MailAttachment[]> {
  const out: MailAttachment[] = [];
  for (const ref of documents) {
    if (!ref.attach) continue;
    if (ref.kind === 'invoice') out.push(await invoiceAttachment(db, ref, settings));
    else if (ref.kind === 'statement') out.push(await statementAttachment(db, ref, settings, now));
    else out.push(await reportAttachment(db, ref, settings));
  }
  return out;
}

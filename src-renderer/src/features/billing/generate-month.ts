/**
 * A month's draft invoices for every current family, saved: what "Generate drafts for a month"
 * (GenerateDialog) and automatic invoicing (auto-invoicing-job.ts) both run. The drafts are built
 * by the domain (generateMonthDrafts) in chunks of families, each chunk saved with its billing
 * claims all or nothing (insertDrafts); a lesson already claimed is left out (docs/billing.md
 * "Billing claims").
 */
import type { AppServices } from '../../app/AppContext';
import { generateMonthDrafts, type BatchSummary, type BillingWarning } from '../../../../src-shared/billing/generate';
import { monthRange } from '../../../../src-shared/billing/dates';
import type { BillingClaim, Family, Invoice, PracticeSettings, Student } from '../../../../src-shared/model/types';
import { newId } from '../../data';
import { scheduleStoreFor } from '../schedule';
import { insertDrafts } from './actions';
import { loadBillableLessons } from './data';

const CHUNK = 100;

export interface MonthGenerationInput {
  families: readonly Family[];
  students: readonly Student[];
  claims: readonly BillingClaim[];
  invoices: readonly Invoice[];
}

export interface MonthGeneration {
  month: string;
  created: number;
  lessons: number;
  total: number;
  alreadyBilled: number;
  nothingToBill: string[];
  failures: { family: string; message: string }[];
  warnings: (BillingWarning & { family: string })[];
}

export type GenerationProgress = { done: number; total: number; phase: string };

/** Every billing document the generation reads, from the database (for callers without the screens' live data). */
export async function loadMonthGenerationInput(app: Pick<AppServices, 'db'>): Promise<MonthGenerationInput> {
  const [families, students, claims, invoices] = await Promise.all([
    app.db.families.find().exec(),
    app.db.students.find().exec(),
    app.db.billingclaims.find().exec(),
    app.db.invoices.find().exec(),
  ]);
  const plain = <T>(docs: { toJSON(): unknown }[]) => docs.map((d) => d.toJSON() as T);
  return {
    families: plain<Family>(families),
    students: plain<Student>(students),
    claims: plain<BillingClaim>(claims),
    invoices: plain<Invoice>(invoices),
  };
}

/** Generates and saves `month`'s drafts (YYYY-MM); throws only when the month or the schedule cannot be read. */
export async function generateMonth(
  app: AppServices,
  settings: PracticeSettings,
  month: string,
  data: MonthGenerationInput,
  onProgress: (p: GenerationProgress) => void = () => undefined,
): Promise<MonthGeneration> {
  const range = monthRange(month);
  const familyById = new Map(data.families.map((f) => [f.id, f]));
  const name = (id: string) => familyById.get(id)?.name ?? 'Unknown family';
  const families = data.families.filter((f) => !f.archived).sort((a, b) => a.name.localeCompare(b.name));
  onProgress({ done: 0, total: families.length, phase: 'Reading the schedule…' });
  const store = scheduleStoreFor(app.db);
  const lessons = await loadBillableLessons(store, data.students, range.start, range.end, settings.timeZone);
  const { claims, invoices, students } = data;
  // Archived families with unbilled lessons are reported, not billed.
  const archivedWarnings = generateMonthDrafts(
    { month, families: data.families.filter((f) => f.archived), students: [], lessons, claims, invoices },
    { settings, ctx: app.ctx(), newId },
  ).summary.warnings;
  const out: MonthGeneration = { month, created: 0, lessons: 0, total: 0, alreadyBilled: 0, nothingToBill: [], failures: [], warnings: [] };
  for (let i = 0; i < families.length; i += CHUNK) {
    const chunk = families.slice(i, i + CHUNK);
    onProgress({ done: i, total: families.length, phase: 'Building drafts…' });
    await new Promise((r) => setTimeout(r, 0));
    const batch = generateMonthDrafts({ month, families: chunk, students, lessons, claims, invoices }, { settings, ctx: app.ctx(), newId });
    const s: BatchSummary = batch.summary;
    try {
      if (batch.invoices.length) await insertDrafts(app, batch.invoices, batch.claims);
      out.created += s.invoicesCreated;
      out.lessons += s.lessonsBilled;
      out.total += s.total;
    } catch (e) {
      for (const inv of batch.invoices) out.failures.push({ family: name(inv.familyId), message: (e as Error).message });
    }
    out.alreadyBilled += s.lessonsAlreadyBilled;
    const billed = new Set(batch.invoices.map((inv) => inv.familyId));
    const failed = new Set(s.failures.map((f) => f.familyId));
    for (const f of chunk) if (!billed.has(f.id) && !failed.has(f.id)) out.nothingToBill.push(f.name);
    for (const f of s.failures) out.failures.push({ family: name(f.familyId), message: f.message });
    for (const w of s.warnings) out.warnings.push({ ...w, family: name(w.familyId) });
  }
  for (const w of archivedWarnings) out.warnings.push({ ...w, family: name(w.familyId) });
  onProgress({ done: families.length, total: families.length, phase: 'Done' });
  return out;
}

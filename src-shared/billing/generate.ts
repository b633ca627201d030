/**
 * Invoice generation (docs/billing.md "Generating invoices").
 *
 * `generateDraftInvoice` builds one family's draft for a period from the billable, not yet claimed
 * lessons, the monthly fees and package sales due, plus manual lines and credits.
 * `generateMonthDrafts` does it for every family for a month: it indexes lessons and students by
 * family once, so it is linear in lessons + families (the benchmark: 1,000 families and 100,000
 * lessons). Both return the invoice documents AND the BillingClaim documents to insert with them.
 */
import { stampChange, type ChangeContext } from '../model/meta';
import type { BillingClaim, BillingModel, Family, Invoice, InvoiceLine, PracticeSettings, Student } from '../model/types';
import { activeClaimIds, buildClaimDocs, claimId, monthlyFeeItemId, packageItemId } from './claims';
import { formatLessonStart, localDateBoundsUtc, localDateOf, monthRange, monthsStartingIn } from './dates';
import { makeLine, manualLine, newDraftValues, type ManualLineInput } from './drafts';
import { BillingError } from './money';
import { consumePackage, packageUsageFromInvoices, sortPackages } from './packages';
import { isBillableStatus, priceLesson, resolveBillingModel, resolveMonthlyFee, resolveRate, type BillableLesson } from './rates';

export interface GenerateContext {
  settings: PracticeSettings;
  ctx: ChangeContext;
  newId: () => string;
  /** The practice-wide default billing model (default 'per_lesson'). */
  practiceBillingModel?: BillingModel;
}

/** What is already billed: computed once from the synced claims and invoices. */
export interface BillingState {
  /** Claim ids that block billing (see claims.activeClaimIds). */
  activeClaims: ReadonlySet<string>;
  /** packageId → lessons consumed on live invoices. */
  packageUsage: ReadonlyMap<string, number>;
}

export function buildBillingState(claims: Iterable<BillingClaim>, invoices: Iterable<Invoice>): BillingState {
  const list = [...invoices];
  return { activeClaims: activeClaimIds(claims, list), packageUsage: packageUsageFromInvoices(list) };
}

export type BillingWarningCode =
  | 'currency_mismatch'
  | 'package_exhausted'
  | 'no_monthly_fee'
  | 'unknown_student'
  | 'invalid_lesson';

export interface BillingWarning {
  code: BillingWarningCode;
  familyId: string;
  studentId: string;
  occurrenceId: string;
  message: string;
}

export interface DraftResult {
  /** null when there is nothing to bill. */
  invoice: Invoice | null;
  claims: BillingClaim[];
  warnings: BillingWarning[];
  lessonsBilled: number;
  /** Billable lessons in the period skipped because they are already claimed (billed). */
  lessonsAlreadyBilled: number;
}

export interface FamilyBillingInput {
  family: Family;
  /** The family's students (others are ignored). */
  students: readonly Student[];
  /** Billable lessons of this family (any period; filtered to the period here). */
  lessons: readonly BillableLesson[];
}

export interface DraftOptions {
  periodStart: string;
  periodEnd: string;
  manualLines?: ManualLineInput[];
  invoiceDiscountAmount?: number;
  notes?: string;
}

const monthLabelFormatters = new Map<string, Intl.DateTimeFormat>();
function monthLabel(month: string, locale: string): string {
  let f = monthLabelFormatters.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
    monthLabelFormatters.set(locale, f);
  }
  return f.format(new Date(`${month}-01T00:00:00Z`));
}

function studentName(s: Student | undefined): string {
  return s ? `${s.firstName} ${s.lastName}`.trim() : 'Unknown student';
}

interface Bounds {
  startMs: number;
  endMs: number;
}

/** Core of generation for one family; `usage` is mutated as packages are consumed. */
function buildFamilyLines(
  input: FamilyBillingInput,
  opts: DraftOptions,
  bounds: Bounds,
  activeClaims: ReadonlySet<string>,
  usage: Map<string, number>,
  g: GenerateContext,
): { lines: InvoiceLine[]; warnings: BillingWarning[]; lessonsBilled: number; lessonsAlreadyBilled: number } {
  const { family } = input;
  const { settings, newId } = g;
  const currency = settings.currency;
  const locale = settings.locale;
  const timeZone = settings.timeZone;
  const warnings: BillingWarning[] = [];
  const warn = (code: BillingWarningCode, message: string, studentId = '', occurrenceId = '') =>
    warnings.push({ code, familyId: family.id, studentId, occurrenceId, message });

  const studentsById = new Map<string, Student>();
  for (const s of input.students) if (s.familyId === family.id) studentsById.set(s.id, s);

  // 1. Billable lessons in the period, unclaimed, in date order.
  const inPeriod: { lesson: BillableLesson; ms: number }[] = [];
  let lessonsAlreadyBilled = 0;
  for (const lesson of input.lessons) {
    if (lesson.familyId !== family.id) continue;
    const ms = Date.parse(lesson.start);
    if (Number.isNaN(ms)) {
      warn('invalid_lesson', `Lesson ${lesson.occurrenceId} has an invalid start "${lesson.start}"`, lesson.studentId, lesson.occurrenceId);
      continue;
    }
    if (ms < bounds.startMs || ms >= bounds.endMs) continue;
    if (!isBillableStatus(lesson.status, settings)) continue;
    if (activeClaims.has(claimId(lesson.occurrenceId, lesson.studentId))) {
      lessonsAlreadyBilled += 1;
      continue;
    }
    inPeriod.push({ lesson, ms });
  }
  inPeriod.sort((a, b) => a.ms - b.ms || (a.lesson.studentId < b.lesson.studentId ? -1 : a.lesson.studentId > b.lesson.studentId ? 1 : 0) || (a.lesson.occurrenceId < b.lesson.occurrenceId ? -1 : 1));

  const billedStudentIds = new Set(inPeriod.map((x) => x.lesson.studentId));
  for (const s of studentsById.values()) {
    if (s.packages?.length || resolveBillingModel(s, family, g.practiceBillingModel).model === 'monthly') billedStudentIds.add(s.id);
  }
  const showNames = billedStudentIds.size > 1 || family.kind !== 'self';
  const nameSuffix = (s: Student | undefined) => (showNames ? ` — ${s ? s.firstName : 'Unknown student'}` : '');

  const packageLines: InvoiceLine[] = [];
  const feeLines: InvoiceLine[] = [];
  const lessonLines: InvoiceLine[] = [];

  // 2. Package sales due (bought on/before the period end, not yet sold).
  for (const s of studentsById.values()) {
    for (const pkg of sortPackages(s.packages ?? [])) {
      if (pkg.purchasedOn > opts.periodEnd) continue;
      const item = packageItemId(pkg.id);
      if (activeClaims.has(claimId(item, s.id))) continue;
      packageLines.push(
        makeLine({
          id: newId(),
          kind: 'package',
          description: `${pkg.description.trim() || `${pkg.lessons}-lesson package`}${nameSuffix(s)}`,
          unitAmount: pkg.price,
          occurrenceIds: [item],
          studentId: s.id,
          packageId: pkg.id,
          serviceDate: pkg.purchasedOn,
        }),
      );
    }
  }

  // 3. Monthly fees for months starting in the period (active students on the monthly model).
  const months = monthsStartingIn(opts.periodStart, opts.periodEnd);
  if (months.length > 0) {
    for (const s of studentsById.values()) {
      if (s.status !== 'active') continue;
      if (resolveBillingModel(s, family, g.practiceBillingModel).model !== 'monthly') continue;
      const fee = resolveMonthlyFee(s, family);
      if (!fee) {
        warn('no_monthly_fee', `${studentName(s)} is billed monthly but has no monthly fee set`, s.id);
        continue;
      }
      if (fee.currency !== currency) {
        warn('currency_mismatch', `${studentName(s)}'s monthly fee is in ${fee.currency}, the practice bills in ${currency}`, s.id);
        continue;
      }
      for (const month of months) {
        const item = monthlyFeeItemId(month);
        if (activeClaims.has(claimId(item, s.id))) continue;
        feeLines.push(
          makeLine({
            id: newId(),
            kind: 'monthly_fee',
            description: `Monthly fee, ${monthLabel(month, locale)}${nameSuffix(s)}`,
            unitAmount: fee.amount,
            occurrenceIds: [item],
            studentId: s.id,
            serviceDate: `${month}-01`,
          }),
        );
      }
    }
  }

  // 4. Lessons.
  const packagesByStudent = new Map<string, ReturnType<typeof sortPackages>>();
  let lessonsBilled = 0;
  for (const { lesson, ms } of inPeriod) {
    const student = studentsById.get(lesson.studentId);
    if (!student) {
      warn('unknown_student', `Lesson ${lesson.occurrenceId} is for a student who is not in this family (${lesson.studentId}); it was billed at the family rate`, lesson.studentId, lesson.occurrenceId);
    }
    const { model } = resolveBillingModel(student, family, g.practiceBillingModel);
    const date = localDateOf(ms, timeZone);
    const base = `${lesson.subject || 'Lesson'} · ${formatLessonStart(ms, locale, timeZone)} · ${lesson.durationMinutes} min${nameSuffix(student)}`;
    const common = {
      kind: 'lesson' as const,
      occurrenceIds: [lesson.occurrenceId],
      studentId: lesson.studentId,
      serviceDate: date,
      tutorId: lesson.tutorId,
      subject: lesson.subject,
    };
    if (model === 'monthly') {
      lessonLines.push(makeLine({ ...common, id: newId(), description: `${base} (included in the monthly fee)`, unitAmount: 0 }));
      lessonsBilled += 1;
      continue;
    }
    if (model === 'package') {
      let pkgs = packagesByStudent.get(lesson.studentId);
      if (!pkgs) packagesByStudent.set(lesson.studentId, (pkgs = sortPackages(student?.packages ?? [])));
      const used = consumePackage(pkgs, date, usage);
      if (used) {
        lessonLines.push(
          makeLine({
            ...common,
            id: newId(),
            description: `${base} (package, lesson ${used.position} of ${used.pkg.lessons})`,
            unitAmount: 0,
            packageId: used.pkg.id,
          }),
        );
        lessonsBilled += 1;
        continue;
      }
      warn('package_exhausted', `${studentName(student)} has no prepaid lessons left on ${date}; the lesson is billed at the per-lesson rate`, lesson.studentId, lesson.occurrenceId);
    }
    let rate;
    try {
      rate = resolveRate(lesson, student, family, settings);
    } catch (e) {
      warn('invalid_lesson', e instanceof Error ? e.message : String(e), lesson.studentId, lesson.occurrenceId);
      continue;
    }
    if (rate.currency !== currency) {
      warn('currency_mismatch', `The ${rate.source} rate for ${studentName(student)} is in ${rate.currency}, the practice bills in ${currency}; lesson skipped`, lesson.studentId, lesson.occurrenceId);
      continue;
    }
    if (!Number.isInteger(lesson.durationMinutes) || lesson.durationMinutes <= 0) {
      warn('invalid_lesson', `Lesson ${lesson.occurrenceId} has an invalid duration`, lesson.studentId, lesson.occurrenceId);
      continue;
    }
    const price = priceLesson(model === 'hourly' ? 'hourly' : 'per_lesson', rate.amount, lesson.durationMinutes);
    lessonLines.push(
      makeLine({
        ...common,
        id: newId(),
        description: base,
        unitAmount: price.unitAmount,
        quantityMilli: price.quantityMilli,
        durationMinutes: price.durationMinutes,
      }),
    );
    lessonsBilled += 1;
  }

  // 5. Manual lines, then credits.
  const manual = (opts.manualLines ?? []).map((m) => manualLine(m, newId()));
  manual.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'credit' ? 1 : -1));

  return { lines: [...packageLines, ...feeLines, ...lessonLines, ...manual], warnings, lessonsBilled, lessonsAlreadyBilled };
}

function finishDraft(
  familyId: string,
  lines: InvoiceLine[],
  opts: DraftOptions,
  g: GenerateContext,
): { invoice: Invoice; claims: BillingClaim[] } {
  const values = newDraftValues({
    familyId,
    settings: g.settings,
    periodStart: opts.periodStart,
    periodEnd: opts.periodEnd,
    lines,
    invoiceDiscountAmount: opts.invoiceDiscountAmount ?? 0,
    notes: opts.notes ?? '',
  });
  const invoice = stampChange<Invoice>(undefined, values, g.ctx, g.newId);
  return { invoice, claims: buildClaimDocs(invoice, g.ctx) };
}

/**
 * Builds one family's draft for [periodStart, periodEnd] (dates in the practice time zone).
 * Throws BillingError for invalid input (bad period, discount too large, bad manual line).
 */
export function generateDraftInvoice(input: FamilyBillingInput, opts: DraftOptions, state: BillingState, g: GenerateContext): DraftResult {
  const bounds = localDateBoundsUtc(opts.periodStart, opts.periodEnd, g.settings.timeZone);
  const usage = new Map(state.packageUsage);
  const built = buildFamilyLines(input, opts, bounds, state.activeClaims, usage, g);
  if (built.lines.length === 0) {
    return { invoice: null, claims: [], warnings: built.warnings, lessonsBilled: 0, lessonsAlreadyBilled: built.lessonsAlreadyBilled };
  }
  const { invoice, claims } = finishDraft(input.family.id, built.lines, opts, g);
  return { invoice, claims, warnings: built.warnings, lessonsBilled: built.lessonsBilled, lessonsAlreadyBilled: built.lessonsAlreadyBilled };
}

export interface MonthBatchInput {
  /** 'YYYY-MM' */
  month: string;
  families: readonly Family[];
  students: readonly Student[];
  lessons: readonly BillableLesson[];
  claims: Iterable<BillingClaim>;
  invoices: Iterable<Invoice>;
  /** Include archived families (default false; their unbilled lessons are reported as a warning). */
  includeArchivedFamilies?: boolean;
}

export interface BatchSummary {
  month: string;
  periodStart: string;
  periodEnd: string;
  familiesConsidered: number;
  invoicesCreated: number;
  familiesWithNothingToBill: number;
  lessonsBilled: number;
  lessonsAlreadyBilled: number;
  /** Sum of the drafts' totals, minor units. */
  total: number;
  /** Families whose draft could not be built, with the reason. */
  failures: { familyId: string; message: string }[];
  warnings: BillingWarning[];
}

export interface BatchResult {
  invoices: Invoice[];
  claims: BillingClaim[];
  summary: BatchSummary;
}

/**
 * Drafts for every family for a month. `onProgress(done, total)` is called after each family
 * (the UI throttles its progress bar). Linear time: lessons and students are grouped by family once.
 */
export function generateMonthDrafts(input: MonthBatchInput, g: GenerateContext, onProgress?: (done: number, total: number) => void): BatchResult {
  const { start, end } = monthRange(input.month);
  const opts: DraftOptions = { periodStart: start, periodEnd: end };
  const bounds = localDateBoundsUtc(start, end, g.settings.timeZone);
  const state = buildBillingState(input.claims, input.invoices);
  const usage = new Map(state.packageUsage);

  const lessonsByFamily = new Map<string, BillableLesson[]>();
  for (const l of input.lessons) {
    const ms = Date.parse(l.start);
    if (!(ms >= bounds.startMs && ms < bounds.endMs)) continue; // cheap pre-filter; NaN falls out
    let list = lessonsByFamily.get(l.familyId);
    if (!list) lessonsByFamily.set(l.familyId, (list = []));
    list.push(l);
  }
  const studentsByFamily = new Map<string, Student[]>();
  for (const s of input.students) {
    let list = studentsByFamily.get(s.familyId);
    if (!list) studentsByFamily.set(s.familyId, (list = []));
    list.push(s);
  }

  const families = input.families.filter((f) => input.includeArchivedFamilies || !f.archived);
  const summary: BatchSummary = {
    month: input.month,
    periodStart: start,
    periodEnd: end,
    familiesConsidered: families.length,
    invoicesCreated: 0,
    familiesWithNothingToBill: 0,
    lessonsBilled: 0,
    lessonsAlreadyBilled: 0,
    total: 0,
    failures: [],
    warnings: [],
  };
  if (!input.includeArchivedFamilies) {
    for (const f of input.families) {
      if (f.archived && (lessonsByFamily.get(f.id)?.length ?? 0) > 0) {
        summary.warnings.push({ code: 'invalid_lesson', familyId: f.id, studentId: '', occurrenceId: '', message: `${f.name} is archived but has lessons this month; they were not billed` });
      }
    }
  }
  const invoices: Invoice[] = [];
  const claims: BillingClaim[] = [];
  families.forEach((family, i) => {
    try {
      const familyStudents = studentsByFamily.get(family.id) ?? [];
      // Package usage is committed only when the family's draft is built successfully.
      const localUsage = new Map<string, number>();
      for (const s of familyStudents) for (const p of s.packages ?? []) localUsage.set(p.id, usage.get(p.id) ?? 0);
      const built = buildFamilyLines(
        { family, students: familyStudents, lessons: lessonsByFamily.get(family.id) ?? [] },
        opts,
        bounds,
        state.activeClaims,
        localUsage,
        g,
      );
      summary.warnings.push(...built.warnings);
      summary.lessonsAlreadyBilled += built.lessonsAlreadyBilled;
      if (built.lines.length === 0) {
        summary.familiesWithNothingToBill += 1;
      } else {
        const done = finishDraft(family.id, built.lines, opts, g);
        for (const [k, v] of localUsage) usage.set(k, v);
        invoices.push(done.invoice);
        for (const c of done.claims) claims.push(c);
        summary.invoicesCreated += 1;
        summary.lessonsBilled += built.lessonsBilled;
        summary.total += done.invoice.total;
      }
    } catch (e) {
      summary.failures.push({ familyId: family.id, message: e instanceof BillingError || e instanceof Error ? e.message : String(e) });
    }
    onProgress?.(i + 1, families.length);
  });
  return { invoices, claims, summary };
}

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
import { buildClaimDocs, ClaimIndex, monthlyFeeItemId, packageItemId } from './claims';
import { formatLessonStart, localDateBoundsUtc, localDateOf, monthRange, monthsStartingIn, parseInstantMs } from './dates';
import { makeLine, manualLine, newDraftValues, type ManualLineInput } from './drafts';
import { computeInvoiceTotalsInPlace } from './totals';
import { BillingError } from './errors';
import { consumePackage, packageUsageFromInvoices, sortPackages } from './packages';
import { chargeReason, withChargeReason, type ChargePolicy } from './line-reasons';
import {
  minutesToQuantityMilli,
  resolveBillingModel,
  resolveMonthlyFee,
  resolveRate,
  type BillableLesson,
  type ResolvedRate,
} from './rates';

export interface GenerateContext {
  settings: PracticeSettings;
  ctx: ChangeContext;
  newId: () => string;
  /** The practice-wide default billing model (default 'per_lesson'). */
  practiceBillingModel?: BillingModel;
  /** The wording of charge reasons (planned settings.attendance.chargeWording); default wording otherwise. */
  chargeWording?: ChargePolicy['wording'];
}

/** What is already billed: computed once from the synced claims and invoices. */
export interface BillingState {
  /** Claims that block billing (see claims.activeClaimIds), by item and student. */
  claimed: ClaimIndex;
  /** packageId → lessons consumed on live invoices. */
  packageUsage: ReadonlyMap<string, number>;
}

export function buildBillingState(claims: Iterable<BillingClaim>, invoices: Iterable<Invoice>): BillingState {
  const list = [...invoices];
  return { claimed: ClaimIndex.of(claims, list), packageUsage: packageUsageFromInvoices(list) };
}

export type BillingWarningCode = 'currency_mismatch' | 'package_exhausted' | 'no_monthly_fee' | 'unknown_student' | 'invalid_lesson';

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

/** A family's lessons in the period and their parsed start instants (parallel arrays: no per-lesson wrapper objects). */
interface Prepared {
  lessons: BillableLesson[];
  ms: number[];
}

/** Per-run caches of local dates and display strings (the hot path formats ~100,000 starts). */
interface RunFormat {
  localDate(ms: number): string;
  /** "Tue 3 Mar 2026, 16:00 · 60 min" */
  startLabel(ms: number, durationMinutes: number): string;
  /** Why a lesson that did not simply take place is charged ('' when it did); cached. */
  reason(status: BillableLesson['status'], makeupForOccurrenceId: string | undefined): string;
}

/** What one student's lessons share within a draft (resolved at the student's first lesson). */
interface StudentBilling {
  student: Student | undefined;
  model: BillingModel;
  suffix: string;
  packages: ReturnType<typeof sortPackages> | null;
  /** The rate without a lesson override (undefined until first needed). */
  rate: ResolvedRate | undefined;
}

function runFormat(settings: PracticeSettings, wording?: ChargePolicy['wording']): RunFormat {
  const reasons = new Map<string, string>();
  const policy: ChargePolicy = { cancellationNoticeHours: settings.attendance.cancellationNoticeHours, wording };
  let replacedDate: Intl.DateTimeFormat | null = null; // made at the first make-up only
  // Keyed by whole minutes since the epoch when the start is on a minute (always, in practice):
  // a small integer key, where the millisecond number would be boxed for every lookup.
  const key = (ms: number) => (ms % 60_000 === 0 ? ms / 60_000 : -ms);
  const dates = new Map<number, string>();
  const labels = new Map<number, string>();
  const withDuration = new Map<number, Map<number, string>>();
  return {
    localDate(ms) {
      const k = key(ms);
      let v = dates.get(k);
      if (v === undefined) dates.set(k, (v = localDateOf(ms, settings.timeZone)));
      return v;
    },
    startLabel(ms, durationMinutes) {
      const k = key(ms);
      let byStart = withDuration.get(durationMinutes);
      if (byStart === undefined) withDuration.set(durationMinutes, (byStart = new Map()));
      let v = byStart.get(k);
      if (v === undefined) {
        let label = labels.get(k);
        if (label === undefined) labels.set(k, (label = formatLessonStart(ms, settings.locale, settings.timeZone)));
        byStart.set(k, (v = `${label} · ${durationMinutes} min`));
      }
      return v;
    },
    reason(status, makeupForOccurrenceId) {
      if (status === 'attended' && !makeupForOccurrenceId) return '';
      const key = `${status}|${makeupForOccurrenceId ?? ''}`;
      let v = reasons.get(key);
      if (v === undefined)
        reasons.set(
          key,
          (v = chargeReason({ status, makeupForOccurrenceId }, policy, (instant) =>
            (replacedDate ??= new Intl.DateTimeFormat(settings.locale, {
              timeZone: settings.timeZone,
              weekday: 'short',
              day: 'numeric',
              month: 'short',
              year: 'numeric',
            })).format(new Date(instant)),
          )),
        );
      return v;
    },
  };
}

/** Lessons of `familyId` (or all when null) that start within the bounds, with invalid starts reported. */
function prepareLessons(
  lessons: readonly BillableLesson[],
  bounds: Bounds,
  familyId: string | null,
  onInvalid: (l: BillableLesson) => void,
): Map<string, Prepared> {
  const out = new Map<string, Prepared>();
  for (const lesson of lessons) {
    if (familyId !== null && lesson.familyId !== familyId) continue;
    const ms = parseInstantMs(lesson.start);
    if (Number.isNaN(ms)) {
      onInvalid(lesson);
      continue;
    }
    if (ms < bounds.startMs || ms >= bounds.endMs) continue;
    let p = out.get(lesson.familyId);
    if (!p) out.set(lesson.familyId, (p = { lessons: [], ms: [] }));
    p.lessons.push(lesson);
    p.ms.push(ms);
  }
  return out;
}

function newLine(
  id: string,
  kind: InvoiceLine['kind'],
  description: string,
  unitAmount: number,
  occurrenceId: string,
  studentId: string,
): InvoiceLine {
  return {
    id,
    kind,
    description,
    quantityMilli: 1000,
    unitAmount,
    durationMinutes: 0,
    discountAmount: 0,
    invoiceDiscountShare: 0,
    amount: 0,
    taxAmount: 0,
    occurrenceIds: [occurrenceId],
    studentId,
    packageId: '',
    serviceDate: '',
    tutorId: '',
    subject: '',
  };
}

/** Core of generation for one family; `usage` is mutated as packages are consumed. */
function buildFamilyLines(
  family: Family,
  students: readonly Student[],
  prepared: Prepared | undefined,
  opts: DraftOptions,
  claimed: ClaimIndex,
  usage: Map<string, number>,
  g: GenerateContext,
  fmt: RunFormat,
  initialWarnings: BillingWarning[] = [],
): { lines: InvoiceLine[]; warnings: BillingWarning[]; lessonsBilled: number; lessonsAlreadyBilled: number } {
  const { settings, newId } = g;
  const currency = settings.currency;
  const locale = settings.locale;
  const warnings: BillingWarning[] = initialWarnings;
  const warn = (code: BillingWarningCode, message: string, studentId = '', occurrenceId = '') =>
    warnings.push({ code, familyId: family.id, studentId, occurrenceId, message });

  const studentsById = new Map<string, Student>();
  for (const s of students) if (s.familyId === family.id) studentsById.set(s.id, s);

  // 1. Billable lessons in the period, unclaimed, in date order.
  const billable = new Set(settings.attendance.billable);
  const pl = prepared?.lessons ?? [];
  const pms = prepared?.ms ?? [];
  const inPeriod: number[] = []; // indexes into pl / pms
  let lessonsAlreadyBilled = 0;
  for (let i = 0; i < pl.length; i++) {
    const lesson = pl[i]!;
    if (!billable.has(lesson.status)) continue;
    if (claimed.size > 0 && claimed.has(lesson.occurrenceId, lesson.studentId)) {
      lessonsAlreadyBilled += 1;
      continue;
    }
    inPeriod.push(i);
  }
  inPeriod.sort((ia, ib) => {
    const a = pl[ia]!;
    const b = pl[ib]!;
    return (
      pms[ia]! - pms[ib]! ||
      (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0) ||
      (a.occurrenceId < b.occurrenceId ? -1 : a.occurrenceId > b.occurrenceId ? 1 : 0)
    );
  });

  const billedStudentIds = new Set(inPeriod.map((i) => pl[i]!.studentId));
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
      if (claimed.has(item, s.id)) continue;
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
        if (claimed.has(item, s.id)) continue;
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

  // 4. Lessons. The hot path of batch generation (~100,000 lessons): per-student values (model,
  // name suffix, default rate) are resolved once, and nothing is allocated per lesson except the
  // line, its description and its occurrence id list.
  const perStudent = new Map<string, StudentBilling>();
  let lessonsBilled = 0;
  for (const i of inPeriod) {
    const lesson = pl[i]!;
    const ms = pms[i]!;
    let sb = perStudent.get(lesson.studentId);
    if (sb === undefined) {
      const student = studentsById.get(lesson.studentId);
      if (!student) {
        warn(
          'unknown_student',
          `Lessons of student ${lesson.studentId}, who is not in this family, were billed at the family rate`,
          lesson.studentId,
          lesson.occurrenceId,
        );
      }
      sb = {
        student,
        model: resolveBillingModel(student, family, g.practiceBillingModel).model,
        suffix: nameSuffix(student),
        packages: null,
        rate: undefined,
      };
      perStudent.set(lesson.studentId, sb);
    }
    const student = sb.student;
    const model = sb.model;
    const date = fmt.localDate(ms);
    const base = `${lesson.subject || 'Lesson'} · ${fmt.startLabel(ms, lesson.durationMinutes)}${sb.suffix}`;
    const why = fmt.reason(lesson.status, lesson.makeupForOccurrenceId);
    let line: InvoiceLine | null = null;
    if (model === 'monthly') {
      line = newLine(
        newId(),
        'lesson',
        withChargeReason(`${base} (included in the monthly fee)`, why),
        0,
        lesson.occurrenceId,
        lesson.studentId,
      );
    } else if (model === 'package') {
      const pkgs = (sb.packages ??= sortPackages(student?.packages ?? []));
      const used = consumePackage(pkgs, date, usage);
      if (used) {
        line = newLine(
          newId(),
          'lesson',
          withChargeReason(`${base} (package, lesson ${used.position} of ${used.pkg.lessons})`, why),
          0,
          lesson.occurrenceId,
          lesson.studentId,
        );
        line.packageId = used.pkg.id;
      } else {
        warn(
          'package_exhausted',
          `${studentName(student)} has no prepaid lessons left on ${date}; the lesson is billed at the per-lesson rate`,
          lesson.studentId,
          lesson.occurrenceId,
        );
      }
    }
    if (!line) {
      let rate: ResolvedRate;
      try {
        // Without a lesson override the rate depends on the student only: resolved once.
        rate = lesson.rateOverride
          ? resolveRate(lesson, student, family, settings)
          : (sb.rate ??= resolveRate(lesson, student, family, settings));
      } catch (e) {
        warn('invalid_lesson', e instanceof Error ? e.message : String(e), lesson.studentId, lesson.occurrenceId);
        continue;
      }
      if (rate.currency !== currency) {
        warn(
          'currency_mismatch',
          `The ${rate.source} rate for ${studentName(student)} is in ${rate.currency}, the practice bills in ${currency}; lesson skipped`,
          lesson.studentId,
          lesson.occurrenceId,
        );
        continue;
      }
      if (!Number.isInteger(lesson.durationMinutes) || lesson.durationMinutes <= 0) {
        warn('invalid_lesson', `Lesson ${lesson.occurrenceId} has an invalid duration`, lesson.studentId, lesson.occurrenceId);
        continue;
      }
      // As priceLesson, without its result object: hourly lines are prorated from the minutes.
      line = newLine(newId(), 'lesson', withChargeReason(base, why), rate.amount, lesson.occurrenceId, lesson.studentId);
      if (model === 'hourly') {
        line.quantityMilli = minutesToQuantityMilli(lesson.durationMinutes);
        line.durationMinutes = lesson.durationMinutes;
      }
    }
    line.serviceDate = date;
    line.tutorId = lesson.tutorId;
    line.subject = lesson.subject;
    lessonLines.push(line);
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
  claimsOut: BillingClaim[] = [],
): { invoice: Invoice; claims: BillingClaim[] } {
  const values = newDraftValues({
    familyId,
    settings: g.settings,
    periodStart: opts.periodStart,
    periodEnd: opts.periodEnd,
    notes: opts.notes ?? '',
  });
  // The lines are fresh objects owned by this draft: compute in place instead of copying them.
  values.lines = lines;
  values.invoiceDiscountAmount = opts.invoiceDiscountAmount ?? 0;
  computeInvoiceTotalsInPlace(values);
  const invoice = stampChange<Invoice>(undefined, values, g.ctx, g.newId);
  return { invoice, claims: buildClaimDocs(invoice, g.ctx, claimsOut) };
}

/**
 * Builds one family's draft for [periodStart, periodEnd] (dates in the practice time zone).
 * Throws BillingError for invalid input (bad period, discount too large, bad manual line).
 */
export function generateDraftInvoice(input: FamilyBillingInput, opts: DraftOptions, state: BillingState, g: GenerateContext): DraftResult {
  const bounds = localDateBoundsUtc(opts.periodStart, opts.periodEnd, g.settings.timeZone);
  const usage = new Map(state.packageUsage);
  const warnings: BillingWarning[] = [];
  const prepared = prepareLessons(input.lessons, bounds, input.family.id, (l) =>
    warnings.push({
      code: 'invalid_lesson',
      familyId: input.family.id,
      studentId: l.studentId,
      occurrenceId: l.occurrenceId,
      message: `Lesson ${l.occurrenceId} has an invalid start "${l.start}"`,
    }),
  ).get(input.family.id);
  const built = buildFamilyLines(
    input.family,
    input.students,
    prepared,
    opts,
    state.claimed,
    usage,
    g,
    runFormat(g.settings, g.chargeWording),
    warnings,
  );
  if (built.lines.length === 0) {
    return { invoice: null, claims: [], warnings: built.warnings, lessonsBilled: 0, lessonsAlreadyBilled: built.lessonsAlreadyBilled };
  }
  const { invoice, claims } = finishDraft(input.family.id, built.lines, opts, g);
  return {
    invoice,
    claims,
    warnings: built.warnings,
    lessonsBilled: built.lessonsBilled,
    lessonsAlreadyBilled: built.lessonsAlreadyBilled,
  };
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
export function generateMonthDrafts(
  input: MonthBatchInput,
  g: GenerateContext,
  onProgress?: (done: number, total: number) => void,
): BatchResult {
  const { start, end } = monthRange(input.month);
  const opts: DraftOptions = { periodStart: start, periodEnd: end };
  const bounds = localDateBoundsUtc(start, end, g.settings.timeZone);
  const state = buildBillingState(input.claims, input.invoices);
  const usage = new Map(state.packageUsage);

  const invalid: BillingWarning[] = [];
  const lessonsByFamily = prepareLessons(input.lessons, bounds, null, (l) =>
    invalid.push({
      code: 'invalid_lesson',
      familyId: l.familyId,
      studentId: l.studentId,
      occurrenceId: l.occurrenceId,
      message: `Lesson ${l.occurrenceId} has an invalid start "${l.start}"`,
    }),
  );
  const fmt = runFormat(g.settings, g.chargeWording);
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
    warnings: invalid,
  };
  if (!input.includeArchivedFamilies) {
    for (const f of input.families) {
      if (f.archived && (lessonsByFamily.get(f.id)?.lessons.length ?? 0) > 0) {
        summary.warnings.push({
          code: 'invalid_lesson',
          familyId: f.id,
          studentId: '',
          occurrenceId: '',
          message: `${f.name} is archived but has lessons this month; they were not billed`,
        });
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
      const built = buildFamilyLines(family, familyStudents, lessonsByFamily.get(family.id), opts, state.claimed, localUsage, g, fmt);
      summary.warnings.push(...built.warnings);
      summary.lessonsAlreadyBilled += built.lessonsAlreadyBilled;
      if (built.lines.length === 0) {
        summary.familiesWithNothingToBill += 1;
      } else {
        const done = finishDraft(family.id, built.lines, opts, g, claims);
        for (const [k, v] of localUsage) usage.set(k, v);
        invoices.push(done.invoice);
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

/**
 * Rates and billing models (docs/billing.md "Rates").
 *
 * Rate resolution, first non-null wins:
 *   1. the lesson's `rateOverride`
 *   2. the student's `defaultRate`
 *   3. the family's `defaultRate`
 *   4. the practice's `defaultRate`
 *
 * The rate's unit is the student's billing model: 'hourly' → per hour (prorated by duration),
 * every other model → per lesson. Billing model resolution: student → family → practice default
 * ('per_lesson' unless the caller passes another).
 */
import type { AttendanceStatus, BillingModel, Family, Money, PracticeSettings, Student } from '../model/types';
import { BillingError } from './errors';
import { assertMinor, divRoundHalfEven, mulDivRoundHalfEven } from '../money';

/**
 * One student's attendance at one lesson occurrence: what billing and payroll consume. The UI
 * builds these from the schedule expansion (one per student of a group lesson).
 */
export interface BillableLesson {
  /** `${lessonId}@${originalStart}` (the schedule's deterministic occurrence id). */
  occurrenceId: string;
  lessonId: string;
  studentId: string;
  /** The payer of this student (at the time of billing). */
  familyId: string;
  /** Actual start, UTC ISO instant (after any move). */
  start: string;
  durationMinutes: number;
  /** This student's attendance status for the occurrence. */
  status: AttendanceStatus;
  subject: string;
  tutorId: string;
  rateOverride: Money | null;
  /** A make-up lesson: the occurrence id of the lesson it replaces (its line says so). */
  makeupForOccurrenceId?: string;
}

export type RateSource = 'lesson' | 'student' | 'family' | 'practice';

export interface ResolvedRate {
  amount: number;
  currency: string;
  source: RateSource;
}

/** Resolves the rate of a lesson for a student in the documented order. */
export function resolveRate(
  lesson: Pick<BillableLesson, 'rateOverride'>,
  student: Pick<Student, 'defaultRate'> | undefined,
  family: Pick<Family, 'defaultRate'> | undefined,
  settings: Pick<PracticeSettings, 'defaultRate'>,
): ResolvedRate {
  const pick = (m: Money | null | undefined, source: RateSource): ResolvedRate | null =>
    m ? { amount: assertMinor(m.amount, 'rate'), currency: m.currency, source } : null;
  const rate =
    pick(lesson.rateOverride, 'lesson') ??
    pick(student?.defaultRate, 'student') ??
    pick(family?.defaultRate, 'family') ??
    pick(settings.defaultRate, 'practice');
  if (!rate) throw new BillingError('no_rate', 'No rate is set (the practice default rate is missing)');
  if (rate.amount < 0) throw new BillingError('negative_rate', 'A rate cannot be negative');
  return rate;
}

export type BillingModelSource = 'student' | 'family' | 'practice';

export function resolveBillingModel(
  student: Pick<Student, 'billingModel'> | undefined,
  family: Pick<Family, 'billingModel'> | undefined,
  practiceDefault: BillingModel = 'per_lesson',
): { model: BillingModel; source: BillingModelSource } {
  if (student?.billingModel) return { model: student.billingModel, source: 'student' };
  if (family?.billingModel) return { model: family.billingModel, source: 'family' };
  return { model: practiceDefault, source: 'practice' };
}

/** Monthly fee of a student on the 'monthly' model: the student's, else the family's, else null. */
export function resolveMonthlyFee(
  student: Pick<Student, 'monthlyFee'> | undefined,
  family: Pick<Family, 'monthlyFee'> | undefined,
): Money | null {
  return student?.monthlyFee ?? family?.monthlyFee ?? null;
}

/** Whether the family is charged for a lesson with this status (settings.attendance.billable). */
export function isBillableStatus(status: AttendanceStatus, settings: Pick<PracticeSettings, 'attendance'>): boolean {
  return settings.attendance.billable.includes(status);
}

/** Whether the tutor is paid for a lesson with this status (settings.attendance.payable). */
export function isPayableStatus(status: AttendanceStatus, settings: Pick<PracticeSettings, 'attendance'>): boolean {
  return settings.attendance.payable.includes(status);
}

/** Hourly proration: rate × minutes / 60, rounded half to even. */
export function prorateHourly(ratePerHour: number, minutes: number): number {
  assertMinor(minutes, 'minutes');
  if (minutes < 0) throw new BillingError('negative_duration', 'A duration cannot be negative');
  return mulDivRoundHalfEven(ratePerHour, minutes, 60);
}

/** Quantity in thousandths of an hour for display: minutes × 1000 / 60, rounded half to even. */
export function minutesToQuantityMilli(minutes: number): number {
  return divRoundHalfEven(minutes * 1000, 60);
}

export interface LessonPrice {
  quantityMilli: number;
  unitAmount: number;
  /** > 0 when the base is prorated from minutes (hourly). */
  durationMinutes: number;
  /** The line's base amount before discounts: what the family pays for the lesson. */
  base: number;
}

/** The price of one lesson under a per-lesson or hourly model. */
export function priceLesson(model: 'per_lesson' | 'hourly', rate: number, durationMinutes: number): LessonPrice {
  if (model === 'hourly') {
    return {
      quantityMilli: minutesToQuantityMilli(durationMinutes),
      unitAmount: rate,
      durationMinutes,
      base: prorateHourly(rate, durationMinutes),
    };
  }
  return { quantityMilli: 1000, unitAmount: rate, durationMinutes: 0, base: rate };
}

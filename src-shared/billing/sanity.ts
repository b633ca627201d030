/**
 * Sanity, not silence (docs/billing.md "Sanity limits"). Two kinds of check on amounts people type:
 *
 * - HARD limits no tutoring practice reaches (`HARD_LIMITS`): refused, in the form and in the
 *   schema (the schema phase copies these numbers into src-shared/model/schemas.ts, and
 *   tests/unit/billing/sanity.test.ts checks that they are safe for every sum the app makes).
 * - SOFT limits relative to the practice (`checkPayment`, `checkLinePrice`, `checkRate`): allowed
 *   after an explicit confirmation that names the figure ("Record £99,999,999,999.00?"), because a
 *   term paid in advance or an unusual one-off item is real.
 *
 * And `readableScale`: the scale of a report chart stays readable when one value is absurd (the
 * axis is clipped and the outlier marked, instead of a £120B axis flattening every bar).
 *
 * Pure: amounts are integer minor units.
 */
import { formatMoney, minorUnitDigits } from '../money';
import type { Family, Lesson, Money, PracticeSettings, Student } from '../model/types';

/**
 * Hard limits shared by forms, schemas and server rules. Money limits are in MINOR units and the
 * same for every currency (a JSON schema cannot depend on the currency): 10^12 minor units is
 * £10,000,000,000.00 or ¥1,000,000,000,000, far above any tutoring invoice in any currency the app
 * offers, yet it refuses the 99,999,999,999 (major units) of issue 15. Totals are sums of at most
 * `invoiceLinesMax` lines, so they stay below Number.MAX_SAFE_INTEGER (9.007 × 10^15).
 */
export const HARD_LIMITS = {
  /** Any single amount: a rate, a price, a payment, a refund, a fee, a discount. */
  amountMax: 1_000_000_000_000,
  /** Invoice subtotal / tax / total: amountMax × invoiceLinesMax, a safe integer. */
  totalMax: 2_000_000_000_000_000,
  /** Lines on one invoice (a family's month of daily lessons for several children is ~100). */
  invoiceLinesMax: 2000,
  /** Quantity of a line in thousandths: at most 1,000 units. */
  quantityMilliMax: 1_000_000,
  /** Minutes of one lesson or one time-based line. */
  durationMinutesMax: 24 * 60,
  /** Allocations of one payment (each to one invoice). */
  allocationsMax: 500,
  /** Lessons in one prepaid package. */
  packageLessonsMax: 1000,
  /** Payment terms in days. */
  paymentTermsDaysMax: 365,
  /** Cancellation notice in hours (30 days). */
  cancellationNoticeHoursMax: 720,
  /** Reminder lead time in minutes (one week). */
  reminderMinutesMax: 7 * 24 * 60,
  /** Students in one (group) lesson. */
  lessonStudentsMax: 100,
  /** Subjects of one student. */
  subjectsMax: 50,
  /** Revisions kept on one payment (each edit adds one). */
  paymentRevisionsMax: 200,
} as const;

/** What a form shows when a figure is unusual: the message, and a button that names the figure. */
export interface Confirmation {
  kind: 'confirm';
  /** The figure, formatted: "£99,999,999,999.00". */
  figure: string;
  /** One or two sentences saying why it is unusual, with the figures compared. */
  message: string;
  /** The label of the confirming button, naming the figure: "Record £99,999,999,999.00". */
  confirmLabel: string;
}

/** A refusal (hard limit). */
export interface Refusal {
  kind: 'refuse';
  message: string;
}

export type SanityResult = Confirmation | Refusal | null;

function fmt(amount: number, currency: string, locale: string): string {
  return formatMoney({ amount, currency }, locale);
}

/** Refuses an amount above the hard limit (or not an integer), null when within it. */
export function checkHardAmount(amount: number, currency: string, locale: string, what = 'The amount'): Refusal | null {
  if (!Number.isSafeInteger(amount))
    return { kind: 'refuse', message: `${what} is not a whole number of ${minorUnitDigits(currency) > 0 ? 'minor units' : currency}` };
  if (Math.abs(amount) > HARD_LIMITS.amountMax) {
    return {
      kind: 'refuse',
      message: `${what} is larger than any tutoring practice charges: at most ${fmt(HARD_LIMITS.amountMax, currency, locale)}`,
    };
  }
  return null;
}

/** The practice's usual range of prices, from what it charges today. */
export interface PracticeRange {
  /** Highest lesson rate anywhere (practice default, families, students, lesson overrides). */
  highestRate: number;
  /** Highest fee that is not a lesson: a package price or a monthly fee (0 when none). */
  highestFee: number;
  currency: string;
}

/** The practice's price range from its settings and records (rates in other currencies are ignored). */
export function practiceRange(args: {
  settings: Pick<PracticeSettings, 'defaultRate' | 'currency'>;
  families?: Iterable<Pick<Family, 'defaultRate' | 'monthlyFee'>>;
  students?: Iterable<Pick<Student, 'defaultRate' | 'monthlyFee' | 'packages'>>;
  lessons?: Iterable<Pick<Lesson, 'rateOverride'>>;
}): PracticeRange {
  const currency = args.settings.currency;
  let highestRate = 0;
  let highestFee = 0;
  const rate = (m: Money | null | undefined) => {
    if (m && m.currency === currency && m.amount > highestRate) highestRate = m.amount;
  };
  const fee = (amount: number | undefined, cur = currency) => {
    if (amount !== undefined && cur === currency && amount > highestFee) highestFee = amount;
  };
  rate(args.settings.defaultRate);
  for (const f of args.families ?? []) {
    rate(f.defaultRate);
    fee(f.monthlyFee?.amount, f.monthlyFee?.currency);
  }
  for (const s of args.students ?? []) {
    rate(s.defaultRate);
    fee(s.monthlyFee?.amount, s.monthlyFee?.currency);
    for (const p of s.packages ?? []) fee(p.price);
  }
  for (const l of args.lessons ?? []) rate(l.rateOverride);
  return { highestRate, highestFee, currency };
}

/** Lessons in a term paid in advance without a question (12 weekly lessons). */
export const PREPAID_TERM_LESSONS = 12;
/** A price is unusual from this many times the practice's highest rate or fee. */
export const UNUSUAL_PRICE_FACTOR = 10;

/**
 * A payment needs a confirmation when it is more than what the family owes plus a margin: a term
 * of lessons at the practice's highest rate, or its highest fee, whichever is larger (parents do
 * pay ahead). Above the hard limit it is refused.
 */
export function checkPayment(args: {
  amount: number;
  /** What the family owes now (positive), or its credit (negative). */
  familyBalance: number;
  familyName: string;
  range: PracticeRange;
  locale: string;
}): SanityResult {
  const { amount, range, locale } = args;
  const c = range.currency;
  const hard = checkHardAmount(amount, c, locale, 'The payment');
  if (hard) return hard;
  const owed = Math.max(args.familyBalance, 0);
  const margin = Math.max(range.highestRate * PREPAID_TERM_LESSONS, range.highestFee);
  if (amount <= owed + margin) return null;
  const figure = fmt(amount, c, locale);
  const beyond = fmt(amount - owed, c, locale);
  return {
    kind: 'confirm',
    figure,
    message:
      owed > 0
        ? `${figure} is ${beyond} more than ${args.familyName} owes (${fmt(owed, c, locale)}). The difference becomes the family's credit.`
        : `${args.familyName} owes nothing, and ${figure} is more than a term of lessons in advance (${fmt(margin, c, locale)}). It becomes the family's credit.`,
    confirmLabel: `Record ${figure}`,
  };
}

/**
 * An invoice line's unit price needs a confirmation from UNUSUAL_PRICE_FACTOR times the
 * practice's highest rate or fee; above the hard limit it is refused.
 */
export function checkLinePrice(args: { unitAmount: number; range: PracticeRange; locale: string }): SanityResult {
  const { range, locale } = args;
  const c = range.currency;
  const amount = Math.abs(args.unitAmount);
  const hard = checkHardAmount(amount, c, locale, 'The price');
  if (hard) return hard;
  const reference = Math.max(range.highestRate, range.highestFee);
  if (reference <= 0 || amount <= reference * UNUSUAL_PRICE_FACTOR) return null;
  const figure = fmt(amount, c, locale);
  const times = Math.floor(amount / reference);
  return {
    kind: 'confirm',
    figure,
    message: `${figure} is ${times.toLocaleString(locale)} times the practice's highest ${range.highestFee > range.highestRate ? 'fee' : 'rate'} (${fmt(reference, c, locale)}).`,
    confirmLabel: `Use ${figure}`,
  };
}

/** A lesson rate (practice, family, student or lesson) needs a confirmation from 10× the highest rate in use. */
export function checkRate(args: { amount: number; range: PracticeRange; locale: string }): SanityResult {
  const { range, locale } = args;
  const c = range.currency;
  const hard = checkHardAmount(args.amount, c, locale, 'The rate');
  if (hard) return hard;
  if (range.highestRate <= 0 || args.amount <= range.highestRate * UNUSUAL_PRICE_FACTOR) return null;
  const figure = fmt(args.amount, c, locale);
  return {
    kind: 'confirm',
    figure,
    message: `${figure} per lesson is ${Math.floor(args.amount / range.highestRate).toLocaleString(locale)} times the highest rate the practice charges (${fmt(range.highestRate, c, locale)}).`,
    confirmLabel: `Use ${figure}`,
  };
}

// ───────────────────────────── Chart scale ─────────────────────────────

export interface ReadableScale {
  /** Axis bounds (nice numbers; min ≤ 0 ≤ max). */
  min: number;
  max: number;
  /** Evenly spaced tick values from min to max. */
  ticks: number[];
  /** Values beyond the axis: drawn at the edge with a marker naming the real figure. */
  outliers: { index: number; value: number }[];
  /** The value to plot for `values[i]` (clipped to the axis). */
  plotted: number[];
}

/** A value is an outlier from this many times the typical value (the lower median of the non-zero values)… */
export const OUTLIER_FACTOR = 25;
/** …and this many times the next value below it (a practice's first busy month is not an outlier). */
export const OUTLIER_GAP = 5;

/** The smallest "nice" number (1, 2, 2.5 or 5 × 10^n) ≥ x. */
export function niceCeil(x: number): number {
  if (x <= 0) return 0;
  const exp = Math.floor(Math.log10(x));
  const base = 10 ** exp;
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= x) return m * base;
  return 10 * base;
}

function outlierIndexes(magnitudes: number[]): Set<number> {
  const nonZero = magnitudes
    .map((v, index) => ({ v, index }))
    .filter((x) => x.v > 0)
    .sort((a, b) => a.v - b.v);
  const out = new Set<number>();
  if (nonZero.length < 2) return out;
  const typical = nonZero[Math.floor((nonZero.length - 1) / 2)]!.v;
  // From the top down: a value is an outlier while it towers over both the typical value and the
  // next one below it (which may itself be an outlier only if it towers too).
  for (let i = nonZero.length - 1; i >= 1; i--) {
    const cur = nonZero[i]!;
    const below = nonZero[i - 1]!.v;
    if (cur.v > typical * OUTLIER_FACTOR && cur.v > below * OUTLIER_GAP) {
      out.add(cur.index);
      // Everything above an outlier is an outlier too.
      for (let j = i + 1; j < nonZero.length; j++) out.add(nonZero[j]!.index);
    }
  }
  return out;
}

/**
 * A readable axis for a bar or line chart of `values` (e.g. income by month): ordinary values
 * decide the scale; absurd ones (OUTLIER_FACTOR × typical and OUTLIER_GAP × the next) are clipped
 * to the axis edge and listed in `outliers`, so one mistyped £99,999,999,999 payment does not turn
 * every other month into an invisible sliver.
 */
export function readableScale(values: readonly number[], tickCount = 5): ReadableScale {
  const outlierSet = outlierIndexes(values.map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
  let hi = 0;
  let lo = 0;
  values.forEach((v, i) => {
    if (!Number.isFinite(v) || outlierSet.has(i)) return;
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  });
  const span = Math.max(hi, -lo);
  const step = niceCeil((span || 1) / tickCount);
  const max = hi > 0 ? Math.ceil(hi / step) * step : 0;
  const min = lo < 0 ? -Math.ceil(-lo / step) * step : 0;
  const ticks: number[] = [];
  for (let t = min; t <= max + step / 2; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  if (ticks.length < 2) ticks.push(step);
  const top = Math.max(max, ticks.at(-1)!);
  const outliers = values.map((value, index) => ({ index, value })).filter((x) => outlierSet.has(x.index));
  const plotted = values.map((v, i) => (!Number.isFinite(v) ? 0 : outlierSet.has(i) ? (v > 0 ? top : min) : v));
  return { min, max: top, ticks, outliers, plotted };
}

/**
 * ONE locale for the practice (docs/billing.md "One locale for the practice"): every date, time,
 * number and amount on every screen and in every export is written by the formatters of
 * `practiceFormat(locale, timeZone, currency)`, so a GBP practice in Europe/London never shows
 * "Nov 3, 2026, 04:00 PM" next to "3 Nov 2026".
 *
 * - `resolvePracticeLocale` decides the locale: the practice's choice (settings.locale), else the
 *   system's languages, adjusted to the practice's country (an "en-US" system language on a GBP /
 *   Europe/London practice gives en-GB), else English of the practice's country, else en-GB.
 * - `PRACTICE_LOCALES` / `localeOptions` is the short list offered on the welcome screen and in
 *   Settings, with names a person reads and a sample of each.
 * - The formatters are cached per (locale, time zone, currency): tables format thousands of cells.
 *
 * Business dates (YYYY-MM-DD: invoice, due and payment dates) are calendar dates and are shown as
 * they are, in any time zone; instants (lesson starts, ISO UTC) are shown in the practice zone.
 *
 * Pure: Intl only, no DOM (the caller passes `navigator.languages` or Electron's `app.getLocale()`).
 */
import { formatMoney, minorUnitDigits } from '../money';

/** The locales offered, by region of the world; every one is tested to round-trip amounts. */
export const PRACTICE_LOCALES = [
  'en-GB',
  'en-IE',
  'en-US',
  'en-CA',
  'en-AU',
  'en-NZ',
  'en-ZA',
  'en-IN',
  'fr-FR',
  'fr-BE',
  'fr-CH',
  'fr-CA',
  'de-DE',
  'de-AT',
  'de-CH',
  'it-IT',
  'es-ES',
  'es-MX',
  'pt-PT',
  'pt-BR',
  'nl-NL',
  'nl-BE',
  'sv-SE',
  'nb-NO',
  'da-DK',
  'fi-FI',
  'pl-PL',
  'cs-CZ',
  'el-GR',
  'tr-TR',
  'ja-JP',
  'zh-CN',
  'ar-AE',
] as const;
export type PracticeLocale = (typeof PRACTICE_LOCALES)[number];

export const DEFAULT_LOCALE = 'en-GB';

export interface LocaleOption {
  /** BCP 47 tag stored in settings.locale. */
  tag: string;
  /** Name in the language of the screen ("English (United Kingdom)"). */
  label: string;
  /** Name in the locale itself ("Deutsch (Deutschland)"), for people looking for their language. */
  nativeLabel: string;
  /** How the locale writes a date, a time and an amount: "3 Nov 2026, 16:00 · 1,234.56". */
  sample: string;
}

function displayName(tag: string, inLocale: string): string {
  try {
    return new Intl.DisplayNames([inLocale], { type: 'language', languageDisplay: 'standard' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

const SAMPLE_INSTANT = Date.UTC(2026, 10, 3, 16, 0);

/** The offered locales with names in `displayLocale` (the screen's language), sorted by name. */
export function localeOptions(displayLocale: string = DEFAULT_LOCALE, currency = 'GBP'): LocaleOption[] {
  const collator = new Intl.Collator(displayLocale);
  return PRACTICE_LOCALES.map((tag) => {
    const f = practiceFormat(tag, 'UTC', currency);
    return {
      tag,
      label: displayName(tag, displayLocale),
      nativeLabel: displayName(tag, tag),
      sample: `${f.dateTime(SAMPLE_INSTANT)} · ${f.number(1234.56, 2)}`,
    };
  }).sort((a, b) => collator.compare(a.label, b.label));
}

/** A valid BCP 47 tag in its canonical spelling ('en-gb' → 'en-GB'), or '' when it is not one. */
export function canonicalLocale(tag: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim().replace(/_/g, '-'));
    return canonical ?? '';
  } catch {
    return '';
  }
}

/** Countries of single-country currencies. */
const CURRENCY_REGION: Record<string, string> = {
  GBP: 'GB',
  USD: 'US',
  CAD: 'CA',
  AUD: 'AU',
  NZD: 'NZ',
  ZAR: 'ZA',
  INR: 'IN',
  CHF: 'CH',
  SEK: 'SE',
  NOK: 'NO',
  DKK: 'DK',
  PLN: 'PL',
  CZK: 'CZ',
  TRY: 'TR',
  JPY: 'JP',
  CNY: 'CN',
  AED: 'AE',
  MXN: 'MX',
  BRL: 'BR',
};
/** Countries of the time zones of the offered locales (for the euro, and for checking the currency). */
const ZONE_REGION: Record<string, string> = {
  'Europe/London': 'GB',
  'Europe/Belfast': 'GB',
  'Europe/Dublin': 'IE',
  'Europe/Paris': 'FR',
  'Europe/Brussels': 'BE',
  'Europe/Zurich': 'CH',
  'Europe/Berlin': 'DE',
  'Europe/Vienna': 'AT',
  'Europe/Rome': 'IT',
  'Europe/Madrid': 'ES',
  'Atlantic/Canary': 'ES',
  'Europe/Lisbon': 'PT',
  'Atlantic/Madeira': 'PT',
  'Europe/Amsterdam': 'NL',
  'Europe/Stockholm': 'SE',
  'Europe/Oslo': 'NO',
  'Europe/Copenhagen': 'DK',
  'Europe/Helsinki': 'FI',
  'Europe/Warsaw': 'PL',
  'Europe/Prague': 'CZ',
  'Europe/Athens': 'GR',
  'Europe/Istanbul': 'TR',
  'Asia/Tokyo': 'JP',
  'Asia/Shanghai': 'CN',
  'Asia/Dubai': 'AE',
  'Asia/Kolkata': 'IN',
  'Asia/Calcutta': 'IN',
  'Africa/Johannesburg': 'ZA',
  'Pacific/Auckland': 'NZ',
  'America/Mexico_City': 'MX',
  'America/Sao_Paulo': 'BR',
  'America/Toronto': 'CA',
  'America/Vancouver': 'CA',
  'America/Montreal': 'CA',
  'America/Edmonton': 'CA',
  'America/Halifax': 'CA',
  'America/Winnipeg': 'CA',
  'America/New_York': 'US',
  'America/Chicago': 'US',
  'America/Denver': 'US',
  'America/Los_Angeles': 'US',
  'America/Phoenix': 'US',
  'America/Anchorage': 'US',
  'Pacific/Honolulu': 'US',
};

/** The practice's country, from its time zone, else its currency ('' when neither says). */
export function practiceRegion(args: { currency?: string; timeZone?: string }): string {
  const zone = args.timeZone ? ZONE_REGION[args.timeZone] : undefined;
  if (zone) return zone;
  if (args.timeZone?.startsWith('Australia/')) return 'AU';
  return (args.currency && CURRENCY_REGION[args.currency.toUpperCase()]) || '';
}

function languageAndRegion(tag: string): { language: string; region: string } | null {
  try {
    const l = new Intl.Locale(tag);
    return { language: l.language, region: l.region ?? '' };
  } catch {
    return null;
  }
}

export interface ResolvedLocale {
  locale: string;
  /** 'chosen' = settings.locale; 'system' = from the system's languages; 'default' = neither. */
  source: 'chosen' | 'system' | 'default';
}

/**
 * The practice's locale: the one chosen (settings.locale) when it is a valid tag; else the first
 * system language we offer, put in the practice's country when that language is offered there
 * (an "en-US" or plain "en" system on a GBP / Europe/London practice → en-GB, "de" on a Zurich
 * practice → de-CH); else English of that country; else en-GB.
 */
export function resolvePracticeLocale(args: {
  chosen?: string;
  systemLanguages?: readonly string[];
  currency?: string;
  timeZone?: string;
}): ResolvedLocale {
  const chosen = canonicalLocale(args.chosen ?? '');
  if (chosen) return { locale: chosen, source: 'chosen' };
  const region = practiceRegion(args);
  const offered = new Set<string>(PRACTICE_LOCALES);
  for (const raw of args.systemLanguages ?? []) {
    const tag = canonicalLocale(raw);
    const parts = tag ? languageAndRegion(tag) : null;
    if (!parts) continue;
    const { language, region: tagRegion } = parts;
    if (region && offered.has(`${language}-${region}`) && tagRegion !== region)
      return { locale: `${language}-${region}`, source: 'system' };
    if (offered.has(tag)) return { locale: tag, source: 'system' };
    const first = PRACTICE_LOCALES.find((l) => l.startsWith(`${language}-`));
    if (first) return { locale: first, source: 'system' };
  }
  if (region && offered.has(`en-${region}`)) return { locale: `en-${region}`, source: 'default' };
  return { locale: DEFAULT_LOCALE, source: 'default' };
}

export interface PracticeFormat {
  readonly locale: string;
  readonly timeZone: string;
  readonly currency: string;
  /** "3 Nov 2026": a business date (YYYY-MM-DD, shown as is) or an instant (in the practice zone). */
  date(value: string | number | Date): string;
  /** "Tuesday 3 November 2026". */
  dateLong(value: string | number | Date): string;
  /** "03/11/2026": dense tables. */
  dateNumeric(value: string | number | Date): string;
  /** "16:00" (or "4:00 pm" where the locale writes 12-hour times). */
  time(value: string | number | Date): string;
  /** "3 Nov 2026, 16:00". */
  dateTime(value: string | number | Date): string;
  /** "Tue 3 Nov 2026, 16:00": lesson starts. */
  weekdayDateTime(value: string | number | Date): string;
  /** "November 2026" for 'YYYY-MM'. */
  month(month: string): string;
  /** "Nov 2026" for 'YYYY-MM' (chart axes). */
  monthShort(month: string): string;
  /** A number with the locale's separators, at most `maxFractionDigits` decimals (default 2). */
  number(value: number, maxFractionDigits?: number): string;
  /** "85 %" / "85%" for 0.85. */
  percent(ratio: number, maxFractionDigits?: number): string;
  /** An amount in minor units of the practice currency: "£1,234.50". */
  money(amount: number): string;
  /** A short amount for chart axes: "£1.2K", "£120M". */
  moneyCompact(amount: number): string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_MONTH = /^\d{4}-\d{2}$/;

const formats = new Map<string, PracticeFormat>();

function dtf(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, options);
}

/**
 * The formatters of a practice, cached per (locale, time zone, currency). Invalid input gives
 * back the raw text rather than "Invalid Date".
 */
export function practiceFormat(locale: string, timeZone: string, currency: string): PracticeFormat {
  const key = `${locale}|${timeZone}|${currency}`;
  const hit = formats.get(key);
  if (hit) return hit;
  const loc = canonicalLocale(locale) || DEFAULT_LOCALE;
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    zone = 'UTC';
  }
  // Two of each: business dates are UTC midnights shown in UTC; instants in the practice zone.
  const pair = (options: Intl.DateTimeFormatOptions) => ({
    utc: dtf(loc, { ...options, timeZone: 'UTC' }),
    zoned: dtf(loc, { ...options, timeZone: zone }),
  });
  const medium = pair({ day: 'numeric', month: 'short', year: 'numeric' });
  const long = pair({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const numeric = pair({ day: '2-digit', month: '2-digit', year: 'numeric' });
  const hour = clockHour(loc);
  const time = pair({ hour, minute: '2-digit' });
  const dateTime = pair({ day: 'numeric', month: 'short', year: 'numeric', hour, minute: '2-digit' });
  const weekdayDateTime = pair({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour, minute: '2-digit' });
  const month = dtf(loc, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const monthShort = dtf(loc, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const numbers = new Map<number, Intl.NumberFormat>();
  const percents = new Map<number, Intl.NumberFormat>();
  let compact: Intl.NumberFormat | null = null;
  const digits = minorUnitDigits(currency);

  const run = (p: { utc: Intl.DateTimeFormat; zoned: Intl.DateTimeFormat }, value: string | number | Date): string => {
    if (typeof value === 'string') {
      if (ISO_DATE.test(value)) {
        const d = new Date(`${value}T00:00:00Z`);
        return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? value : p.utc.format(d);
      }
      const ms = Date.parse(value);
      return Number.isNaN(ms) ? value : p.zoned.format(ms);
    }
    const ms = typeof value === 'number' ? value : value.getTime();
    return Number.isFinite(ms) ? p.zoned.format(ms) : String(value);
  };
  const monthOf = (f: Intl.DateTimeFormat, m: string) => (ISO_MONTH.test(m) ? f.format(new Date(`${m}-01T00:00:00Z`)) : m);

  const format: PracticeFormat = {
    locale: loc,
    timeZone: zone,
    currency,
    date: (v) => run(medium, v),
    dateLong: (v) => run(long, v),
    dateNumeric: (v) => run(numeric, v),
    time: (v) => run(time, v),
    dateTime: (v) => run(dateTime, v),
    weekdayDateTime: (v) => run(weekdayDateTime, v),
    month: (m) => monthOf(month, m),
    monthShort: (m) => monthOf(monthShort, m),
    number(value, maxFractionDigits = 2) {
      let f = numbers.get(maxFractionDigits);
      if (!f) numbers.set(maxFractionDigits, (f = new Intl.NumberFormat(loc, { maximumFractionDigits: maxFractionDigits })));
      return f.format(value);
    },
    percent(ratio, maxFractionDigits = 0) {
      let f = percents.get(maxFractionDigits);
      if (!f)
        percents.set(maxFractionDigits, (f = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: maxFractionDigits })));
      return f.format(ratio);
    },
    money: (amount) => formatMoney({ amount, currency }, loc),
    moneyCompact(amount) {
      compact ??= new Intl.NumberFormat(loc, {
        style: 'currency',
        currency,
        notation: 'compact',
        minimumFractionDigits: 0,
        maximumFractionDigits: 1,
      });
      return compact.format(amount / 10 ** digits);
    },
  };
  formats.set(key, format);
  return format;
}

export interface ClockFormat {
  /** True where the locale writes 12-hour times ("4:00 PM"). */
  readonly hour12: boolean;
  /** "16:00" / "4:00 PM" of an instant, in the practice zone. */
  time(ms: number): string;
  /** The time without its day period ("4:00" for "4:00 PM"): only for the narrowest calendar boxes. */
  timeBare(ms: number): string;
  /** "16:00–17:30" / "4:00 – 5:30 PM": a lesson's start and end (Intl formatRange). */
  range(startMs: number, endMs: number): string;
  /**
   * The shortest clear range, for narrow calendar columns: "16:00–17:00" / "4–5 PM" (both on the
   * hour) / "9:30–10:15 AM" (no spaces around the dash).
   */
  rangeCompact(startMs: number, endMs: number): string;
  /** The label of a wall-clock hour (0–23) on a time axis: "16:00" / "4 PM". */
  hour(hour: number): string;
}

const clocks = new Map<string, ClockFormat>();
const hourStyles = new Map<string, '2-digit' | 'numeric'>();

/**
 * The `hour` option that writes a locale's clock as its people do: '2-digit' where the day has 24
 * hours ("09:05", "16:00"), 'numeric' where it has two halves ("9:05 AM", not "09:05 AM").
 */
export function clockHour(locale: string): '2-digit' | 'numeric' {
  const hit = hourStyles.get(locale);
  if (hit) return hit;
  let cycle: string | undefined;
  try {
    cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  } catch {
    cycle = 'h23';
  }
  const style = cycle === 'h11' || cycle === 'h12' ? 'numeric' : '2-digit';
  hourStyles.set(locale, style);
  return style;
}

/**
 * Clock times of the schedule, Today and timelines in the practice locale (never hand-built
 * HH:mm): an en-US practice reads "4:00 PM", an en-GB one "16:00". Cached per (locale, zone).
 */
export function clockFormat(locale: string, timeZone: string): ClockFormat {
  const key = `${locale}|${timeZone}`;
  const hit = clocks.get(key);
  if (hit) return hit;
  const loc = canonicalLocale(locale) || DEFAULT_LOCALE;
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    zone = 'UTC';
  }
  const hour = clockHour(loc);
  const hour12 = hour === 'numeric';
  const time = dtf(loc, { hour, minute: '2-digit', timeZone: zone });
  const axisTime = dtf(loc, { hour, minute: '2-digit', timeZone: 'UTC' });
  const axisHour = dtf(loc, { hour: 'numeric', timeZone: 'UTC' });
  const hoursOnly = dtf(loc, { hour: 'numeric', timeZone: zone });
  const minuteOf = dtf('en', { minute: 'numeric', timeZone: zone });
  const onTheHour = (ms: number) => Number(minuteOf.format(ms)) === 0;
  const tight = (s: string) => s.replace(/\s+([–-])\s+/u, '$1');
  // A week of lessons repeats the same few hundred start and end times: each range is formatted once.
  const ranges = new Map<string, string>();
  const remember = (key: string, make: () => string): string => {
    let text = ranges.get(key);
    if (text === undefined) {
      if (ranges.size > 20_000) ranges.clear();
      ranges.set(key, (text = make()));
    }
    return text;
  };
  const clock: ClockFormat = {
    hour12,
    time: (ms) => (Number.isFinite(ms) ? time.format(ms) : ''),
    timeBare: (ms) =>
      Number.isFinite(ms)
        ? time
            .formatToParts(ms)
            .filter(
              (p, i, all) =>
                p.type !== 'dayPeriod' && !(p.type === 'literal' && (all[i + 1]?.type === 'dayPeriod' || all[i - 1]?.type === 'dayPeriod')),
            )
            .map((p) => p.value)
            .join('')
            .trim()
        : '',
    range: (a, b) =>
      Number.isFinite(a) && Number.isFinite(b) && b > a ? remember(`r${a}|${b}`, () => time.formatRange(a, b)) : clock.time(a),
    rangeCompact: (a, b) =>
      Number.isFinite(a) && Number.isFinite(b) && b > a
        ? remember(`c${a}|${b}`, () => tight(hour12 && onTheHour(a) && onTheHour(b) ? hoursOnly.formatRange(a, b) : time.formatRange(a, b)))
        : clock.time(a),
    hour: (h) => (hour12 ? axisHour : axisTime).format(Date.UTC(2000, 0, 1, h, 0)),
  };
  clocks.set(key, clock);
  return clock;
}

const taxPercents = new Map<string, Intl.NumberFormat>();

/** A tax rate in basis points, in the locale's percent style: 2000 → "20%" (en-GB), "20 %" (de-DE), 750 → "7.5%". */
export function taxRateLabel(rateBp: number, locale: string): string {
  const loc = canonicalLocale(locale) || DEFAULT_LOCALE;
  let f = taxPercents.get(loc);
  if (!f) taxPercents.set(loc, (f = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 2 })));
  return f.format(rateBp / 10_000);
}

/** The formatters of a practice's settings (locale resolved as `resolvePracticeLocale` does). */
export function formatForSettings(
  settings: { locale?: string; timeZone: string; currency: string },
  systemLanguages: readonly string[] = [],
): PracticeFormat {
  const { locale } = resolvePracticeLocale({
    chosen: settings.locale,
    systemLanguages,
    currency: settings.currency,
    timeZone: settings.timeZone,
  });
  return practiceFormat(locale, settings.timeZone, settings.currency);
}

/**
 * A stored locale that was filled in from the system rather than chosen can disagree with the
 * practice's country (an "en-US" browser language on a GBP / Europe/London practice, the cause of
 * "Nov 3, 2026, 04:00 PM"). Returns the locale to suggest to the person (Settings shows "Dates
 * are written the American way; this practice is in the United Kingdom: use English (United
 * Kingdom)?"), or null when the locale fits the practice. Never applied silently.
 */
export function suggestLocaleFix(settings: { locale: string; currency: string; timeZone: string }): string | null {
  const region = practiceRegion(settings);
  const tag = canonicalLocale(settings.locale);
  const parts = tag ? languageAndRegion(tag) : null;
  if (!region || !parts) return null;
  const { language, region: tagRegion } = parts;
  if (tagRegion === region) return null;
  const candidate = `${language}-${region}`;
  return (PRACTICE_LOCALES as readonly string[]).includes(candidate) ? candidate : null;
}

import { describe, expect, it } from 'vitest';
import {
  PRACTICE_LOCALES,
  canonicalLocale,
  formatForSettings,
  localeOptions,
  practiceFormat,
  practiceRegion,
  resolvePracticeLocale,
  suggestLocaleFix,
} from '../../../src-shared/locale/practice-locale';

const LONDON = { currency: 'GBP', timeZone: 'Europe/London' };
// 16:00 in London on 3 November 2026 (GMT), the instant issue 15 saw as "Nov 3, 2026, 04:00 PM".
const NOV_3_4PM = '2026-11-03T16:00:00.000Z';

describe('resolvePracticeLocale', () => {
  it('uses the practice’s choice first', () => {
    expect(resolvePracticeLocale({ chosen: 'de-de', systemLanguages: ['en-US'], ...LONDON })).toEqual({
      locale: 'de-DE',
      source: 'chosen',
    });
  });

  it('an American system language does not make a GBP / Europe/London practice American', () => {
    expect(resolvePracticeLocale({ chosen: '', systemLanguages: ['en-US', 'en'], ...LONDON })).toEqual({
      locale: 'en-GB',
      source: 'system',
    });
    expect(resolvePracticeLocale({ systemLanguages: ['en'], ...LONDON })).toEqual({ locale: 'en-GB', source: 'system' });
  });

  it('puts the system language in the practice’s country when it is offered there, else keeps it', () => {
    expect(resolvePracticeLocale({ systemLanguages: ['de'], currency: 'CHF', timeZone: 'Europe/Zurich' }).locale).toBe('de-CH');
    expect(resolvePracticeLocale({ systemLanguages: ['fr-FR'], currency: 'CAD', timeZone: 'America/Montreal' }).locale).toBe('fr-CA');
    expect(resolvePracticeLocale({ systemLanguages: ['ja-JP'], ...LONDON }).locale).toBe('ja-JP');
    expect(resolvePracticeLocale({ systemLanguages: ['en-US'], currency: 'USD', timeZone: 'America/Chicago' }).locale).toBe('en-US');
    // A language that is not offered is skipped for the next one.
    expect(resolvePracticeLocale({ systemLanguages: ['xx-YY', 'sv'], currency: 'SEK', timeZone: 'Europe/Stockholm' }).locale).toBe('sv-SE');
  });

  it('without a usable system language: English of the practice’s country, else en-GB', () => {
    expect(resolvePracticeLocale({ systemLanguages: [], currency: 'AUD', timeZone: 'Australia/Sydney' })).toEqual({
      locale: 'en-AU',
      source: 'default',
    });
    expect(resolvePracticeLocale({ systemLanguages: ['not a tag!'] })).toEqual({ locale: 'en-GB', source: 'default' });
    expect(resolvePracticeLocale({ chosen: '!!', systemLanguages: [] }).source).toBe('default');
  });

  it('the euro takes the country from the time zone', () => {
    expect(practiceRegion({ currency: 'EUR', timeZone: 'Europe/Dublin' })).toBe('IE');
    expect(practiceRegion({ currency: 'EUR', timeZone: 'Asia/Nowhere' })).toBe('');
    expect(practiceRegion({ currency: 'GBP' })).toBe('GB');
  });

  it('suggests, never applies, a fix for a locale that came from the system', () => {
    expect(suggestLocaleFix({ locale: 'en-US', ...LONDON })).toBe('en-GB');
    expect(suggestLocaleFix({ locale: 'en-GB', ...LONDON })).toBeNull();
    expect(suggestLocaleFix({ locale: 'ja-JP', ...LONDON })).toBeNull();
    expect(canonicalLocale('en_gb')).toBe('en-GB');
  });
});

describe('practiceFormat', () => {
  it('writes a London practice’s dates, times and amounts the British way', () => {
    const f = formatForSettings({ locale: '', ...LONDON }, ['en-US']);
    expect(f.locale).toBe('en-GB');
    expect(f.dateTime(NOV_3_4PM)).toBe('3 Nov 2026, 16:00');
    expect(f.weekdayDateTime(NOV_3_4PM)).toBe('Tue, 3 Nov 2026, 16:00');
    expect(f.time(NOV_3_4PM)).toBe('16:00');
    expect(f.date('2026-11-03')).toBe('3 Nov 2026');
    expect(f.dateLong('2026-11-03')).toBe('Tuesday, 3 November 2026');
    expect(f.dateNumeric('2026-11-03')).toBe('03/11/2026');
    expect(f.month('2026-11')).toBe('November 2026');
    expect(f.money(123450)).toBe('£1,234.50');
    expect(f.moneyCompact(12_000_000_000_000)).toBe('£120bn');
    expect(f.number(1234.5)).toBe('1,234.5');
    expect(f.percent(0.853)).toBe('85%');
  });

  it('instants are shown in the practice zone, business dates as they are', () => {
    // 23:30 UTC on 31 March is 00:30 on 1 April in London (BST) and still 31 March in New York.
    const london = practiceFormat('en-GB', 'Europe/London', 'GBP');
    const newYork = practiceFormat('en-GB', 'America/New_York', 'GBP');
    expect(london.date('2026-03-31T23:30:00Z')).toBe('1 Apr 2026');
    expect(newYork.date('2026-03-31T23:30:00Z')).toBe('31 Mar 2026');
    // A due date is the same calendar date everywhere.
    expect(newYork.date('2026-04-01')).toBe('1 Apr 2026');
    expect(london.date('2026-04-01')).toBe('1 Apr 2026');
  });

  it('gives back what it cannot read, never "Invalid Date"', () => {
    const f = practiceFormat('en-GB', 'Europe/London', 'GBP');
    expect(f.date('someday')).toBe('someday');
    expect(f.date('2026-02-30')).toBe('2026-02-30');
    expect(f.month('soon')).toBe('soon');
    expect(practiceFormat('en-GB', 'Not/AZone', 'GBP').timeZone).toBe('UTC');
  });

  it('is cached: the same formatter object for the same practice', () => {
    expect(practiceFormat('de-DE', 'Europe/Berlin', 'EUR')).toBe(practiceFormat('de-DE', 'Europe/Berlin', 'EUR'));
    expect(practiceFormat('de-DE', 'Europe/Berlin', 'EUR').money(123450)).toBe('1.234,50\u00a0€');
  });
});

describe('localeOptions', () => {
  it('offers every practice locale once, with a name, its own name and a sample', () => {
    const options = localeOptions('en-GB');
    expect(options.map((o) => o.tag).sort()).toEqual([...PRACTICE_LOCALES].sort());
    const gb = options.find((o) => o.tag === 'en-GB')!;
    expect(gb.label).toBe('English (United Kingdom)');
    expect(gb.sample).toBe('3 Nov 2026, 16:00 · 1,234.56');
    expect(options.find((o) => o.tag === 'de-DE')!.nativeLabel).toBe('Deutsch (Deutschland)');
    // Sorted by the name people read.
    const labels = options.map((o) => o.label);
    expect(labels).toEqual([...labels].sort(new Intl.Collator('en-GB').compare));
    for (const o of options) expect(o.label).not.toBe(o.tag);
  });
});

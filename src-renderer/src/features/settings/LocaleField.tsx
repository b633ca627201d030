import { useMemo } from 'react';
import { SelectField } from '../../ui/Field';
import { canonicalLocale, localeOptions, practiceFormat } from '../../../../src-shared/locale/practice-locale';

/** The instant every sample shows: 3 November 2026, 16:00 in the practice zone's day. */
const SAMPLE_INSTANT = Date.UTC(2026, 10, 3, 16, 0);

/** "3 Nov 2026, 16:00 · £1,234.56": how `locale` writes a date, a time and an amount. */
export function localeSample(locale: string, timeZone: string, currency: string): string {
  const f = practiceFormat(locale, timeZone, currency);
  return `${f.dateTime(SAMPLE_INSTANT)} · ${f.money(123456)}`;
}

/** "German (Germany)" in the screen's language, or the tag itself. */
export function localeName(tag: string, screenLocale = 'en-GB'): string {
  try {
    return new Intl.DisplayNames([screenLocale], { type: 'language', languageDisplay: 'standard' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * The practice locale chooser (welcome screen and Settings): the offered locales by name, with
 * each one's own name when it differs, and under it how dates and amounts will be written.
 * `followSystem` adds the `''` choice ("follow this computer"), shown with what it resolves to.
 */
export function LocaleField(props: {
  value: string;
  onChange: (tag: string) => void;
  /** What '' resolves to on this computer; when given, '' is offered. */
  followSystem?: string;
  timeZone: string;
  currency: string;
  error?: string | undefined;
  label?: string;
}) {
  const currency = /^[A-Z]{3}$/.test(props.currency) ? props.currency : 'GBP';
  const options = useMemo(() => {
    const list = localeOptions('en-GB', currency).map((o) => ({
      value: o.tag,
      label: o.nativeLabel && o.nativeLabel !== o.label ? `${o.label} — ${o.nativeLabel}` : o.label,
    }));
    const current = canonicalLocale(props.value);
    // A locale stored by an older version (or typed elsewhere) stays selectable as it is.
    if (props.value && !list.some((o) => o.value === props.value))
      list.unshift({ value: props.value, label: current ? `${localeName(current)} (${props.value})` : props.value });
    if (props.followSystem !== undefined)
      list.unshift({ value: '', label: `Follow this computer — now ${localeName(props.followSystem)}` });
    return list;
  }, [currency, props.value, props.followSystem]);
  const shown = props.value || props.followSystem || 'en-GB';
  let sample = '';
  try {
    sample = localeSample(shown, props.timeZone, currency);
  } catch {
    sample = '';
  }
  return (
    <SelectField
      label={props.label ?? 'Language for dates and amounts'}
      value={props.value}
      onChange={props.onChange}
      error={props.error}
      hint={sample ? `Written as: ${sample}` : 'How dates, times and amounts are written'}
      options={options}
    />
  );
}

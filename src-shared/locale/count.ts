/**
 * "1 invoice", "3 invoices", "1,204 invoices": a count with the noun in the form the number takes
 * in the practice's language (`Intl.PluralRules`), the number written the locale's way.
 * The nouns are English (the app's words, in ./wording.ts); the rules and digits follow the locale.
 */
export interface NounForms {
  one: string;
  other: string;
}

/** One pair of Intl objects per locale: building them costs far more than using them, and a
 * calendar week labels a few thousand things. */
const byLocale = new Map<string, { plural: Intl.PluralRules; number: Intl.NumberFormat }>();

function formatters(locale: string): { plural: Intl.PluralRules; number: Intl.NumberFormat } {
  let f = byLocale.get(locale);
  if (!f) {
    f = { plural: new Intl.PluralRules(locale), number: new Intl.NumberFormat(locale) };
    if (byLocale.size > 50) byLocale.clear();
    byLocale.set(locale, f);
  }
  return f;
}

export function countOf(n: number, noun: NounForms, locale = 'en-GB'): string {
  return `${formatters(locale).number.format(n)} ${formOf(n, noun, locale)}`;
}

/** The form of a word that agrees with `n` ("is" / "are"), by the locale's plural rules. */
export function formOf(n: number, forms: NounForms, locale = 'en-GB'): string {
  return formatters(locale).plural.select(n) === 'one' ? forms.one : forms.other;
}

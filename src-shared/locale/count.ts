/**
 * "1 invoice", "3 invoices", "1,204 invoices": a count with the noun in the form the number takes
 * in the practice's language (`Intl.PluralRules`), the number written the locale's way.
 * The nouns are English (the app's words, in ./wording.ts); the rules and digits follow the locale.
 */
export interface NounForms {
  one: string;
  other: string;
}

export function countOf(n: number, noun: NounForms, locale = 'en-GB'): string {
  return `${n.toLocaleString(locale)} ${formOf(n, noun, locale)}`;
}

/** The form of a word that agrees with `n` ("is" / "are"), by the locale's plural rules. */
export function formOf(n: number, forms: NounForms, locale = 'en-GB'): string {
  return new Intl.PluralRules(locale).select(n) === 'one' ? forms.one : forms.other;
}

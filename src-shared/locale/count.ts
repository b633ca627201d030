/**
 * "1 invoice", "3 invoices", "1,204 invoices": a count with the noun in the form the number takes
 * in the practice's language (`Intl.PluralRules`), the number written the locale's way.
 * The nouns are English (the app's words); the rules and digits follow the locale.
 */
export interface NounForms {
  one: string;
  other: string;
}

export function countOf(n: number, noun: NounForms, locale = 'en-GB'): string {
  const form = new Intl.PluralRules(locale).select(n) === 'one' ? noun.one : noun.other;
  return `${n.toLocaleString(locale)} ${form}`;
}

/** Nouns the screens count (one table, so a word is spelt one way everywhere). */
export const NOUNS = {
  invoice: { one: 'invoice', other: 'invoices' },
  payment: { one: 'payment', other: 'payments' },
  record: { one: 'record', other: 'records' },
  invoiceOrCreditNote: { one: 'invoice or credit note', other: 'invoices and credit notes' },
} as const satisfies Record<string, NounForms>;

import { describe, expect, it } from 'vitest';
import { countOf, formOf } from '../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../src-shared/locale/wording';

describe('countOf', () => {
  it('uses the singular for one and the plural otherwise, with the locale’s digits', () => {
    expect(countOf(1, NOUNS.invoice)).toBe('1 invoice');
    expect(countOf(0, NOUNS.invoice)).toBe('0 invoices');
    expect(countOf(2, NOUNS.invoice)).toBe('2 invoices');
    expect(countOf(1204, NOUNS.invoice, 'de-DE')).toBe('1.204 invoices');
    expect(countOf(1, NOUNS.invoiceOrCreditNote)).toBe('1 invoice or credit note');
  });

  it('picks the form of a verb or phrase by the same rules', () => {
    expect(`${countOf(1, NOUNS.lesson)} ${formOf(1, VERBS.is)} double-booked`).toBe('1 lesson is double-booked');
    expect(`${countOf(3, NOUNS.lesson)} ${formOf(3, VERBS.is)} double-booked`).toBe('3 lessons are double-booked');
    expect(`${countOf(0, NOUNS.newFamily)}`).toBe('0 new families');
    expect(formOf(1, { one: 'Every week', other: 'Every 2 weeks' })).toBe('Every week');
  });
});

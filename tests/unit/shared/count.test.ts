import { describe, expect, it } from 'vitest';
import { countOf, NOUNS } from '../../../src-shared/locale/count';

describe('countOf', () => {
  it('uses the singular for one and the plural otherwise, with the locale’s digits', () => {
    expect(countOf(1, NOUNS.invoice)).toBe('1 invoice');
    expect(countOf(0, NOUNS.invoice)).toBe('0 invoices');
    expect(countOf(2, NOUNS.invoice)).toBe('2 invoices');
    expect(countOf(1204, NOUNS.invoice, 'de-DE')).toBe('1.204 invoices');
    expect(countOf(1, NOUNS.invoiceOrCreditNote)).toBe('1 invoice or credit note');
  });
});

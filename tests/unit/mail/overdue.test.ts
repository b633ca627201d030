/**
 * Overdue accounts: the balance as billing counts it (payments, reversals, partial credit notes,
 * voids), the buckets at their boundaries and the order.
 */
import { describe, expect, it } from 'vitest';
import { OVERDUE_BUCKETS, overdueBucket, overdueByFamily, overdueMailValues } from '../../../src-shared/mail/overdue';
import { DEFAULT_TEMPLATES, renderMail } from '../../../src-shared/mail/templates';
import { makeInvoice, makePayment } from './fixtures';

describe('overdueBucket', () => {
  it('places the boundaries', () => {
    expect([1, 30, 31, 60, 61, 90, 91, 400].map(overdueBucket)).toEqual(['1–30', '1–30', '31–60', '31–60', '61–90', '61–90', '90+', '90+']);
    expect(() => overdueBucket(0)).toThrow(RangeError);
    expect(OVERDUE_BUCKETS).toHaveLength(4);
  });
});

describe('overdueByFamily', () => {
  const asOf = '2026-04-30';
  const families = [
    { id: 'f1', name: 'Lee family' },
    { id: 'f2', name: 'Patel family' },
    { id: 'f3', name: 'Khan family' },
    { id: 'f4', name: 'Smith family' },
  ];

  it('sums the overdue balances per family and ages by the oldest invoice', () => {
    const invoices = [
      makeInvoice('a', 'f1', 10000, '2026-03-31'), // 30 days
      makeInvoice('b', 'f1', 5000, '2026-04-29'), // 1 day
      makeInvoice('c', 'f1', 7000, '2026-04-30'), // due today: not overdue
      makeInvoice('d', 'f2', 8000, '2026-01-30'), // 90 days
      makeInvoice('e', 'f3', 3000, '2026-01-29'), // 91 days
      makeInvoice('f', 'f4', 2000, '2026-03-30'), // 31 days
    ];
    const rows = overdueByFamily(invoices, [], families, asOf);
    expect(rows.map((r) => [r.familyName, r.amountOverdue, r.daysOverdue, r.bucket])).toEqual([
      ['Khan family', 3000, 91, '90+'],
      ['Patel family', 8000, 90, '61–90'],
      ['Smith family', 2000, 31, '31–60'],
      ['Lee family', 15000, 30, '1–30'],
    ]);
    expect(rows[3]!.invoices.map((i) => i.invoiceId)).toEqual(['a', 'b']);
  });

  it('leaves out drafts, void invoices, paid ones, credit notes and invoices issued later', () => {
    const invoices = [
      makeInvoice('draft', 'f1', 1000, '2026-01-01', { status: 'draft', number: '' }),
      makeInvoice('void', 'f1', 1000, '2026-01-01', { status: 'void', voidedBy: 'cn-void' }),
      makeInvoice('cn-void', 'f1', -1000, '2026-01-01', { kind: 'credit_note', creditNoteFor: 'void' }),
      makeInvoice('paid', 'f1', 1000, '2026-01-01'),
      makeInvoice('later', 'f1', 1000, '2026-01-01', { issueDate: '2026-05-01' }),
    ];
    const payments = [makePayment('p1', 'f1', '2026-02-01', [{ invoiceId: 'paid', amount: 1000 }])];
    expect(overdueByFamily(invoices, payments, families, asOf)).toEqual([]);
  });

  it('counts part payments, partial credit notes, and ignores reversed or later payments', () => {
    const invoices = [
      makeInvoice('a', 'f1', 10000, '2026-03-01'),
      makeInvoice('cn', 'f1', -1500, '2026-04-01', { kind: 'credit_note', creditNoteFor: 'a', issueDate: '2026-04-01' }),
    ];
    const payments = [
      makePayment('p1', 'f1', '2026-03-10', [{ invoiceId: 'a', amount: 2000 }]),
      makePayment('p2', 'f1', '2026-03-11', [{ invoiceId: 'a', amount: 3000 }]),
      makePayment('p2-rev', 'f1', '2026-03-12', [], { kind: 'reversal', reverses: 'p2', amount: 3000 }),
      makePayment('p3', 'f1', '2026-05-02', [{ invoiceId: 'a', amount: 4000 }]),
    ];
    const [row] = overdueByFamily(invoices, payments, families, asOf);
    expect(row).toMatchObject({ familyId: 'f1', amountOverdue: 10000 - 2000 - 1500, daysOverdue: 60, bucket: '31–60' });
  });

  it('gives the reminder its values', () => {
    const [row] = overdueByFamily([makeInvoice('a', 'f1', 10000, '2026-04-29')], [], families, asOf);
    const values = overdueMailValues(row!, { name: 'Lee family', contactName: 'Jo Lee' }, ['Amy']);
    const mail = renderMail('overdue-reminder', DEFAULT_TEMPLATES['overdue-reminder'], values, {
      name: 'Brightside',
      email: '',
      phone: '',
      currency: 'GBP',
      locale: 'en-GB',
      timeZone: 'Europe/London',
    });
    expect(mail.missing).toEqual([]);
    expect(mail.text).toContain(
      '£100.00 is now overdue on your account. The oldest unpaid invoice, INV-a, was due on 29 Apr 2026, 1 day ago.',
    );
  });
});

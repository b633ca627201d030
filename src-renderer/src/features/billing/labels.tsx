import type { InvoiceDisplayStatus } from '../../../../src-shared/billing/lifecycle';
import { paymentMethodLabel } from '../../../../src-shared/billing/payments';
import { formatDate } from '../../../../src-shared/billing/dates';
import { PAYMENT_METHODS } from '../../../../src-shared/model/types';
import { formatWhen } from '../../ui/format';
import { INVOICE_STATUS_WORDS } from '../../../../src-shared/locale/wording';

export const STATUS_LABELS = INVOICE_STATUS_WORDS;

export function StatusBadge({ status }: { status: InvoiceDisplayStatus }) {
  return <span className={`badge inv-badge inv-${status}`}>{STATUS_LABELS[status]}</span>;
}

export const METHOD_OPTIONS = PAYMENT_METHODS.map((m) => ({ value: m, label: paymentMethodLabel(m) }));

/** "Mar 2026" for a whole month, otherwise "3 Mar – 14 Apr 2026". */
export function periodLabel(start: string, end: string, locale: string): string {
  if (!start || !end) return '';
  const lastDay = new Date(Date.UTC(Number(start.slice(0, 4)), Number(start.slice(5, 7)), 0)).getUTCDate();
  if (start.endsWith('-01') && end.slice(0, 7) === start.slice(0, 7) && Number(end.slice(8)) === lastDay) {
    return formatWhen(new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }), `${start}T00:00:00Z`);
  }
  return `${formatDate(start, locale)} – ${formatDate(end, locale)}`;
}

export function monthLabel(month: string, locale: string): string {
  if (!/^\d{4}-\d{2}$/.test(month)) return month;
  return formatWhen(new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }), `${month}-01T00:00:00Z`, month);
}

export function dateLabel(date: string, locale: string): string {
  return date ? formatDate(date, locale) : '—';
}

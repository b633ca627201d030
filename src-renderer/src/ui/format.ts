import { formatMoney } from '../../../src-shared/money';
import type { Money } from '../../../src-shared/model/types';

/** Avatar backgrounds: each at least 4.9:1 against the white initials (WCAG AA for small text). */
const AVATAR_COLOURS = ['#4f46e5', '#0e7490', '#be185d', '#c2410c', '#15803d', '#7c3aed', '#0f766e', '#b45309'];

export function avatarColour(seed: string): string {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) | 0;
  return AVATAR_COLOURS[Math.abs(h) % AVATAR_COLOURS.length]!;
}

export function initials(first: string, last: string): string {
  return `${first.charAt(0)}${last.charAt(0)}`.toUpperCase() || '?';
}

export function money(m: Money | null | undefined, locale: string): string {
  return m ? formatMoney(m, locale) : '';
}

export function fileStamp(d = new Date()): string {
  return d.toISOString().slice(0, 10);
}

/**
 * `format` applied to an instant or date, or `placeholder` when the value is missing or not a
 * date: one record with an empty or unreadable date shows "—" where its date goes, and never
 * takes its list or screen down (Intl throws "Invalid time value" on an invalid Date).
 */
export function formatWhen(format: Intl.DateTimeFormat, value: string | number | Date | null | undefined, placeholder = '—'): string {
  if (value === null || value === undefined || value === '') return placeholder;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isFinite(d.getTime()) ? format.format(d) : placeholder;
}

/**
 * Invoice numbers without a central counter (docs/billing.md "Invoice numbers").
 *
 *   <prefix>-<year>-<device code>-<sequence>      e.g. INV-2026-K7Q-0042, CN-2026-K7Q-0003
 *
 * - device code: 3 characters (Crockford base 32: no I, L, O, U) chosen once per laptop, derived
 *   from its device id and re-drawn if another device is already known to use it; the laptop
 *   keeps it (device-local setting) for ever.
 * - sequence: per series (document kind, issue year, device code), 1 + the highest sequence of
 *   that series among the invoices this laptop has (its own invoices are always local, so the
 *   sequence strictly increases on each laptop, with no gaps, whether online or not).
 *
 * Two laptops never produce the same number because their series differ by device code; each
 * laptop's numbers increase strictly. The structured series/sequence are stored on the invoice
 * (`sequenceKey`, `sequence`), so changing the prefix in settings does not restart a sequence.
 */
import type { Invoice, InvoiceKind } from '../model/types';
import { BillingError } from './errors';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const DEVICE_CODE_LENGTH = 3;
export const CREDIT_NOTE_PREFIX = 'CN';

/** FNV-1a 32-bit hash of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Deterministic candidate code for a device (attempt 0, 1, … gives different candidates). */
export function deriveDeviceCode(deviceId: string, attempt = 0): string {
  let h = fnv1a(`${deviceId}#${attempt}`);
  let code = '';
  for (let i = 0; i < DEVICE_CODE_LENGTH; i++) {
    code += CROCKFORD[h % 32];
    h = Math.floor(h / 32);
  }
  return code;
}

/** Validates a device code typed by an administrator (1–4 of A–Z, 0–9). */
export function normaliseDeviceCode(code: string): string {
  const c = code.trim().toUpperCase();
  if (!/^[0-9A-Z]{1,4}$/.test(c)) throw new BillingError('invalid_device_code', 'A device code is 1–4 letters or digits');
  return c;
}

export function sequenceKeyFor(kind: InvoiceKind, year: string, deviceCode: string): string {
  return `${kind}|${year}|${deviceCode}`;
}

export function parseSequenceKey(key: string): { kind: InvoiceKind; year: string; deviceCode: string } | null {
  const [kind, year, deviceCode] = key.split('|');
  if ((kind !== 'invoice' && kind !== 'credit_note') || !year || !deviceCode) return null;
  return { kind, year, deviceCode };
}

type NumberedInvoice = Pick<Invoice, 'id' | 'sequenceKey' | 'sequence' | 'issuedDeviceId' | 'number'>;

/** Device code → device ids that issued numbers with it (from the invoices seen). */
export function deviceCodesInUse(invoices: Iterable<NumberedInvoice>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const inv of invoices) {
    const parsed = parseSequenceKey(inv.sequenceKey);
    if (!parsed) continue;
    let set = out.get(parsed.deviceCode);
    if (!set) out.set(parsed.deviceCode, (set = new Set()));
    if (inv.issuedDeviceId) set.add(inv.issuedDeviceId);
  }
  return out;
}

/**
 * The device code for this laptop: the one it already used (if its invoices are known),
 * otherwise the first derived candidate no other known device uses. Persist the result locally.
 */
export function chooseDeviceCode(deviceId: string, invoices: Iterable<NumberedInvoice>, extraTaken: Iterable<string> = []): string {
  const inUse = deviceCodesInUse(invoices);
  for (const [code, devices] of inUse) if (devices.has(deviceId)) return code;
  const taken = new Set(extraTaken);
  for (const [code, devices] of inUse) if (devices.size > 0) taken.add(code);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const code = deriveDeviceCode(deviceId, attempt);
    if (!taken.has(code)) return code;
  }
  throw new BillingError('no_device_code', 'Could not find a free device code');
}

/** Normalised prefix: trimmed, without trailing separators ('INV-' → 'INV'). */
export function normalisePrefix(prefix: string): string {
  return prefix.trim().replace(/[-/_.\s]+$/, '');
}

export function formatInvoiceNumber(prefix: string, year: string, deviceCode: string, sequence: number): string {
  const p = normalisePrefix(prefix);
  return [p, year, deviceCode, String(sequence).padStart(4, '0')].filter(Boolean).join('-');
}

export interface AllocatedNumber {
  number: string;
  sequenceKey: string;
  sequence: number;
}

/**
 * Allocates numbers against the invoices seen so far. Build once (O(n)), then `allocate` is O(1):
 * use one allocator when issuing many drafts at once.
 */
export function createNumberAllocator(invoices: Iterable<Pick<Invoice, 'sequenceKey' | 'sequence'>>) {
  const max = new Map<string, number>();
  for (const inv of invoices) {
    if (!inv.sequenceKey) continue;
    if (inv.sequence > (max.get(inv.sequenceKey) ?? 0)) max.set(inv.sequenceKey, inv.sequence);
  }
  return {
    /** The next number of the series for (kind, issue year, device code). */
    allocate(args: { kind: InvoiceKind; issueDate: string; deviceCode: string; invoicePrefix: string }): AllocatedNumber {
      const deviceCode = normaliseDeviceCode(args.deviceCode);
      const year = args.issueDate.slice(0, 4);
      if (!/^\d{4}$/.test(year)) throw new BillingError('invalid_date', 'An issue date is needed to number an invoice');
      const sequenceKey = sequenceKeyFor(args.kind, year, deviceCode);
      const sequence = (max.get(sequenceKey) ?? 0) + 1;
      max.set(sequenceKey, sequence);
      const prefix = args.kind === 'credit_note' ? CREDIT_NOTE_PREFIX : args.invoicePrefix;
      return { number: formatInvoiceNumber(prefix, year, deviceCode, sequence), sequenceKey, sequence };
    },
  };
}

/** Numbers used by more than one document (should never happen; a flag for the sync screen). */
export function findDuplicateNumbers(invoices: Iterable<Pick<Invoice, 'id' | 'number'>>): { number: string; invoiceIds: string[] }[] {
  const byNumber = new Map<string, string[]>();
  for (const inv of invoices) {
    if (!inv.number) continue;
    let list = byNumber.get(inv.number);
    if (!list) byNumber.set(inv.number, (list = []));
    list.push(inv.id);
  }
  return [...byNumber].filter(([, ids]) => ids.length > 1).map(([number, invoiceIds]) => ({ number, invoiceIds: invoiceIds.sort() }));
}

/**
 * Device codes used by two different devices (possible only if two brand-new laptops drew the
 * same code before ever syncing). The device listed second should choose a new code.
 */
export function findDeviceCodeCollisions(invoices: Iterable<NumberedInvoice>): { deviceCode: string; deviceIds: string[] }[] {
  return [...deviceCodesInUse(invoices)]
    .filter(([, devices]) => devices.size > 1)
    .map(([deviceCode, devices]) => ({ deviceCode, deviceIds: [...devices].sort() }));
}

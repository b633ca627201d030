/**
 * Validation of what users type into forms and CSV imports. Each function returns either clean
 * values ready for `stampChange`, or a map of field → specific message shown next to the field.
 */
import { canonicalLocale } from '../locale/practice-locale';
import { z } from 'zod';
import { isValidCurrency, parseMoneyInput } from '../money';
import {
  CONTACT_METHODS,
  FAMILY_KINDS,
  PAY_UNITS,
  STAFF_ROLES,
  STUDENT_STATUSES,
  type Address,
  type Family,
  type Money,
  type PracticeSettings,
  type Staff,
  type Student,
} from '../model/types';
import type { SyncMeta } from '../model/meta';
import { isKnownTimeZone } from '../model/timing';

export type FieldErrors = Record<string, string>;
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]{2,}$/;

export function validateEmail(email: string): string | null {
  if (email === '') return null;
  return EMAIL.test(email) ? null : 'Enter a valid e-mail address, e.g. name@example.com';
}

export function validatePhone(phone: string): string | null {
  if (phone === '') return null;
  if (!/^\+?[\d\s().\-/]+$/.test(phone)) return 'A phone number may contain digits, spaces, + ( ) - and /';
  const digits = phone.replace(/\D/g, '').length;
  if (digits < 6) return 'That phone number is too short';
  if (digits > 15) return 'That phone number is too long (at most 15 digits)';
  return null;
}

/** A time zone of TutorDesk's fixed list (src-shared/model/time-zones.ts) that this engine also knows. */
export function isValidTimeZone(tz: string): boolean {
  if (!isKnownTimeZone(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.includes('/') || tz === 'UTC';
  } catch {
    return false;
  }
}

export function isValidLocale(locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}

type Data<T extends SyncMeta> = Omit<T, keyof SyncMeta>;

const trimmed = (max: number) => z.string().trim().max(max, `At most ${max} characters`);

function collect(issues: z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.join('.') || '_form';
    if (!errors[key]) errors[key] = issue.message;
  }
  return errors;
}

function moneyField(input: string, currency: string, field: string, errors: FieldErrors, required: boolean, locale?: string): Money | null {
  if (input.trim() === '') {
    if (required) errors[field] = 'Enter an amount, e.g. 45.00';
    return null;
  }
  const parsed = parseMoneyInput(input, currency, { locale });
  if (!parsed.ok) {
    errors[field] = parsed.error;
    return null;
  }
  return { amount: parsed.amount, currency };
}

export interface StudentInput {
  /** The practice locale: amounts are read with its separators (parseMoneyInput); absent = either convention. */
  moneyLocale?: string;
  firstName: string;
  lastName: string;
  familyId: string;
  status: string;
  subjects: string;
  rate: string;
  currency: string;
  email: string;
  phone: string;
  gradeLevel: string;
  notes: string;
}

const studentShape = z.object({
  firstName: trimmed(200).min(1, 'Enter the first name'),
  lastName: trimmed(200),
  familyId: z.string().min(1, 'Choose who pays (a family, or the student themselves)'),
  status: z.enum(STUDENT_STATUSES, { message: 'Choose active, paused or archived' }),
  email: trimmed(320),
  phone: trimmed(40),
  gradeLevel: trimmed(100),
  notes: z.string().max(100_000),
});

export function parseSubjects(input: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of input.split(/[;,]/)) {
    const s = raw.trim().replace(/\s+/g, ' ');
    if (s && !seen.has(s.toLowerCase())) {
      seen.add(s.toLowerCase());
      out.push(s);
    }
  }
  return out;
}

export function validateStudent(input: StudentInput, previous?: Student): Validated<Data<Student>> {
  const parsed = studentShape.safeParse(input);
  const errors: FieldErrors = parsed.success ? {} : collect(parsed.error.issues);
  const email = input.email.trim();
  const phone = input.phone.trim();
  const emailError = validateEmail(email);
  if (emailError) errors.email = emailError;
  const phoneError = validatePhone(phone);
  if (phoneError) errors.phone = phoneError;
  if (!isValidCurrency(input.currency)) errors.rate = `Unknown currency ${input.currency}`;
  const rate = errors.rate ? null : moneyField(input.rate, input.currency, 'rate', errors, false, input.moneyLocale);
  const subjects = parseSubjects(input.subjects);
  if (subjects.some((s) => s.length > 200)) errors.subjects = 'A subject name is at most 200 characters';
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  const status = parsed.data.status;
  const archivedAt = status === 'archived' ? (previous?.status === 'archived' ? previous.archivedAt : new Date().toISOString()) : '';
  return {
    ok: true,
    value: {
      firstName: parsed.data.firstName,
      lastName: parsed.data.lastName,
      familyId: parsed.data.familyId,
      status,
      subjects,
      defaultRate: rate,
      email,
      phone,
      gradeLevel: parsed.data.gradeLevel,
      notes: parsed.data.notes,
      archivedAt,
    },
  };
}

export interface FamilyInput {
  /** The practice locale: amounts are read with its separators (parseMoneyInput); absent = either convention. */
  moneyLocale?: string;
  kind: string;
  name: string;
  contactName: string;
  email: string;
  phone: string;
  address: Address;
  preferredContact: string;
  notes: string;
  rate: string;
  currency: string;
}

const addressShape = z.object({
  line1: trimmed(500),
  line2: trimmed(500),
  city: trimmed(200),
  region: trimmed(200),
  postalCode: trimmed(40),
  country: trimmed(100),
});

const familyShape = z.object({
  kind: z.enum(FAMILY_KINDS),
  name: trimmed(300).min(1, 'Enter the family or payer name'),
  contactName: trimmed(300),
  email: trimmed(320),
  phone: trimmed(40),
  address: addressShape,
  preferredContact: z.enum(CONTACT_METHODS, { message: 'Choose e-mail, phone or text message' }),
  notes: z.string().max(100_000),
});

export function validateFamily(input: FamilyInput, previous?: Family, opts: { requireContact?: boolean } = {}): Validated<Data<Family>> {
  const parsed = familyShape.safeParse(input);
  const errors: FieldErrors = parsed.success ? {} : collect(parsed.error.issues);
  const emailError = validateEmail(input.email.trim());
  if (emailError) errors.email = emailError;
  const phoneError = validatePhone(input.phone.trim());
  if (phoneError) errors.phone = phoneError;
  if (parsed.success && opts.requireContact !== false) {
    if (parsed.data.preferredContact === 'email' && !parsed.data.email) errors.email = 'E-mail is the preferred contact: enter an address';
    if ((parsed.data.preferredContact === 'phone' || parsed.data.preferredContact === 'sms') && !parsed.data.phone) {
      errors.phone = 'Phone is the preferred contact: enter a number';
    }
  }
  const rate = moneyField(input.rate, input.currency, 'rate', errors, false, input.moneyLocale);
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return {
    ok: true,
    value: {
      ...parsed.data,
      defaultRate: rate,
      archived: previous?.archived ?? false,
    },
  };
}

export interface StaffInput {
  /** The practice locale: amounts are read with its separators (parseMoneyInput); absent = either convention. */
  moneyLocale?: string;
  name: string;
  email: string;
  phone: string;
  role: string;
  payRate: string;
  payUnit: string;
  currency: string;
  colour: string;
  username: string;
  active: boolean;
}

const staffShape = z.object({
  name: trimmed(300).min(1, 'Enter the name'),
  email: trimmed(320),
  phone: trimmed(40),
  role: z.enum(STAFF_ROLES, { message: 'Choose admin or tutor' }),
  payUnit: z.enum(PAY_UNITS, { message: 'Choose per lesson or per hour' }),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Choose a colour'),
  username: z
    .string()
    .trim()
    .max(200)
    .regex(/^[a-z0-9._@-]*$/i, 'A sync user name may contain letters, digits and . _ @ -'),
  active: z.boolean(),
});

export function validateStaff(input: StaffInput): Validated<Data<Staff>> {
  const parsed = staffShape.safeParse(input);
  const errors: FieldErrors = parsed.success ? {} : collect(parsed.error.issues);
  const emailError = validateEmail(input.email.trim());
  if (emailError) errors.email = emailError;
  const phoneError = validatePhone(input.phone.trim());
  if (phoneError) errors.phone = phoneError;
  const payRate = moneyField(input.payRate, input.currency, 'payRate', errors, true, input.moneyLocale);
  if (Object.keys(errors).length > 0 || !parsed.success || !payRate) return { ok: false, errors };
  return { ok: true, value: { ...parsed.data, payRate } };
}

export interface SettingsInput {
  /** The practice locale: amounts are read with its separators (parseMoneyInput); absent = either convention. */
  moneyLocale?: string;
  name: string;
  address: Address;
  email: string;
  phone: string;
  currency: string;
  locale: string;
  timeZone: string;
  taxId: string;
  defaultRate: string;
}

export function validatePracticeBasics(
  input: SettingsInput,
): Validated<
  Pick<PracticeSettings, 'name' | 'address' | 'email' | 'phone' | 'currency' | 'locale' | 'timeZone' | 'taxId' | 'defaultRate'>
> {
  const errors: FieldErrors = {};
  const name = input.name.trim();
  if (!name) errors.name = 'Enter the practice name';
  if (name.length > 300) errors.name = 'At most 300 characters';
  const address = addressShape.safeParse(input.address);
  if (!address.success) Object.assign(errors, collect(address.error.issues.map((i) => ({ ...i, path: ['address', ...i.path] }))));
  const emailError = validateEmail(input.email.trim());
  if (emailError) errors.email = emailError;
  const phoneError = validatePhone(input.phone.trim());
  if (phoneError) errors.phone = phoneError;
  const currency = input.currency.trim().toUpperCase();
  if (!isValidCurrency(currency)) errors.currency = 'Enter an ISO 4217 currency code, e.g. GBP, EUR or USD';
  // '' = not chosen: follow the system (docs/billing.md "One locale for the practice").
  const locale = input.locale.trim() ? canonicalLocale(input.locale) : '';
  if (input.locale.trim() && !locale) errors.locale = 'Choose a language such as English (United Kingdom) or German (Germany)';
  const timeZone = input.timeZone.trim();
  if (!isValidTimeZone(timeZone)) errors.timeZone = 'Choose a time zone such as Europe/London';
  // With an unknown currency the rate is still checked (as an amount with cents), so every
  // problem of the form shows at once instead of the rate's after the currency is fixed.
  const defaultRate = moneyField(input.defaultRate, errors.currency ? 'GBP' : currency, 'defaultRate', errors, true, input.moneyLocale);
  if (Object.keys(errors).length > 0 || !address.success || !defaultRate) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      address: address.data,
      email: input.email.trim(),
      phone: input.phone.trim(),
      currency,
      locale,
      timeZone,
      taxId: input.taxId.trim(),
      defaultRate,
    },
  };
}

export const EMPTY_ADDRESS: Address = { line1: '', line2: '', city: '', region: '', postalCode: '', country: '' };

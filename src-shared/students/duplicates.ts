/**
 * Duplicate families and students (docs/data-model.md "Duplicates"). Creating a family or a
 * student whose name, e-mail or phone matches an existing one shows the match and asks; the CSV
 * import preview marks rows that match existing records (csv-import.ts `matchImportRows`); and
 * `findDuplicateGroups` lists the duplicates already stored (for a review screen, and to keep the
 * sample practice free of them).
 *
 * Matching is on normalised values:
 * - names: accents, case, punctuation (O'Brien = OBrien, Anne-Marie = Anne Marie) and spacing do not
 *   count; for families also the words "the", "family" and "household" ("The Patel Family" = "Patel
 *   family");
 * - e-mail: case and surrounding spaces do not count;
 * - phone: only the digits count, and a number with its country code matches the same number
 *   written nationally (+44 7700 900123 = 07700 900123), from 7 significant digits up.
 *
 * Pure.
 */
import type { Family, Student } from '../model/types';

export type MatchReason = 'name' | 'email' | 'phone';

export interface DuplicateMatch<T> {
  record: T;
  /** What matched, strongest first: e-mail, phone, name. */
  reasons: MatchReason[];
  /** A sentence for the dialog: "Same name and e-mail as Patel family (raj@example.com)". */
  message: string;
}

/** Lower case, no accents, no punctuation, single spaces: "  Zoë  O'Brien-Smith " → "zoe obrien smith". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[’'`´ʼ.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const FAMILY_WORDS = new Set(['the', 'family', 'household', 'familie', 'famille', 'familia', 'famiglia']);

/** A family name without the words that do not tell families apart: "The Patel Family" → "patel". */
export function normaliseFamilyName(name: string): string {
  const words = normaliseName(name)
    .split(' ')
    .filter((w) => w && !FAMILY_WORDS.has(w));
  return words.join(' ');
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The digits of a phone number, without an international "00" or "+" prefix. */
export function normalisePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return phone.trim().startsWith('00') || digits.startsWith('00') ? digits.replace(/^00/, '') : digits;
}

/** Significant digits: the national number without its trunk "0" (07700… → 7700…). */
function significant(digits: string): string {
  return digits.replace(/^0+/, '');
}

/** Same phone, written nationally or with the country code. Numbers under 7 digits never match. */
export function phonesMatch(a: string, b: string): boolean {
  const x = significant(normalisePhone(a));
  const y = significant(normalisePhone(b));
  if (x.length < 7 || y.length < 7) return false;
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  // The longer one is the shorter one behind a country code of 1 to 3 digits.
  return long.length - short.length <= 3 && long.endsWith(short);
}

function describe(reasons: MatchReason[], who: string, detail: string): string {
  const words = reasons.map((r) => (r === 'email' ? 'e-mail' : r));
  const list = new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(words);
  return `Same ${list} as ${who}${detail ? ` (${detail})` : ''}`;
}

const ORDER: Record<MatchReason, number> = { email: 0, phone: 1, name: 2 };

function finish<T>(list: { record: T; reasons: MatchReason[]; who: string; detail: string }[]): DuplicateMatch<T>[] {
  return list
    .map(({ record, reasons, who, detail }) => {
      const sorted = [...reasons].sort((a, b) => ORDER[a] - ORDER[b]);
      return { record, reasons: sorted, message: describe(sorted, who, detail) };
    })
    .sort((a, b) => b.reasons.length - a.reasons.length || ORDER[a.reasons[0]!] - ORDER[b.reasons[0]!]);
}

export interface FamilyCandidate {
  /** The family being edited (never matched with itself). */
  id?: string;
  name: string;
  email: string;
  phone: string;
}

/** Existing families that may be the same payer as `candidate`, best match first. */
export function findFamilyMatches(candidate: FamilyCandidate, families: Iterable<Family>): DuplicateMatch<Family>[] {
  const name = normaliseFamilyName(candidate.name);
  const email = normaliseEmail(candidate.email);
  const out: { record: Family; reasons: MatchReason[]; who: string; detail: string }[] = [];
  for (const f of families) {
    if (f.id === candidate.id) continue;
    const reasons: MatchReason[] = [];
    if (name && normaliseFamilyName(f.name) === name) reasons.push('name');
    if (email && normaliseEmail(f.email) === email) reasons.push('email');
    if (candidate.phone && phonesMatch(candidate.phone, f.phone)) reasons.push('phone');
    if (reasons.length === 0) continue;
    const detail = [reasons.includes('email') ? f.email : '', reasons.includes('phone') ? f.phone : '', f.archived ? 'archived' : '']
      .filter(Boolean)
      .join(', ');
    out.push({ record: f, reasons, who: f.name, detail });
  }
  return finish(out);
}

export interface StudentCandidate {
  id?: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
}

export function studentNameKey(s: Pick<Student, 'firstName' | 'lastName'>): string {
  return normaliseName(`${s.firstName} ${s.lastName}`);
}

/** Existing students that may be the same person as `candidate`, best match first. */
export function findStudentMatches(candidate: StudentCandidate, students: Iterable<Student>): DuplicateMatch<Student>[] {
  const name = studentNameKey(candidate);
  const email = normaliseEmail(candidate.email);
  const out: { record: Student; reasons: MatchReason[]; who: string; detail: string }[] = [];
  for (const s of students) {
    if (s.id === candidate.id) continue;
    const reasons: MatchReason[] = [];
    if (name && studentNameKey(s) === name) reasons.push('name');
    if (email && normaliseEmail(s.email) === email) reasons.push('email');
    if (candidate.phone && phonesMatch(candidate.phone, s.phone)) reasons.push('phone');
    if (reasons.length === 0) continue;
    // Siblings share a family e-mail or phone: without the name, that alone is only a hint.
    const detail = [
      reasons.includes('email') ? s.email : '',
      reasons.includes('phone') ? s.phone : '',
      s.status !== 'active' ? s.status : '',
    ]
      .filter(Boolean)
      .join(', ');
    out.push({ record: s, reasons, who: `${s.firstName} ${s.lastName}`.trim(), detail });
  }
  return finish(out);
}

/**
 * Groups of stored records that match each other (by the same rules, transitively), each group
 * sorted by creation (the oldest first: the natural survivor of a merge). Records in no group are
 * left out. Linear in the number of records (index by normalised key).
 */
export function findDuplicateGroups<T extends { id: string; createdAt: string }>(records: readonly T[], keys: (r: T) => string[]): T[][] {
  const parent = records.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const firstWithKey = new Map<string, number>();
  records.forEach((r, i) => {
    for (const k of keys(r)) {
      if (!k) continue;
      const j = firstWithKey.get(k);
      if (j === undefined) firstWithKey.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, T[]>();
  records.forEach((r, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), r]);
  });
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1)));
}

/** The match keys of a family: its name, e-mail and (last 9 significant digits of its) phone. */
export function familyKeys(f: Pick<Family, 'name' | 'email' | 'phone'>): string[] {
  const phone = significant(normalisePhone(f.phone));
  return [
    `n:${normaliseFamilyName(f.name)}`,
    f.email ? `e:${normaliseEmail(f.email)}` : '',
    phone.length >= 7 ? `p:${phone.slice(-9)}` : '',
  ].filter((k) => k.length > 2);
}

/**
 * The match keys of a student: full name and e-mail. Not the phone: siblings often share the
 * home number (`findStudentMatches` still shows a phone match as a hint).
 */
export function studentKeys(s: Pick<Student, 'firstName' | 'lastName' | 'email'>): string[] {
  return [`n:${studentNameKey(s)}`, s.email ? `e:${normaliseEmail(s.email)}` : ''].filter((k) => k.length > 2);
}

/**
 * CSV import of students and families (migration from spreadsheets and other tutoring tools).
 * Pure: column mapping, row validation with line numbers, and the plan of documents to write.
 * Nothing is written unless the whole plan is valid (the UI writes it all-or-nothing).
 */
import type { ParsedCsv } from '../csv';
import { stampChange, type ChangeContext } from '../model/meta';
import type { Family, Student } from '../model/types';
import { EMPTY_ADDRESS, validateFamily, validateStudent } from '../validation/forms';
import { findStudentMatches, normaliseEmail, normaliseFamilyName, studentNameKey, type MatchReason } from './duplicates';

export interface ImportField {
  key: string;
  label: string;
  required?: boolean;
  aliases: string[];
}

export const IMPORT_FIELDS: ImportField[] = [
  { key: 'firstName', label: 'First name', aliases: ['first name', 'firstname', 'first', 'given name', 'forename', 'student first name'] },
  {
    key: 'lastName',
    label: 'Last name',
    aliases: ['last name', 'lastname', 'last', 'surname', 'family name of student', 'student last name'],
  },
  { key: 'fullName', label: 'Full name', aliases: ['name', 'full name', 'student', 'student name'] },
  { key: 'status', label: 'Status', aliases: ['status', 'state', 'active'] },
  { key: 'subjects', label: 'Subjects', aliases: ['subjects', 'subject', 'instrument', 'courses'] },
  { key: 'gradeLevel', label: 'Year / level', aliases: ['year / level', 'year', 'grade', 'level', 'school year', 'grade level'] },
  { key: 'rate', label: 'Lesson rate', aliases: ['rate', 'lesson rate', 'price', 'fee', 'hourly rate'] },
  { key: 'email', label: 'Student e-mail', aliases: ['e-mail', 'email', 'student email', 'student e-mail'] },
  { key: 'phone', label: 'Student phone', aliases: ['phone', 'mobile', 'student phone', 'telephone'] },
  { key: 'selfPaying', label: 'Pays for themselves', aliases: ['pays for themselves', 'adult', 'self paying', 'self-paying'] },
  { key: 'familyName', label: 'Family name', aliases: ['family name', 'family', 'household', 'payer', 'account'] },
  {
    key: 'contactName',
    label: 'Parent / guardian',
    aliases: ['parent / guardian', 'parent', 'guardian', 'parent name', 'contact', 'contact name'],
  },
  {
    key: 'familyEmail',
    label: 'Family e-mail',
    aliases: ['family e-mail', 'family email', 'parent email', 'parent e-mail', 'guardian email'],
  },
  { key: 'familyPhone', label: 'Family phone', aliases: ['family phone', 'parent phone', 'guardian phone'] },
  { key: 'line1', label: 'Address line 1', aliases: ['address line 1', 'address', 'address1', 'street'] },
  { key: 'line2', label: 'Address line 2', aliases: ['address line 2', 'address2'] },
  { key: 'city', label: 'City', aliases: ['city', 'town'] },
  { key: 'region', label: 'Region', aliases: ['region', 'county', 'state/province', 'province'] },
  { key: 'postalCode', label: 'Postcode', aliases: ['postcode', 'postal code', 'zip', 'zip code'] },
  { key: 'country', label: 'Country', aliases: ['country'] },
  { key: 'notes', label: 'Notes', aliases: ['notes', 'comments', 'note'] },
];

export type Mapping = Record<string, string>;

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .trim();

/** Guesses which CSV header feeds which field, by name. */
export function guessMapping(headers: readonly string[]): Mapping {
  const mapping: Mapping = {};
  const used = new Set<string>();
  for (const field of IMPORT_FIELDS) {
    const found = headers.find((h) => !used.has(h) && field.aliases.includes(norm(h)));
    mapping[field.key] = found ?? '';
    if (found) used.add(found);
  }
  return mapping;
}

export interface ImportIssue {
  line: number;
  field: string;
  message: string;
}

export interface ImportPlan {
  students: Student[];
  families: Family[];
  /** Families in the file that matched an existing family (by name and e-mail). */
  matchedFamilies: number;
  /** Rows left out because the person chose to skip them (`PlanImportOptions.skipLines`). */
  skippedRows: number;
  issues: ImportIssue[];
}

export interface PlanImportOptions {
  /** Line numbers not to import: by default the rows `matchImportRows` found to exist already. */
  skipLines?: ReadonlySet<number>;
}

type Getter = (values: Record<string, string>, key: string) => string;

function getterFor(mapping: Mapping): Getter {
  return (values, key) => (mapping[key] ? (values[mapping[key]!] ?? '').trim() : '');
}

/** First and last name of a row, from the first/last columns or split from the full name. */
function rowName(values: Record<string, string>, get: Getter): { firstName: string; lastName: string } {
  let firstName = get(values, 'firstName');
  let lastName = get(values, 'lastName');
  const fullName = get(values, 'fullName');
  if (!firstName && fullName) {
    const i = fullName.lastIndexOf(' ');
    firstName = i > 0 ? fullName.slice(0, i) : fullName;
    lastName = lastName || (i > 0 ? fullName.slice(i + 1) : '');
  }
  return { firstName, lastName };
}

export type ImportRowStatus = 'new' | 'existing' | 'possible_duplicate';

/** What the import preview shows for one row: new, already there (skipped by default), or maybe a duplicate (ask). */
export interface ImportRowMatch {
  line: number;
  /** The student's name as read from the row. */
  name: string;
  status: ImportRowStatus;
  /** The existing student this row is, or may be. */
  studentId: string;
  /** The earlier line of the file with the same student, 0 when none. */
  sameAsLine: number;
  reasons: MatchReason[];
  message: string;
}

/**
 * Marks every row of an import against the existing students and families, and against the
 * earlier rows of the file, for the preview:
 * - 'existing': the same student is already there — same name and the same payer (family name,
 *   or paying for themselves) or the same e-mail. Re-importing the app's own export gives only
 *   these, and `planImport` skips them when given their lines.
 * - 'possible_duplicate': the name, e-mail or phone matches someone, but not enough to be sure;
 *   or the same student is on an earlier line of the file. The preview asks.
 * - 'new': no match.
 */
/** " (Patel family)", " (pays for themselves)" or "". */
function payerNote(f: Family | undefined): string {
  if (!f) return '';
  return f.kind === 'self' ? ' (pays for themselves)' : ` (${f.name})`;
}

export function matchImportRows(
  csv: ParsedCsv,
  mapping: Mapping,
  existing: { students: readonly Student[]; families: readonly Family[] },
): ImportRowMatch[] {
  const get = getterFor(mapping);
  const familyById = new Map(existing.families.map((f) => [f.id, f]));
  const seen = new Map<string, number>();
  const out: ImportRowMatch[] = [];
  for (const { line, values } of csv.rows) {
    const { firstName, lastName } = rowName(values, get);
    const name = `${firstName} ${lastName}`.trim();
    const email = get(values, 'email');
    const familyName = get(values, 'familyName');
    const selfPaying = YES.has(get(values, 'selfPaying').toLowerCase()) || !familyName;
    const key = `${studentNameKey({ firstName, lastName })}|${selfPaying ? '' : normaliseFamilyName(familyName)}`;
    const earlier = seen.get(key);
    if (!seen.has(key)) seen.set(key, line);
    const matches = findStudentMatches({ firstName, lastName, email, phone: get(values, 'phone') }, existing.students);
    const samePayer = (s: Student) => {
      const f = familyById.get(s.familyId);
      if (!f) return false;
      return selfPaying ? f.kind === 'self' : f.kind === 'family' && normaliseFamilyName(f.name) === normaliseFamilyName(familyName);
    };
    const sure = matches.find((m) => m.reasons.includes('name') && (samePayer(m.record) || (email !== '' && m.reasons.includes('email'))));
    const match = sure ?? matches[0];
    if (sure) {
      out.push({
        line,
        name,
        status: 'existing',
        studentId: sure.record.id,
        sameAsLine: 0,
        reasons: sure.reasons,
        message: `${name} is already a student${payerNote(familyById.get(sure.record.familyId))}: skipped unless you choose to import it again`,
      });
    } else if (earlier !== undefined) {
      out.push({
        line,
        name,
        status: 'possible_duplicate',
        studentId: '',
        sameAsLine: earlier,
        reasons: ['name'],
        message: `${name} is also on line ${earlier} of this file`,
      });
    } else if (match) {
      out.push({
        line,
        name,
        status: 'possible_duplicate',
        studentId: match.record.id,
        sameAsLine: 0,
        reasons: match.reasons,
        message: `${match.message}: is this the same student?`,
      });
    } else {
      out.push({ line, name, status: 'new', studentId: '', sameAsLine: 0, reasons: [], message: '' });
    }
  }
  return out;
}

/**
 * The lines `planImport` should skip unless the person says otherwise: every row that matches a
 * record (existing, or a possible duplicate — of a student or of an earlier line). The preview
 * lists them, each with an "Import anyway" choice; a skipped row is never lost, it stays in the file.
 */
export function defaultSkipLines(matches: readonly ImportRowMatch[]): Set<number> {
  return new Set(matches.filter((m) => m.status !== 'new').map((m) => m.line));
}

const YES = new Set(['yes', 'y', 'true', '1', 'x', 'adult', 'self']);
const STATUS_WORDS: Record<string, Student['status']> = {
  '': 'active',
  active: 'active',
  current: 'active',
  enrolled: 'active',
  paused: 'paused',
  'on hold': 'paused',
  inactive: 'paused',
  archived: 'archived',
  former: 'archived',
  left: 'archived',
};

const FIELD_LABEL = Object.fromEntries(IMPORT_FIELDS.map((f) => [f.key, f.label]));
const STUDENT_FIELD_TO_IMPORT: Record<string, string> = {
  firstName: 'firstName',
  lastName: 'lastName',
  status: 'status',
  subjects: 'subjects',
  rate: 'rate',
  email: 'email',
  phone: 'phone',
  gradeLevel: 'gradeLevel',
  notes: 'notes',
  familyId: 'familyName',
};
const FAMILY_FIELD_TO_IMPORT: Record<string, string> = {
  name: 'familyName',
  contactName: 'contactName',
  email: 'familyEmail',
  phone: 'familyPhone',
  'address.line1': 'line1',
  'address.line2': 'line2',
  'address.city': 'city',
  'address.region': 'region',
  'address.postalCode': 'postalCode',
  'address.country': 'country',
};

export function mappingProblems(mapping: Mapping): string[] {
  const problems: string[] = [];
  if (!mapping.firstName && !mapping.fullName) problems.push('Choose the column with the first name (or the full name).');
  return problems;
}

/**
 * Validates every row and builds the documents to insert. Rows with problems are reported with
 * their line numbers; the plan is only usable when `issues` is empty.
 */
export function planImport(
  csv: ParsedCsv,
  mapping: Mapping,
  existingFamilies: readonly Family[],
  ctx: ChangeContext,
  currency: string,
  newId: () => string,
  opts: PlanImportOptions = {},
): ImportPlan {
  const issues: ImportIssue[] = csv.errors.map((e) => ({ line: e.line, field: '', message: e.message }));
  for (const p of mappingProblems(mapping)) issues.push({ line: 0, field: '', message: p });
  if (issues.length > 0 && mappingProblems(mapping).length > 0)
    return { students: [], families: [], matchedFamilies: 0, skippedRows: 0, issues };

  const get = getterFor(mapping);
  // Families match by name (accents, case, "the … family" ignored) and e-mail (case ignored).
  const famKey = (name: string, email: string) => `${normaliseFamilyName(name)}|${normaliseEmail(email)}`;
  const existingByKey = new Map<string, Family>();
  const existingByName = new Map<string, Family[]>();
  for (const f of existingFamilies) {
    if (f.kind !== 'family') continue;
    existingByKey.set(famKey(f.name, f.email), f);
    const n = normaliseFamilyName(f.name);
    existingByName.set(n, [...(existingByName.get(n) ?? []), f]);
  }
  let skippedRows = 0;
  const newFamilies = new Map<string, Family>();
  const matched = new Set<string>();
  const students: Student[] = [];

  for (const { line, values } of csv.rows) {
    if (opts.skipLines?.has(line)) {
      skippedRows += 1;
      continue;
    }
    const rowIssues: ImportIssue[] = [];
    const { firstName, lastName } = rowName(values, get);
    const statusWord = get(values, 'status').toLowerCase();
    const status = STATUS_WORDS[statusWord];
    if (!status)
      rowIssues.push({ line, field: 'Status', message: `Unknown status “${get(values, 'status')}” (use active, paused or archived)` });

    const familyName = get(values, 'familyName');
    const selfPaying = YES.has(get(values, 'selfPaying').toLowerCase()) || !familyName;
    let familyId = '';
    let newFamily: Family | undefined;
    if (selfPaying) {
      familyId = 'pending-self';
    } else {
      const familyEmail = get(values, 'familyEmail');
      const key = famKey(familyName, familyEmail);
      const existing = existingByKey.get(key) ?? (familyEmail ? undefined : existingByName.get(normaliseFamilyName(familyName))?.[0]);
      if (existing) {
        familyId = existing.id;
        matched.add(existing.id);
      } else if (newFamilies.has(key)) {
        familyId = newFamilies.get(key)!.id;
      } else {
        const fam = validateFamily(
          {
            kind: 'family',
            name: familyName,
            contactName: get(values, 'contactName'),
            email: familyEmail,
            phone: get(values, 'familyPhone'),
            address: {
              line1: get(values, 'line1'),
              line2: get(values, 'line2'),
              city: get(values, 'city'),
              region: get(values, 'region'),
              postalCode: get(values, 'postalCode'),
              country: get(values, 'country'),
            },
            preferredContact: familyEmail || !get(values, 'familyPhone') ? 'email' : 'phone',
            notes: '',
            rate: '',
            currency,
          },
          undefined,
          { requireContact: false },
        );
        if (!fam.ok) {
          for (const [field, message] of Object.entries(fam.errors)) {
            rowIssues.push({ line, field: FIELD_LABEL[FAMILY_FIELD_TO_IMPORT[field] ?? ''] ?? field, message });
          }
        } else {
          newFamily = stampChange<Family>(undefined, fam.value, ctx, newId);
        }
        if (newFamily) {
          newFamilies.set(key, newFamily);
          familyId = newFamily.id;
        }
      }
    }

    const result = validateStudent(
      {
        firstName,
        lastName,
        familyId: familyId || 'invalid-family',
        status: status ?? 'active',
        subjects: get(values, 'subjects'),
        rate: get(values, 'rate'),
        currency,
        // An adult who pays for themselves: the family columns are their own contact when the
        // student columns are empty (a spreadsheet with one e-mail column per row).
        email: get(values, 'email') || (selfPaying ? get(values, 'familyEmail') : ''),
        phone: get(values, 'phone') || (selfPaying ? get(values, 'familyPhone') : ''),
        gradeLevel: get(values, 'gradeLevel'),
        notes: get(values, 'notes'),
      },
      undefined,
    );
    if (!result.ok) {
      for (const [field, message] of Object.entries(result.errors)) {
        rowIssues.push({ line, field: FIELD_LABEL[STUDENT_FIELD_TO_IMPORT[field] ?? ''] ?? field, message });
      }
    }
    if (rowIssues.length > 0) {
      issues.push(...rowIssues);
      continue;
    }
    if (!result.ok) continue;
    let payer = familyId;
    if (selfPaying) {
      const name = `${result.value.firstName} ${result.value.lastName}`.trim();
      const self = stampChange<Family>(
        undefined,
        {
          ...familyBase(name, name),
          kind: 'self',
          email: result.value.email,
          phone: result.value.phone,
          preferredContact: result.value.email || !result.value.phone ? 'email' : 'phone',
          address: {
            line1: get(values, 'line1'),
            line2: get(values, 'line2'),
            city: get(values, 'city'),
            region: get(values, 'region'),
            postalCode: get(values, 'postalCode'),
            country: get(values, 'country'),
          },
        },
        ctx,
        newId,
      );
      newFamilies.set(`self|${self.id}`, self);
      payer = self.id;
    }
    students.push(stampChange<Student>(undefined, { ...result.value, familyId: payer }, ctx, newId));
  }
  if (csv.rows.length === 0) issues.push({ line: 0, field: '', message: 'The file has a header row but no students.' });
  return { students, families: [...newFamilies.values()], matchedFamilies: matched.size, skippedRows, issues };
}

function familyBase(name: string, contactName: string): Omit<Family, keyof import('../model/meta').SyncMeta> {
  return {
    kind: 'family',
    name,
    contactName,
    email: '',
    phone: '',
    address: EMPTY_ADDRESS,
    preferredContact: 'email',
    notes: '',
    defaultRate: null,
    archived: false,
  };
}

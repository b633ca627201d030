/**
 * CSV import of students and families (migration from spreadsheets and other tutoring tools).
 * Pure: column mapping, row validation with line numbers, and the plan of documents to write.
 * Nothing is written unless the whole plan is valid (the UI writes it all-or-nothing).
 */
import type { ParsedCsv } from '../csv';
import { stampChange, type ChangeContext } from '../model/meta';
import type { Family, Student } from '../model/types';
import { EMPTY_ADDRESS, validateFamily, validateStudent } from '../validation/forms';

export interface ImportField {
  key: string;
  label: string;
  required?: boolean;
  aliases: string[];
}

export const IMPORT_FIELDS: ImportField[] = [
  { key: 'firstName', label: 'First name', aliases: ['first name', 'firstname', 'first', 'given name', 'forename', 'student first name'] },
  { key: 'lastName', label: 'Last name', aliases: ['last name', 'lastname', 'last', 'surname', 'family name of student', 'student last name'] },
  { key: 'fullName', label: 'Full name', aliases: ['name', 'full name', 'student', 'student name'] },
  { key: 'status', label: 'Status', aliases: ['status', 'state', 'active'] },
  { key: 'subjects', label: 'Subjects', aliases: ['subjects', 'subject', 'instrument', 'courses'] },
  { key: 'gradeLevel', label: 'Year / level', aliases: ['year / level', 'year', 'grade', 'level', 'school year', 'grade level'] },
  { key: 'rate', label: 'Lesson rate', aliases: ['rate', 'lesson rate', 'price', 'fee', 'hourly rate'] },
  { key: 'email', label: 'Student e-mail', aliases: ['e-mail', 'email', 'student email', 'student e-mail'] },
  { key: 'phone', label: 'Student phone', aliases: ['phone', 'mobile', 'student phone', 'telephone'] },
  { key: 'selfPaying', label: 'Pays for themselves', aliases: ['pays for themselves', 'adult', 'self paying', 'self-paying'] },
  { key: 'familyName', label: 'Family name', aliases: ['family name', 'family', 'household', 'payer', 'account'] },
  { key: 'contactName', label: 'Parent / guardian', aliases: ['parent / guardian', 'parent', 'guardian', 'parent name', 'contact', 'contact name'] },
  { key: 'familyEmail', label: 'Family e-mail', aliases: ['family e-mail', 'family email', 'parent email', 'parent e-mail', 'guardian email'] },
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

const norm = (s: string) => s.toLowerCase().replace(/[_\s]+/g, ' ').trim();

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
  issues: ImportIssue[];
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
): ImportPlan {
  const issues: ImportIssue[] = csv.errors.map((e) => ({ line: e.line, field: '', message: e.message }));
  for (const p of mappingProblems(mapping)) issues.push({ line: 0, field: '', message: p });
  if (issues.length > 0 && mappingProblems(mapping).length > 0) return { students: [], families: [], matchedFamilies: 0, issues };

  const get = (values: Record<string, string>, key: string) => (mapping[key] ? (values[mapping[key]!] ?? '').trim() : '');
  const famKey = (name: string, email: string) => `${name.toLowerCase()}|${email.toLowerCase()}`;
  const existingByKey = new Map<string, Family>();
  const existingByName = new Map<string, Family[]>();
  for (const f of existingFamilies) {
    if (f.kind !== 'family') continue;
    existingByKey.set(famKey(f.name, f.email), f);
    existingByName.set(f.name.toLowerCase(), [...(existingByName.get(f.name.toLowerCase()) ?? []), f]);
  }
  const newFamilies = new Map<string, Family>();
  const matched = new Set<string>();
  const students: Student[] = [];

  for (const { line, values } of csv.rows) {
    const rowIssues: ImportIssue[] = [];
    let firstName = get(values, 'firstName');
    let lastName = get(values, 'lastName');
    const fullName = get(values, 'fullName');
    if (!firstName && fullName) {
      const i = fullName.lastIndexOf(' ');
      firstName = i > 0 ? fullName.slice(0, i) : fullName;
      lastName = lastName || (i > 0 ? fullName.slice(i + 1) : '');
    }
    const statusWord = get(values, 'status').toLowerCase();
    const status = STATUS_WORDS[statusWord];
    if (!status) rowIssues.push({ line, field: 'Status', message: `Unknown status “${get(values, 'status')}” (use active, paused or archived)` });

    const familyName = get(values, 'familyName');
    const selfPaying = YES.has(get(values, 'selfPaying').toLowerCase()) || !familyName;
    let familyId = '';
    let newFamily: Family | undefined;
    if (selfPaying) {
      familyId = 'pending-self';
    } else {
      const familyEmail = get(values, 'familyEmail');
      const key = famKey(familyName, familyEmail);
      const existing = existingByKey.get(key) ?? (familyEmail ? undefined : existingByName.get(familyName.toLowerCase())?.[0]);
      if (existing) {
        familyId = existing.id;
        matched.add(existing.id);
      } else if (newFamilies.has(key)) {
        familyId = newFamilies.get(key)!.id;
      } else {
        const fam = validateFamily({
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
        }, undefined, { requireContact: false });
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
        email: get(values, 'email'),
        phone: get(values, 'phone'),
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
  return { students, families: [...newFamilies.values()], matchedFamilies: matched.size, issues };
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

import { toCsv } from '../csv';
import { moneyToInput } from '../money';
import type { Family, Student } from '../model/types';

/** The students table as CSV, in the same columns the importer understands. */
export function studentsToCsv(students: readonly Student[], families: ReadonlyMap<string, Family>, _locale: string): string {
  const sorted = [...students].sort((a, b) => `${a.lastName} ${a.firstName}`.localeCompare(`${b.lastName} ${b.firstName}`));
  const fam = (s: Student) => families.get(s.familyId);
  return toCsv(sorted, [
    { header: 'First name', value: (s) => s.firstName },
    { header: 'Last name', value: (s) => s.lastName },
    { header: 'Status', value: (s) => s.status },
    { header: 'Subjects', value: (s) => s.subjects.join('; ') },
    { header: 'Year / level', value: (s) => s.gradeLevel },
    { header: 'Rate', value: (s) => (s.defaultRate ? moneyToInput(s.defaultRate.amount, s.defaultRate.currency) : '') },
    { header: 'Currency', value: (s) => s.defaultRate?.currency ?? '' },
    { header: 'E-mail', value: (s) => s.email },
    { header: 'Phone', value: (s) => s.phone },
    { header: 'Pays for themselves', value: (s) => (fam(s)?.kind === 'self' ? 'yes' : 'no') },
    { header: 'Family name', value: (s) => (fam(s)?.kind === 'family' ? fam(s)?.name : '') },
    { header: 'Parent / guardian', value: (s) => (fam(s)?.kind === 'family' ? fam(s)?.contactName : '') },
    { header: 'Family e-mail', value: (s) => (fam(s)?.kind === 'family' ? fam(s)?.email : '') },
    { header: 'Family phone', value: (s) => (fam(s)?.kind === 'family' ? fam(s)?.phone : '') },
    { header: 'Address line 1', value: (s) => fam(s)?.address.line1 },
    { header: 'Address line 2', value: (s) => fam(s)?.address.line2 },
    { header: 'City', value: (s) => fam(s)?.address.city },
    { header: 'Region', value: (s) => fam(s)?.address.region },
    { header: 'Postcode', value: (s) => fam(s)?.address.postalCode },
    { header: 'Country', value: (s) => fam(s)?.address.country },
    { header: 'Notes', value: (s) => s.notes },
  ]);
}

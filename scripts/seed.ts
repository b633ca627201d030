/**
 * `npm run seed -- --students 10000 [--seed 42] [--out file.csv]`
 * Writes a realistic practice as a CSV that TutorDesk's "Import CSV" reads (students with their
 * families), made by the same generator as "Load a sample practice" and the benchmarks.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSamplePractice } from '../src-shared/sample/generate';
import { studentsToCsv } from '../src-shared/students/csv-export';

const { values } = parseArgs({
  options: {
    students: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string' },
  },
});
const students = Number(values.students);
const seed = Number(values.seed);
if (!Number.isInteger(students) || students < 1 || students > 1_000_000) {
  console.error(`--students must be a whole number from 1 to 1,000,000 (got "${values.students}")`);
  process.exit(2);
}
if (!Number.isInteger(seed)) {
  console.error(`--seed must be a whole number (got "${values.seed}")`);
  process.exit(2);
}
const practice = generateSamplePractice({ students, seed });
const out = resolve(values.out ?? `tutordesk-sample-${students}.csv`);
writeFileSync(out, studentsToCsv(practice.students, new Map(practice.families.map((f) => [f.id, f])), 'en-GB'));
console.log(`Wrote ${practice.students.length} students in ${practice.families.length} families to ${out}`);
console.log('Import it in TutorDesk: Students → Import CSV.');

/**
 * `npm run bench`: speed and memory figures, printed (never asserted). Each section lives in
 * scripts/bench/<area>.ts. Sections that need a browser share one Chromium and one server.
 * Arguments pick sections by a word of their name, e.g. `npm run bench -- students search`.
 */
import { openRenderer, type BenchRow } from './bench/browser';
import { benchStudents } from './bench/students';
import { benchSchedule } from './bench/schedule';
import { benchSearch } from './bench/search';
import { benchBilling } from './bench/billing';
import { benchSync } from './bench/sync';

const sections: { name: string; run: () => Promise<BenchRow[]> }[] = [];
const rows: BenchRow[] = [];

async function main() {
  const session = await openRenderer();
  try {
    sections.unshift({ name: 'Students table (Chromium)', run: () => benchStudents(session) });
    sections.push({ name: 'Schedule: week view and recurrence expansion at 100,000 occurrences (Chromium)', run: () => benchSchedule(session) });
    sections.push({ name: 'Search over 50,000 notes: index build and keystroke to results (Chromium)', run: () => benchSearch(session) });
    sections.push({ name: 'Billing: month drafts for 1,000 families from 100,000 lessons (Node) and PDF per invoice (Chromium)', run: () => benchBilling(session) });
    sections.push({ name: 'Sync throughput: TutorDesk replication vs PouchDB.replicate vs the raw server (PouchDB Server, Chromium IndexedDB)', run: () => benchSync(session) });
    const only = process.argv.slice(2).map((a) => a.toLowerCase());
    const chosen = only.length ? sections.filter((s) => only.some((w) => s.name.toLowerCase().includes(w))) : sections;
    if (chosen.length === 0) console.log(`No section matches ${only.join(', ')}; sections: ${sections.map((s) => s.name.split(':')[0]).join('; ')}`);
    for (const s of chosen) {
      console.log(`\n▶ ${s.name}`);
      try {
        const result = await s.run();
        for (const r of result) {
          rows.push(r);
          console.log(`  ${r.name}: ${r.value.toFixed(r.value < 100 ? 1 : 0)} ${r.unit}${r.goal ? `  (goal ${r.goal})` : ''}${r.detail ? `  [${r.detail}]` : ''}`);
        }
      } catch (e) {
        console.log(`  failed: ${(e as Error).message}`);
      }
    }
  } finally {
    await session.close();
  }
  console.log('\nSummary');
  for (const r of rows) console.log(`  ${r.name.padEnd(70)} ${r.value.toFixed(1).padStart(10)} ${r.unit}${r.goal ? `   goal ${r.goal}` : ''}`);
}

void main();

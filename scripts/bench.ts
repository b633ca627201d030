/**
 * `npm run bench`: speed and memory figures, printed (never asserted). Each section lives in
 * scripts/bench/<area>.ts. Sections that need a browser share one Chromium and one server.
 * Arguments pick sections by a word of their name, e.g. `npm run bench -- students search`.
 */
import { meets, openRenderer, type BenchRow } from './bench/browser';
import { ISSUE_19_FIGURES } from './bench/goals';
import { benchHeap } from './bench/heap';
import { benchStudents } from './bench/students';
import { benchSchedule } from './bench/schedule';
import { benchDialogs } from './bench/dialogs';
import { benchSearch } from './bench/search';
import { benchBilling } from './bench/billing';
import { benchSync } from './bench/sync';
import { benchSyncTargets } from './bench/sync-targets';
import { benchBackup } from './bench/backup';

const sections: { name: string; run: () => Promise<BenchRow[]>; syncServer?: string }[] = [];
/** What became of each section run: its error message when it failed. */
const outcomes = new Map<string, { failed?: string }>();
/** The sync section's rows per server, printed side by side when there are several. */
const syncRows = new Map<string, BenchRow[]>();
const rows: BenchRow[] = [];

async function main() {
  const session = await openRenderer();
  try {
    sections.unshift({ name: 'Students table (Chromium)', run: () => benchStudents(session) });
    sections.push({ name: 'Dialogs: New student and New lesson at 10,000 students (Chromium)', run: () => benchDialogs(session) });
    sections.push({
      name: 'Schedule: week view and recurrence expansion at 100,000 occurrences (Chromium)',
      run: () => benchSchedule(session),
    });
    sections.push({ name: 'Search over 50,000 notes: index build and keystroke to results (Chromium)', run: () => benchSearch(session) });
    sections.push({
      name: 'Billing: month drafts for 1,000 families from 100,000 lessons (Node) and PDF per invoice (Chromium)',
      run: () => benchBilling(session),
    });
    sections.push({
      name: 'Heap: renderer JS heap after opening every screen of the 100,000-lesson practice (Chromium)',
      run: () => benchHeap(session),
    });
    sections.push({
      name: 'Backup and restore of the 10,000-student practice, without and with a passphrase (Chromium)',
      run: () => benchBackup(session),
    });
    // One sync section per server: the embedded PouchDB Server, and COUCH_URL's CouchDB when set.
    for (const target of await benchSyncTargets()) {
      sections.push({
        name: `Sync throughput: TutorDesk replication vs PouchDB.replicate vs the raw server (${target.name}, Chromium IndexedDB)`,
        run: () => benchSync(session, target),
        syncServer: target.name,
      });
    }
    const only = process.argv.slice(2).map((a) => a.toLowerCase());
    const chosen = only.length ? sections.filter((s) => only.some((w) => s.name.toLowerCase().includes(w))) : sections;
    if (chosen.length === 0)
      console.log(`No section matches ${only.join(', ')}; sections: ${sections.map((s) => s.name.split(':')[0]).join('; ')}`);
    for (const s of chosen) {
      console.log(`\n▶ ${s.name}`);
      try {
        const result = await s.run();
        outcomes.set(s.name, {});
        if (s.syncServer) syncRows.set(s.syncServer, result);
        const several = chosen.filter((c) => c.syncServer).length > 1;
        for (const r of result) {
          rows.push(s.syncServer && several ? { ...r, name: `${r.name} [${s.syncServer}]` } : r);
          console.log(
            `  ${r.name}: ${r.value.toFixed(r.value < 100 ? 1 : 0)} ${r.unit}${r.goal ? `  (goal ${r.goal})` : ''}${r.detail ? `  [${r.detail}]` : ''}`,
          );
        }
      } catch (e) {
        const message = (e as Error).message.split('\n')[0]!;
        outcomes.set(s.name, { failed: message });
        console.log(`  failed: ${(e as Error).message}`);
      }
    }
  } finally {
    await session.close();
  }
  if (syncRows.size > 1) {
    const servers = [...syncRows.keys()];
    const names = [...new Set([...syncRows.values()].flatMap((rs) => rs.map((r) => r.name)))];
    const cell = (server: string, name: string) => {
      const r = syncRows.get(server)!.find((x) => x.name === name);
      return r ? `${r.value.toFixed(r.value < 100 ? 2 : 0)} ${r.unit}` : '–';
    };
    console.log('\nSync throughput by server (each with its own raw _bulk_docs / _changes in this run)');
    const width = servers.map((s) => Math.max(16, s.length));
    console.log(`  ${''.padEnd(70)} ${servers.map((s, i) => s.padStart(width[i]!)).join('  ')}`);
    for (const name of names)
      console.log(`  ${name.slice(0, 70).padEnd(70)} ${servers.map((s, i) => cell(s, name).padStart(width[i]!)).join('  ')}`);
  }
  console.log('\nSummary');
  for (const r of rows)
    console.log(`  ${r.name.padEnd(70)} ${r.value.toFixed(1).padStart(10)} ${r.unit}${r.goal ? `   goal ${r.goal}` : ''}`);
  printIssue19();
}

/**
 * Every figure of issue 19 with its goal, side by side: the figure measured in this run and whether
 * it meets the goal (decided from the row's machine-readable target), or why there is none.
 */
function printIssue19() {
  const lines: string[][] = [];
  for (const f of ISSUE_19_FIGURES) {
    const found = rows.filter((r) => r.figure === f.id);
    const ran = [...outcomes].filter(([name]) => name.split(':')[0]!.toLowerCase().includes(f.section));
    if (found.length === 0) {
      const failed = ran.find(([, o]) => o.failed)?.[1].failed;
      const now = ran.length === 0 ? 'not run' : failed ? `failed: ${failed}` : 'failed: the section gave no such figure';
      lines.push([f.label, now.length > 60 ? `${now.slice(0, 59)}…` : now, f.goal, '–']);
      continue;
    }
    for (const r of found) {
      const server = found.length > 1 ? (/\[([^\]]+)\]$/.exec(r.name)?.[1] ?? '') : '';
      const target = r.target ?? f.target;
      const digits = r.unit === '×' ? 2 : r.value < 100 ? 1 : 0;
      lines.push([
        server ? `${f.label} [${server}]` : f.label,
        `${r.value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${r.unit}`,
        r.goal ?? f.goal,
        meets(r.value, target) ? '✓' : '✗',
      ]);
    }
  }
  const head = ['figure', 'now', 'goal', 'met'];
  const width = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(width[i]!)).join(' │ ')}`;
  console.log('\nIssue 19 goals');
  console.log(row(head));
  console.log(`  ${width.map((w) => '─'.repeat(w)).join('─┼─')}`);
  for (const l of lines) console.log(row(l));
}

void main();

/**
 * Billing figures for `npm run bench`:
 * - batch generation of a month's draft invoices for 1,000 families from 100,000 lessons (the
 *   domain's generateMonthDrafts, in Node, on the seeded fixture of billing-fixture.ts);
 * - the schedule → billing step (100,000 expanded occurrences → BillableLessons) and issuing the
 *   1,000 drafts (numbering + immutability), for context;
 * - PDF generation per invoice: the invoice HTML template printed by Chromium's page.pdf (what
 *   Electron's printToPDF does in the app), ms per invoice.
 * Printed only; goals are never asserted.
 */
import { createBillingBenchFixture, runBillingBenchBatch } from './billing-fixture';
import { billableLessonsFromOccurrences } from '../../src-shared/billing/from-schedule';
import { renderInvoiceHtml } from '../../src-shared/billing/html';
import { issueInvoices } from '../../src-shared/billing/lifecycle';
import type { Invoice } from '../../src-shared/model/types';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median, type BenchRow, type RendererSession } from './browser';
import { issue19 } from './goals';

/**
 * A full garbage collection, run between (never inside) timed runs: each run leaves ~100,000
 * lines and claims behind, and without this the next run pays for collecting them, which made
 * the figures swing between 0.2 and 0.7 s depending on where V8 started a major GC.
 */
let gc: (() => void) | null = null;
function fullGc(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

function time<T>(fn: () => T): { ms: number; result: T } {
  const t0 = performance.now();
  const result = fn();
  return { ms: performance.now() - t0, result };
}

export async function benchBilling(
  session: RendererSession | null,
  opts: { families?: number; lessons?: number; runs?: number; pdfs?: number } = {},
): Promise<BenchRow[]> {
  const families = opts.families ?? 1000;
  const lessons = opts.lessons ?? 100_000;
  const runs = opts.runs ?? 7;
  const rows: BenchRow[] = [];

  const setup = time(() => createBillingBenchFixture({ families, lessons }));
  const fx = setup.result;
  rows.push({
    name: `billing: build fixture (${families.toLocaleString()} families, ${lessons.toLocaleString()} lessons; setup)`,
    value: setup.ms,
    unit: 'ms',
  });

  // Warm up the JIT and the date caches once, then measure.
  runBillingBenchBatch(fx);
  const times: number[] = [];
  let last = runBillingBenchBatch(fx);
  for (let i = 0; i < runs; i++) {
    last = null as unknown as typeof last;
    fullGc();
    const r = time(() => runBillingBenchBatch(fx));
    times.push(r.ms);
    last = r.result;
  }
  const s = last.summary;
  rows.push({
    name: `billing: month drafts for ${families.toLocaleString()} families from ${lessons.toLocaleString()} lessons (median of ${runs})`,
    value: median(times),
    unit: 'ms',
    goal: '≤ 500 ms',
    detail: `full GC before each run; ${s.invoicesCreated} drafts, ${s.lessonsBilled.toLocaleString()} lessons billed, ${s.lessonsAlreadyBilled} already billed, ${s.warnings.length} warnings; runs ${times.map((t) => t.toFixed(0)).join(', ')}`,
  });

  // The UI's step before generation: expanded occurrences → one BillableLesson per student.
  const occurrences = fx.lessons.map((l) => ({
    id: l.occurrenceId,
    lessonId: l.lessonId,
    start: l.start,
    durationMinutes: l.durationMinutes,
    status: l.status,
    studentStatus: {},
    studentIds: [l.studentId],
    subject: l.subject,
    tutorId: l.tutorId,
    closed: false,
    lesson: { rateOverride: l.rateOverride },
  }));
  billableLessonsFromOccurrences(occurrences, fx.students);
  const conv = median(Array.from({ length: 5 }, () => time(() => billableLessonsFromOccurrences(occurrences, fx.students)).ms));
  rows.push({
    name: `billing: ${lessons.toLocaleString()} schedule occurrences → billable lessons (median of 5)`,
    value: conv,
    unit: 'ms',
  });

  const issue = time(() =>
    issueInvoices(last.invoices, { issueDate: '2026-04-01', deviceCode: 'K7Q', invoices: [], settings: fx.settings, ctx: fx.ctx }),
  );
  rows.push({
    name: `billing: issue ${last.invoices.length.toLocaleString()} drafts (numbering, totals check)`,
    value: issue.ms,
    unit: 'ms',
    ...issue19('billing-issue'),
  });

  if (session) {
    const issued = issue.result;
    const familyById = new Map(fx.families.map((f) => [f.id, f]));
    // Typical invoices (median line count) and the largest one.
    const byLines = [...issued].sort((a, b) => a.lines.length - b.lines.length);
    const mid = Math.floor(byLines.length / 2);
    const pdfs = opts.pdfs ?? 20;
    const sample: Invoice[] = byLines.slice(Math.max(0, mid - pdfs / 2), mid + pdfs / 2);
    const largest = byLines.at(-1)!;
    const page = await session.browser.newPage();
    const printOne = async (inv: Invoice) => {
      const html = renderInvoiceHtml({ invoice: inv, family: familyById.get(inv.familyId)!, settings: fx.settings, pageSize: 'A4' });
      const t0 = performance.now();
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      return { ms: performance.now() - t0, bytes: pdf.length };
    };
    await printOne(sample[0]!); // warm-up
    const results = [];
    for (const inv of sample) results.push(await printOne(inv));
    const big = await printOne(largest);
    await page.close();
    rows.push({
      name: `billing: PDF per invoice, Chromium page.pdf (median of ${results.length}, ~${sample[0]!.lines.length} lines)`,
      value: median(results.map((r) => r.ms)),
      unit: 'ms',
      detail: `mean ${(results.reduce((a, r) => a + r.ms, 0) / results.length).toFixed(0)} ms, ${Math.round(median(results.map((r) => r.bytes)) / 1024)} KB each`,
    });
    rows.push({
      name: `billing: PDF of the largest invoice (${largest.lines.length} lines)`,
      value: big.ms,
      unit: 'ms',
      detail: `${Math.round(big.bytes / 1024)} KB`,
    });
  }
  return rows;
}

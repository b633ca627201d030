/**
 * The renderer's memory at centre scale in Chromium: the practice of about 100,000 lesson
 * occurrences a year that the schedule section uses (2,000 students, 2,000 weekly series, 100 extra
 * tutors, started 26 weeks ago: scripts/bench/schedule.ts, the `seedSchedule` hook), then a fresh
 * page load in a fresh browser with a profile on disk (no test hooks) that opens every screen of the sidebar in
 * turn, by its link in the navigation named "Main", and waits for each to show its content (its
 * heading, and nothing in the main region still loading or busy). Then a full garbage collection
 * (CDP `HeapProfiler.collectGarbage`) and the JS heap in use (`Runtime.getHeapUsage`).
 *
 * Then Reports again in a fresh page load (the tutor's next start): its "this year" needs every
 * attendance document since January, which the first opening read through the indexes and the
 * schedule store saved as its older part snapshot; the next start reads that in one request.
 *
 * `BENCH_HEAP_SNAPSHOT=1` also takes a heap snapshot and prints the constructors holding the most
 * memory (self size), to find out what holds it.
 */
import type { CDPSession, Page } from '@playwright/test';
import { openDiskContext, type BenchRow, type RendererSession } from './browser';
import { issue19 } from './goals';

const WAIT_MS = 60_000;
const MB = 1024 * 1024;

/** Resolves when the main region shows the screen's heading and nothing in it has loaded for `quietMs`. */
async function waitForContent(page: Page, heading: string, quietMs = 750): Promise<void> {
  await page
    .getByRole('main')
    .getByRole('heading', { level: 1 })
    .first()
    .waitFor({ timeout: WAIT_MS })
    .catch(() => {
      throw new Error(`the ${heading} screen showed no heading within ${WAIT_MS} ms`);
    });
  await page.waitForFunction(
    (quiet) => {
      const w = window as unknown as { __quietSince?: number };
      const main = document.querySelector('main');
      const loading = !main || main.querySelector('[aria-busy="true"]') !== null || /Loading/.test(main.textContent ?? '');
      const now = performance.now();
      if (loading) w.__quietSince = undefined;
      else w.__quietSince ??= now;
      return !loading && now - w.__quietSince! >= quiet;
    },
    quietMs,
    { timeout: WAIT_MS, polling: 100 },
  );
}

async function heapUsed(cdp: CDPSession): Promise<{ used: number; total: number }> {
  // Two collections: the first may leave objects that only become garbage after finalisers ran.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const h = await cdp.send('Runtime.getHeapUsage');
  return { used: h.usedSize, total: h.totalSize };
}

/** The constructors with the largest self size in a heap snapshot (a summary, as DevTools' Summary view). */
async function snapshotSummary(cdp: CDPSession, top = 25): Promise<string[]> {
  const chunks: string[] = [];
  const onChunk = (e: { chunk: string }) => chunks.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const by = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const name = type === 'object' || type === 'native' ? snap.strings[snap.nodes[i + nameAt]!]! : `(${type})`;
    const e = by.get(name) ?? { size: 0, count: 0 };
    e.size += snap.nodes[i + sizeAt]!;
    e.count += 1;
    by.set(name, e);
  }
  return [...by]
    .sort((a, b) => b[1].size - a[1].size)
    .slice(0, top)
    .map(([name, e]) => `${(e.size / MB).toFixed(1)} MB in ${e.count.toLocaleString('en-GB')} × ${name.slice(0, 80)}`);
}

/** Milliseconds from `t0` until the Reports screen's heading shows with nothing in it still loading. */
async function reportsShown(page: Page, t0: number): Promise<number> {
  await page.getByRole('main').getByRole('heading', { level: 1, name: 'Reports' }).waitFor({ timeout: WAIT_MS });
  await waitForContent(page, 'Reports', 0);
  return Date.now() - t0;
}

/**
 * Waits for the schedule store's older part snapshot (saved a few seconds after Reports read the
 * year), then loads the app afresh and times Reports from its link until its content shows.
 */
async function reportsOnNextStart(
  page: Page,
  url: string,
  log: (m: string) => void,
): Promise<{ ms: number; settledMs: number; docs: number }> {
  const docs = await page.evaluate(async () => {
    const read = async (): Promise<number> => {
      const name = (await indexedDB.databases()).map((d) => d.name ?? '').find((n) => n.endsWith('--snapshots'));
      if (!name) return 0;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      try {
        const v = await new Promise<unknown>((resolve, reject) => {
          const r = db.transaction('snapshots').objectStore('snapshots').get('occurrences:older');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        return (v as { docs?: unknown[] } | undefined)?.docs?.length ?? 0;
      } finally {
        db.close();
      }
    };
    for (let i = 0; i < 300; i++) {
      const n = await read();
      if (n > 0) return n;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the older attendance snapshot was not saved within a minute of opening Reports');
  });
  log(`older snapshot saved: ${docs} documents`);
  const open = async (settleMs: number) => {
    await page.goto('about:blank');
    await page.goto(url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link').first().waitFor();
    await waitForContent(page, 'start');
    await page.waitForTimeout(settleMs);
    const t0 = Date.now();
    await nav.getByRole('link', { name: 'Reports', exact: true }).click();
    return reportsShown(page, t0);
  };
  const ms = await open(0);
  log(`Reports on the next start, opened at once: shown in ${ms} ms`);
  const settledMs = await open(5_000);
  log(`Reports on the next start, opened 5 s after the start screen: shown in ${settledMs} ms`);
  return { ms, settledMs, docs };
}

export async function benchHeap(session: RendererSession, series = 2000): Promise<BenchRow[]> {
  const started = Date.now();
  const log = (m: string) => process.env.BENCH_DEBUG && console.log(`  [heap] ${m} +${Date.now() - started} ms`);
  const context = await openDiskContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(WAIT_MS);
  await context.addInitScript('globalThis.__name = (f) => f;');
  try {
    // Seed in one page, as the schedule section does …
    const seeder = await context.newPage();
    await seeder.goto(`${session.url}?testHooks=1`);
    await seeder.getByRole('button', { name: 'Load a sample practice' }).waitFor();
    await seeder.evaluate(() => window.__tutordeskTest!.loadSample(2000));
    const seeded = await seeder.evaluate((n) => window.__tutordeskTest!.seedSchedule(n, 26, Math.round(n / 20)), series);
    const seedMs = Date.now() - started;
    log(`seeded ${JSON.stringify(seeded)}`);
    await seeder.close();

    // … then measure a page that did not seed (nothing of the seeding left in its heap).
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(session.url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link').first().waitFor();
    const startHeap = await heapUsed(cdp);
    log(`start: ${(startHeap.used / MB).toFixed(1)} MB`);
    const screens = (await nav.getByRole('link').allTextContents()).map((s) => s.trim()).filter(Boolean);
    if (screens.length === 0) throw new Error('the navigation "Main" has no links');
    const perScreen: string[] = [];
    let reportsFirst = 0;
    for (const name of screens) {
      const t0 = Date.now();
      await nav.getByRole('link', { name, exact: true }).click();
      if (name === 'Reports') reportsFirst = await reportsShown(page, t0);
      await waitForContent(page, name);
      if (name === 'Schedule') await page.locator('.cal-col [data-occ]').first().waitFor();
      if (name === 'Students') await page.getByRole('table', { name: 'Students' }).getByRole('row').nth(1).waitFor();
      const h = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
      perScreen.push(`${name} ${(h / MB).toFixed(0)}`);
      log(`${name}: shown in ${Date.now() - t0} ms, heap (no GC) ${(h / MB).toFixed(1)} MB`);
    }
    const end = await heapUsed(cdp);
    log(`end: ${(end.used / MB).toFixed(1)} MB used of ${(end.total / MB).toFixed(1)} MB`);
    if (process.env.BENCH_HEAP_SNAPSHOT) {
      console.log('  [heap] largest constructors by self size:');
      for (const line of await snapshotSummary(cdp)) console.log(`    ${line}`);
    }
    const reportsNext = await reportsOnNextStart(page, session.url, log);
    return [
      {
        name: `heap: seed ${seeded.lessons.toLocaleString('en-GB')} series + ${seeded.occurrences.toLocaleString('en-GB')} attendance docs (setup)`,
        value: seedMs,
        unit: 'ms',
      },
      {
        name: 'renderer: JS heap after opening every screen (100,000-lesson practice)',
        value: end.used / MB,
        unit: 'MB',
        ...issue19('renderer-heap'),
        detail: `after a full GC; ${(startHeap.used / MB).toFixed(0)} MB at start; screens opened in turn (MB before GC): ${perScreen.join(', ')}`,
      },
      {
        name: 'reports: open → shown, "this year", first time after a start (100,000-lesson practice)',
        value: reportsFirst,
        unit: 'ms',
        goal: "≤ 1,000 ms (the issue's title)",
        target: { op: '<=', value: 1000 },
        detail: "the year's attendance read through the indexes (no older snapshot yet)",
      },
      {
        name: 'reports: open → shown, "this year", on the next start, opened at once',
        value: reportsNext.ms,
        unit: 'ms',
        goal: "≤ 1,000 ms (the issue's title)",
        target: { op: '<=', value: 1000 },
        detail: `a fresh page load, Reports opened from the navigation as soon as the start screen shows; the year's attendance from the older part snapshot (${reportsNext.docs.toLocaleString('en-GB')} documents saved)`,
      },
      {
        name: 'reports: open → shown, "this year", on the next start, 5 s after it',
        value: reportsNext.settledMs,
        unit: 'ms',
        goal: "≤ 1,000 ms (the issue's title)",
        target: { op: '<=', value: 1000 },
        detail: 'the same, once the start-up work (the search index, the snapshots saved and checked) is done',
      },
    ];
  } finally {
    await context.close();
  }
}

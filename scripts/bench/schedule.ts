/**
 * Schedule in Chromium with a practice of about 100,000 lesson occurrences a year: 2,000 weekly
 * series for 2,000 students and 100 tutors, seeded through the `seedSchedule` test hook, started
 * 26 weeks ago (so ~48,000 past lessons carry attendance documents):
 * - opening the schedule (page load → week view painted, which includes loading every lesson
 *   and occurrence document from IndexedDB into the schedule store);
 * - week navigation and view switches (a real click → new range painted, from the click event's
 *   time stamp), each to a range not shown before. Clicks follow each other as fast as Playwright
 *   sends them: the week after the one shown may already have been expanded in idle time
 *   (schedule/queries.ts usePrefetchRanges) or may still be under way, and a click that comes
 *   during that work waits for it, as a user's would;
 * - the pure recurrence expansion of the visible range and the conflict sweep over it, timed in
 *   the page by the `scheduleExpansion` hook.
 */
import { median, startTrace, type BenchRow, type RendererSession, openDiskContext } from './browser';
import { issue19 } from './goals';

/** Longer than the app waits before saving its first snapshots (data/snapshots.ts FIRST_WRITE_MS) plus the writes. */
const SNAPSHOT_SETTLE_MS = 6_000;

type Figures = Awaited<ReturnType<NonNullable<Window['__tutordeskTest']>['scheduleExpansion']>>;

/**
 * Clicks a button (by its accessible name) with a real mouse click, and measures from the click
 * event's time stamp (when the click reached the page, so time spent waiting behind other work,
 * such as the idle-time expansion of the next week, counts) until the calendar title changed and
 * the next frame was painted.
 */
async function clickAndPaint(page: import('@playwright/test').Page, buttonName: string): Promise<number> {
  await page.evaluate(() => {
    const title = document.querySelector('.cal-title')!;
    const before = title.textContent;
    const w = window as unknown as { __painted?: Promise<number> };
    w.__painted = new Promise<number>((resolve, reject) => {
      let t0 = NaN;
      document.addEventListener(
        'click',
        (e) => {
          const now = performance.now();
          t0 = e.timeStamp > 0 && e.timeStamp <= now ? e.timeStamp : now;
        },
        { capture: true, once: true },
      );
      const timer = setTimeout(() => reject(new Error(`the calendar title stayed "${before}" for 30 s after the click`)), 30_000);
      const obs = new MutationObserver(() => {
        if (title.textContent === before) return;
        obs.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
      });
      obs.observe(title, { childList: true, characterData: true, subtree: true });
    });
  });
  await page.getByRole('button', { name: buttonName, exact: true }).click();
  const ms = await page.evaluate(() => (window as unknown as { __painted: Promise<number> }).__painted);
  if (!Number.isFinite(ms)) throw new Error(`the "${buttonName}" click was not seen by the page`);
  return ms;
}

export async function benchSchedule(session: RendererSession, series = 2000): Promise<BenchRow[]> {
  const context = await openDiskContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript('globalThis.__name = (f) => f;');
  const page = await context.newPage();
  await page.goto(`${session.url}?testHooks=1`);
  await page.getByRole('button', { name: 'Load a sample practice' }).waitFor();
  const seedStart = Date.now();
  const log = (m: string) => process.env.BENCH_DEBUG && console.log(`  [schedule] ${m} +${Date.now() - seedStart} ms`);
  await page.evaluate(() => window.__tutordeskTest!.loadSample(2000));
  log('sample practice loaded');
  const seeded = await page.evaluate((n) => window.__tutordeskTest!.seedSchedule(n, 26, Math.round(n / 20)), series);
  const seedMs = Date.now() - seedStart;
  log(`seeded ${JSON.stringify(seeded)}`);

  // Page load → first week painted (lessons visible in the time grid).
  await page.addInitScript(() => {
    const w = window as unknown as { __weekPainted?: Promise<number> };
    w.__weekPainted = new Promise((resolve) => {
      const check = () => {
        if (document.querySelector('.cal-col [data-occ]')) {
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
          return true;
        }
        return false;
      };
      const obs = new MutationObserver(() => {
        if (check()) obs.disconnect();
      });
      document.addEventListener('DOMContentLoaded', () => {
        if (!check()) obs.observe(document.body, { childList: true, subtree: true });
      });
    });
  });
  // The practice had been open before these starts: a few seconds on the week view let the app
  // save its start-up snapshots (data/snapshots.ts), as any working session does.
  await page.goto(`${session.url}?testHooks=1&warm=1#/schedule?view=week`);
  await page.evaluate(() => (window as unknown as { __weekPainted: Promise<number> }).__weekPainted);
  await page.waitForTimeout(SNAPSHOT_SETTLE_MS);
  const opens: number[] = [];
  const sources: string[] = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(`${session.url}?testHooks=1&run=${i}#/schedule?view=week`);
    opens.push(await page.evaluate(() => (window as unknown as { __weekPainted: Promise<number> }).__weekPainted));
    sources.push(
      await page.evaluate(() =>
        JSON.stringify((performance.getEntriesByName('tutordesk:schedule-store')[0] as PerformanceMark)?.detail ?? null),
      ),
    );
  }
  log(`store sources: ${sources.join(' ')}`);
  const lessonsShown = await page.locator('.cal-col [data-occ]').count();
  log(`opened ×3: ${opens.join(', ')}`);

  // Next week × 12 (new ranges each time), then month ↔ week switches on new anchors.
  const weeks: number[] = [];
  const tracing = await startTrace(page, 'schedule-next-week');
  for (let i = 0; i < 12; i++) weeks.push(await clickAndPaint(page, 'Next week'));
  await tracing?.stop();
  log(`weeks: ${weeks.join(', ')}`);
  const switches: number[] = [];
  for (let i = 0; i < 4; i++) {
    switches.push(await clickAndPaint(page, 'Month'));
    await clickAndPaint(page, 'Next month');
    switches.push(await clickAndPaint(page, 'Week'));
  }

  log(`switches: ${switches.join(', ')}`);
  const figures: Figures = await page.evaluate(() => window.__tutordeskTest!.scheduleExpansion(10));
  await context.close();
  const byView = (v: string) => figures.runs.filter((r) => r.view === v);
  const week = byView('week');
  const month = byView('month');
  return [
    {
      name: `schedule: seed ${seeded.lessons.toLocaleString()} series + ${seeded.occurrences.toLocaleString()} attendance docs (setup)`,
      value: seedMs,
      unit: 'ms',
    },
    {
      name: `schedule: occurrences in the first 52 weeks (size of the practice)`,
      value: figures.occurrencesInYear,
      unit: 'occurrences',
      detail: `expanding the whole year took ${figures.yearExpandMs.toFixed(0)} ms`,
    },
    {
      name: 'schedule: open the store (all lessons + recent occurrence docs from IndexedDB)',
      value: figures.storeLoadMs,
      unit: 'ms',
      detail: `${figures.lessons} lessons, ${figures.initialOccurrenceDocs} of ${figures.occurrenceDocs} occurrence docs; arrived after ${Object.entries(
        figures.loadPhases,
      )
        .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
        .join(', ')}`,
    },
    { name: 'schedule: load the older occurrence docs on demand (whole history)', value: figures.olderLoadMs, unit: 'ms' },
    {
      name: 'schedule: page load → week view painted (median of 3)',
      value: median(opens),
      unit: 'ms',
      ...issue19('schedule-open'),
      detail: `${opens.map((v) => v.toFixed(0)).join(', ')}; ${lessonsShown} lessons drawn; the store's sources: ${sources[0]}`,
    },
    {
      name: 'schedule: next week click → painted (median of 12)',
      value: median(weeks),
      unit: 'ms',
      ...issue19('schedule-next-week'),
      detail: weeks.map((v) => v.toFixed(0)).join(', '),
    },
    {
      name: 'schedule: month ↔ week switch → painted (median of 8)',
      value: median(switches),
      unit: 'ms',
      goal: '≤ 300 ms',
      detail: switches.map((v) => v.toFixed(0)).join(', '),
    },
    {
      name: `schedule: expand visible week (median of ${week.length}, ~${Math.round(median(week.map((r) => r.occurrences)))} occurrences)`,
      value: median(week.map((r) => r.expandMs)),
      unit: 'ms',
      goal: '≤ 50 ms',
    },
    {
      name: `schedule: expand visible month (median of ${month.length}, ~${Math.round(median(month.map((r) => r.occurrences)))} occurrences)`,
      value: median(month.map((r) => r.expandMs)),
      unit: 'ms',
      goal: '≤ 150 ms',
    },
    { name: 'schedule: conflict sweep of the visible week (median)', value: median(week.map((r) => r.conflictsMs)), unit: 'ms' },
  ];
}

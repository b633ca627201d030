/**
 * Students table with 10,000 seeded students in Chromium: time from navigation to the table
 * painted, and from a keystroke in the search box to the filtered rows painted (medians).
 */
import { median, type BenchRow, type RendererSession } from './browser';

export async function benchStudents(session: RendererSession, students = 10_000): Promise<BenchRow[]> {
  const context = await session.browser.newContext({ viewport: { width: 1400, height: 900 } });
  // tsx (esbuild) wraps named functions in `__name(...)`; define it inside the page too.
  await context.addInitScript('globalThis.__name = (f) => f;');
  const page = await context.newPage();
  await page.goto(`${session.url}?testHooks=1`);
  await page.getByRole('button', { name: 'Load a sample practice' }).waitFor();
  const seedStart = Date.now();
  await page.evaluate((n) => window.__tutordeskTest!.loadSample(n), students);
  const seedMs = Date.now() - seedStart;

  // Navigation → first rows painted: an init script records when rows first appear, then the
  // next animation frame (the paint).
  await page.addInitScript(() => {
    const w = window as unknown as { __tablePainted?: Promise<number> };
    w.__tablePainted = new Promise((resolve) => {
      const check = () => {
        if (document.querySelector('table[aria-label="Students"] tbody tr')) {
          requestAnimationFrame(() => resolve(performance.now()));
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
  const opens: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${session.url}?run=${i}#/students`);
    opens.push(await page.evaluate(() => (window as unknown as { __tablePainted: Promise<number> }).__tablePainted));
    if (process.env.BENCH_DEBUG) console.log('open', i, opens.at(-1));
  }

  // Keystroke → filtered rows painted.
  await page.getByLabel('Filter by status').selectOption('all');
  const queries = ['a', 'e', 'o', 'pi', 'ma', 'j', 's', 'li', 'fr', 'k', 'th', 'r'];
  const filters: number[] = [];
  for (const q of queries) {
    await page.getByLabel('Search students').fill('');
    await page.waitForTimeout(50);
    const ms = await page.evaluate(async (query) => {
      const input = document.querySelector<HTMLInputElement>('input[aria-label="Search students"]')!;
      const footer = document.querySelector('.table-footer span')!;
      const before = footer.textContent;
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      return new Promise<number>((resolve) => {
        const t0 = performance.now();
        const obs = new MutationObserver(() => {
          if (footer.textContent !== before) {
            obs.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - t0));
          }
        });
        obs.observe(footer, { childList: true, characterData: true, subtree: true });
        input.focus();
        setter.call(input, query);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    }, q);
    filters.push(ms);
  }
  await context.close();
  return [
    { name: `students: load ${students.toLocaleString()} sample students (setup)`, value: seedMs, unit: 'ms' },
    { name: 'students: navigation → table painted (median of 5)', value: median(opens), unit: 'ms', goal: '≤ 1000 ms', detail: opens.map((v) => v.toFixed(0)).join(', ') },
    { name: 'students: keystroke → filtered rows painted (median of 12)', value: median(filters), unit: 'ms', goal: '≤ 16 ms', detail: filters.map((v) => v.toFixed(1)).join(', ') },
  ];
}

/**
 * Dialogs at 10,000 students in Chromium: the New student dialog (its "Who pays" picker lists
 * every family) and the New lesson dialog (its student picker lists every student).
 * - open → ready: from the click on the screen's "New student" / "New lesson" button until the
 *   dialog is open, its picker has its choices (the combobox is no longer `aria-busy`; before the
 *   combobox, the `<select>` had its family options or the student list its first match) and the
 *   next frame has been painted (median of 5);
 * - the longest main-thread task seen in that time (PerformanceObserver "longtask"), which is how
 *   long the window was frozen.
 * Every wait has a time limit and fails with a message that says what did not happen.
 */
import { median, type BenchRow, type RendererSession, openDiskContext } from './browser';
import { issue19 } from './goals';

const WAIT_MS = 30_000;

interface Opened {
  ms: number;
  longestTaskMs: number;
}

/** In the page: click the button named `button`, resolve when the dialog named `dialog` is ready and painted. */
async function openAndPaint(page: import('@playwright/test').Page, button: string, dialog: string, picker: string): Promise<Opened> {
  return page.evaluate(
    async ({ button, dialog, picker, ms }) => {
      const target = [...document.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === button);
      if (!target) throw new Error(`No button "${button}"`);
      const ready = () => {
        const d = [...document.querySelectorAll('dialog[open]')].find((x) => x.querySelector('h2')?.textContent?.trim() === dialog);
        if (!d) return false;
        const box = d.querySelector(`[role="combobox"][aria-label="${picker}"], [role="combobox"][aria-labelledby]`);
        if (box) return box.getAttribute('aria-busy') === 'false';
        // Before the combobox: a <select> with the families, or the student picker's list.
        const select = [...d.querySelectorAll('select')].find((s) => s.options.length > 2);
        return Boolean(select) || d.querySelector('.picker-option') !== null;
      };
      let longest = 0;
      const lt = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
      });
      lt.observe({ type: 'longtask', buffered: false });
      return new Promise<{ ms: number; longestTaskMs: number }>((resolve, reject) => {
        const timer = setTimeout(() => {
          obs.disconnect();
          reject(new Error(`the ${dialog} dialog was not ready within ${ms} ms`));
        }, ms);
        const t0 = performance.now();
        const obs = new MutationObserver(() => {
          if (!ready()) return;
          obs.disconnect();
          clearTimeout(timer);
          requestAnimationFrame(() =>
            setTimeout(() => {
              const elapsed = performance.now() - t0;
              // Long tasks are reported after they end; give the observer one more turn.
              setTimeout(() => {
                lt.disconnect();
                resolve({ ms: elapsed, longestTaskMs: longest });
              }, 50);
            }, 0),
          );
        });
        obs.observe(document.body, { childList: true, subtree: true, attributes: true });
        target.click();
      });
    },
    { button, dialog, picker, ms: WAIT_MS },
  );
}

export async function benchDialogs(session: RendererSession, students = 10_000): Promise<BenchRow[]> {
  const context = await openDiskContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(WAIT_MS);
  await context.addInitScript('globalThis.__name = (f) => f;');
  const page = await context.newPage();
  const t0 = Date.now();
  const log = (m: string) => process.env.BENCH_DEBUG && console.log(`  [dialogs] ${m} +${Date.now() - t0} ms`);
  try {
    await page.goto(`${session.url}?testHooks=1`);
    await page.getByRole('button', { name: 'Load a sample practice' }).waitFor();
    await page.evaluate((n) => window.__tutordeskTest!.loadSample(n), students);
    log(`seeded ${students} students`);

    const rows: BenchRow[] = [];
    for (const [path, button, picker] of [
      ['#/students', 'New student', 'Who pays'],
      ['#/schedule?view=week', 'New lesson', 'Students'],
    ] as const) {
      await page.goto(`${session.url}?testHooks=1${path}`);
      await page.getByRole('button', { name: button }).waitFor();
      // The screen's own start-up (its live queries) is not the dialog's time.
      await page.waitForTimeout(3000);
      const runs: Opened[] = [];
      for (let i = 0; i < 5; i++) {
        runs.push(await openAndPaint(page, button, button, picker));
        log(`${button} ${i}: ${runs.at(-1)!.ms.toFixed(0)} ms, longest task ${runs.at(-1)!.longestTaskMs.toFixed(0)} ms`);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog', { name: button }).waitFor({ state: 'hidden' });
        await page.waitForTimeout(300);
      }
      rows.push({
        name: `dialogs: ${button} open → ready at ${students.toLocaleString('en-GB')} students (median of 5)`,
        value: median(runs.map((r) => r.ms)),
        unit: 'ms',
        ...issue19(button === 'New student' ? 'dialog-new-student' : 'dialog-new-lesson'),
        detail: `${runs.map((r) => r.ms.toFixed(0)).join(', ')}; longest task ${median(runs.map((r) => r.longestTaskMs)).toFixed(0)} ms (median)`,
      });
    }
    return rows;
  } finally {
    await context.close();
  }
}

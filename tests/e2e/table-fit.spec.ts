import { expect, test, type Page } from '@playwright/test';
import { loadSample, openApp, pageErrors } from './helpers';

/**
 * Issue 17, tables at small windows: a header or a cell whose text does not fit is cut with an
 * ellipsis and carries its whole text in a tooltip (title), never clipped mid-word. Measured in
 * the page: an element whose text overflows it must show an ellipsis and name the whole text.
 */

interface Clip {
  where: string;
  text: string;
  title: string | null;
  ellipsis: boolean;
}

/** Every text-holding element inside the tables' headers and cells that cuts its own text. */
async function clippedTexts(page: Page, scope: string): Promise<Clip[]> {
  return page.evaluate((scope) => {
    const out: Clip[] = [];
    const cells = document.querySelectorAll<HTMLElement>(`${scope} th, ${scope} td`);
    for (const cell of cells) {
      // As a pointer resting on the cell would (the tooltip is set on hovering).
      cell.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
      const elements = [cell, ...cell.querySelectorAll<HTMLElement>('*')];
      for (const el of elements) {
        if (el.closest('.sr-only')) continue;
        const style = getComputedStyle(el);
        if (style.overflowX === 'visible') continue;
        if (el.scrollWidth <= el.clientWidth + 1) continue;
        // The text that does not fit: what the cell reads, and whether it is named in full.
        const text = (el.textContent ?? '').trim();
        if (!text) continue;
        const titled = el.closest<HTMLElement>('[title]');
        // A pill or chip (drawn as one box) that straddles the cut edge is cut mid-word unless it
        // ends in its own ellipsis.
        const edge = el.getBoundingClientRect().right;
        for (const box of el.querySelectorAll<HTMLElement>('*')) {
          const r = box.getBoundingClientRect();
          const s = getComputedStyle(box);
          if (!s.display.startsWith('inline-') || r.left >= edge - 1 || r.right <= edge + 1) continue;
          if (box.scrollWidth > box.clientWidth + 1 && s.textOverflow === 'ellipsis' && s.display === 'inline-block') continue;
          out.push({
            where: `${cell.tagName.toLowerCase()} (box cut at the edge)`,
            text: box.textContent ?? '',
            title: null,
            ellipsis: false,
          });
        }
        out.push({
          where: `${cell.tagName.toLowerCase()} ${cell.closest('table')?.getAttribute('aria-label') ?? ''}`,
          text,
          title: titled?.title ?? null,
          ellipsis: style.textOverflow === 'ellipsis' && style.display !== 'flex' && style.display !== 'inline-flex',
        });
      }
    }
    return out;
  }, scope);
}

async function go(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

for (const viewport of [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
]) {
  test(`table headers and cells truncate with a tooltip at ${viewport.width}×${viewport.height}`, async ({ browser }) => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await openApp(page);
    await loadSample(page);
    const bad: Clip[] = [];
    const cutHeaders: string[] = [];
    for (const screen of ['Students', 'Families', 'Staff', 'Invoices', 'Payments', 'Payroll']) {
      await go(page, screen);
      await expect(page.locator('main table').first()).toBeVisible();
      await page.screenshot({ path: `test-results/table-fit/${screen.toLowerCase()}-${viewport.width}.png` });
      for (const c of await clippedTexts(page, 'main')) {
        if (!c.ellipsis || !c.title?.includes(c.text)) bad.push({ ...c, where: `${screen}: ${c.where}` });
        // From 1280 px wide the headers are read whole ("LAST LESSOI" was the report).
        if (viewport.width >= 1280 && c.where.startsWith('th')) cutHeaders.push(`${screen}: ${c.text}`);
      }
    }
    expect(bad).toEqual([]);
    expect(cutHeaders).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

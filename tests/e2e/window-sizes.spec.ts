import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { loadSample, openApp, pageErrors } from './helpers';

/**
 * Issue 17: every screen at the smallest supported window (1024×700) and a large one
 * (1920×1080), light and dark, with the sample practice. On each: the window itself never
 * scrolls, the content never scrolls sideways, and no table, form or card sticks out of the card
 * it sits in (a part meant to scroll sideways sits in its own scroll area). Screenshots are saved
 * as screenshots/size-<screen>-<width>x<height>-<theme>.png to be looked at.
 */

/** What sticks out: elements wider than the card (section, form, region, dialog) holding them. */
async function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : ''}${
        el.id ? `#${el.id}` : ''
      } "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const out: string[] = [];
    const main = document.querySelector('main')!;
    const scroller = (el: Element) => /(auto|scroll|hidden|clip)/.test(getComputedStyle(el).overflowX);
    // Nothing scrolls sideways but a wide table in its own scroll box (a record list or report
    // with many columns at 1024 px): the content area, its cards and forms fit the window's width.
    for (const el of [main, ...main.querySelectorAll('*')]) {
      const sideways = /(auto|scroll)/.test(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1;
      const tableBox = el !== main && el.querySelector('table') !== null && el.querySelector('form, section') === null;
      if (sideways && !tableBox) out.push(`${name(el)} scrolls sideways`);
    }
    const card = 'section, article, form, fieldset, [role=region], [role=dialog], dialog';
    for (const el of main.querySelectorAll('table, section, form, fieldset, [role=region], svg, img, canvas')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      for (let a = el.parentElement; a && a !== main.parentElement; a = a.parentElement) {
        if (scroller(a)) break;
        if (a.matches(card)) {
          const outer = a.getBoundingClientRect();
          if (r.right > outer.right + 1 || r.left < outer.left - 1) out.push(`${name(el)} sticks out of ${name(a)}`);
          break;
        }
      }
    }
    return out;
  });
}

const screens: { name: string; open: (page: Page) => Promise<void> }[] = [
  { name: 'today', open: (p) => nav(p, 'Today') },
  { name: 'schedule', open: (p) => nav(p, 'Schedule') },
  { name: 'students', open: (p) => nav(p, 'Students') },
  {
    name: 'student-timeline',
    open: async (p) => {
      await nav(p, 'Students');
      await p.getByRole('table', { name: 'Students' }).getByRole('row').nth(1).click();
      await p.getByRole('dialog').getByRole('link', { name: 'Notes & timeline' }).click();
      await expect(p.getByRole('region', { name: 'Make-up credits' })).toBeVisible();
    },
  },
  { name: 'families', open: (p) => nav(p, 'Families') },
  { name: 'invoices', open: (p) => nav(p, 'Invoices') },
  {
    name: 'invoice',
    open: async (p) => {
      await nav(p, 'Invoices');
      await p.getByRole('table', { name: 'Invoices' }).getByRole('row').nth(1).click();
      await expect(p.getByRole('heading', { name: 'Notes' })).toBeVisible();
      // The lines fit their card: there is nothing to scroll sideways (or left scrolled).
      const lines = p.getByRole('table', { name: 'Invoice lines' });
      const sideways = () =>
        lines.evaluate((t) => {
          for (let a = t.parentElement; a; a = a.parentElement) if (a.scrollWidth > a.clientWidth + 1 || a.scrollLeft > 0) return true;
          return false;
        });
      expect(await sideways()).toBe(false);
    },
  },
  { name: 'payments', open: (p) => nav(p, 'Payments') },
  { name: 'reports', open: (p) => nav(p, 'Reports') },
  { name: 'payroll', open: (p) => nav(p, 'Payroll') },
  { name: 'outbox', open: (p) => nav(p, 'Outbox') },
  { name: 'staff', open: (p) => nav(p, 'Staff') },
  { name: 'sync', open: (p) => nav(p, 'Sync') },
  { name: 'settings', open: (p) => nav(p, 'Settings') },
];

async function nav(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await page.waitForTimeout(150);
}

for (const viewport of [
  { width: 1024, height: 700 },
  { width: 1920, height: 1080 },
]) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`every screen holds at ${viewport.width}×${viewport.height} (${colorScheme})`, async ({ browser }) => {
      test.setTimeout(120_000);
      const context = await browser.newContext({ viewport, colorScheme });
      const page = await context.newPage();
      await openApp(page);
      await loadSample(page);
      const found: string[] = [];
      for (const screen of screens) {
        await screen.open(page);
        await page.screenshot({ path: `screenshots/size-${screen.name}-${viewport.width}x${viewport.height}-${colorScheme}.png` });
        expect(
          await page.evaluate(() => document.scrollingElement!.scrollHeight),
          `${screen.name}: the window scrolls`,
        ).toBeLessThanOrEqual(viewport.height);
        found.push(...(await overflows(page)).map((o) => `${screen.name}: ${o}`));
      }
      expect(found).toEqual([]);
      expect(pageErrors(page)).toEqual([]);
      await context.close();
    });
  }
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the CSV import preview shows its rows in a 1024×700 window (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 700 }, colorScheme });
    const page = await context.newPage();
    await openApp(page);
    await loadSample(page);
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import students from CSV' });
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Choose a CSV file…' }).click();
    await (await chooser).setFiles(fileURLToPath(new URL('./fixtures/students-good.csv', import.meta.url)));
    const preview = dialog.getByRole('table', { name: 'Preview of the first rows' });
    await preview.getByRole('row').nth(1).scrollIntoViewIfNeeded();
    await expect(preview.getByRole('row').nth(1)).toBeVisible();
    // The preview's own box keeps the height of its rows (a scroll box in the dialog's column may
    // not be squeezed to nothing); the dialog fits the window.
    const shown = await preview.evaluate((t) => ({
      box: t.parentElement!.getBoundingClientRect().height,
      table: t.getBoundingClientRect().height,
    }));
    expect(shown.table).toBeGreaterThan(100);
    expect(shown.box).toBeGreaterThanOrEqual(shown.table - 1);
    const box = (await dialog.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(700);
    await preview.evaluate((t) => t.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `screenshots/size-import-preview-1024x700-${colorScheme}.png` });
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

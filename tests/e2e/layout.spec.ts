import { expect, test } from '@playwright/test';
import { loadSample, openApp, pageErrors } from './helpers';

/**
 * Issue 17, layout: the shell (sidebar and top bar) stays fixed and only the content scrolls, at
 * the smallest supported window (1024×700) and a large one, on the longest screen (Settings).
 */
for (const viewport of [
  { width: 1024, height: 700 },
  { width: 1920, height: 1080 },
]) {
  test(`only the content scrolls at ${viewport.width}×${viewport.height}`, async ({ browser }) => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await openApp(page);
    await loadSample(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
    // The window itself never scrolls: the document is exactly the window's height.
    expect(await page.evaluate(() => document.scrollingElement!.scrollHeight)).toBeLessThanOrEqual(viewport.height);
    // A wheel over the sidebar or the content leaves the shell where it is.
    const sidebar = page.getByRole('navigation', { name: 'Main' });
    await sidebar.hover();
    await page.mouse.wheel(0, 2000);
    await page.getByRole('heading', { name: 'Settings', level: 1 }).hover();
    await page.mouse.wheel(0, 2000);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect((await page.getByRole('banner').boundingBox())!.y).toBe(0);
    expect((await sidebar.boundingBox())!.y).toBeGreaterThanOrEqual(0);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

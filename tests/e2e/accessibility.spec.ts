import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { loadSample, openApp, pageErrors } from './helpers';

/**
 * Issue 17: an accessibility check (axe-core, WCAG 2.1 A and AA) over every screen and the main
 * dialogs, in light and dark, failing on any violation. Each violation is reported with the
 * screen, the rule and the first elements it found.
 */
const SCREENS = [
  'Students',
  'Families',
  'Schedule',
  'Today',
  'Outbox',
  'Invoices',
  'Payments',
  'Reports',
  'Payroll',
  'Staff',
  'Settings',
  'Sync',
];
const DIALOGS: { screen: string; opener: string; dialog: string | RegExp }[] = [
  { screen: 'Students', opener: 'New student', dialog: 'New student' },
  { screen: 'Students', opener: 'Import CSV', dialog: 'Import students from CSV' },
  { screen: 'Families', opener: 'New family', dialog: 'New family' },
  { screen: 'Schedule', opener: 'New lesson', dialog: 'New lesson' },
  { screen: 'Invoices', opener: 'New invoice', dialog: 'New invoice' },
  { screen: 'Payments', opener: 'Record payment', dialog: 'Record a payment' },
];

async function violations(page: Page, where: string): Promise<string[]> {
  // The e-mail template preview (Settings › E-mail templates) shows the family's e-mail, not the
  // app's interface, in a sandbox="" frame axe cannot run in (the run then fails as a whole).
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .exclude('iframe[title="Preview"][sandbox=""]')
    .analyze();
  return r.violations.map(
    (v) =>
      `${where}: ${v.id} (${v.impact ?? '?'}) on ${v.nodes.length}: ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every screen and the main dialogs pass WCAG 2.1 AA (${colorScheme})`, async ({ browser }) => {
    test.setTimeout(240_000);
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await openApp(page);
    const found = await violations(page, 'Welcome');
    await loadSample(page);
    const open = async (screen: string) => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    };
    for (const screen of SCREENS) {
      await open(screen);
      // Let late data (charts, counts) settle before checking.
      await page.waitForTimeout(500);
      found.push(...(await violations(page, screen)));
    }
    // Each section of the sectioned Settings page is a page of its own.
    await open('Settings');
    const sections = page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link');
    const names = await sections.allInnerTexts();
    expect(names.map((n) => n.trim())).toEqual(expect.arrayContaining(['Practice', 'Rooms', 'Billing', 'Backups']));
    for (const name of names) {
      await sections.filter({ hasText: name }).first().click();
      await page.waitForTimeout(300);
      found.push(...(await violations(page, `Settings › ${name.trim()}`)));
    }
    for (const d of DIALOGS) {
      await open(d.screen);
      await page.getByRole('button', { name: d.opener }).first().click();
      const dialog = page.getByRole('dialog', { name: d.dialog });
      await expect(dialog).toBeVisible();
      found.push(...(await violations(page, `${d.screen} → ${d.opener}`)));
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
    }
    expect(found).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

/**
 * A crowded hour in the week view (issue 19): lessons that overlap share the day column in lanes
 * no narrower than a readable width, the rest behind "+N more", whose list shows every lesson of
 * the hour and opens the one chosen; the day view has room for them all. Screenshots of a busy
 * centre week in light and dark mode under screenshots/.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { loadSample, openApp, pageErrors } from './helpers';

test.use({ locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1400, height: 880 } });

// Today is Monday 7 December 2026: the schedule opens on the week of the crowded Tuesday.
const NOW = new Date('2026-12-07T09:00:00Z');
const TUESDAY = /^Tuesday,? 8 December,/;
/** A lesson's accessible name on the grid ends its title with ", 10:00–11:00" (then its state). */
const IN_SLOT = /^.+ with .+, 10:00–11:00(, .*)?$/;

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

async function crowdedWeek(page: Page, count: number) {
  await page.clock.setFixedTime(NOW);
  await openApp(page);
  await loadSample(page);
  const booked = await page.evaluate((n) => window.__tutordeskTest!.bookOverlapping('2026-12-08', '10:00', n), count);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await expect(page.getByRole('heading', { name: '7 – 13 December 2026' })).toBeVisible();
  return booked;
}

/** No text of the control is cut off (its own box and every line in it). */
async function expectUnclipped(button: Locator) {
  const clipped = await button.evaluate((el) =>
    [el, ...el.querySelectorAll('*')]
      .filter((e) => e instanceof HTMLElement && e.offsetParent !== null && e.textContent)
      .filter((e) => (e as HTMLElement).scrollWidth > (e as HTMLElement).clientWidth + 1)
      .map((e) => e.textContent),
  );
  expect(clipped, 'text cut off').toEqual([]);
}

test('a crowded hour: readable lanes, "+N more" lists every lesson and opens the one chosen', async ({ page }) => {
  const booked = await crowdedWeek(page, 8);
  const day = page.getByRole('group', { name: TUESDAY });
  const more = day.getByRole('button', { name: /^\d+ more lessons? 10:00–11:00, Tuesday,? 8 December$/ });
  await expect(more).toBeVisible();

  // The lessons drawn in lanes are readable: a box of at least 60 px, nothing cut off.
  const drawn = day.getByRole('button', { name: IN_SLOT });
  const shown = await drawn.count();
  expect(shown).toBeGreaterThanOrEqual(1);
  expect(shown).toBeLessThan(booked.length);
  for (let i = 0; i < shown; i += 1) {
    const box = (await drawn.nth(i).boundingBox())!;
    expect(box.width, `lesson ${i} width`).toBeGreaterThanOrEqual(60);
    await expectUnclipped(drawn.nth(i));
  }
  // The rest are counted, by name and on the button.
  const hidden = booked.length - shown;
  await expect(more).toHaveAccessibleName(new RegExp(`^${hidden} more lessons 10:00–11:00, Tuesday,? 8 December$`));
  await expect(more).toHaveText(`+${hidden}`);
  await expect(more).toHaveAttribute('aria-expanded', 'false');

  // The list has every lesson of the hour, focus on its first; Escape closes it, focus returns.
  await more.click();
  const list = page.getByRole('dialog', { name: /^Tuesday,? 8 December, 10:00–11:00$/ });
  await expect(list).toBeVisible();
  await expect(more).toHaveAttribute('aria-expanded', 'true');
  await expect(list.getByText(`${booked.length} lessons, ${hidden} not shown in the grid`)).toBeVisible();
  const items = list.getByRole('button', { name: IN_SLOT });
  await expect(items).toHaveCount(booked.length);
  for (const b of booked) {
    await expect(list.getByRole('button', { name: new RegExp(`^${b.subject} with ${b.student}, 10:00–11:00`) })).toBeVisible();
  }
  await expect(items.first()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(list).toBeHidden();
  await expect(more).toBeFocused();
  // Escape did not leave the week either (the schedule's own keys ignore the list).
  await expect(page.getByRole('heading', { name: '7 – 13 December 2026' })).toBeVisible();

  // By keyboard: Enter opens it, arrows do not move the calendar, Tab walks the list; choosing the
  // last lesson (one the grid does not show) opens it like a click on the grid.
  await page.keyboard.press('Enter');
  await expect(list).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('heading', { name: '7 – 13 December 2026' })).toBeVisible();
  for (let i = 1; i < booked.length; i += 1) await page.keyboard.press('Tab');
  const last = booked[booked.length - 1]!;
  await expect(list.getByRole('button', { name: new RegExp(`^${last.subject} with ${last.student},`) })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(list).toBeHidden();
  const panel = page.getByRole('complementary');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText(last.subject);
  await expect(panel).toContainText(last.student);

  // A click outside closes the list too.
  await more.click();
  await expect(list).toBeVisible();
  await page.getByRole('heading', { name: 'Schedule', level: 1 }).click();
  await expect(list).toBeHidden();

  // The day view is wide enough for all of them, side by side.
  await page.getByRole('button', { name: /^Tuesday,? 8 December 2026$/ }).click();
  await expect(page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Day', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const dayColumn = page.getByRole('group', { name: TUESDAY });
  await expect(dayColumn.getByRole('button', { name: IN_SLOT })).toHaveCount(booked.length);
  await expect(dayColumn.getByRole('button', { name: /more lessons?/ })).toHaveCount(0);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots of a busy centre week (${scheme})`, async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({
      colorScheme: scheme,
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      viewport: { width: 1400, height: 880 },
    });
    const page = await context.newPage();
    await crowdedWeek(page, 8);
    // A centre's week: 400 more weekly series with 30 more tutors.
    await page.evaluate(() => window.__tutordeskTest!.seedSchedule(400, 2, 30));
    await expect(page.getByText(/\d+ lessons this week/)).toBeVisible();
    const more = page.getByRole('group', { name: TUESDAY }).getByRole('button', { name: /more lessons? 10:00–11:00/ });
    await more.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `screenshots/schedule-crowded-week-${scheme}.png` });
    await more.click();
    await expect(page.getByRole('dialog', { name: /10:00–11:00$/ })).toBeVisible();
    await page.screenshot({ path: `screenshots/schedule-crowded-more-${scheme}.png` });
    await page.keyboard.press('Escape');
    await page
      .getByRole('group', { name: /^Monday,? 7 December,/ })
      .getByRole('button', { name: /more lessons? 17:00/ })
      .scrollIntoViewIfNeeded();
    await page.screenshot({ path: `screenshots/schedule-crowded-evening-${scheme}.png` });
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

/**
 * Screenshots (light and dark) of the attendance and notes UI on a sample practice: the Today
 * list with the occurrence sections, the calendar's occurrence panel with them, a student's
 * timeline, the search results and the attendance policy settings. Saved under screenshots/.
 */
import { expect, test, type Page } from '@playwright/test';
import { openApp, pageErrors, openSettings } from './helpers';
import { addLesson, at, localInput, openTodayLesson, today } from './attendance-helpers';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

async function shoot(page: Page, name: string, target?: ReturnType<Page['locator']>) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    const path = `screenshots/attendance-notes/${name}-${scheme}.png`;
    if (target) await target.screenshot({ path });
    else await page.screenshot({ path });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('screenshots of attendance, notes, timeline, search and settings', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await page.getByRole('button', { name: 'Load a sample practice' }).click();
  // The sample (students, a year of lessons, invoices) takes a while on a busy machine.
  await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible({ timeout: 90_000 });
  await page.evaluate(() => window.__tutordeskNotesTest!.seedNotes(400));
  const first = page.getByRole('table', { name: 'Students' }).getByRole('row').nth(1);
  const [firstName, secondName] = await Promise.all([
    first.getByRole('cell').first().innerText(),
    page.getByRole('table', { name: 'Students' }).getByRole('row').nth(2).getByRole('cell').first().innerText(),
  ]);
  const a = firstName.trim().split('\n').at(-1)!.trim();
  const b = secondName.trim().split('\n').at(-1)!.trim();
  const start = at('07:30');
  const lessonId = await addLesson(page, { students: [a, b], subject: 'Chemistry', start, durationMinutes: 60 });

  // Today: a group lesson with one student attending, the other cancelled in time, and a note.
  await page.getByRole('link', { name: 'Today', exact: true }).click();
  const item = await openTodayLesson(page, new RegExp(`Chemistry with ${a}`));
  await item
    .getByRole('radiogroup', { name: `Attendance of ${a}` })
    .getByRole('radio', { name: 'Attended' })
    .check();
  const other = item.getByRole('group', { name: b });
  await other.getByRole('radio', { name: 'Cancelled by student' }).check();
  await other.getByLabel('Cancelled at').fill(localInput('07:00', -2));
  await expect(other.getByText(/in time, make-up credit granted/)).toBeVisible();
  const note = item.getByRole('group', { name: 'Lesson note' });
  await note.getByLabel('What was covered').fill('Balancing equations; moles and molar mass');
  await note.getByLabel('Homework').fill('Exam-style questions 3–7, p. 112');
  await note.getByLabel('Next steps').fill('Titration calculations');
  await note.getByLabel('Notes').fill(`${a} worked carefully and checked every answer. Remind them to bring a calculator.`);
  await expect(note.getByRole('status')).toHaveText('Saved');
  await shoot(page, 'today-occurrence-sections');

  // The calendar's occurrence panel shows the same sections.
  await page.goto(
    `/?testHooks=1#/schedule?view=day&date=${today()}&occ=${encodeURIComponent(`${lessonId}@${new Date(start).toISOString()}`)}`,
  );
  const panel = page.locator('aside').filter({ has: page.getByRole('region', { name: 'Attendance' }) });
  await expect(panel.getByRole('region', { name: 'Lesson note' })).toBeVisible();
  await shoot(page, 'calendar-occurrence-panel');
  await panel.getByRole('region', { name: 'Attendance' }).scrollIntoViewIfNeeded();
  await shoot(page, 'calendar-occurrence-panel-sections', panel);

  // Timeline of the student with the make-up credit.
  await page.goto('/?testHooks=1#/students');
  await page
    .getByRole('table', { name: 'Students' })
    .getByRole('row', { name: new RegExp(b) })
    .first()
    .click();
  await page.getByRole('dialog', { name: b }).getByRole('link', { name: 'Notes & timeline' }).click();
  await expect(page.getByRole('heading', { name: b, level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Make-up credits' }).getByText(/\d+ available/)).toBeVisible();
  await shoot(page, 'student-timeline');

  // A note edited on two laptops offline: both versions, to keep one or both.
  await page.getByRole('button', { name: 'New progress note' }).click();
  const draft = page.getByRole('region', { name: 'New progress note' });
  await draft.getByLabel('Title').fill('Mock exam review');
  await draft
    .getByRole('textbox', { name: 'Progress note', exact: true })
    .fill('Much more confident with organic chemistry. Keep practising mechanisms.');
  await expect(draft.getByRole('status')).toHaveText('Saved');
  await draft.getByRole('button', { name: 'Done' }).click();
  await page.evaluate(() =>
    window.__tutordeskNotesTest!.simulateConcurrentEdit('Mock exam review', {
      body: 'Confident with organic chemistry; mechanisms still need work (from the office laptop).',
    }),
  );
  const conflicted = page.getByRole('article', { name: 'Mock exam review' });
  await expect(conflicted.getByRole('region', { name: 'Version conflict' })).toBeVisible();
  await shoot(page, 'note-conflict', conflicted);

  // Search results.
  const search = page.getByRole('combobox', { name: 'Search notes, students and families' });
  await search.fill('fractions');
  await expect(page.getByRole('listbox', { name: 'Search results' }).getByRole('option').first()).toBeVisible();
  await shoot(page, 'search-results');
  await search.press('Escape');

  // Settings section.
  await openSettings(page, 'Attendance policy');
  const policy = page.getByRole('form', { name: 'Attendance policy' });
  await policy.scrollIntoViewIfNeeded();
  await shoot(page, 'settings-attendance-policy', policy);

  // Bulk confirmation.
  await page.getByRole('link', { name: 'Today', exact: true }).click();
  const bulk = page.getByRole('button', { name: 'Mark the rest of today’s lessons attended' });
  if (await bulk.isEnabled()) {
    await bulk.click();
    await expect(page.getByRole('dialog', { name: 'Mark lessons attended' })).toBeVisible();
    await shoot(page, 'today-bulk-confirm');
  }
});

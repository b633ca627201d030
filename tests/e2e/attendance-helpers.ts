/** Shared set-up of the attendance and notes end-to-end tests. */
import { expect, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { createPractice, openApp, chooseOption } from './helpers';

export const TZ = 'Europe/London';

/** Today's date in the practice's zone, and an instant at a local time of a day relative to it. */
export const today = (): string => DateTime.now().setZone(TZ).toISODate()!;
export const at = (time: string, dayOffset = 0): string =>
  DateTime.fromISO(`${DateTime.now().setZone(TZ).plus({ days: dayOffset }).toISODate()}T${time}`, { zone: TZ })
    .toUTC()
    .toISO()!;
/** The value of a datetime-local input for a local time. */
export const localInput = (time: string, dayOffset = 0): string =>
  `${DateTime.now().setZone(TZ).plus({ days: dayOffset }).toISODate()}T${time}`;

/** A practice made through the UI, with students added through the student form. */
export async function practiceWithStudents(page: Page, students: [string, string][]): Promise<void> {
  await openApp(page);
  await createPractice(page);
  for (const [first, last] of students) {
    await page.getByRole('button', { name: 'New student' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New student' });
    await dialog.getByLabel('First name').fill(first);
    await dialog.getByLabel('Last name').fill(last);
    await chooseOption(dialog, 'Who pays', 'The student (an adult paying for themselves)');
    await dialog.getByLabel('Subjects').fill('Maths');
    await dialog.getByRole('button', { name: 'Add student' }).click();
    await expect(dialog).toBeHidden();
  }
}

export async function addLesson(
  page: Page,
  values: { students: string[]; subject: string; start: string; durationMinutes?: number; rrule?: string },
): Promise<string> {
  return page.evaluate((v) => window.__tutordeskNotesTest!.addLesson(v), values);
}

/** Opens a lesson of the Today list (its occurrence panel sections appear under it). */
export async function openTodayLesson(page: Page, name: RegExp) {
  const row = page.getByRole('button', { name });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await expect(row).toHaveAttribute('aria-expanded', 'true');
  return row.locator('xpath=..');
}

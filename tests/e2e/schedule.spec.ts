/**
 * Schedule end to end: a weekly series booked through the lesson editor, one date skipped, one
 * occurrence moved onto a clashing lesson (warning, "Change time", then drag + "Book anyway"),
 * the .ics and CSV exports read back with independent parsers (ical.js, papaparse), keyboard
 * navigation, and screenshots of every view in light and dark mode.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import Papa from 'papaparse';
import { createPractice, loadSample, openApp, pageErrors, openSettings, addAdultStudent } from './helpers';

const TZ = 'Europe/London';
// The practice's locale comes from the browser at set-up: British English, like the sample practice.
// The laptop is in New York while the practice is in London: everything must show London time.
test.use({ locale: 'en-GB', timezoneId: 'America/New_York' });

/** "Monday 15 March" as a pattern: ICU versions differ on the comma after the weekday. */
const dayPattern = (weekday: string, rest: string) => `${weekday},? ${rest}`;

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

async function practiceWithStudents(page: Page, names: [string, string][]): Promise<void> {
  await openApp(page);
  await createPractice(page);
  for (const [first, last] of names) {
    await addAdultStudent(page, first, last);
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await expect(page.getByRole('heading', { name: 'Schedule', level: 1 })).toBeVisible();
}

async function bookLesson(
  page: Page,
  v: { student: string; subject: string; date: string; time: string; repeat?: string; count?: string },
) {
  await page.getByRole('button', { name: 'New lesson' }).click();
  const dialog = page.getByRole('dialog', { name: 'New lesson' });
  await dialog.getByRole('combobox', { name: 'Students' }).fill(v.student.split(' ')[0]!);
  await dialog.getByRole('option', { name: v.student }).first().click();
  await dialog.getByLabel('Subject').fill(v.subject);
  await dialog.getByLabel('Date').fill(v.date);
  await dialog.getByLabel('Start time').fill(v.time);
  await dialog.getByLabel('Repeats').selectOption({ label: v.repeat ?? 'Every week' });
  if (v.count) {
    await dialog.getByLabel('Ends').selectOption({ label: 'After a number of lessons' });
    await dialog.getByLabel('Number of lessons').fill(v.count);
  }
  return dialog;
}

const day = (page: Page, label: string) => {
  const [weekday, ...rest] = label.split(' ');
  return page.getByRole('group', { name: new RegExp(`^${dayPattern(weekday!, rest.join(' '))},`) });
};

test('weekly series: book, skip a date, move onto a clash with a warning, export .ics and CSV', async ({ page }) => {
  await practiceWithStudents(page, [
    ['Ada', 'Lovelace'],
    ['Alan', 'Turing'],
  ]);

  // Validation messages appear next to the fields, nothing is booked.
  await page.getByRole('button', { name: 'New lesson' }).click();
  let dialog = page.getByRole('dialog', { name: 'New lesson' });
  await dialog.getByLabel('Date').fill('');
  await dialog.getByRole('button', { name: 'Book lesson' }).click();
  await expect(dialog.getByText('Choose at least one student')).toBeVisible();
  await expect(dialog.getByText('Enter a subject')).toBeVisible();
  await expect(dialog.getByText('Enter a date')).toBeVisible();
  await expect(dialog.getByLabel('Date')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.getByRole('alertdialog', { name: 'Discard your changes?' }).getByRole('button', { name: 'Discard' }).click();
  await expect(dialog).toBeHidden();

  // A weekly series of 6 Monday lessons across the British summer time change (28 March 2027).
  dialog = await bookLesson(page, { student: 'Ada Lovelace', subject: 'Maths', date: '2027-03-15', time: '16:00', count: '6' });
  await expect(dialog.getByText('Every week on Monday at 16:00 from 15 Mar 2027, 6 times')).toBeVisible();
  await dialog.getByRole('button', { name: 'Book lesson' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: '15 – 21 March 2027' })).toBeVisible();
  await expect(day(page, 'Monday 15 March').getByRole('button', { name: 'Maths with Ada Lovelace, 16:00–17:00' })).toBeVisible();

  // Skip the lesson of 22 March.
  await page.getByRole('button', { name: 'Next week' }).click();
  await day(page, 'Monday 22 March').getByRole('button', { name: 'Maths with Ada Lovelace, 16:00–17:00' }).click();
  const panel = page.getByRole('complementary', { name: 'Maths with Ada Lovelace' });
  await expect(panel.getByText(/^Monday,? 22 March 2027, 16:00–17:00$/)).toBeVisible();
  await expect(panel.getByText('Every week on Monday at 16:00 from 15 Mar 2027, 6 times')).toBeVisible();
  await panel.getByRole('button', { name: 'Skip this date' }).click();
  await expect(page.getByText(/^Skipped Monday,? 22 March 2027, 16:00–17:00$/)).toBeVisible();
  await expect(day(page, 'Monday 22 March').getByRole('button', { name: /Maths with Ada Lovelace/ })).toHaveCount(0);

  // A one-off Physics lesson on Tuesday 30 March, same tutor: no clash yet.
  dialog = await bookLesson(page, {
    student: 'Alan Turing',
    subject: 'Physics',
    date: '2027-03-30',
    time: '16:00',
    repeat: 'Does not repeat',
  });
  await expect(dialog.getByText(/Once on Tuesday,? 30 March 2027 at 16:00$/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Book lesson' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: '29 Mar – 4 Apr 2027' })).toBeVisible();
  const monday = day(page, 'Monday 29 March').getByRole('button', { name: 'Maths with Ada Lovelace, 16:00–17:00' });
  await expect(monday).toBeVisible();
  await expect(day(page, 'Tuesday 30 March').getByRole('button', { name: 'Physics with Alan Turing, 16:00–17:00' })).toBeVisible();

  // Keyboard alternative to dragging: the Move fields. The clash is named; "Change time" keeps it.
  await monday.click();
  await panel.getByLabel('Move to date').fill('2027-03-30');
  await panel.getByLabel('Move to time').fill('16:30');
  await panel.getByRole('button', { name: 'Move', exact: true }).click();
  let warning = page.getByRole('dialog', { name: 'This clashes with another booking' });
  await expect(warning.getByText('Jo Brown is already teaching Physics (Alan Turing) on Tue 30 Mar, 16:00–17:00.')).toBeVisible();
  await warning.getByRole('button', { name: 'Change time' }).click();
  await expect(warning).toBeHidden();
  await expect(monday).toBeVisible();
  await panel.getByRole('button', { name: 'Close lesson details' }).click();

  // Drag the Monday lesson to Tuesday 16:30 with the mouse: same warning, "Book anyway".
  const from = (await monday.boundingBox())!;
  const target = (await day(page, 'Tuesday 30 March').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + 8);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 30, from.y + 20, { steps: 4 });
  await page.mouse.move(target.x + target.width / 2, from.y + 8 + 26, { steps: 8 });
  await page.mouse.up();
  warning = page.getByRole('dialog', { name: 'This clashes with another booking' });
  await expect(warning.getByText('Jo Brown is already teaching Physics (Alan Turing) on Tue 30 Mar, 16:00–17:00.')).toBeVisible();
  await page.screenshot({ path: 'screenshots/schedule-conflict-light.png' });
  await warning.getByRole('button', { name: 'Book anyway' }).click();
  await expect(page.getByText(/^Moved to Tuesday,? 30 March 2027, 16:30–17:30$/)).toBeVisible();
  await expect(day(page, 'Monday 29 March').getByRole('button', { name: /Maths/ })).toHaveCount(0);
  await expect(
    day(page, 'Tuesday 30 March').getByRole('button', { name: 'Maths with Ada Lovelace, 16:30–17:30, moved, double-booked' }),
  ).toBeVisible();
  await expect(
    day(page, 'Tuesday 30 March').getByRole('button', { name: 'Physics with Alan Turing, 16:00–17:00, double-booked' }),
  ).toBeVisible();
  await expect(page.getByText('2 lessons are double-booked')).toBeVisible();

  // .ics of the whole practice for March–April, parsed with ical.js.
  await page.getByRole('button', { name: 'Export…' }).click();
  let exportDialog = page.getByRole('dialog', { name: 'Export schedule' });
  await exportDialog.getByLabel('From').fill('2027-03-01');
  await exportDialog.getByLabel('To').fill('2027-04-30');
  let downloadPromise = page.waitForEvent('download');
  await exportDialog.getByRole('button', { name: 'Export' }).click();
  const ics = readFileSync((await (await downloadPromise).path())!, 'utf8');
  expect(ics).toContain('BEGIN:VTIMEZONE');
  expect(ics).toMatch(/RRULE:FREQ=WEEKLY;[^\r\n]*UNTIL=20270419T150000Z/);
  expect(ics).toMatch(/EXDATE;TZID=Europe\/London:20270322T160000/);
  expect(ics).toMatch(/RECURRENCE-ID;TZID=Europe\/London:20270329T160000/);
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const tz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevents = root.getAllSubcomponents('vevent');
  const master = vevents.find((v) => String(v.getFirstPropertyValue('summary')).startsWith('Maths') && !v.hasProperty('recurrence-id'))!;
  const event = new ICAL.Event(master);
  for (const v of vevents) if (v !== master && v.getFirstPropertyValue('uid') === event.uid) event.relateException(v);
  const starts: string[] = [];
  const iter = event.iterator();
  for (let next = iter.next(); next; next = iter.next())
    starts.push(DateTime.fromJSDate(event.getOccurrenceDetails(next).startDate.toJSDate(), { zone: TZ }).toFormat("yyyy-LL-dd'T'HH:mm"));
  // 22 March skipped, 29 March moved to Tuesday 16:30; 16:00 London time before and after the change.
  expect(starts.sort()).toEqual(['2027-03-15T16:00', '2027-03-30T16:30', '2027-04-05T16:00', '2027-04-12T16:00', '2027-04-19T16:00']);
  const physics = vevents.find((v) => String(v.getFirstPropertyValue('summary')).startsWith('Physics'))!;
  expect(physics.hasProperty('rrule')).toBe(false);
  expect(new Set(vevents.map((v) => v.getFirstPropertyValue('uid'))).size).toBe(2);

  // CSV of lessons with attendance: BOM, header, one row per lesson, the moved one flagged.
  await page.getByRole('button', { name: 'Export…' }).click();
  exportDialog = page.getByRole('dialog', { name: 'Export schedule' });
  await exportDialog.getByRole('radio', { name: 'Lessons and attendance (.csv)' }).check();
  await exportDialog.getByLabel('From').fill('2027-03-01');
  await exportDialog.getByLabel('To').fill('2027-04-30');
  downloadPromise = page.waitForEvent('download');
  await exportDialog.getByRole('button', { name: 'Export' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^tutordesk-lessons-.*-2027-03-01-2027-04-30\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const parsed = Papa.parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  expect(parsed.meta.fields?.slice(0, 7)).toEqual(['Date', 'Start', 'End', 'Duration (min)', 'Tutor', 'Student', 'Subject']);
  const rows = parsed.data.map((r) => `${r.Date} ${r.Start} ${r.Subject} ${r.Student} ${r.Attendance} moved=${r.Moved}`);
  expect(rows).toEqual([
    '2027-03-15 16:00 Maths Ada Lovelace Scheduled moved=No',
    '2027-03-30 16:00 Physics Alan Turing Scheduled moved=No',
    '2027-03-30 16:30 Maths Ada Lovelace Scheduled moved=Yes',
    '2027-04-05 16:00 Maths Ada Lovelace Scheduled moved=No',
    '2027-04-12 16:00 Maths Ada Lovelace Scheduled moved=No',
    '2027-04-19 16:00 Maths Ada Lovelace Scheduled moved=No',
  ]);
  expect(parsed.data.every((r) => r.Tutor === 'Jo Brown')).toBe(true);
});

test('edit this and following, edit all, end a series', async ({ page }) => {
  await practiceWithStudents(page, [['Ada', 'Lovelace']]);
  const dialog = await bookLesson(page, { student: 'Ada Lovelace', subject: 'Maths', date: '2027-05-03', time: '16:00', count: '4' });
  await dialog.getByRole('button', { name: 'Book lesson' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Month', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'May 2027' })).toBeVisible();
  const lessons = page.getByRole('button', { name: /^Maths with Ada Lovelace, / });
  await expect(lessons).toHaveCount(4);

  // The third lesson and the following move to 17:30.
  await lessons.nth(2).click();
  const panel = page.getByRole('complementary', { name: 'Maths with Ada Lovelace' });
  await expect(panel.getByText(/17 May 2027, 16:00–17:00/)).toBeVisible();
  await panel.getByRole('button', { name: 'Edit' }).click();
  let editor = page.getByRole('dialog', { name: 'Edit lesson' });
  await editor.getByRole('radio', { name: 'This and following lessons' }).check();
  await editor.getByLabel('Start time').fill('17:30');
  await editor.getByRole('button', { name: 'Save changes' }).click();
  await expect(editor).toBeHidden();
  await expect(page.getByRole('button', { name: 'Maths with Ada Lovelace, 16:00–17:00' })).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Maths with Ada Lovelace, 17:30–18:30' })).toHaveCount(2);

  // All lessons of the (new) series: another subject.
  await page.getByRole('button', { name: 'Maths with Ada Lovelace, 17:30–18:30' }).last().click();
  await panel.getByRole('button', { name: 'Edit' }).click();
  editor = page.getByRole('dialog', { name: 'Edit lesson' });
  await editor.getByRole('radio', { name: 'All lessons in the series' }).check();
  await editor.getByLabel('Subject').fill('Further maths');
  await editor.getByRole('button', { name: 'Save changes' }).click();
  await expect(editor).toBeHidden();
  await expect(page.getByRole('button', { name: 'Further maths with Ada Lovelace, 17:30–18:30' })).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Maths with Ada Lovelace, 16:00–17:00' })).toHaveCount(2);

  // End the first series after its first lesson.
  await page.getByRole('button', { name: 'Maths with Ada Lovelace, 16:00–17:00' }).first().click();
  await page.getByRole('complementary').getByRole('button', { name: 'End series…' }).click();
  const end = page.getByRole('dialog', { name: 'End this series' });
  await end.getByLabel('Last lesson on').fill('2027-05-03');
  await end.getByRole('button', { name: 'End series' }).click();
  await expect(end).toBeHidden();
  await expect(page.getByRole('button', { name: /^Maths with Ada Lovelace/ })).toHaveCount(1);
  await expect(page.getByRole('button', { name: /^Further maths with Ada Lovelace/ })).toHaveCount(2);
});

test('keyboard: arrows move the date, t goes to today, d/w/m/a switch views, with visible focus', async ({ page }) => {
  await practiceWithStudents(page, [['Ada', 'Lovelace']]);
  const now = DateTime.now().setZone(TZ);
  const label = (d: DateTime, today = false) =>
    new RegExp(`^${dayPattern(d.toFormat('cccc'), d.toFormat('d LLLL yyyy'))}${today ? ', today' : ''}$`);
  const heading = (d: DateTime) => new RegExp(`^${dayPattern(d.toFormat('cccc'), d.toFormat('d LLLL yyyy'))}$`);
  const pressed = (name: string) => page.getByRole('group', { name: 'View' }).getByRole('button', { name, exact: true });

  await page.getByRole('button', { name: 'Today', exact: true }).focus();
  await page.keyboard.press('m');
  await expect(pressed('Month')).toHaveAttribute('aria-pressed', 'true');
  const todayCell = page.getByRole('button', { name: label(now, true) });
  await expect(todayCell).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('button', { name: label(now.plus({ days: 1 })) })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const later = now.plus({ days: 8 });
  await expect(page.getByRole('button', { name: label(later) })).toBeFocused();
  // The focused date has a visible focus ring.
  const ring = await page.getByRole('button', { name: label(later) }).evaluate((el) => getComputedStyle(el).boxShadow);
  expect(ring).not.toBe('none');
  await page.keyboard.press('w');
  await expect(pressed('Week')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: label(later) })).toBeFocused();
  await page.keyboard.press('d');
  await expect(pressed('Day')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('heading', { name: heading(later) })).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('heading', { name: heading(later.minus({ days: 1 })) })).toBeVisible();
  await page.keyboard.press('a');
  await expect(pressed('Agenda')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('t');
  await expect(page.getByRole('button', { name: label(now, true) })).toBeFocused();
  // Typing in a field does not navigate.
  await page.getByLabel('Filter by tutor').focus();
  await page.keyboard.press('m');
  await expect(pressed('Agenda')).toHaveAttribute('aria-pressed', 'true');
  // n opens the lesson editor.
  await page.getByRole('button', { name: label(now, true) }).focus();
  await page.keyboard.press('n');
  await expect(page.getByRole('dialog', { name: 'New lesson' })).toBeVisible();
});

test('the shortcuts work when nothing has the focus (issue 17)', async ({ page }) => {
  await practiceWithStudents(page, [['Ada', 'Lovelace']]);
  const pressed = (name: string) => page.getByRole('group', { name: 'View' }).getByRole('button', { name, exact: true });
  // As after a click on the page's background: the focus is on no control.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  await page.keyboard.press('m');
  await expect(pressed('Month')).toHaveAttribute('aria-pressed', 'true');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('a');
  await expect(pressed('Agenda')).toHaveAttribute('aria-pressed', 'true');
});

test('closed days from settings, a desktop reminder before my lesson, and lesson dates in the students table', async ({ page }) => {
  // Record the notifications the browser bridge shows.
  await page.addInitScript(() => {
    const w = window as unknown as { __notifications: { title: string; body: string }[] };
    w.__notifications = [];
    class FakeNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        w.__notifications.push({ title, body: options?.body ?? '' });
      }
    }
    (window as unknown as { Notification: unknown }).Notification = FakeNotification;
  });
  await practiceWithStudents(page, [['Ada', 'Lovelace']]);
  const start = DateTime.now().setZone(TZ).plus({ minutes: 10 }).startOf('minute');
  const closedDay = start.plus({ weeks: 1 });

  // Settings › Schedule: a closed day a week after the lesson.
  await openSettings(page, 'Schedule');
  const closures = page.getByRole('form', { name: 'Add closed days' });
  await closures.getByRole('button', { name: 'Add closed days' }).click();
  await expect(closures.getByText('Enter the first closed day')).toBeVisible();
  await closures.getByLabel('Name').fill('Staff training');
  await closures.getByLabel('First closed day').fill(closedDay.toISODate()!);
  await closures.getByRole('button', { name: 'Add closed days' }).click();
  await expect(page.getByRole('list', { name: 'Closed days' }).getByText('Staff training')).toBeVisible();

  // A weekly lesson for me starting in ten minutes (reminders: 15 minutes before, the default).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  const dialog = await bookLesson(page, {
    student: 'Ada Lovelace',
    subject: 'Maths',
    date: start.toISODate()!,
    time: start.toFormat('HH:mm'),
  });
  await dialog.getByRole('button', { name: 'Book lesson' }).click();
  await expect(dialog).toBeHidden();
  await page.waitForFunction(() => (window as unknown as { __notifications: unknown[] }).__notifications.length > 0, null, {
    timeout: 15_000,
  });
  const notes = await page.evaluate(() => (window as unknown as { __notifications: { title: string; body: string }[] }).__notifications);
  expect(notes).toHaveLength(1);
  expect(notes[0]!.title).toBe(`Maths at ${start.toFormat('HH:mm')}`);
  expect(notes[0]!.body).toMatch(/^Ada Lovelace · in (9|10) min$/);
  if (start.hasSame(DateTime.now().setZone(TZ), 'day')) {
    await expect(page.getByRole('link', { name: `Your next lesson today: Maths at ${start.toFormat('HH:mm')}` })).toBeVisible();
  }

  // The closed day: shown in the header, the lesson of that day is skipped (greyed, named so).
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Week', exact: true }).click();
  await page.getByRole('button', { name: 'Today', exact: true }).click();
  await page.getByRole('button', { name: 'Next week' }).click();
  const closedColumn = page.getByRole('group', {
    name: new RegExp(`^${dayPattern(closedDay.toFormat('cccc'), closedDay.toFormat('d LLLL'))}, closed: Staff training`),
  });
  await expect(
    closedColumn.getByRole('button', {
      name: `Maths with Ada Lovelace, ${start.toFormat('HH:mm')}–${start.plus({ hours: 1 }).toFormat('HH:mm')}, skipped: Staff training`,
    }),
  ).toBeVisible();
  await expect(page.getByText('Closed: Staff training')).toBeVisible();

  // Students table: the Next lesson column shows the lesson's date.
  await page.getByRole('link', { name: 'Students' }).click();
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('checkbox', { name: 'Next lesson' }).check();
  await page.getByRole('checkbox', { name: 'Last lesson' }).check();
  await page.keyboard.press('Escape');
  const row = page.getByRole('table', { name: 'Students' }).getByRole('row', { name: /Ada Lovelace/ });
  await expect(row).toContainText(start.setLocale('en-GB').toFormat('d LLL yyyy'));
});

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots of the schedule views and the lesson editor (${scheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1400, height: 880 } });
    const page = await context.newPage();
    await openApp(page);
    await loadSample(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
    await expect(page.getByText(/\d+ lessons this week/)).toBeVisible();
    await page.screenshot({ path: `screenshots/schedule-week-${scheme}.png` });
    for (const view of ['Day', 'Month', 'Agenda'] as const) {
      await page.getByRole('group', { name: 'View' }).getByRole('button', { name: view, exact: true }).click();
      await page.waitForTimeout(200);
      await page.screenshot({ path: `screenshots/schedule-${view.toLowerCase()}-${scheme}.png` });
    }
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Week', exact: true }).click();
    await page
      .getByRole('button', { name: /, \d\d:\d\d–\d\d:\d\d/ })
      .first()
      .click();
    await expect(page.getByRole('complementary')).toBeVisible();
    await page.screenshot({ path: `screenshots/schedule-panel-${scheme}.png` });
    await page.getByRole('complementary').getByRole('button', { name: 'Edit' }).click();
    await expect(page.getByRole('dialog', { name: 'Edit lesson' })).toBeVisible();
    await page.screenshot({ path: `screenshots/schedule-edit-${scheme}.png` });
    await page.getByRole('dialog', { name: 'Edit lesson' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'New lesson' }).click();
    await expect(page.getByRole('dialog', { name: 'New lesson' })).toBeVisible();
    await page.screenshot({ path: `screenshots/schedule-editor-${scheme}.png` });
    await page.getByRole('dialog', { name: 'New lesson' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Export…' }).click();
    await expect(page.getByRole('dialog', { name: 'Export schedule' })).toBeVisible();
    await page.screenshot({ path: `screenshots/schedule-export-${scheme}.png` });
    await page.getByRole('dialog', { name: 'Export schedule' }).getByRole('button', { name: 'Cancel' }).click();
    await openSettings(page, 'Schedule');
    await page.getByRole('heading', { name: 'Schedule', level: 2 }).scrollIntoViewIfNeeded();
    await expect(page.getByRole('list', { name: 'Closed days' })).toBeVisible();
    await page.screenshot({ path: `screenshots/schedule-settings-${scheme}.png` });
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

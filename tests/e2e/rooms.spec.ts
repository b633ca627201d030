/**
 * Rooms as records (issue 17): rooms added in Settings › Rooms (a duplicate name refused by
 * name), chosen in the lesson editor (the room's location comes with it), a second lesson in the
 * same room at an overlapping time named in the clash warning even with another tutor and
 * student, flagged on the calendar, the room filter, and the Rooms view of the week. Screenshots
 * in light and dark mode, also of the sample practice's Rooms view.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { addAdultStudent, chooseOption, createPractice, loadSample, openApp, openSettings, pageErrors } from './helpers';

test.use({ locale: 'en-GB', timezoneId: 'Europe/London' });

/** WCAG 2.1 A and AA violations (axe-core) of the page as it is, as readable lines. */
async function axeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.map(
    (v) =>
      `${v.id} on ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(' | ')}`,
  );
}

/** Settings › Rooms: its own page of the settings navigation. */
async function openRoomSettings(page: Page) {
  await openSettings(page, 'Rooms');
  const section = page.getByRole('region', { name: 'Rooms' });
  await expect(section).toBeVisible();
  return section;
}

async function newLesson(page: Page, v: { student: string; subject: string; time: string; room: string; tutor?: string }) {
  await page.getByRole('button', { name: 'New lesson' }).click();
  const dialog = page.getByRole('dialog', { name: 'New lesson' });
  if (v.tutor) await chooseOption(dialog, 'Tutor', v.tutor);
  await dialog.getByRole('combobox', { name: 'Students' }).fill(v.student.split(' ')[0]!);
  await dialog.getByRole('option', { name: v.student }).first().click();
  await dialog.getByLabel('Subject').fill(v.subject);
  await dialog.getByLabel('Date').fill('2027-03-15');
  await dialog.getByLabel('Start time').fill(v.time);
  await dialog.getByLabel('Repeats').selectOption({ label: 'Does not repeat' });
  await dialog.getByLabel('Room', { exact: true }).selectOption({ label: v.room });
  return dialog;
}

for (const scheme of ['light', 'dark'] as const) {
  test(`rooms in Settings, chosen for lessons, double-booking, filter and Rooms view (${scheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const page = await context.newPage();
    // Today is Monday 15 March 2027: the schedule opens on the week of the lessons booked below.
    await page.clock.setFixedTime(new Date('2027-03-15T09:00:00Z'));
    await openApp(page);
    await createPractice(page);
    await addAdultStudent(page, 'Ada', 'Lovelace');
    await addAdultStudent(page, 'Alan', 'Turing');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Staff', exact: true }).click();
    await page.getByRole('button', { name: 'New staff member' }).first().click();
    const staff = page.getByRole('dialog', { name: 'New staff member' });
    await staff.getByRole('textbox', { name: 'Name', exact: true }).fill('Sam Okafor');
    await staff.getByLabel('Role').selectOption('tutor');
    await staff.getByLabel('Pay rate').fill('30.00');
    await staff.getByRole('button', { name: 'Add staff member' }).click();
    await expect(staff).toBeHidden();

    // Settings › Rooms: two rooms; a third with a taken name (other case) is refused by name.
    let rooms = await openRoomSettings(page);
    await expect(rooms.getByText('No rooms yet.')).toBeVisible();
    const add = rooms.getByRole('form', { name: 'Add a room' });
    await add.getByRole('button', { name: 'Add room' }).click();
    await expect(add.getByText('Enter the room’s name, e.g. Room 1')).toBeVisible();
    await expect(add.getByRole('textbox', { name: 'Room name' })).toBeFocused();
    await add.getByRole('textbox', { name: 'Room name' }).fill('Blue room');
    await add.getByRole('textbox', { name: 'Location' }).fill('North site');
    await add.getByRole('button', { name: 'Add room' }).click();
    const list = rooms.getByRole('list', { name: 'Rooms' });
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await add.getByRole('textbox', { name: 'Room name' }).fill('Room 2');
    await add.getByRole('button', { name: 'Add room' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(2);
    await add.getByRole('textbox', { name: 'Room name' }).fill(' blue ROOM ');
    await add.getByRole('button', { name: 'Add room' }).click();
    await expect(add.getByText('There is already a room called “Blue room”')).toBeVisible();
    await expect(list.getByRole('listitem')).toHaveCount(2);
    await add.getByRole('textbox', { name: 'Room name' }).fill('Attic');
    await add.getByRole('button', { name: 'Add room' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(3);
    await list.getByRole('button', { name: 'Archive Attic' }).click();
    await expect(list.getByRole('listitem').filter({ hasText: 'Attic' }).getByText('Archived')).toBeVisible();
    await rooms.scrollIntoViewIfNeeded();
    await expect(page.getByText(/^Attic archived/)).toBeHidden();
    await page.screenshot({ path: `screenshots/rooms-settings-${scheme}.png` });

    // The lesson editor offers the active rooms; the room's location comes with it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule', exact: true }).click();
    let dialog = await newLesson(page, { student: 'Ada Lovelace', subject: 'Maths', time: '16:00', room: 'Blue room (North site)' });
    await expect(dialog.getByLabel('Room', { exact: true }).getByRole('option')).toHaveText([
      'No room',
      'Blue room (North site)',
      'Room 2',
    ]);
    await expect(dialog.getByLabel('Location', { exact: true })).toHaveValue('North site');
    await expect(page.getByText('Room added: Attic')).toBeHidden();
    await page.screenshot({ path: `screenshots/rooms-editor-${scheme}.png` });
    await dialog.getByRole('button', { name: 'Book lesson' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('heading', { name: '15 – 21 March 2027' })).toBeVisible();

    // Another tutor and student, the same room, half an hour later: the room clash is named.
    dialog = await newLesson(page, {
      student: 'Alan Turing',
      subject: 'Physics',
      time: '16:30',
      room: 'Blue room (North site)',
      tutor: 'Sam Okafor',
    });
    await dialog.getByRole('button', { name: 'Book lesson' }).click();
    const warning = page.getByRole('dialog', { name: 'This clashes with another booking' });
    await expect(warning.getByRole('listitem')).toHaveText([
      '“Blue room” is already used by Maths (Ada Lovelace) on Mon 15 Mar, 16:00–17:00.',
    ]);
    await page.screenshot({ path: `screenshots/rooms-conflict-${scheme}.png` });
    await warning.getByRole('button', { name: 'Book anyway' }).click();
    await expect(warning).toBeHidden();
    await expect(dialog).toBeHidden();

    // A lesson in the other room at the same time: no clash.
    dialog = await newLesson(page, { student: 'Alan Turing', subject: 'English', time: '18:00', room: 'Room 2' });
    await dialog.getByRole('button', { name: 'Book lesson' }).click();
    await expect(dialog).toBeHidden();

    const maths = page.getByRole('button', { name: 'Maths with Ada Lovelace, 16:00–17:00, double-booked' });
    const physics = page.getByRole('button', { name: 'Physics with Alan Turing, 16:30–17:30, double-booked' });
    const english = page.getByRole('button', { name: 'English with Alan Turing, 18:00–19:00' });
    await expect(maths).toBeVisible();
    await expect(physics).toBeVisible();
    await expect(english).toBeVisible();
    await expect(page.getByText('2 lessons are double-booked')).toBeVisible();

    // The room filter shows only that room's lessons.
    const roomFilter = page.getByRole('combobox', { name: 'Filter by room' });
    await expect(roomFilter.getByRole('option')).toHaveText(['All rooms', 'Blue room', 'Room 2', 'Attic (archived)', 'No room']);
    await roomFilter.selectOption({ label: 'Blue room' });
    await expect(page.getByText('2 lessons this week (filtered)')).toBeVisible();
    await expect(maths).toBeVisible();
    await expect(physics).toBeVisible();
    await expect(english).toBeHidden();
    await roomFilter.selectOption({ label: 'Room 2' });
    await expect(english).toBeVisible();
    await expect(maths).toBeHidden();
    await roomFilter.selectOption({ label: 'All rooms' });

    // The Rooms view: a row per room, each with its lessons.
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Rooms', exact: true }).click();
    const table = page.getByRole('table', { name: 'Lessons by room' });
    const row = (name: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}`) }) });
    await expect(table.getByRole('rowheader')).toHaveCount(2);
    await expect(row('Blue room').getByRole('button')).toHaveText([
      /16:00–17:00Maths with Ada LovelaceJo Brown/,
      /16:30–17:30Physics with Alan TuringSam Okafor/,
    ]);
    await expect(row('Blue room').getByRole('button', { name: 'Maths with Ada Lovelace, 16:00–17:00, double-booked' })).toBeVisible();
    await expect(row('Room 2').getByRole('button', { name: 'English with Alan Turing, 18:00–19:00' })).toBeVisible();
    await expect(row('Room 2').getByRole('button')).toHaveCount(1);
    await expect(page.getByText('Lesson booked')).toHaveCount(0);
    await page.screenshot({ path: `screenshots/rooms-view-${scheme}.png` });

    // Renaming the room in Settings carries its lessons along: still together, still double-booked.
    rooms = await openRoomSettings(page);
    await rooms.getByRole('button', { name: 'Edit Blue room' }).click();
    const edit = rooms.getByRole('form', { name: 'Edit Blue room' });
    await edit.getByRole('textbox', { name: 'Room name' }).fill('Green room');
    await edit.getByRole('button', { name: 'Save room' }).click();
    await expect(page.getByText('Room saved: Green room; 2 lessons updated')).toBeVisible();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule', exact: true }).click();
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Rooms', exact: true }).click();
    await expect(page.getByRole('heading', { name: '15 – 21 March 2027' })).toBeVisible();
    await expect(row('Green room').getByRole('button', { name: /double-booked/ })).toHaveCount(2);
    await expect(table.getByRole('rowheader', { name: /^Blue room/ })).toHaveCount(0);

    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  test(`the sample practice's week in the Rooms view (${scheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const page = await context.newPage();
    await openApp(page);
    await loadSample(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule', exact: true }).click();
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Rooms', exact: true }).click();
    const table = page.getByRole('table', { name: 'Lessons by room' });
    await expect(table.getByRole('rowheader', { name: /^Room 1/ })).toBeVisible();
    await expect(table.getByRole('rowheader', { name: /^Music room/ })).toBeVisible();
    await page.screenshot({ path: `screenshots/rooms-sample-${scheme}.png` });
    expect(await axeViolations(page)).toEqual([]);
    await openRoomSettings(page);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
}

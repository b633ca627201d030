import { expect, test } from '@playwright/test';
import { DateTime } from 'luxon';
import { pageErrors, openSettings } from './helpers';
import { addLesson, at, localInput, openTodayLesson, practiceWithStudents, TZ } from './attendance-helpers';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

test('mark attendance: attended, a late cancellation, an in-time one granting a make-up credit that a make-up lesson uses', async ({
  page,
}) => {
  await practiceWithStudents(page, [
    ['Olivia', 'García'],
    ['Noah', 'Patel'],
  ]);
  await addLesson(page, { students: ['Olivia García'], subject: 'Maths', start: at('10:00') });
  await addLesson(page, { students: ['Noah Patel'], subject: 'English', start: at('12:00') });
  await addLesson(page, { students: ['Olivia García', 'Noah Patel'], subject: 'Physics', start: at('15:00'), durationMinutes: 90 });

  await page.getByRole('link', { name: 'Today', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Today’s lessons' }).getByRole('listitem')).toHaveCount(3);

  // Attended.
  const maths = await openTodayLesson(page, /Maths with Olivia García/);
  const mathsAttendance = maths.getByRole('radiogroup', { name: 'Attendance of Olivia García' });
  await expect(mathsAttendance.getByRole('radio', { name: 'Scheduled' })).toBeChecked();
  await mathsAttendance.getByRole('radio', { name: 'Attended' }).check();
  await expect(mathsAttendance.getByRole('radio', { name: 'Attended' })).toBeChecked();
  await expect(maths.getByText('Billed to the family · tutor paid')).toBeVisible();
  await expect(page.getByRole('button', { name: /Maths with/ })).toContainText('Attended');

  // A late cancellation: 4 hours' notice with a 24-hour window.
  const english = await openTodayLesson(page, /English with Noah Patel/);
  await english.getByRole('radiogroup', { name: 'Attendance of Noah Patel' }).getByRole('radio', { name: 'Cancelled by student' }).check();
  await english.getByLabel('Cancelled at').fill(localInput('08:00'));
  await expect(english.getByText('Cancelled 4 hours before: late (less than 24 hours’ notice), no make-up credit')).toBeVisible();
  await expect(english.getByText('Cancelled by student (late)')).toBeVisible();
  await expect(english.getByText('Make-up credit available')).toHaveCount(0);
  // The tutor may still grant a credit by hand; not done here.
  await expect(english.getByRole('checkbox', { name: 'Grant a make-up credit anyway' })).not.toBeChecked();

  // A group lesson: Olivia attends, Noah cancelled two days ahead (in time → make-up credit).
  const physics = await openTodayLesson(page, /Physics with Olivia García, Noah Patel/);
  await physics.getByRole('radiogroup', { name: 'Attendance of Olivia García' }).getByRole('radio', { name: 'Attended' }).check();
  await expect(
    physics.getByRole('radiogroup', { name: 'Attendance of Olivia García' }).getByRole('radio', { name: 'Attended' }),
  ).toBeChecked();
  const noah = physics.getByRole('group', { name: 'Noah Patel' });
  await noah.getByRole('radio', { name: 'Cancelled by student' }).check();
  await noah.getByLabel('Cancelled at').fill(localInput('13:00', -2));
  await expect(noah.getByText('Cancelled 50 hours before: in time, make-up credit granted')).toBeVisible();
  await expect(noah.getByText('Make-up credit available')).toBeVisible();
  await expect(
    physics.getByRole('radiogroup', { name: 'Attendance of Olivia García' }).getByRole('radio', { name: 'Attended' }),
  ).toBeChecked();
  await expect(page.getByRole('button', { name: /Physics with/ })).toContainText('Mixed');
  // Changing Olivia's mark later does not move the moment Noah cancelled.
  const olivia = physics.getByRole('radiogroup', { name: 'Attendance of Olivia García' });
  await olivia.getByRole('radio', { name: 'No-show' }).check();
  await expect(olivia.getByRole('radio', { name: 'No-show' })).toBeChecked();
  await olivia.getByRole('radio', { name: 'Attended' }).check();
  await expect(olivia.getByRole('radio', { name: 'Attended' })).toBeChecked();
  await expect(noah.getByText('Cancelled 50 hours before: in time, make-up credit granted')).toBeVisible();

  // The credit is visible on the student: the dialog and the timeline.
  await page.getByRole('link', { name: 'Students' }).click();
  await page
    .getByRole('table', { name: 'Students' })
    .getByRole('row', { name: /Noah Patel/ })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Noah Patel' });
  await expect(dialog.getByText('1 make-up credit available')).toBeVisible();
  await dialog.getByRole('link', { name: 'Notes & timeline' }).click();
  await expect(page.getByRole('heading', { name: 'Noah Patel', level: 1 })).toBeVisible();
  const credits = page.getByRole('region', { name: 'Make-up credits' });
  await expect(credits.getByText('1 available')).toBeVisible();
  await expect(credits.getByRole('listitem')).toHaveCount(1);
  await expect(credits.getByRole('listitem')).toContainText('Physics');
  await expect(credits.getByRole('listitem')).toContainText('Cancelled by student (in time)');

  // Booking the make-up lesson uses the credit.
  await credits.getByRole('button', { name: /Book make-up lesson for the Physics/ }).click();
  const book = page.getByRole('dialog', { name: 'Book make-up lesson' });
  await book.getByLabel('Date and time').fill(localInput('17:00', 3));
  await book.getByRole('button', { name: 'Book make-up lesson' }).click();
  await expect(book).toBeHidden();
  await expect(credits.getByText('0 available')).toBeVisible();
  await expect(credits.getByRole('listitem')).toContainText('Used');
  await expect(page.evaluate(() => window.__tutordeskTest!.count('lessons'))).resolves.toBe(4);

  // …and the attendance panel says so.
  await page.getByRole('link', { name: 'Today', exact: true }).click();
  const physicsAgain = await openTodayLesson(page, /Physics with/);
  await expect(physicsAgain.getByText(/Make-up credit used: make-up lesson on/)).toBeVisible();

  // Everything survives a reload.
  await page.reload();
  const english2 = await openTodayLesson(page, /English with/);
  await expect(english2.getByRole('radio', { name: 'Cancelled by student' })).toBeChecked();
  await expect(english2.getByText(/Cancelled 4 hours before: late/)).toBeVisible();
});

test('bulk: mark the rest of today’s lessons attended, with a confirmation giving the count', async ({ page }) => {
  await practiceWithStudents(page, [
    ['Ava', 'Jones'],
    ['Leo', 'Smith'],
  ]);
  await addLesson(page, { students: ['Ava Jones'], subject: 'Maths', start: at('09:00') });
  await addLesson(page, { students: ['Leo Smith'], subject: 'Piano', start: at('11:00') });
  await addLesson(page, { students: ['Ava Jones', 'Leo Smith'], subject: 'Chemistry', start: at('19:00') });
  await addLesson(page, { students: ['Leo Smith'], subject: 'History', start: at('10:00', 1) }); // tomorrow: untouched
  await page.getByRole('link', { name: 'Today', exact: true }).click();

  const piano = await openTodayLesson(page, /Piano with/);
  await piano.getByRole('radio', { name: 'No-show' }).check();
  await expect(page.getByRole('button', { name: /Piano with/ })).toContainText('No-show');

  await page.getByRole('button', { name: 'Mark the rest of today’s lessons attended' }).click();
  const confirm = page.getByRole('dialog', { name: 'Mark lessons attended' });
  await confirm.getByRole('checkbox', { name: /Include lessons that have not started yet/ }).check();
  await expect(
    confirm.getByText('2 lessons of today are still marked “Scheduled” and will be marked attended.', { exact: false }),
  ).toBeVisible();
  await confirm.getByRole('button', { name: 'Mark 2 lessons attended' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('button', { name: /Maths with/ })).toContainText('Attended');
  await expect(page.getByRole('button', { name: /Chemistry with/ })).toContainText('Attended');
  await expect(page.getByRole('button', { name: /Piano with/ })).toContainText('No-show');
  await expect(page.evaluate(() => window.__tutordeskTest!.count('occurrences'))).resolves.toBe(3);

  // Nothing left: the button is disabled.
  await expect(page.getByRole('button', { name: 'Mark the rest of today’s lessons attended' })).toBeDisabled();
});

test('the make-up dialog proposes a free day, not the student’s own lesson a week later', async ({ page }) => {
  await practiceWithStudents(page, [['Noah', 'Patel']]);
  const weekday = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'][DateTime.now().setZone(TZ).weekday - 1];
  await addLesson(page, { students: ['Noah Patel'], subject: 'Piano', start: at('20:00'), rrule: `FREQ=WEEKLY;BYDAY=${weekday}` });

  await page.getByRole('link', { name: 'Today', exact: true }).click();
  const piano = await openTodayLesson(page, /Piano with Noah Patel/);
  await piano.getByRole('radiogroup', { name: 'Attendance of Noah Patel' }).getByRole('radio', { name: 'Cancelled by student' }).check();
  await piano.getByLabel('Cancelled at').fill(localInput('13:00', -2));
  await expect(piano.getByText('Make-up credit available')).toBeVisible();

  await page.getByRole('link', { name: 'Students' }).click();
  await page
    .getByRole('table', { name: 'Students' })
    .getByRole('row', { name: /Noah Patel/ })
    .click();
  await page.getByRole('dialog', { name: 'Noah Patel' }).getByRole('link', { name: 'Notes & timeline' }).click();
  const credits = page.getByRole('region', { name: 'Make-up credits' });
  await credits.getByRole('button', { name: /Book make-up lesson for the Piano/ }).click();
  const book = page.getByRole('dialog', { name: 'Book make-up lesson' });
  // Tomorrow at the lesson's time is free; a week later is Noah's own Piano lesson.
  await expect(book.getByLabel('Date and time')).toHaveValue(localInput('20:00', 1));
  await book.getByLabel('Date and time').fill(localInput('20:00', 7));
  await book.getByRole('button', { name: 'Book make-up lesson' }).click();
  await expect(book.getByRole('alert')).toContainText('Double booking');
  await book.getByLabel('Date and time').fill(localInput('20:00', 1));
  await book.getByRole('button', { name: 'Book make-up lesson' }).click();
  await expect(book).toBeHidden();
  await expect(credits.getByText('0 available')).toBeVisible();
});

test('attendance policy settings: billable/payable statuses, notice window, make-up credits', async ({ page }) => {
  await practiceWithStudents(page, [['Mia', 'Brown']]);
  await openSettings(page, 'Attendance policy');
  const policy = page.getByRole('form', { name: 'Attendance policy' });
  await expect(policy.getByRole('checkbox', { name: 'Cancelled by student (late): billed to the family' })).toBeChecked();
  await policy.getByRole('checkbox', { name: 'Cancelled by student (late): billed to the family' }).uncheck();
  await policy.getByRole('checkbox', { name: 'Cancelled by tutor: paid to the tutor' }).check();
  await policy.getByLabel('Cancellation notice window (hours)').fill('-3');
  await policy.getByRole('button', { name: 'Save attendance policy' }).click();
  await expect(policy.getByText('Enter a whole number of hours between 0 and 8760')).toBeVisible();
  await policy.getByLabel('Cancellation notice window (hours)').fill('2');
  await policy.getByRole('checkbox', { name: 'A cancellation in time grants the student a make-up credit' }).uncheck();
  await policy.getByRole('button', { name: 'Save attendance policy' }).click();
  await expect(page.getByText('Attendance policy saved')).toBeVisible();

  // The policy is applied: 3 hours' notice is now in time, without a credit, and not billed.
  await addLesson(page, { students: ['Mia Brown'], subject: 'Maths', start: at('12:00') });
  await page.getByRole('link', { name: 'Today', exact: true }).click();
  const maths = await openTodayLesson(page, /Maths with/);
  await maths.getByRole('radio', { name: 'Cancelled by student' }).check();
  await maths.getByLabel('Cancelled at').fill(localInput('09:00'));
  await expect(maths.getByText('Cancelled 3 hours before: in time, no make-up credit (make-up credits are turned off)')).toBeVisible();
  await expect(maths.getByText('Not billed · tutor not paid')).toBeVisible();
  await maths.getByRole('radio', { name: 'Cancelled by tutor' }).check();
  await expect(maths.getByText('Not billed · tutor paid')).toBeVisible();

  await page.reload();
  await openSettings(page, 'Attendance policy');
  await expect(policy.getByLabel('Cancellation notice window (hours)')).toHaveValue('2');
  await expect(policy.getByRole('checkbox', { name: 'Cancelled by student (late): billed to the family' })).not.toBeChecked();
});

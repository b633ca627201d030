/**
 * Issue 15, the last gaps of "one locale for the practice" and "sanity, not silence":
 * - clock times follow the practice locale (an en-US practice reads "4:00 PM" on the schedule, the
 *   time axis and Today; en-GB keeps "16:00");
 * - Reports write percentages in the locale's percent style ("92.5%", not "92.5 %");
 * - an unpaid invoice with a partial credit note is "Partly credited", not "Partially paid";
 * - every rate field asks before saving a rate far above the practice's range, naming the figure.
 * Screenshots (light and dark) under screenshots/locale-gaps/.
 */
import { expect, test, type Page } from '@playwright/test';
import { addLesson, at, practiceWithStudents } from './attendance-helpers';
import { loadSample, openApp, pageErrors, studentsTable } from './helpers';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

async function shoot(page: Page, name: string) {
  // Toasts of earlier steps would cover the screen: they go after a few seconds.
  await expect(page.getByRole('status').filter({ hasText: /saved|issued|added/ })).toHaveCount(0, { timeout: 10_000 });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `screenshots/locale-gaps/${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function chooseLocale(page: Page, locale: string) {
  await page.getByRole('link', { name: 'Settings' }).click();
  const practice = page.getByRole('form', { name: 'Practice' });
  await practice.getByLabel('Language for dates and amounts').selectOption(locale);
  await practice.getByRole('button', { name: 'Save practice settings' }).click();
  await expect(page.getByText('Practice settings saved')).toBeVisible();
}

test('an en-US practice reads 12-hour clock times on the schedule and Today; en-GB reads 16:00', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await practiceWithStudents(page, [
    ['Olivia', 'García'],
    ['Noah', 'Patel'],
  ]);
  await addLesson(page, { students: ['Olivia García'], subject: 'Maths', start: at('16:00') });
  await addLesson(page, { students: ['Noah Patel'], subject: 'English', start: at('09:30'), durationMinutes: 45 });

  // en-GB (the practice's locale): 24-hour times, as before.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Week', exact: true }).click();
  await page.getByRole('button', { name: 'Today', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Maths with Olivia García, 16:00–17:00' })).toBeVisible();

  await chooseLocale(page, 'en-US');

  // The week view: lessons, their accessible names and the time axis in 12-hour time.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Week', exact: true }).click();
  await page.getByRole('button', { name: 'Today', exact: true }).click();
  const maths = page.getByRole('button', { name: /^Maths with Olivia García, 4:00\s–\s5:00\sPM$/ });
  await expect(maths).toBeVisible();
  await expect(page.getByRole('button', { name: /^English with Noah Patel, 9:30\s–\s10:15\sAM$/ })).toBeVisible();
  // Narrow week columns get the compact form: "4–5 PM".
  await expect(maths).toContainText(/^4–5\sPM/);
  await expect(page.getByRole('button', { name: /^English with Noah Patel/ }).getByText(/^9:30–10:15\sAM$/)).toBeVisible();
  await expect(page.getByText(/^4\sPM$/)).toBeVisible();
  await expect(page.getByRole('button', { name: /16:00/ })).toHaveCount(0);
  await maths.scrollIntoViewIfNeeded();
  await shoot(page, 'schedule-week-en-US');
  // Narrow columns (a small laptop): the 12-hour range still fits or is cut cleanly.
  await page.setViewportSize({ width: 1024, height: 768 });
  const english = page.getByRole('button', { name: /^English with Noah Patel/ });
  await english.scrollIntoViewIfNeeded();
  // "9:30–10:15 AM" does not fit a 1024-pixel week column: the start time shows, never a clipped range.
  await expect(english.getByText(/^9:30\sAM$/)).toBeVisible();
  await expect(english.getByText(/^9:30–10:15\sAM$/)).toBeHidden();
  await shoot(page, 'schedule-week-en-US-narrow');
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Day', exact: true }).click();
  await expect(page.getByRole('button', { name: /^Maths with Olivia García, 4:00\s–\s5:00\sPM$/ })).toBeVisible();
  await page.getByRole('button', { name: /^Maths with Olivia García, 4:00/ }).click();
  await expect(page.getByText(/4:00\s–\s5:00\sPM$/).first()).toBeVisible();
  await shoot(page, 'schedule-day-panel-en-US');

  // Today: "4:00 PM", never "04:00 PM" or "16:00".
  await page.getByRole('link', { name: 'Today', exact: true }).click();
  const list = page.getByRole('list', { name: 'Today’s lessons' });
  await expect(list.getByRole('button', { name: /^4:00\sPM Maths with Olivia García/ })).toBeVisible();
  await expect(list.getByRole('button', { name: /^9:30\sAM English with Noah Patel/ })).toBeVisible();
  await expect(list).not.toContainText('16:00');
  await expect(list).not.toContainText('04:00');
  await shoot(page, 'today-en-US');
});

test('Reports write percentages in the locale’s percent style', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await loadSample(page);
  await page.getByRole('link', { name: 'Reports' }).click();
  const attendance = page.getByRole('table', { name: 'Attendance' });
  await expect(attendance).toContainText(/\d%/);
  await expect(attendance).not.toContainText(/\d %/);
  await chooseLocale(page, 'de-DE');
  await page.getByRole('link', { name: 'Reports' }).click();
  // German: "92,5 %" (a space before the sign, a decimal comma).
  await expect(page.getByRole('table', { name: 'Attendance' })).toContainText(/\d\s%/);
  await page.getByRole('table', { name: 'Attendance' }).scrollIntoViewIfNeeded();
  await shoot(page, 'reports-attendance-de-DE');
});

test('an unpaid invoice with a partial credit note is “Partly credited”, in the detail, the list and the filter', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await loadSample(page);
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByLabel('Filter invoices by status').selectOption('open');
  const table = page.getByRole('table', { name: 'Invoices' });
  await table.getByRole('row').filter({ hasText: 'Unpaid' }).first().click();
  const heading = (await page.getByRole('heading', { level: 1 }).textContent())!;
  const number = heading.replace(/^Invoice /, '');
  await expect(page.getByText('Unpaid', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Credit note…' }).click();
  const dialog = page.getByRole('dialog', { name: `Credit part of ${number}` });
  await dialog.getByRole('radio', { name: 'An amount spread over the lines' }).check();
  await dialog.getByRole('textbox', { name: 'Amount to credit' }).fill('10');
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('Goodwill');
  await dialog.getByRole('button', { name: /^Issue credit note/ }).click();
  await expect(dialog).toBeHidden();

  // Nothing was paid: not "Partially paid".
  await expect(page.getByText('Partly credited', { exact: true })).toBeVisible();
  await expect(page.getByText('Partially paid', { exact: true })).toHaveCount(0);
  await shoot(page, 'invoice-partly-credited');

  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByLabel('Filter invoices by status').selectOption('partly_credited');
  const row = table.getByRole('row', { name: new RegExp(number) });
  await expect(row).toContainText('Partly credited');
  await expect(table.getByRole('row')).toHaveCount(2); // the header and this invoice
  await page.getByLabel('Filter invoices by status').selectOption('open');
  await expect(table.getByRole('row', { name: new RegExp(number) })).toBeVisible();
  await page.getByLabel('Filter invoices by status').selectOption('partly_credited');
  await shoot(page, 'invoices-partly-credited');
});

test('a rate far above the practice’s range asks first, naming the figure, in every rate field', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await loadSample(page);

  // A student's rate.
  await studentsTable(page).getByRole('row').nth(1).click();
  const student = page.getByRole('dialog').filter({ has: page.getByLabel('Default lesson rate') });
  await student.getByLabel('Default lesson rate').fill('9,000');
  await student.getByRole('button', { name: 'Save changes' }).click();
  const ask = student.getByRole('alert').filter({ hasText: 'Is £9,000.00 right?' });
  await expect(ask).toContainText(/£9,000\.00 per lesson is \d+ times the highest rate the practice charges \(£[\d,.]+\)\./);
  await expect(student.getByRole('button', { name: 'Use £9,000.00' })).toBeVisible();
  await shoot(page, 'student-rate-confirm');
  // Changing the figure withdraws the question; the hard limit is refused at the field.
  await student.getByLabel('Default lesson rate').fill('99,999,999,999');
  await expect(ask).toBeHidden();
  await student.getByRole('button', { name: 'Save changes' }).click();
  await expect(student.getByText(/^The rate .*larger than/i).or(student.getByText(/£99,999,999,999\.00/))).toBeVisible();
  await student.getByLabel('Default lesson rate').fill('9000');
  await student.getByRole('button', { name: 'Save changes' }).click();
  await student.getByRole('button', { name: 'Use £9,000.00' }).click();
  await expect(student).toBeHidden();
  await expect(studentsTable(page).getByRole('row').filter({ hasText: '£9,000.00' })).toHaveCount(1);

  // A family's rate (the student's £9,000.00 now counts in the range: 10 × that is needed).
  await page.getByRole('link', { name: 'Families' }).click();
  await page.getByRole('table', { name: 'Families' }).getByRole('row').nth(1).click();
  const family = page.getByRole('dialog').filter({ has: page.getByLabel('Family lesson rate') });
  await family.getByLabel('Family lesson rate').fill('95000');
  await family.getByRole('button', { name: 'Save changes' }).click();
  await expect(family.getByRole('alert').filter({ hasText: 'Is £95,000.00 right?' })).toBeVisible();
  await expect(family.getByRole('button', { name: 'Use £95,000.00' })).toBeVisible();
  await shoot(page, 'family-rate-confirm');
  await family.getByLabel('Family lesson rate').fill('50');
  await family.getByRole('button', { name: 'Save changes' }).click();
  await expect(family).toBeHidden();

  // A lesson's rate override.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await page.getByRole('button', { name: 'New lesson' }).click();
  const lesson = page.getByRole('dialog', { name: 'New lesson' });
  await lesson.getByRole('combobox', { name: 'Students' }).fill('Aisha');
  await lesson.getByRole('option', { name: 'Aisha Clarke' }).first().click();
  await lesson.getByLabel('Subject').fill('Maths');
  await lesson.getByLabel('Date').fill('2027-03-15');
  await lesson.getByLabel('Start time').fill('16:00');
  await lesson.getByLabel('Rate override').fill('95000');
  await lesson.getByRole('button', { name: 'Book lesson' }).click();
  await expect(lesson.getByRole('alert').filter({ hasText: 'Is £95,000.00 right?' })).toContainText('£95,000.00 per lesson is 10 times');
  await expect(lesson.getByRole('button', { name: 'Use £95,000.00' })).toBeVisible();
  await shoot(page, 'lesson-rate-confirm');
  await lesson.getByLabel('Rate override').fill('');
  await lesson.getByRole('button', { name: 'Book lesson' }).click();
  await expect(lesson).toBeHidden();

  // The practice's default rate in Settings.
  await page.getByRole('link', { name: 'Settings' }).click();
  const practice = page.getByRole('form', { name: 'Practice' });
  await practice.getByLabel('Default lesson rate').fill('100000');
  await practice.getByRole('button', { name: 'Save practice settings' }).click();
  await expect(practice.getByRole('alert').filter({ hasText: 'Is £100,000.00 right?' })).toContainText(
    '£100,000.00 per lesson is 11 times',
  );
  await practice.getByRole('button', { name: 'Use £100,000.00' }).scrollIntoViewIfNeeded();
  await shoot(page, 'settings-rate-confirm');
  await practice.getByLabel('Default lesson rate').fill('48');
  await practice.getByRole('button', { name: 'Save practice settings' }).click();
  await expect(page.getByText('Practice settings saved')).toBeVisible();
});

test('a schema-limit message writes its number the practice locale’s way (de-DE: 100.000)', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await practiceWithStudents(page, [['Olivia', 'García']]);
  await chooseLocale(page, 'de-DE');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
  await page.getByRole('button', { name: 'New lesson' }).click();
  const dialog = page.getByRole('dialog', { name: 'New lesson' });
  await dialog.getByRole('combobox', { name: 'Students' }).fill('Olivia');
  await dialog.getByRole('option', { name: 'Olivia García' }).first().click();
  await dialog.getByLabel('Subject').fill('Maths');
  await dialog.getByLabel('Start time').fill('16:00');
  await dialog.getByLabel('Notes for this lesson plan').fill('a'.repeat(100_001));
  await dialog.getByRole('button', { name: 'Book lesson' }).click();
  // English words, German digits: never "100,000" or "100000".
  await expect(dialog.getByText(/: at most 100\.000 characters$/)).toBeVisible();
  await dialog.getByLabel('Notes for this lesson plan').scrollIntoViewIfNeeded();
  await shoot(page, 'limit-message-de-DE');
});

test('the sample week, side-by-side lessons included, in en-GB and en-US: no clipped times', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 860 });
  await openApp(page);
  await loadSample(page);
  for (const locale of ['en-GB', 'en-US']) {
    if (locale !== 'en-GB') await chooseLocale(page, locale);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click();
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await expect(page.getByRole('button', { name: /^\w+ with .+, \d/ }).first()).toBeVisible();
    await shoot(page, `sample-week-${locale}`);
  }
});

test('the student timeline writes lesson times in the practice locale (en-US: 4:00 PM)', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await loadSample(page);
  await chooseLocale(page, 'en-US');
  // A student with lesson notes (the sample practice is made relative to today: the first row's
  // student may have none yet).
  const s = await page.evaluate(() => window.__tutordeskTest!.studentWithNotes([]));
  await page.evaluate((id) => (location.hash = `#/students/timeline?id=${id}`), s.studentId);
  const timeline = page.getByRole('list', { name: /^Timeline of / });
  await expect(timeline).toContainText(/\b\d{1,2}:\d\d\s[AP]M\b/);
  await expect(timeline).not.toContainText(/\b(1[3-9]|2[0-3]):\d\d\b/);
  await expect(timeline).not.toContainText(/\b0\d:\d\d\s[AP]M\b/);
  await shoot(page, 'student-timeline-en-US');
});

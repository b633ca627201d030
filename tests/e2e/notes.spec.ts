import { expect, test, type Page } from '@playwright/test';
import { pageErrors } from './helpers';
import { addLesson, at, openTodayLesson, practiceWithStudents } from './attendance-helpers';

test.afterEach(async ({ page }) => {
  expect(pageErrors(page), 'no uncaught errors in the page').toEqual([]);
});

const lessonNote = (page: Page) => page.getByRole('group', { name: 'Lesson note' });

test('a lesson note autosaves, survives reloads (even mid-typing) and is found through the top-bar search', async ({ page }) => {
  await practiceWithStudents(page, [
    ['Olivia', 'García'],
    ['Noah', 'Patel'],
  ]);
  await addLesson(page, { students: ['Olivia García'], subject: 'Biology', start: at('00:30') });
  await page.getByRole('link', { name: 'Today', exact: true }).click();
  await openTodayLesson(page, /Biology with Olivia García/);

  const note = lessonNote(page);
  await expect(note.getByRole('status')).toHaveText('Saves automatically as you type');
  await note.getByLabel('What was covered').fill('Photosynthesis and the water cycle');
  await note.getByLabel('Homework').fill('Worksheet 7: label a leaf cross-section');
  await expect(note.getByRole('status')).toHaveText('Saved');

  await page.reload();
  await openTodayLesson(page, /Biology with Olivia García/);
  await expect(lessonNote(page).getByLabel('What was covered')).toHaveValue('Photosynthesis and the water cycle');
  await expect(lessonNote(page).getByLabel('Homework')).toHaveValue('Worksheet 7: label a leaf cross-section');

  // Closing the app mid-typing (before the autosave pause is over) loses nothing.
  await lessonNote(page).getByLabel('Next steps').fill('Revise chloroplasts before the mock exam');
  await page.reload();
  await openTodayLesson(page, /Biology with Olivia García/);
  await expect(lessonNote(page).getByLabel('Next steps')).toHaveValue('Revise chloroplasts before the mock exam');
  await expect(lessonNote(page).getByRole('status')).toHaveText('Saved');

  // Ctrl+K focuses the one search field; results are grouped by kind with snippets.
  await page.keyboard.press('Control+k');
  const search = page.getByRole('combobox', { name: 'Search notes, students and families' });
  await expect(search).toBeFocused();
  await search.fill('chloroplast');
  const results = page.getByRole('listbox', { name: 'Search results' });
  const notes = results.getByRole('group', { name: /Notes/ });
  await expect(notes.getByRole('option')).toHaveCount(1);
  await expect(notes.getByRole('option')).toContainText('Olivia García');
  await expect(notes.getByRole('option')).toContainText('Revise chloroplasts');
  await expect(results.getByRole('group', { name: /Students/ })).toHaveCount(0);
  await search.press('Enter');

  // The note opens in the student's timeline, highlighted.
  await expect(page.getByRole('heading', { name: 'Olivia García', level: 1 })).toBeVisible();
  const timeline = page.getByRole('list', { name: 'Timeline of Olivia García' });
  const current = timeline.locator('[aria-current="true"]');
  await expect(current).toContainText('Photosynthesis and the water cycle');
  await expect(current).toContainText('Lesson note');

  // A student result opens the student; accents do not matter.
  await search.fill('garcia');
  await expect(results.getByRole('group', { name: /Students/ }).getByRole('option')).toHaveCount(1);
  await results
    .getByRole('group', { name: /Students/ })
    .getByRole('option')
    .click();
  await expect(page.getByRole('dialog', { name: 'Olivia García' })).toBeVisible();
  await page.getByRole('dialog', { name: 'Olivia García' }).getByRole('button', { name: 'Cancel' }).click();
  // A family result opens the family (Olivia pays for herself: her payer account).
  await search.fill('garcia');
  await results
    .getByRole('group', { name: /Families/ })
    .getByRole('option')
    .click();
  await expect(page).toHaveURL(/#\/families\?id=/);
  await expect(page.getByRole('dialog', { name: 'Olivia García' })).toBeVisible();
  await page.getByRole('dialog', { name: 'Olivia García' }).getByRole('button', { name: 'Close' }).click();

  // After a restart the index is loaded from its saved form, which keeps no note text: the
  // snippet of a note shown is read from the note itself.
  await page.waitForTimeout(1_500); // the last change settled, so a start does not re-read it
  await page.evaluate(() => window.__tutordeskNotesTest!.saveSearch());
  await page.reload();
  await page.waitForFunction(() => !!window.__tutordeskNotesTest);
  expect(await page.evaluate(() => window.__tutordeskNotesTest!.search().then((s) => s.source))).toBe('saved');
  await page.keyboard.press('Control+k');
  await search.fill('chloroplast');
  await expect(notes.getByRole('option')).toContainText('Revise chloroplasts before the mock exam');

  // Nothing matches: said so.
  await search.fill('zebrafish');
  await expect(page.getByText('Nothing matches “zebrafish”.')).toBeVisible();
  await search.press('Escape');
  await expect(results).toBeHidden();
});

test('progress notes on the timeline, newest first, and a sync conflict resolved by keeping both versions', async ({ page }) => {
  await practiceWithStudents(page, [['Ava', 'Jones']]);
  await addLesson(page, { students: ['Ava Jones'], subject: 'Maths', start: at('00:15') });
  await page.getByRole('link', { name: 'Today', exact: true }).click();
  await openTodayLesson(page, /Maths with Ava Jones/);
  await lessonNote(page).getByLabel('What was covered').fill('Long division with remainders');
  await expect(lessonNote(page).getByRole('status')).toHaveText('Saved');
  await page.getByRole('region', { name: 'Lesson note' }).getByRole('link', { name: 'Ava Jones' }).click();

  await expect(page.getByRole('heading', { name: 'Ava Jones', level: 1 })).toBeVisible();
  const timeline = page.getByRole('list', { name: 'Timeline of Ava Jones' });
  await expect(timeline.getByRole('article')).toHaveCount(1);

  for (const [title, body] of [
    ['Autumn term review', 'Confident with fractions; long division needs practice.'],
    ['Spring goals', 'Aim for a grade 7 in the mock.'],
  ]) {
    await page.getByRole('button', { name: 'New progress note' }).click();
    const draft = page.getByRole('region', { name: 'New progress note' });
    await draft.getByLabel('Title').fill(title!);
    await draft.getByRole('textbox', { name: 'Progress note', exact: true }).fill(body!);
    await expect(draft.getByRole('status')).toHaveText('Saved');
    await draft.getByRole('button', { name: 'Done' }).click();
    await expect(timeline.getByRole('article', { name: title })).toBeVisible();
  }
  await expect(timeline.getByRole('article')).toHaveCount(3);
  const progress = timeline.getByRole('article').filter({ hasText: 'Progress note' });
  await expect(progress.nth(0)).toContainText('Spring goals');
  await expect(progress.nth(1)).toContainText('Autumn term review');

  // Edit in place, autosaved.
  await timeline.getByRole('button', { name: 'Edit Spring goals' }).click();
  await timeline
    .getByRole('group', { name: 'Editing Spring goals' })
    .getByRole('textbox', { name: 'Progress note', exact: true })
    .fill('Aim for a grade 8 in the mock.');
  await expect(timeline.getByRole('group', { name: 'Editing Spring goals' }).getByRole('status')).toHaveText('Saved');
  await timeline.getByRole('button', { name: 'Done editing Spring goals' }).click();
  await expect(timeline.getByRole('article', { name: 'Spring goals' })).toContainText('grade 8');

  // The same note was edited on another laptop while offline: both versions are shown.
  await page.evaluate(() =>
    window.__tutordeskNotesTest!.simulateConcurrentEdit('Autumn term review', {
      body: 'Fractions are secure now (written on the office laptop).',
    }),
  );
  await expect(page.getByRole('alert').filter({ hasText: 'edited on two computers at once' })).toBeVisible();
  const conflict = timeline.getByRole('region', { name: 'Version conflict' });
  await expect(conflict).toContainText('Current version');
  await expect(conflict).toContainText('Fractions are secure now (written on the office laptop).');
  await expect(conflict).toContainText('Other version');
  await expect(conflict).toContainText('Confident with fractions; long division needs practice.');
  await conflict.getByRole('button', { name: 'Keep both' }).click();
  await expect(conflict).toBeHidden();
  const autumn = timeline.getByRole('article', { name: 'Autumn term review' });
  await expect(autumn).toContainText('Fractions are secure now (written on the office laptop).');
  await expect(autumn).toContainText('Confident with fractions; long division needs practice.');
  await expect(page.getByRole('alert').filter({ hasText: 'edited on two computers at once' })).toBeHidden();

  // Both kept after a reload too, and the search finds the merged text.
  await page.reload();
  await expect(page.getByRole('article', { name: 'Autumn term review' })).toContainText('office laptop');
  const search = page.getByRole('combobox', { name: 'Search notes, students and families' });
  await search.fill('office laptop');
  await expect(page.getByRole('listbox', { name: 'Search results' }).getByRole('option')).toHaveCount(1);
});

test('text typed before a crash is recovered from the journal at the next start', async ({ page }) => {
  await practiceWithStudents(page, [['Mia', 'Brown']]);
  await page
    .getByRole('table', { name: 'Students' })
    .getByRole('row', { name: /Mia Brown/ })
    .click();
  await page.getByRole('dialog', { name: 'Mia Brown' }).getByRole('link', { name: 'Notes & timeline' }).click();
  await expect(page.getByRole('heading', { name: 'Mia Brown', level: 1 })).toBeVisible();
  const studentId = decodeURIComponent(/[?&]id=([^&]+)/.exec(new URL(page.url()).hash)![1]!);

  // What the editor journals synchronously on each keystroke, as if the app died before saving.
  await page.evaluate((id) => {
    const draft = {
      noteId: 'note-crash-1',
      values: {
        kind: 'progress',
        studentIds: [id],
        lessonId: '',
        occurrenceId: '',
        authorId: '',
        title: '',
        body: '',
        covered: '',
        homework: '',
        nextSteps: '',
        conflicts: [],
      },
      changes: { title: 'Typed just before the crash', body: 'Every keystroke is journalled before it is saved.' },
      typedAt: new Date().toISOString(),
    };
    localStorage.setItem('tutordesk:tutordesk:note-drafts', JSON.stringify({ [draft.noteId]: draft }));
  }, studentId);
  await page.reload();
  await expect(page.getByText('Unsaved text of a note was recovered')).toBeVisible();
  const recovered = page.getByRole('list', { name: 'Timeline of Mia Brown' }).getByRole('article', { name: 'Typed just before the crash' });
  await expect(recovered).toContainText('Every keystroke is journalled before it is saved.');
  await expect(page.evaluate(() => localStorage.getItem('tutordesk:tutordesk:note-drafts'))).resolves.toBeNull();
});

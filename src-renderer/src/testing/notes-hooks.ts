/**
 * Test/benchmark hooks of the notes, attendance and search features (installed with the app's
 * other test hooks, test build only, with `?testHooks`): seed notes in bulk, add a lesson, read the search
 * service's state.
 */
import type { TutorDatabase } from '../data';
import type { DeviceInfo } from '../app/AppContext';
import { PRACTICE_SETTINGS_ID, type Lesson, type Note, type PracticeSettings } from '../../../src-shared/model/types';
import { mergeNotes, type NoteTextField } from '../../../src-shared/notes/merge';
import { saveNote } from '../../../src-shared/notes/timeline';
import { generateSampleNotes } from '../../../src-shared/schedule/sample';
import { createLesson, type LessonValues } from '../../../src-shared/schedule/edit';
import { getSearchService } from '../features/search';
import { SAVED_SEARCH_KEY, setLoadSavedSearchIndex } from '../features/search/search-service';
import { snapshotStoreOf } from '../data';

export interface NotesTestHooks {
  /** Inserts `count` generated notes about the existing students; resolves with the time taken. */
  seedNotes(count: number): Promise<number>;
  /** Adds a lesson (one-off unless `rrule`); students by full name. Returns the lesson id. */
  addLesson(values: Partial<LessonValues> & { students: string[]; tutor?: string }): Promise<string>;
  /**
   * Simulates what sync does when another laptop edited the same note offline: the remote
   * version (a minute newer, from device 'office-laptop') is merged with mergeNotes, without a
   * common base, so text edited on both sides is kept as a conflict version.
   */
  simulateConcurrentEdit(title: string, changes: Partial<Pick<Note, NoteTextField>>): Promise<void>;
  /**
   * The search index: status, size, time from starting to usable (`buildMs`, whether built or
   * loaded), where it came from, how many changes were applied to a saved one, and when (ms since
   * the page started) it became usable.
   */
  search(): Promise<{
    status: string;
    size: number;
    buildMs: number;
    readMs: number;
    indexMs: number;
    source: string;
    caughtUp: number;
    readyAt: number;
    load: Record<string, number>;
  }>;
  /**
   * Saves the search index now (if it changed): how long that took, the saved JSON's length, and
   * the longest time the page could not run a timer meanwhile (what a keystroke would wait).
   */
  saveSearch(): Promise<{ ms: number; chars: number; longestBlockMs: number }>;
}

declare global {
  interface Window {
    __tutordeskNotesTest?: NotesTestHooks;
  }
}

export function installNotesTestHooks(db: TutorDatabase): void {
  const ctx = async () => {
    const device = (await db.getLocal<DeviceInfo>('device'))?.toJSON().data as DeviceInfo | undefined;
    return { staffId: device?.meStaffId || 'test', deviceId: device?.deviceId || 'test', now: new Date() };
  };
  // `?searchRebuild`: build the search index at start even when one is saved (benchmarks).
  if (new URLSearchParams(window.location.search).has('searchRebuild')) setLoadSavedSearchIndex(false);
  window.__tutordeskNotesTest = {
    async seedNotes(count) {
      const t0 = performance.now();
      const [students, staff] = await Promise.all([db.students.find().exec(), db.staff.find().exec()]);
      if (students.length === 0) throw new Error('Load a practice with students first');
      const notes = generateSampleNotes(count, {
        studentIds: students.map((s) => s.id),
        authorIds: staff.length ? staff.map((s) => s.id) : ['test'],
        now: new Date(),
        seed: Math.floor(Math.random() * 1e6),
        deviceId: (await ctx()).deviceId,
      });
      for (let i = 0; i < notes.length; i += 5000) {
        const r = await db.notes.bulkInsert(notes.slice(i, i + 5000));
        if (r.error.length) throw new Error(`Could not insert notes: ${r.error[0]!.status}`);
      }
      return performance.now() - t0;
    },
    async addLesson({ students, tutor, ...values }) {
      const c = await ctx();
      const settings = (await db.settings.findOne(PRACTICE_SETTINGS_ID).exec())?.toJSON() as PracticeSettings | undefined;
      const all = await db.students.find().exec();
      const studentIds = students.map((name) => {
        const s = all.find((d) => `${d.firstName} ${d.lastName}` === name);
        if (!s) throw new Error(`No student ${name}`);
        return s.id;
      });
      const staff = await db.staff.find().exec();
      const tutorId = tutor ? staff.find((s) => s.name === tutor)?.id : c.staffId !== 'test' ? c.staffId : staff[0]?.id;
      if (!tutorId) throw new Error('No tutor');
      const lesson: Lesson = createLesson(
        { subject: 'Maths', durationMinutes: 60, timeZone: settings?.timeZone ?? 'UTC', ...values, studentIds, tutorId },
        c,
        () => crypto.randomUUID(),
      );
      await db.lessons.insert(lesson);
      return lesson.id;
    },
    async simulateConcurrentEdit(title, changes) {
      const doc = await db.notes.findOne({ selector: { title } }).exec();
      if (!doc) throw new Error(`No note titled ${title}`);
      await doc.incrementalModify((current) => {
        const local = current as Note;
        const remote = saveNote(
          local,
          changes,
          { staffId: local.authorId, deviceId: 'office-laptop', now: new Date(Date.parse(local.updatedAt) + 60_000) },
          () => local.id,
        );
        return mergeNotes(local, remote);
      });
    },
    async search() {
      const s = getSearchService(db);
      await s.ready;
      return {
        status: s.status,
        size: s.size,
        buildMs: s.buildMs,
        ...s.buildPhases,
        source: s.source,
        caughtUp: s.caughtUp,
        readyAt: s.readyAt,
        load: { ...s.loadPhases },
      };
    },
    async saveSearch() {
      const s = getSearchService(db);
      await s.ready;
      const t0 = performance.now();
      let last = t0;
      let longestBlockMs = 0;
      let saving = true;
      const tick = () => {
        const t = performance.now();
        longestBlockMs = Math.max(longestBlockMs, t - last);
        last = t;
        if (saving) setTimeout(tick, 0);
      };
      setTimeout(tick, 0);
      await s.saveNow();
      saving = false;
      const ms = performance.now() - t0;
      longestBlockMs = Math.max(longestBlockMs, performance.now() - last);
      const saved = (await snapshotStoreOf(db)?.get(SAVED_SEARCH_KEY)) as { json?: string } | undefined;
      return { ms, chars: saved?.json?.length ?? 0, longestBlockMs };
    },
  };
}

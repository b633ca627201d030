/**
 * Hooks for the end-to-end tests and the benchmark, installed only when the page is opened with
 * `?testHooks` (never by the desktop app itself). They drive the same code paths as the UI.
 */
import type { TutorDatabase } from '../data';
import { loadSamplePractice } from '../features/onboarding/load-sample';
import { seedSchedule } from '../features/schedule/sample';
import { benchScheduleExpansion, type ExpansionFigures } from '../features/schedule/bench-hooks';
import { installNotesTestHooks } from '../features/notes/test-hooks';
import { installSyncTestHooks } from '../features/sync/test-hooks';
import { billingTestHooks, type BillingTestHooks } from '../features/invoices/test-hooks';

declare global {
  interface Window {
    __tutordeskTest?: {
      loadSample(students: number): Promise<void>;
      count(collection: string): Promise<number>;
      seedSchedule(series: number, weeksBack?: number, extraTutors?: number): Promise<{ lessons: number; occurrences: number }>;
      scheduleExpansion(weeks?: number): Promise<ExpansionFigures>;
      billing: BillingTestHooks;
    };
  }
}

export function installTestHooks(db: TutorDatabase): void {
  window.__tutordeskTest = {
    loadSample: (students) => loadSamplePractice(db, students),
    seedSchedule: (series, weeksBack, extraTutors) => seedSchedule(db, series, weeksBack, extraTutors),
    scheduleExpansion: (weeks) => benchScheduleExpansion(db, weeks),
    billing: billingTestHooks(db),
    count: async (collection) => {
      const coll = (db.collections as Record<string, { count(): { exec(): Promise<number> } }>)[collection];
      if (!coll) throw new Error(`No collection ${collection}`);
      return coll.count().exec();
    },
  };
  installNotesTestHooks(db);
  installSyncTestHooks(db);
}

/**
 * Hooks for the end-to-end tests and the benchmark. This folder is part of the test build only
 * (`npm run build:web`, vite's mode `e2e`): main.tsx imports it behind the build-time flag
 * `__TEST_HOOKS__`, which is false in the product build (`npm run build`), so none of it is in the
 * desktop app (tests/unit/architecture/product-bundle.test.ts checks the emitted code). Even in
 * the test build the hooks are installed only when the page is opened with `?testHooks`.
 * They drive the same code paths as the UI.
 */
import { flushSnapshotWrites, snapshotStoreOf, type TutorDatabase } from '../data';
import type { FeatureRegistry } from '../app/registry';
import { loadSamplePractice } from '../features/onboarding';
import { benchScheduleExpansion, bookOverlapping, seedSchedule, type ExpansionFigures } from './schedule-bench';
import { installNotesTestHooks } from './notes-hooks';
import { installSyncTestHooks } from './sync-hooks';
import { billingTestHooks, type BillingTestHooks } from './billing-hooks';
import { fakeDesktopBackups, fakeSyncAccount } from './backup-hooks';
import {
  desktopMail,
  draftsForNewFamilies,
  issuedInvoiceFor,
  overdueFamilies,
  reminderFamily,
  studentWithNotes,
  type StudentWithNotes,
} from './mail-hooks';
import { benchBackup, benchRestore, type BackupBenchFigures, type RestoreBenchFigures } from './backup-bench';

declare global {
  interface Window {
    __tutordeskTest?: {
      loadSample(students: number): Promise<void>;
      count(collection: string): Promise<number>;
      /** settings.locale as stored ('' = follow the system). */
      storedLocale(): Promise<string>;
      seedSchedule(series: number, weeksBack?: number, extraTutors?: number): Promise<{ lessons: number; occurrences: number }>;
      scheduleExpansion(weeks?: number): Promise<ExpansionFigures>;
      /** `count` one-off lessons at one local date and time, each another student and tutor (schedule-bench.ts). */
      bookOverlapping(date: string, time: string, count: number, minutes?: number): Promise<{ subject: string; student: string }[]>;
      billing: BillingTestHooks;
      /**
       * Makes this page behave like the desktop app for its automatic backups: these files are the
       * backups main keeps (the browser build has none), read through the same bridge calls.
       */
      /** Backup figures for the bench (scripts/bench/backup.ts). */
      benchBackup(passphrase?: string): Promise<BackupBenchFigures>;
      benchRestore(text: string, passphrase?: string): Promise<RestoreBenchFigures>;
      /** The bridge says this computer syncs (for the restore warning); no sync starts. */
      fakeSyncAccount(serverUrl: string, practice: string): void;
      desktopBackups(files: { content: string; createdAt: string }[]): void;
      /** Saves the start-up snapshots that are waiting for their timer now (data/snapshots.ts). */
      saveSnapshots(): Promise<void>;
      /** The names of this origin's IndexedDB databases (to see a replaced one removed). */
      indexedDbNames(): Promise<string[]>;
      /** The bridge's mail calls go to the test's real mail service (testing/mail-hooks.ts). */
      desktopMail(): void;
      issuedInvoiceFor(familyName: string): Promise<{ id: string; number: string; email: string }>;
      /** A family opted in to lesson reminders with a lesson tomorrow (mail-hooks.ts). */
      reminderFamily(): Promise<{ familyId: string; email: string; firstName: string; date: string }>;
      /** Unpaid invoices long past due for the first families by name; the last one loses its e-mail (mail-hooks.ts). */
      overdueFamilies(
        withEmail: number,
      ): Promise<{ withEmail: { id: string; name: string; email: string }[]; withoutEmail: { id: string; name: string } }>;
      /** A student with lesson notes this term and a family e-mail; `titles` retitle its oldest notes. */
      studentWithNotes(titles: string[]): Promise<StudentWithNotes>;
      /** New families with a draft each for last month; the last has no e-mail (mail-hooks.ts). */
      draftsForNewFamilies(count: number): Promise<{ emails: string[]; withoutEmail: string }>;
    };
  }
}

export function installTestHooks(db: TutorDatabase, features: FeatureRegistry): void {
  window.__tutordeskTest = {
    loadSample: (students) => loadSamplePractice(db, features.sampleExtenders, students),
    seedSchedule: (series, weeksBack, extraTutors) => seedSchedule(db, series, weeksBack, extraTutors),
    scheduleExpansion: (weeks) => benchScheduleExpansion(db, weeks),
    bookOverlapping: (date, time, count, minutes) => bookOverlapping(db, date, time, count, minutes),
    billing: billingTestHooks(db),
    saveSnapshots: async () => {
      const store = snapshotStoreOf(db);
      if (store) await flushSnapshotWrites(store);
    },
    desktopBackups: fakeDesktopBackups,
    fakeSyncAccount,
    desktopMail,
    issuedInvoiceFor: (name) => issuedInvoiceFor(db, name),
    reminderFamily: () => reminderFamily(db),
    overdueFamilies: (n) => overdueFamilies(db, n),
    studentWithNotes: (titles) => studentWithNotes(db, titles),
    draftsForNewFamilies: (count) => draftsForNewFamilies(db, count),
    benchBackup: (passphrase) => benchBackup(db, passphrase),
    benchRestore: (text, passphrase) => benchRestore(db, text, passphrase),
    indexedDbNames: async () => (await indexedDB.databases()).map((d) => d.name ?? '').sort(),
    storedLocale: async () => ((await db.settings.findOne('practice').exec())?.toJSON() as { locale?: string } | undefined)?.locale ?? '',
    count: async (collection) => {
      const coll = (db.collections as Record<string, { count(): { exec(): Promise<number> } }>)[collection];
      if (!coll) throw new Error(`No collection ${collection}`);
      return coll.count().exec();
    },
  };
  installNotesTestHooks(db);
  installSyncTestHooks(db);
  // `?desktopMail`: the page sends like the desktop app from its first moment (before the outbox
  // runner and the lesson reminders start), when the test has exposed the mail host.
  if (new URLSearchParams(window.location.search).has('desktopMail') && window.__tutordeskMailHost) desktopMail();
}

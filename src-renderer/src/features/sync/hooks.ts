import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Observable } from 'rxjs';
import type { Note } from '../../../../src-shared/model/types';
import type { QuarantineRecord, SyncConflictRecord } from '../../../../src-shared/sync/conflicts';
import { useApp } from '../../app/AppContext';
import { watchQuarantine, watchSyncConflicts } from '../../data';
import { NOTES_WITH_VERSIONS_SELECTOR } from './describe';
import { syncControllerFor, type SyncController, type SyncSnapshot } from './controller';

/** The sync controller of the app's database; starts it (reads the saved account) on first use. */
export function useSyncController(): SyncController {
  const { db } = useApp();
  const controller = syncControllerFor(db);
  useEffect(() => {
    void controller.init();
  }, [controller]);
  return controller;
}

export function useSyncSnapshot(): SyncSnapshot {
  const c = useSyncController();
  return useSyncExternalStore(c.subscribe, c.getSnapshot);
}

function useObservable<T>(make: () => Observable<T>, initial: T, deps: unknown[]): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const sub = make().subscribe(setValue);
    return () => sub.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return value;
}

const NONE: never[] = [];

/** Local documents the server refused, newest first. */
export function useQuarantine(): QuarantineRecord[] {
  const { db } = useApp();
  const list = useObservable(() => watchQuarantine(db), NONE as QuarantineRecord[], [db]);
  return [...list].reverse();
}

/** Conflicts that need a person, newest first. */
export function useSyncConflicts(): SyncConflictRecord[] {
  const { db } = useApp();
  const list = useObservable(() => watchSyncConflicts(db), NONE as SyncConflictRecord[], [db]);
  return [...list].reverse();
}

/** Notes holding other versions of their text (merged by the sync policy; resolved in the notes UI). */
export function useNotesWithVersions(): Note[] {
  const { db } = useApp();
  const [notes, setNotes] = useState<Note[]>([]);
  useEffect(() => {
    const sub = db.notes
      .find({ selector: NOTES_WITH_VERSIONS_SELECTOR as never })
      .$.subscribe((docs) =>
        setNotes(docs.map((d) => d.toJSON() as unknown as Note).filter((n) => Array.isArray(n.conflicts) && n.conflicts.length > 0)),
      );
    return () => sub.unsubscribe();
  }, [db]);
  return notes;
}

/** A clock that ticks every `ms` (times such as "last synced 12:04" stay right after midnight). */
export function useNow(ms = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

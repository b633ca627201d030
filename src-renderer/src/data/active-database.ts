/**
 * Which local database holds this computer's practice (docs/backup.md "Replacing the practice").
 *
 * The renderer opens the database named here. Replacing the practice with a backup restores into
 * a NEW database; only when that restore has fully succeeded does the pointer move to it (one
 * synchronous localStorage write), and the window reloads. The earlier database is removed at the
 * next start, once the new one has opened. So a restore that fails half-way, or a window closed
 * mid-restore, leaves the pointer and the practice as they were; at worst an unused half-restored
 * database is left, removed at the next start.
 *
 * The pointer is device-local (the window's localStorage, given by the caller: the data layer
 * sees no DOM; never synced). Without one the name is the original
 * 'tutordesk', so a computer that never replaced its practice is unchanged.
 */

/** What the pointer needs of `localStorage` (tests pass a Map-backed one). */
export type PointerStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const DEFAULT_DATABASE_NAME = 'tutordesk';
const ACTIVE_KEY = 'tutordesk.database';
const REMOVE_KEY = 'tutordesk.databaseToRemove';
const RESTORING_KEY = 'tutordesk.databaseRestoring';
const NAME_RE = /^tutordesk(-r[a-z0-9]{1,20})?$/;

/** The database the renderer opens: the pointer's, or 'tutordesk' (also for a pointer that is not one of ours). */
export function activeDatabaseName(s: PointerStore | null): string {
  const v = s?.getItem(ACTIVE_KEY);
  return v && NAME_RE.test(v) ? v : DEFAULT_DATABASE_NAME;
}

/** A fresh name for a replacement database: never one in use (it carries the instant). */
export function newDatabaseName(now: Date, current: string): string {
  let t = now.getTime();
  let name = `tutordesk-r${t.toString(36)}`;
  while (name === current) name = `tutordesk-r${(++t).toString(36)}`;
  return name;
}

/**
 * Notes that `name` is being restored into (so a restore cut short by a closed window is cleaned
 * up at the next start) and returns it.
 */
export function beginReplacement(name: string, s: PointerStore | null): string {
  s?.setItem(RESTORING_KEY, name);
  return name;
}

/** The restore into `next` succeeded: it becomes the practice, the current one is removed at the next start. */
export function switchActiveDatabase(next: string, s: PointerStore | null): void {
  if (!NAME_RE.test(next)) throw new Error(`Not a database name of TutorDesk: ${next}`);
  if (!s) throw new Error('This window cannot keep which database holds the practice (no localStorage).');
  const current = activeDatabaseName(s);
  s.setItem(REMOVE_KEY, current);
  s.setItem(ACTIVE_KEY, next);
  s.removeItem(RESTORING_KEY);
}

/**
 * Databases to remove now that the active one has opened: the one a successful replacement left
 * behind, and one a restore cut short was writing. Never the active one.
 */
export function databasesToRemove(s: PointerStore | null): string[] {
  const active = activeDatabaseName(s);
  return [s?.getItem(REMOVE_KEY), s?.getItem(RESTORING_KEY)].filter(
    (n): n is string => typeof n === 'string' && NAME_RE.test(n) && n !== active,
  );
}

/** Forgets a database once it has been removed. */
export function forgetRemovedDatabase(name: string, s: PointerStore | null): void {
  for (const key of [REMOVE_KEY, RESTORING_KEY]) if (s?.getItem(key) === name) s.removeItem(key);
}

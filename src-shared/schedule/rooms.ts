/**
 * Rooms as records (docs/schedule.md "Rooms"): the practice lists its rooms in the settings
 * document (`settings.rooms`, each with an id, a name unique in the practice, a location and an
 * active flag). Lessons and occurrence overrides keep the room's NAME in their `room` field, as
 * they always did, so conflict detection, exports and older lessons work unchanged; renaming a
 * room rewrites the lessons and occurrences that name it (`roomRenamePatches`).
 *
 * Pure: the Settings section and the schedule screen call these.
 */
import type { Lesson, Occurrence, PracticeRoom } from '../model/types';
import type { ExpandedOccurrence } from './expand';

/** Rooms are the same when their names are, ignoring case and surrounding spaces. */
export function roomKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * A room as text: a bare number typed before rooms were records reads "Room 12", a named room
 * ("Room 1", "Music room", "Lab") as it is.
 */
export function roomText(name: string): string {
  const n = name.trim();
  return /^\d/.test(n) ? `Room ${n}` : n;
}

/** Longest room name: the lesson's `room` field (schemas.ts). */
export const ROOM_NAME_MAX = 100;
/** Longest room location: the lesson's `location` field (schemas.ts). */
export const ROOM_LOCATION_MAX = 500;

/** The room record of a name (active or archived), if the practice lists it. */
export function findRoom(rooms: readonly PracticeRoom[] | undefined, name: string): PracticeRoom | undefined {
  const key = roomKey(name);
  if (!key) return undefined;
  return (rooms ?? []).find((r) => roomKey(r.name) === key);
}

export interface RoomDraft {
  name: string;
  location: string;
}

/**
 * What is wrong with a room being added or edited (`selfId`: the room being edited), per field;
 * empty when it can be saved.
 */
export function validateRoom(
  draft: RoomDraft,
  rooms: readonly PracticeRoom[] | undefined,
  selfId?: string,
): Partial<Record<keyof RoomDraft, string>> {
  const errors: Partial<Record<keyof RoomDraft, string>> = {};
  const name = draft.name.trim();
  if (!name) errors.name = 'Enter the room’s name, e.g. Room 1';
  else if (name.length > ROOM_NAME_MAX) errors.name = `Room name: at most ${ROOM_NAME_MAX} characters`;
  else {
    const same = (rooms ?? []).find((r) => r.id !== selfId && roomKey(r.name) === roomKey(name));
    if (same)
      errors.name = same.active
        ? `There is already a room called “${same.name}”`
        : `There is already an archived room called “${same.name}”: restore it instead`;
  }
  if (draft.location.trim().length > ROOM_LOCATION_MAX) errors.location = `Location: at most ${ROOM_LOCATION_MAX} characters`;
  return errors;
}

/** Rooms sorted for people: active first, then by name (numbers in order: Room 2 before Room 10). */
export function sortRooms(rooms: readonly PracticeRoom[] | undefined): PracticeRoom[] {
  return [...(rooms ?? [])].sort(
    (a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' }),
  );
}

/** The list with one room added (its values trimmed). */
export function addRoom(rooms: readonly PracticeRoom[] | undefined, draft: RoomDraft, id: string): PracticeRoom[] {
  return [...(rooms ?? []), { id, name: draft.name.trim(), location: draft.location.trim(), active: true }];
}

/** The list with room `id` changed. */
export function updateRoom(
  rooms: readonly PracticeRoom[] | undefined,
  id: string,
  changes: Partial<Omit<PracticeRoom, 'id'>>,
): PracticeRoom[] {
  return (rooms ?? []).map((r) =>
    r.id === id
      ? {
          ...r,
          ...changes,
          ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
          ...(changes.location !== undefined ? { location: changes.location.trim() } : {}),
        }
      : r,
  );
}

/** Names held by more than one room (two laptops added the same room offline): for a warning. */
export function duplicateRoomNames(rooms: readonly PracticeRoom[] | undefined): string[] {
  const seen = new Map<string, PracticeRoom[]>();
  for (const r of rooms ?? []) seen.set(roomKey(r.name), [...(seen.get(roomKey(r.name)) ?? []), r]);
  return [...seen.values()].filter((list) => list.length > 1).map((list) => list[0]!.name);
}

/** One write of a room rename: the new `room` of a lesson or of an occurrence's override. */
export interface RoomRenamePatch {
  collection: 'lessons' | 'occurrences';
  id: string;
  room: string;
}

/**
 * The lessons (cancelled ones too: they are history) and occurrence overrides that name room
 * `oldName` (case and spaces ignored), with `newName` instead. Empty when the names are the
 * same room (only the case changed is still a rename).
 */
export function roomRenamePatches(
  oldName: string,
  newName: string,
  lessons: Iterable<Pick<Lesson, 'id' | 'room'>>,
  occurrences: Iterable<Pick<Occurrence, 'id' | 'room'>>,
): RoomRenamePatch[] {
  const key = roomKey(oldName);
  const to = newName.trim();
  if (!key || !to || oldName.trim() === to) return [];
  const out: RoomRenamePatch[] = [];
  for (const l of lessons) if (roomKey(l.room) === key) out.push({ collection: 'lessons', id: l.id, room: to });
  for (const o of occurrences) if (o.room && roomKey(o.room) === key) out.push({ collection: 'occurrences', id: o.id, room: to });
  return out;
}

/** A choice of the lesson editor's Room field. */
export interface RoomChoice {
  value: string;
  label: string;
}

function roomLabel(r: PracticeRoom): string {
  return r.location ? `${r.name} (${r.location})` : r.name;
}

/**
 * The lesson editor's room choices: "No room", the active rooms, and the lesson's current room
 * when it is not one of them ("Room 7 (not in Settings)" for a free-text room of an older
 * lesson, "Studio (archived)"), so opening and saving an older lesson never changes its room.
 */
export function roomChoices(rooms: readonly PracticeRoom[] | undefined, current: string): RoomChoice[] {
  const out: RoomChoice[] = [{ value: '', label: 'No room' }];
  for (const r of sortRooms(rooms)) if (r.active) out.push({ value: r.name, label: roomLabel(r) });
  const cur = current.trim();
  if (cur) {
    const known = findRoom(rooms, cur);
    if (!known) out.push({ value: current, label: `${cur} (not in Settings)` });
    else if (!known.active) out.push({ value: current, label: `${known.name} (archived)` });
    else if (known.name !== current) {
      // Same room written with other case or spaces (an older lesson): keep its text selectable.
      out.push({ value: current, label: roomLabel(known) });
    }
  }
  return out;
}

/** Filter value for lessons without a room. */
export const NO_ROOM = '__none';

/** Whether an occurrence is in the filtered room (`filter`: a room name, NO_ROOM, or '' for all). */
export function inRoom(o: Pick<ExpandedOccurrence, 'room'>, filter: string): boolean {
  if (!filter) return true;
  if (filter === NO_ROOM) return roomKey(o.room) === '';
  return roomKey(o.room) === roomKey(filter);
}

/** One row of the per-room view. */
export interface RoomRow {
  /** `roomKey` of the name, or NO_ROOM. */
  key: string;
  /** As shown: the room's name ("No room" for lessons without one). */
  name: string;
  location: string;
  /** 'archived' for an archived room, 'unlisted' for a room not in Settings (free text), else ''. */
  note: '' | 'archived' | 'unlisted';
  occurrences: ExpandedOccurrence[];
}

/**
 * The rows of the per-room view: every active room (even with no lessons), then rooms that
 * have lessons in the range but are archived or not in Settings, then "No room" when some
 * lessons have none. Occurrences keep their order (sort them by start first).
 */
export function roomRows(rooms: readonly PracticeRoom[] | undefined, occurrences: readonly ExpandedOccurrence[]): RoomRow[] {
  const rows = new Map<string, RoomRow>();
  for (const r of sortRooms(rooms))
    if (r.active && !rows.has(roomKey(r.name)))
      rows.set(roomKey(r.name), { key: roomKey(r.name), name: r.name, location: r.location, note: '', occurrences: [] });
  const extra = new Map<string, RoomRow>();
  let none: RoomRow | null = null;
  for (const o of occurrences) {
    const key = roomKey(o.room);
    if (!key) {
      none ??= { key: NO_ROOM, name: 'No room', location: '', note: '', occurrences: [] };
      none.occurrences.push(o);
      continue;
    }
    let row = rows.get(key) ?? extra.get(key);
    if (!row) {
      const known = findRoom(rooms, o.room);
      row = known
        ? { key, name: known.name, location: known.location, note: 'archived', occurrences: [] }
        : { key, name: o.room.trim(), location: '', note: 'unlisted', occurrences: [] };
      extra.set(key, row);
    }
    row.occurrences.push(o);
  }
  const extras = [...extra.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' }));
  return [...rows.values(), ...extras, ...(none ? [none] : [])];
}

/**
 * The room filter's choices: the rooms of Settings (archived ones marked), then rooms typed in
 * lessons that Settings does not list, then "No room".
 */
export function roomFilterOptions(rooms: readonly PracticeRoom[] | undefined, lessonRooms: Iterable<string>): RoomChoice[] {
  const out: RoomChoice[] = sortRooms(rooms).map((r) => ({ value: r.name, label: r.active ? r.name : `${r.name} (archived)` }));
  const seen = new Set(out.map((o) => roomKey(o.value)));
  const extra: RoomChoice[] = [];
  for (const name of lessonRooms) {
    const key = roomKey(name);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    extra.push({ value: name.trim(), label: `${name.trim()} (not in Settings)` });
  }
  extra.sort((a, b) => a.value.localeCompare(b.value, 'en', { numeric: true, sensitivity: 'base' }));
  return [...out, ...extra, { value: NO_ROOM, label: 'No room' }];
}

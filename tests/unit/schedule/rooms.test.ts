/** Rooms as records (docs/schedule.md "Rooms"): validation, the editor's choices, renames, the per-room rows, conflicts. */
import { describe, expect, it } from 'vitest';
import type { PracticeRoom } from '../../../src-shared/model/types';
import { expandLessons } from '../../../src-shared/schedule/expand';
import { overrideOccurrence } from '../../../src-shared/schedule/edit';
import { conflictedIds, describeConflict, findAllConflicts, findLessonConflicts } from '../../../src-shared/schedule/conflicts';
import {
  addRoom,
  duplicateRoomNames,
  inRoom,
  NO_ROOM,
  roomChoices,
  roomFilterOptions,
  roomRenamePatches,
  roomRows,
  roomText,
  sortRooms,
  updateRoom,
  validateRoom,
} from '../../../src-shared/schedule/rooms';
import { byIdMerger } from '../../../src-shared/sync/merge';
import { localDaysRange } from '../../../src-shared/schedule/time';
import { at, ctx, lesson } from './fixtures';

const LON = 'Europe/London';
const day = (d: string) => localDaysRange(d, d, LON);
const room = (id: string, name: string, location = '', active = true): PracticeRoom => ({ id, name, location, active });
const ROOMS = [room('r1', 'Room 1', 'North site'), room('r2', 'Room 10'), room('r3', 'Room 2'), room('r4', 'Studio', '', false)];

describe('room validation', () => {
  it('needs a name', () => {
    expect(validateRoom({ name: '  ', location: '' }, ROOMS)).toEqual({ name: 'Enter the room’s name, e.g. Room 1' });
  });

  it('refuses a name already used, ignoring case and spaces, and points to an archived one', () => {
    expect(validateRoom({ name: ' room 1 ', location: '' }, ROOMS).name).toBe('There is already a room called “Room 1”');
    expect(validateRoom({ name: 'STUDIO', location: '' }, ROOMS).name).toBe(
      'There is already an archived room called “Studio”: restore it instead',
    );
  });

  it('lets a room keep (or re-case) its own name when edited', () => {
    expect(validateRoom({ name: 'ROOM 1', location: 'North site' }, ROOMS, 'r1')).toEqual({});
  });

  it('keeps within the lesson fields’ lengths', () => {
    expect(validateRoom({ name: 'x'.repeat(101), location: 'y'.repeat(501) }, [])).toEqual({
      name: 'Room name: at most 100 characters',
      location: 'Location: at most 500 characters',
    });
  });
});

describe('room list', () => {
  it('adds trimmed, edits, archives, sorts active rooms first with numbers in order', () => {
    const added = addRoom(ROOMS, { name: ' Lab ', location: ' South ' }, 'r5');
    expect(added.at(-1)).toEqual(room('r5', 'Lab', 'South'));
    const archived = updateRoom(added, 'r1', { active: false });
    expect(sortRooms(archived).map((r) => r.name)).toEqual(['Lab', 'Room 2', 'Room 10', 'Room 1', 'Studio']);
  });

  it('names duplicates that two laptops made offline', () => {
    expect(duplicateRoomNames([...ROOMS, room('x', 'room 2')])).toEqual(['Room 2']);
    expect(duplicateRoomNames(ROOMS)).toEqual([]);
  });

  it('merges two laptops’ offline room lists by id: both additions kept, one-sided renames taken', () => {
    const base = [room('r1', 'Room 1')];
    const a = [room('r1', 'Room One'), room('ra', 'Lab')];
    const b = [room('r1', 'Room 1'), room('rb', 'Studio')];
    const merged = byIdMerger({ a, b, base, hasBase: true, winner: 'b' });
    expect(merged).toEqual([room('r1', 'Room One'), room('ra', 'Lab'), room('rb', 'Studio')]);
    expect(byIdMerger({ a: b, b: a, base, hasBase: true, winner: 'a' })).toEqual(merged);
  });
});

describe('the lesson editor’s room choices', () => {
  it('offers no room and the active rooms with their location', () => {
    expect(roomChoices(ROOMS, '')).toEqual([
      { value: '', label: 'No room' },
      { value: 'Room 1', label: 'Room 1 (North site)' },
      { value: 'Room 2', label: 'Room 2' },
      { value: 'Room 10', label: 'Room 10' },
    ]);
  });

  it('keeps an older lesson’s free-text room and an archived room, saying so', () => {
    expect(roomChoices(ROOMS, 'Room 7').at(-1)).toEqual({ value: 'Room 7', label: 'Room 7 (not in Settings)' });
    expect(roomChoices(ROOMS, 'studio').at(-1)).toEqual({ value: 'studio', label: 'Studio (archived)' });
    expect(roomChoices(ROOMS, 'Room 2')).toHaveLength(4);
  });
});

describe('renaming a room', () => {
  it('rewrites the lessons and occurrence overrides that name it, and nothing else', () => {
    const a = lesson({ start: at('2025-03-10T16:00', LON), room: 'room 1 ' }, 'a');
    const b = lesson({ start: at('2025-03-10T16:00', LON), room: 'Room 10' }, 'b');
    const c = lesson({ start: at('2025-03-11T16:00', LON), room: '' }, 'c');
    const moved = overrideOccurrence(c, at('2025-03-11T16:00', LON), null, { room: 'Room 1' }, ctx);
    expect(roomRenamePatches('Room 1', 'Blue room', [a, b, c], [moved])).toEqual([
      { collection: 'lessons', id: 'a', room: 'Blue room' },
      { collection: 'occurrences', id: moved.id, room: 'Blue room' },
    ]);
    expect(roomRenamePatches('Room 1', ' Room 1 ', [a], [])).toEqual([]);
  });
});

describe('room double bookings', () => {
  const inRoom1 = (id: string, tutorId: string, studentId: string, roomName = 'Room 1') =>
    lesson({ start: at('2025-03-10T16:00', LON), tutorId, studentIds: [studentId], room: roomName }, id);

  it('are found for two lessons of different tutors and students in the same room record', () => {
    const a = inRoom1('a', 'tutor-1', 'student-1');
    const b = inRoom1('b', 'tutor-2', 'student-2', ' Room 1 ');
    const occ = expandLessons([a, b], [], [], day('2025-03-10'), LON);
    expect([...conflictedIds(occ)].sort()).toEqual(['a@2025-03-10T16:00:00.000Z', 'b@2025-03-10T16:00:00.000Z']);
    const found = findLessonConflicts(b, [a], [], [], day('2025-03-10'), LON);
    expect(found.map((c) => c.kind)).toEqual(['room']);
    expect(describeConflict(found[0]!, { tutorName: (id) => id, studentName: () => 'Olivia Smith', timeZone: LON })).toBe(
      'Room 1 is already used by Maths (Olivia Smith) on Mon 10 Mar, 16:00–17:00.',
    );
  });

  it('are still found after the room is renamed (both lessons follow the rename)', () => {
    const a = inRoom1('a', 'tutor-1', 'student-1');
    const b = inRoom1('b', 'tutor-2', 'student-2');
    const patches = roomRenamePatches('Room 1', 'Studio', [a, b], []);
    const renamed = [a, b].map((l) => ({ ...l, room: patches.find((p) => p.id === l.id)!.room }));
    const { pairs } = findAllConflicts(expandLessons(renamed, [], [], day('2025-03-10'), LON));
    expect(pairs.map((p) => [p.kinds, p.a.room, p.b.room])).toEqual([[['room'], 'Studio', 'Studio']]);
  });

  it('are not found between different rooms or lessons without a room', () => {
    const occ = expandLessons(
      [
        inRoom1('a', 'tutor-1', 'student-1'),
        inRoom1('b', 'tutor-2', 'student-2', 'Room 10'),
        inRoom1('c', 'tutor-3', 'student-3', ''),
        inRoom1('d', 'tutor-4', 'student-4', ''),
      ],
      [],
      [],
      day('2025-03-10'),
      LON,
    );
    expect(conflictedIds(occ).size).toBe(0);
  });
});

describe('filter and per-room view', () => {
  const occ = expandLessons(
    [
      lesson({ start: at('2025-03-10T16:00', LON), room: 'room 2' }, 'a'),
      lesson({ start: at('2025-03-10T17:00', LON), room: 'Room 7' }, 'b'),
      lesson({ start: at('2025-03-10T18:00', LON), room: 'Studio' }, 'c'),
      lesson({ start: at('2025-03-10T19:00', LON), room: '' }, 'd'),
    ],
    [],
    [],
    day('2025-03-10'),
    LON,
  );

  it('filters by room name (case ignored) or by no room', () => {
    expect(occ.filter((o) => inRoom(o, 'Room 2')).map((o) => o.lessonId)).toEqual(['a']);
    expect(occ.filter((o) => inRoom(o, NO_ROOM)).map((o) => o.lessonId)).toEqual(['d']);
    expect(occ.filter((o) => inRoom(o, ''))).toHaveLength(4);
  });

  it('lists every active room, then archived and unlisted rooms in use, then lessons without a room', () => {
    expect(roomRows(ROOMS, occ).map((r) => [r.name, r.note, r.occurrences.map((o) => o.lessonId).join()])).toEqual([
      ['Room 1', '', ''],
      ['Room 2', '', 'a'],
      ['Room 10', '', ''],
      ['Room 7', 'unlisted', 'b'],
      ['Studio', 'archived', 'c'],
      ['No room', '', 'd'],
    ]);
  });
});

describe('the room filter’s choices', () => {
  it('lists the rooms of Settings, then rooms only typed in lessons, then no room', () => {
    expect(roomFilterOptions(ROOMS, ['Room 7', 'room 1', '', ' Room 7 ']).map((o) => o.label)).toEqual([
      'Room 1',
      'Room 2',
      'Room 10',
      'Studio (archived)',
      'Room 7 (not in Settings)',
      'No room',
    ]);
  });
});

describe('a room as text', () => {
  it('says "Room" before a bare number only', () => {
    expect([roomText('12'), roomText(' Room 1 '), roomText('Music room')]).toEqual(['Room 12', 'Room 1', 'Music room']);
  });
});

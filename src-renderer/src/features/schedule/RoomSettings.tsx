/**
 * Settings › Rooms: the practice's rooms (settings.rooms, docs/schedule.md "Rooms"). A practice
 * admin adds, renames, moves and archives rooms; the lesson editor offers the active ones.
 * Renaming a room also rewrites the lessons and occurrence overrides that name it, so their
 * double-booking check and the per-room view follow the new name.
 */
import { useState } from 'react';
import { PRACTICE_SETTINGS_ID, type PracticeRoom } from '../../../../src-shared/model/types';
import {
  addRoom,
  duplicateRoomNames,
  roomRenamePatches,
  sortRooms,
  updateRoom,
  validateRoom,
  type RoomDraft,
} from '../../../../src-shared/schedule/rooms';
import { useApp } from '../../app/AppContext';
import { Alert } from '../../ui/Alert';
import { TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { newId } from './actions';
import './schedule.css';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';
import { useUnsavedChanges } from '../../app/router';

type Errors = Partial<Record<keyof RoomDraft, string>>;

function RoomForm(props: {
  label: string;
  submitLabel: string;
  initial: RoomDraft;
  rooms: readonly PracticeRoom[];
  selfId?: string;
  onSave(draft: RoomDraft): Promise<void>;
  onCancel?: () => void;
}) {
  const [v, setV] = useState<RoomDraft>(props.initial);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  // A room typed but not yet added or saved is not lost to navigation without asking.
  useUnsavedChanges(v.name !== props.initial.name || v.location !== props.initial.location, props.label);
  const submit = async () => {
    const errs = validateRoom(v, props.rooms, props.selfId);
    setErrors(errs);
    if (Object.keys(errs).length) {
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>(`form[aria-label="${CSS.escape(props.label)}"] [aria-invalid="true"]`)?.focus(),
      );
      return;
    }
    setBusy(true);
    try {
      await props.onSave(v);
      if (!props.selfId) setV({ name: '', location: '' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="row wrap room-form"
      noValidate
      aria-label={props.label}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <TextField
        label="Room name"
        required
        value={v.name}
        onChange={(name) => setV((p) => ({ ...p, name }))}
        error={errors.name}
        placeholder="e.g. Room 1"
        autoFocus={Boolean(props.selfId)}
      />
      <TextField
        label="Location"
        value={v.location}
        onChange={(location) => setV((p) => ({ ...p, location }))}
        error={errors.location}
        placeholder="e.g. North site, 12 High Street"
        hint="Lessons booked in the room take this location"
      />
      <div className="row tight room-form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {props.selfId ? null : <Icon name="plus" size={15} />} {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" className="btn" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

export function RoomSettings() {
  const app = useApp();
  const toast = useToast();
  const [editing, setEditing] = useState<string | null>(null);
  if (!app.settings) return null;
  const rooms = app.settings.rooms ?? [];
  const sorted = sortRooms(rooms);
  const duplicates = duplicateRoomNames(rooms);

  const saveRooms = (next: PracticeRoom[]) => app.save('settings', PRACTICE_SETTINGS_ID, { rooms: next });

  const add = async (draft: RoomDraft) => {
    await saveRooms(addRoom(rooms, draft, newId()));
    toast(`Room added: ${draft.name.trim()}`);
  };

  const edit = async (room: PracticeRoom, draft: RoomDraft) => {
    await saveRooms(updateRoom(rooms, room.id, draft));
    // The lessons and overrides that name the room follow its new name (docs/schedule.md "Rooms").
    const [lessons, occurrences] = await Promise.all([
      app.db.lessons.find().exec(),
      app.db.occurrences.find({ selector: { room: { $ne: '' } } }).exec(),
    ]);
    const patches = roomRenamePatches(
      room.name,
      draft.name,
      lessons.map((d) => d.toJSON()),
      occurrences.map((d) => d.toJSON()),
    );
    for (const p of patches) await app.save(p.collection, p.id, { room: p.room });
    setEditing(null);
    const lessonCount = patches.filter((p) => p.collection === 'lessons').length;
    toast(
      patches.length
        ? `Room saved: ${draft.name.trim()}; ${countOf(lessonCount, NOUNS.lesson)} updated`
        : `Room saved: ${draft.name.trim()}`,
    );
  };

  const setActive = async (room: PracticeRoom, active: boolean) => {
    await saveRooms(updateRoom(rooms, room.id, { active }));
    toast(active ? `${room.name} restored` : `${room.name} archived: its lessons keep it, new lessons cannot choose it`);
  };

  return (
    <section className="card card-pad stack" aria-labelledby="room-settings-title">
      <h2 id="room-settings-title">Rooms</h2>
      <p className="muted">
        The rooms lessons are booked in, chosen in the lesson editor. Two lessons in the same room at the same time are flagged as
        double-booked, and the schedule can show one room or every room side by side.
      </p>
      {duplicates.length > 0 && (
        <Alert tone="warning" role="status">
          {formOf(duplicates.length, { one: 'Two rooms are', other: 'Rooms are' })} called {duplicates.map((n) => `“${n}”`).join(', ')}{' '}
          (added on two computers at once): rename or archive one of them.
        </Alert>
      )}
      {sorted.length === 0 ? (
        <p className="muted">No rooms yet. Lessons booked before keep the room typed in them.</p>
      ) : (
        <ul className="list room-list" aria-label="Rooms">
          {sorted.map((r) =>
            editing === r.id ? (
              <li key={r.id} className="room-editing">
                <RoomForm
                  label={`Edit ${r.name}`}
                  submitLabel="Save room"
                  initial={{ name: r.name, location: r.location }}
                  rooms={rooms}
                  selfId={r.id}
                  onSave={(d) => edit(r, d)}
                  onCancel={() => setEditing(null)}
                />
              </li>
            ) : (
              <li key={r.id}>
                <span className="room-name">
                  <strong>{r.name}</strong>
                  {r.location && <span className="muted">{r.location}</span>}
                  {!r.active && <span className="badge badge-archived">Archived</span>}
                </span>
                <span className="row tight">
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={`Edit ${r.name}`} onClick={() => setEditing(r.id)}>
                    Edit
                  </button>
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost"
                    aria-label={`${r.active ? 'Archive' : 'Restore'} ${r.name}`}
                    onClick={() => void setActive(r, !r.active)}
                  >
                    <Icon name={r.active ? 'archive' : 'restore'} size={14} /> {r.active ? 'Archive' : 'Restore'}
                  </button>
                </span>
              </li>
            ),
          )}
        </ul>
      )}
      <RoomForm label="Add a room" submitLabel="Add room" initial={{ name: '', location: '' }} rooms={rooms} onSave={add} />
    </section>
  );
}

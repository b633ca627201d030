/** Settings › Schedule: desktop reminders, the first day of the week, closed days (holidays). */
import { useState } from 'react';
import { DateTime } from 'luxon';
import { PRACTICE_SETTINGS_ID } from '../../../../src-shared/model/types';
import { isLocalDate } from '../../../../src-shared/schedule/calendar';
import { useApp, useLiveQuery } from '../../app/AppContext';
import { useUnsavedChanges } from '../../app/router';
import { Checkbox, SelectField, TextField } from '../../ui/Field';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { getBridge } from '../../platform/bridge';
import './schedule.css';
import { deleteDoc } from '../../data';

function ReminderForm() {
  const app = useApp();
  const toast = useToast();
  const s = app.settings!;
  const [enabled, setEnabled] = useState(s.reminders.enabled);
  const [minutes, setMinutes] = useState(String(s.reminders.minutesBefore));
  const [weekStart, setWeekStart] = useState(String(s.weekStartsOn || 1));
  const [error, setError] = useState('');
  // Leaving with changes not saved asks first (app/router.ts).
  const current = JSON.stringify([enabled, minutes, weekStart]);
  const [saved, setSaved] = useState(current);
  useUnsavedChanges(current !== saved, 'reminder settings');
  const save = async () => {
    const n = Number(minutes);
    if (!Number.isInteger(n) || n < 1 || n > 24 * 60) return setError('Enter a number of minutes from 1 to 1440');
    setError('');
    await app.save('settings', PRACTICE_SETTINGS_ID, { reminders: { enabled, minutesBefore: n }, weekStartsOn: Number(weekStart) });
    setSaved(current);
    toast('Schedule settings saved');
  };
  return (
    <form
      className="stack"
      noValidate
      aria-label="Reminders and calendar"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Checkbox
        label="Remind me before my lessons (desktop notification while TutorDesk is open)"
        checked={enabled}
        onChange={setEnabled}
      />
      <div className="grid-2">
        <TextField
          label="Minutes before the lesson"
          type="number"
          value={minutes}
          onChange={(m) => {
            setMinutes(m);
            setError('');
          }}
          error={error}
        />
        <SelectField
          label="Week starts on"
          value={weekStart}
          onChange={setWeekStart}
          options={[
            { value: '1', label: 'Monday' },
            { value: '7', label: 'Sunday' },
            { value: '6', label: 'Saturday' },
          ]}
        />
      </div>
      <div className="row">
        <button type="submit" className="btn btn-primary">
          Save
        </button>
        <button
          type="button"
          className="btn"
          onClick={() =>
            void getBridge().notify({
              title: 'Test reminder from TutorDesk',
              body: 'Lesson reminders will look like this.',
              route: '/schedule',
            })
          }
        >
          Send a test notification
        </button>
      </div>
    </form>
  );
}

function Closures() {
  const app = useApp();
  const toast = useToast();
  const { docs } = useLiveQuery('closures');
  const [startDate, setStart] = useState('');
  const [endDate, setEnd] = useState('');
  const [label, setLabel] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  // Closed days typed but not added yet: leaving asks first (app/router.ts).
  useUnsavedChanges(Boolean(startDate || endDate || label), 'closed days form');
  // A field's error goes as soon as it is changed (checked again on Add); the first day settles the last's.
  const edit =
    (update: (v: string) => void, ...keys: string[]) =>
    (value: string) => {
      update(value);
      setErrors((e) => (keys.some((k) => e[k]) ? Object.fromEntries(Object.entries(e).filter(([k]) => !keys.includes(k))) : e));
    };
  const sorted = [...docs].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const fmt = (d: string) =>
    DateTime.fromISO(d)
      .setLocale(app.settings?.locale || 'en-GB')
      .toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY);
  const add = async () => {
    const errs: Record<string, string> = {};
    if (!isLocalDate(startDate)) errs.start = 'Enter the first closed day';
    const end = endDate || startDate;
    if (endDate && !isLocalDate(endDate)) errs.end = 'Enter the last closed day';
    else if (isLocalDate(startDate) && end < startDate) errs.end = 'The last day is before the first day';
    if (!label.trim()) errs.label = 'Name the closure, e.g. Easter holidays';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    await app.save('closures', undefined, { startDate, endDate: end, label: label.trim() });
    setStart('');
    setEnd('');
    setLabel('');
    toast(`Closed days added: ${label.trim()}`);
  };
  const remove = async (id: string, name: string) => {
    await deleteDoc(app.db, 'closures', id, app.ctx());
    toast(`Removed ${name}`);
  };
  return (
    <div className="stack">
      <h3>Closed days</h3>
      <p className="muted">Recurring lessons are skipped on closed days (holidays); the calendar shows them greyed out.</p>
      {sorted.length === 0 ? (
        <p className="muted">No closed days yet.</p>
      ) : (
        <ul className="list closure-list" aria-label="Closed days">
          {sorted.map((c) => (
            <li key={c.id}>
              <span>
                <strong>{c.label}</strong>{' '}
                <span className="muted">
                  {fmt(c.startDate)}
                  {c.endDate !== c.startDate ? ` – ${fmt(c.endDate)}` : ''}
                </span>
              </span>
              <button
                type="button"
                className="btn btn-sm btn-ghost"
                aria-label={`Remove ${c.label}`}
                onClick={() => void remove(c.id, c.label)}
              >
                <Icon name="x" size={14} /> Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="row wrap closure-form"
        noValidate
        aria-label="Add closed days"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <TextField label="Name" value={label} onChange={edit(setLabel, 'label')} error={errors.label} placeholder="e.g. Easter holidays" />
        <TextField label="First closed day" type="date" value={startDate} onChange={edit(setStart, 'start', 'end')} error={errors.start} />
        <TextField
          label="Last closed day"
          type="date"
          value={endDate}
          onChange={edit(setEnd, 'end')}
          error={errors.end}
          hint="Empty for a single day"
        />
        <button type="submit" className="btn">
          <Icon name="plus" size={15} /> Add closed days
        </button>
      </form>
    </div>
  );
}

export function ScheduleSettings() {
  const app = useApp();
  if (!app.settings) return null;
  return (
    <section className="card card-pad stack" aria-labelledby="schedule-settings-title">
      <h2 id="schedule-settings-title">Schedule</h2>
      <ReminderForm key={app.settings.updatedAt} />
      <Closures />
    </section>
  );
}

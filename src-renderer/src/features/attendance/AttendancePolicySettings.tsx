/**
 * Settings → Attendance policy: which statuses are billed to the family and paid to the tutor
 * (the billing feature reads these), the notice window that makes a student cancellation "in
 * time", and whether an in-time cancellation grants a make-up credit.
 */
import { useId, useState } from 'react';
import { useApp } from '../../app/AppContext';
import { useUnsavedChanges } from '../../app/router';
import { Checkbox, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import {
  ATTENDANCE_STATUSES,
  PRACTICE_SETTINGS_ID,
  type AttendanceStatus,
  type PracticeSettings,
} from '../../../../src-shared/model/types';
import { STATUS_LABELS } from './labels';
import './attendance.css';

const HINTS: Partial<Record<AttendanceStatus, string>> = {
  scheduled: 'Not marked yet',
  cancelled_student_in_time: 'With at least the notice below',
  cancelled_student_late: 'With less notice',
};

export function AttendancePolicySettings() {
  const { settings } = useApp();
  if (!settings) return null;
  return <PolicyForm key={settings.updatedAt} settings={settings} />;
}

function PolicyForm({ settings }: { settings: PracticeSettings }) {
  const app = useApp();
  const toast = useToast();
  const titleId = useId();
  const [billable, setBillable] = useState<Set<AttendanceStatus>>(new Set(settings.attendance.billable));
  const [payable, setPayable] = useState<Set<AttendanceStatus>>(new Set(settings.attendance.payable));
  const [hours, setHours] = useState(String(settings.attendance.cancellationNoticeHours));
  const [makeup, setMakeup] = useState(settings.attendance.makeupForInTimeCancellation);
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);
  // Leaving with changes not saved asks first (app/router.ts).
  const order = (s: Set<AttendanceStatus>) => ATTENDANCE_STATUSES.filter((x) => s.has(x));
  const current = JSON.stringify([order(billable), order(payable), hours, makeup]);
  const [saved, setSaved] = useState(current);
  useUnsavedChanges(current !== saved, 'Attendance policy');

  const toggle = (set: Set<AttendanceStatus>, update: (s: Set<AttendanceStatus>) => void, status: AttendanceStatus, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(status);
    else next.delete(status);
    update(next);
  };

  const save = async () => {
    const n = Number(hours.trim());
    if (hours.trim() === '' || !Number.isInteger(n) || n < 0 || n > 24 * 365) {
      setError('Enter a whole number of hours between 0 and 8760');
      return;
    }
    setError('');
    setSaving(true);
    try {
      await app.save('settings', PRACTICE_SETTINGS_ID, {
        attendance: { billable: order(billable), payable: order(payable), cancellationNoticeHours: n, makeupForInTimeCancellation: makeup },
      });
      setSaved(current);
      toast('Attendance policy saved');
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="card card-pad stack"
      noValidate
      aria-labelledby={titleId}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div>
        <h2 id={titleId}>Attendance policy</h2>
        <p className="muted">
          What each attendance status means for invoices and tutor pay, and when a student’s cancellation counts as in time.
        </p>
      </div>
      <table className="policy-table">
        <caption className="sr-only">Billing and tutor pay by attendance status</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Billed to the family</th>
            <th scope="col">Paid to the tutor</th>
          </tr>
        </thead>
        <tbody>
          {ATTENDANCE_STATUSES.map((s) => (
            <tr key={s}>
              <th scope="row">
                <span>{STATUS_LABELS[s]}</span>
                {HINTS[s] && <span className="muted policy-hint">{HINTS[s]}</span>}
              </th>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${STATUS_LABELS[s]}: billed to the family`}
                  checked={billable.has(s)}
                  onChange={(e) => toggle(billable, setBillable, s, e.target.checked)}
                />
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${STATUS_LABELS[s]}: paid to the tutor`}
                  checked={payable.has(s)}
                  onChange={(e) => toggle(payable, setPayable, s, e.target.checked)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="grid-2">
        <TextField
          label="Cancellation notice window (hours)"
          type="number"
          inputMode="decimal"
          value={hours}
          onChange={(h) => {
            setHours(h);
            setError('');
          }}
          error={error}
          hint={`A student who cancels at least ${hours || '…'} hours before the lesson has cancelled in time.`}
        />
      </div>
      <Checkbox label="A cancellation in time grants the student a make-up credit" checked={makeup} onChange={setMakeup} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          Save attendance policy
        </button>
      </div>
    </form>
  );
}

/**
 * Schedule exports: iCalendar (.ics) of a tutor, a student or the whole practice for a date
 * range; CSV of lessons with attendance; a printable weekly timetable per tutor. The documents
 * are built by src-shared/schedule (ics.ts, export-csv.ts, timetable.ts) and handed to the host.
 */
import { useMemo, useState } from 'react';
import { buildIcs, icsFileName, lessonsCsv, localDaysRange, localWeekRange, weeklyTimetableHtml } from '../../../../src-shared/schedule';
import { isLocalDate } from '../../../../src-shared/schedule/calendar';
import { useApp } from '../../app/AppContext';
import { getBridge } from '../../platform/bridge';
import { FormDialog } from '../../ui/FormDialog';
import { TextField } from '../../ui/Field';
import { Combobox } from '../../ui/Combobox';
import { useToast } from '../../ui/Toast';
import { expandRange, type Directory } from './queries';
import type { ScheduleStore } from './store';

type Format = 'ics' | 'csv' | 'timetable';

function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-') || 'schedule'
  );
}

export function ExportDialog(props: { store: ScheduleStore; dir: Directory; from: string; to: string; anchor: string; onClose(): void }) {
  const app = useApp();
  const toast = useToast();
  const settings = app.settings!;
  const tz = settings.timeZone;
  const [format, setFormat] = useState<Format>('ics');
  const [who, setWho] = useState('all');
  const [from, setFrom] = useState(props.from);
  const [to, setTo] = useState(props.to);
  const [week, setWeek] = useState(props.anchor);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const names = { tutorName: props.dir.tutorName, studentName: props.dir.studentName };

  // A searchable picker: the whole practice, every tutor and (but for the timetable) every student.
  const timetable = format === 'timetable';
  const whoOptions = useMemo(
    () => [
      ...(timetable ? [] : [{ value: 'all', label: 'Whole practice' }]),
      ...props.dir.tutors.map((t) => ({ value: `tutor:${t.id}`, label: `Tutor: ${t.name}` })),
      ...(timetable
        ? []
        : props.dir.students
            .filter((s) => s.status !== 'archived')
            .map((s) => ({ value: `student:${s.id}`, label: `Student: ${s.firstName} ${s.lastName}` }))),
    ],
    [timetable, props.dir.tutors, props.dir.students],
  );
  const whoValue = useMemo(() => (whoOptions.some((o) => o.value === who) ? who : (whoOptions[0]?.value ?? '')), [whoOptions, who]);

  const run = async () => {
    const errs: Record<string, string> = {};
    if (format === 'timetable') {
      if (!isLocalDate(week)) errs.week = 'Enter a date in the week to print';
      if (!whoValue.startsWith('tutor:')) errs.who = 'Choose a tutor';
    } else {
      if (!isLocalDate(from)) errs.from = 'Enter the first day';
      if (!isLocalDate(to)) errs.to = 'Enter the last day';
      else if (isLocalDate(from) && to < from) errs.to = 'The last day is before the first day';
    }
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const [kind, id = ''] = whoValue.split(':') as [string, string?];
    const filter = kind === 'tutor' ? { tutorId: id } : kind === 'student' ? { studentId: id } : {};
    const label = kind === 'tutor' ? props.dir.tutorName(id) : kind === 'student' ? props.dir.studentName(id) : settings.name || 'practice';
    setBusy(true);
    try {
      await props.store.whenReady();
      const fromMs =
        format === 'timetable'
          ? Date.parse(localWeekRange(week, tz, settings.weekStartsOn || 1).range.start)
          : Date.parse(localDaysRange(from, to, tz).start);
      await props.store.ensureLoaded(fromMs);
      if (format === 'ics') {
        const range = localDaysRange(from, to, tz);
        const content = buildIcs({
          lessons: props.store.allLessons(),
          occurrences: [...props.store.occurrencesById.values()],
          closures: props.store.allClosures(),
          range,
          practiceTz: tz,
          filter,
          names,
          calendarName: `${label} — TutorDesk`,
        });
        const r = await getBridge().saveFile({
          suggestedName: icsFileName(label, range, tz),
          filters: [{ name: 'iCalendar', extensions: ['ics'] }],
          content,
          encoding: 'utf8',
          mimeType: 'text/calendar',
        });
        if (r.saved) toast(`Calendar exported to ${r.location}`);
      } else if (format === 'csv') {
        const range = localDaysRange(from, to, tz);
        const occ = expandRange(props.store, range, tz).filter(
          (o) => (!filter.tutorId || o.tutorId === filter.tutorId) && (!filter.studentId || o.studentIds.includes(filter.studentId)),
        );
        const content = lessonsCsv(filter.studentId ? occ.map((o) => ({ ...o, studentIds: [filter.studentId!] })) : occ, {
          ...names,
          timeZone: tz,
          settings: settings.attendance,
        });
        const r = await getBridge().saveFile({
          suggestedName: `tutordesk-lessons-${slug(label)}-${from}-${to}.csv`,
          filters: [{ name: 'CSV', extensions: ['csv'] }],
          content,
          encoding: 'utf8',
          mimeType: 'text/csv',
        });
        if (r.saved) toast(`${occ.length} lessons exported to ${r.location}`);
      } else {
        const { range, days } = localWeekRange(week, tz, settings.weekStartsOn || 1);
        const occ = expandRange(props.store, range, tz).filter((o) => o.tutorId === id);
        const html = weeklyTimetableHtml({
          tutorName: label,
          weekOf: week,
          occurrences: occ,
          studentName: props.dir.studentName,
          timeZone: tz,
          locale: settings.locale,
          practiceName: settings.name,
          weekStartsOn: settings.weekStartsOn || 1,
        });
        const r = await getBridge().savePdf({
          html,
          pageSize: 'A4',
          landscape: true,
          suggestedName: `timetable-${slug(label)}-${days[0]}.pdf`,
        });
        if (r.saved) toast(`Timetable saved to ${r.location}`);
      }
      props.onClose();
    } catch (e) {
      setErrors({ form: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title="Export schedule"
      description="Calendar files for other calendar apps, a spreadsheet of lessons and attendance, or a printable timetable."
      onClose={props.onClose}
      onSubmit={run}
      submitLabel={format === 'timetable' ? 'Print timetable' : 'Export'}
      busy={busy}
      {...(errors.form ? { error: errors.form } : {})}
    >
      <fieldset className="group">
        <legend>What</legend>
        <div className="segmented" role="radiogroup" aria-label="Export format">
          {(
            [
              ['ics', 'Calendar (.ics)'],
              ['csv', 'Lessons and attendance (.csv)'],
              ['timetable', 'Weekly timetable (print / PDF)'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className={`segment${format === value ? ' is-on' : ''}`}>
              <input type="radio" name="format" value={value} checked={format === value} onChange={() => setFormat(value)} />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      <Combobox
        label="Whose schedule"
        value={whoValue}
        onChange={setWho}
        options={whoOptions}
        placeholder="Type a tutor’s or a student’s name…"
        error={errors.who}
      />
      {format === 'timetable' ? (
        <TextField label="Week of" type="date" value={week} onChange={setWeek} error={errors.week} hint="Any day in the week to print" />
      ) : (
        <div className="grid-2">
          <TextField label="From" type="date" value={from} onChange={setFrom} error={errors.from} />
          <TextField label="To" type="date" value={to} onChange={setTo} error={errors.to} />
        </div>
      )}
      {format === 'ics' && (
        <p className="muted">
          Each series is one repeating event with its exceptions, so re-importing the file updates the lessons instead of duplicating them.
        </p>
      )}
    </FormDialog>
  );
}

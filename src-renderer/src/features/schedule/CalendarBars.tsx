/**
 * The bars above the calendar: navigation and view switch (CalendarToolbar); filters, what is
 * shown, double bookings and the tutors' colours (CalendarStatus).
 */
import { CALENDAR_VIEWS, type CalendarView } from '../../../../src-shared/schedule/calendar';
import { Icon } from '../../ui/Icon';
import { Combobox, type ComboOption } from '../../ui/Combobox';
import { dayLabel, dt, type Fmt } from './format';
import { isFiltered, NO_FILTERS, type Directory, type ScheduleFilters } from './queries';
import { countOf, formOf } from '../../../../src-shared/locale/count';
import { NOUNS, VERBS } from '../../../../src-shared/locale/wording';

export const VIEW_LABELS: Record<CalendarView, string> = { day: 'Day', week: 'Week', month: 'Month', agenda: 'Agenda', rooms: 'Rooms' };

/** What the previous / next buttons step by. */
const STEP_NAMES: Record<CalendarView, string> = { day: 'day', week: 'week', month: 'month', agenda: 'two weeks', rooms: 'week' };

/** "29 Mar – 4 Apr 2027", "March 2027", "Monday 29 March 2027": the shown range. */
export function calendarTitle(view: CalendarView, days: readonly string[], anchor: string, fmt: Fmt): string {
  const first = dt(Date.parse(`${days[0]}T12:00:00Z`), { ...fmt, tz: 'UTC' });
  const last = dt(Date.parse(`${days.at(-1)}T12:00:00Z`), { ...fmt, tz: 'UTC' });
  if (view === 'day') return dayLabel(anchor, fmt, true);
  if (view === 'month') return dt(Date.parse(`${anchor}T12:00:00Z`), { ...fmt, tz: 'UTC' }).toFormat('LLLL yyyy');
  const sameMonth = first.month === last.month && first.year === last.year;
  return sameMonth
    ? `${first.toFormat('d')} – ${last.toFormat('d LLLL yyyy')}`
    : `${first.toFormat('d LLL')} – ${last.toFormat('d LLL yyyy')}`;
}

export function CalendarToolbar(props: {
  view: CalendarView;
  title: string;
  onToday: () => void;
  onStep: (step: 1 | -1) => void;
  onView: (view: CalendarView) => void;
}) {
  const { view } = props;
  return (
    <div className="card cal-toolbar">
      <div className="row" role="group" aria-label="Calendar navigation">
        <button type="button" className="btn btn-sm" onClick={props.onToday}>
          Today
        </button>
        <div className="row tight">
          <button
            type="button"
            className="btn btn-sm icon-btn"
            aria-label={`Previous ${STEP_NAMES[view]}`}
            onClick={() => props.onStep(-1)}
          >
            <span aria-hidden="true">‹</span>
          </button>
          <button type="button" className="btn btn-sm icon-btn" aria-label={`Next ${STEP_NAMES[view]}`} onClick={() => props.onStep(1)}>
            <span aria-hidden="true">›</span>
          </button>
        </div>
        <h2 className="cal-title" aria-live="polite">
          {props.title}
        </h2>
      </div>
      <div className="segmented" role="group" aria-label="View">
        {CALENDAR_VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            className={`segment${view === v ? ' is-on' : ''}`}
            aria-pressed={view === v}
            onClick={() => props.onView(v)}
          >
            {VIEW_LABELS[v]}
          </button>
        ))}
      </div>
    </div>
  );
}

/**
 * The student filter's choices, once per list of students. A searchable picker, not a `<select>`:
 * 10,000 `<option>`s in the page made every style recalculation of the schedule slow, and opening
 * any modal dialog recalculates the whole page's style (~100–250 ms at 10,000 students).
 */
/** The "All students" choice (a picker's chosen value is never empty); the filter stores ''. */
const ALL_STUDENTS = '*';
const studentFilterCache = new WeakMap<readonly Directory['students'][number][], ComboOption[]>();
function studentFilterOptions(students: readonly Directory['students'][number][]): ComboOption[] {
  let options = studentFilterCache.get(students);
  if (!options) {
    options = [
      { value: ALL_STUDENTS, label: 'All students' },
      ...students.filter((st) => st.status !== 'archived').map((st) => ({ value: st.id, label: `${st.firstName} ${st.lastName}` })),
    ];
    studentFilterCache.set(students, options);
  }
  return options;
}

export function CalendarStatus(props: {
  view: CalendarView;
  dir: Directory;
  locations: { list: string[]; online: boolean };
  /** The room filter's choices (after "All rooms"). */
  rooms: readonly { value: string; label: string }[];
  filters: ScheduleFilters;
  onFilters: (filters: ScheduleFilters) => void;
  loading: boolean;
  /** Lessons shown. */
  lessons: number;
  /** Of those, double-booked. */
  conflicts: number;
}) {
  const { view, dir, filters, locations } = props;
  const setFilter = (k: keyof ScheduleFilters) => (value: string) => props.onFilters({ ...filters, [k]: value });
  const filtered = isFiltered(filters);
  return (
    <div className="cal-status">
      <div className="row wrap cal-filters" role="group" aria-label="Filters">
        <Icon name="filter" size={15} />
        <select
          className="input input-sm"
          aria-label="Filter by tutor"
          value={filters.tutorId}
          onChange={(e) => setFilter('tutorId')(e.target.value)}
        >
          <option value="">All tutors</option>
          {dir.staff.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <Combobox
          label="Filter by student"
          hideLabel
          className="cal-filter-student"
          inputClassName="input-sm"
          value={filters.studentId || ALL_STUDENTS}
          onChange={(v) => setFilter('studentId')(v === ALL_STUDENTS ? '' : v)}
          options={studentFilterOptions(dir.students)}
        />
        <select
          className="input input-sm"
          aria-label="Filter by location"
          value={filters.location}
          onChange={(e) => setFilter('location')(e.target.value)}
        >
          <option value="">All locations</option>
          {locations.list.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
          {locations.online && <option value="__online">Online lessons</option>}
        </select>
        <select
          className="input input-sm"
          aria-label="Filter by room"
          value={filters.room}
          onChange={(e) => setFilter('room')(e.target.value)}
        >
          <option value="">All rooms</option>
          {props.rooms.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        {filtered && (
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => props.onFilters(NO_FILTERS)}>
            Clear filters
          </button>
        )}
      </div>
      <span role="status" className="cal-status-text">
        {props.loading ? (
          <span className="muted">Loading lessons…</span>
        ) : (
          <>
            <span className="muted">
              {countOf(props.lessons, NOUNS.lesson)}{' '}
              {view === 'day' ? 'on this day' : view === 'month' ? 'shown' : view === 'agenda' ? 'in these two weeks' : 'this week'}
              {filtered ? ' (filtered)' : ''}
            </span>
            {props.conflicts > 0 && (
              <span className="conflict-banner">
                <Icon name="alert" size={14} /> {countOf(props.conflicts, NOUNS.lesson)} {formOf(props.conflicts, VERBS.is)} double-booked
                (red outline)
              </span>
            )}
          </>
        )}
      </span>
      <div className="legend" role="list" aria-label="Tutor colours">
        {dir.tutors.map((t) => (
          <span key={t.id} className="legend-item" role="listitem">
            <span className="swatch" style={{ background: t.colour }} aria-hidden="true" />
            {t.name}
          </span>
        ))}
      </div>
    </div>
  );
}

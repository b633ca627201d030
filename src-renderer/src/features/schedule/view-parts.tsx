/**
 * What the calendar views (TimeGrid, MonthGrid, AgendaList) share: their props, the day grouping,
 * an event's classes and status text, the double-booking mark and the clickable date cell.
 * The views only draw what they are given: the expanded occurrences of the visible range and the
 * conflict flags, both computed by the screen.
 */
import type { Closure } from '../../../../src-shared/model/types';
import { localDate, type ExpandedOccurrence } from '../../../../src-shared/schedule';
import { Icon } from '../../ui/Icon';
import { dayLabel, type Fmt } from './format';
import type { Directory } from './queries';

export const HOUR_PX = 52;

export interface ViewProps {
  days: string[];
  anchor: string;
  today: string;
  nowMs: number;
  occurrences: ExpandedOccurrence[];
  /** Ids of double-booked occurrences. */
  conflicts: ReadonlySet<string>;
  closures: Closure[];
  fmt: Fmt;
  dir: Directory;
  selectedId: string | null;
  onOpen(o: ExpandedOccurrence): void;
  onPickDate(date: string, view?: 'day' | 'agenda'): void;
}

export function byDay(occurrences: ExpandedOccurrence[], tz: string): Map<string, ExpandedOccurrence[]> {
  const m = new Map<string, ExpandedOccurrence[]>();
  for (const o of occurrences) {
    const d = localDate(o.startMs, tz);
    let list = m.get(d);
    if (!list) m.set(d, (list = []));
    list.push(o);
  }
  return m;
}

export function eventClass(o: ExpandedOccurrence, conflicted: boolean, selected: boolean): string {
  return [
    'cal-event',
    o.closed ? 'is-closed' : '',
    o.status.startsWith('cancelled') ? 'is-cancelled' : '',
    o.status === 'attended' ? 'is-attended' : '',
    o.status === 'no_show' ? 'is-noshow' : '',
    conflicted ? 'is-conflict' : '',
    selected ? 'is-selected' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function ConflictMark({ corner = false }: { corner?: boolean }) {
  return (
    <span className={`cal-conflict-mark${corner ? ' corner' : ''}`} aria-hidden="true" title="Double-booked">
      <Icon name="alert" size={12} />
    </span>
  );
}

export function DateCell({
  date,
  anchor,
  today,
  fmt,
  className,
  children,
  onPick,
}: {
  date: string;
  anchor: string;
  today: string;
  fmt: Fmt;
  className?: string;
  children: React.ReactNode;
  onPick: () => void;
}) {
  return (
    <button
      type="button"
      className={`cal-date ${className ?? ''}${date === anchor ? ' is-anchor' : ''}${date === today ? ' is-today' : ''}`}
      data-date-cell={date}
      tabIndex={date === anchor ? 0 : -1}
      aria-current={date === today ? 'date' : undefined}
      aria-label={`${dayLabel(date, fmt, true)}${date === today ? ', today' : ''}`}
      onClick={onPick}
    >
      {children}
    </button>
  );
}

export function statusText(o: ExpandedOccurrence): string {
  return {
    scheduled: 'Scheduled',
    attended: 'Attended',
    cancelled_student_late: 'Cancelled late',
    cancelled_student_in_time: 'Cancelled',
    cancelled_tutor: 'Cancelled by tutor',
    no_show: 'No-show',
  }[o.status];
}

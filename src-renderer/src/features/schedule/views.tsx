/**
 * The calendar views: a time grid (day and week, with drag to move and click on an empty slot to
 * create), a month grid and an agenda list. They only draw what they are given: the expanded
 * occurrences of the visible range and the conflict flags, both computed by the screen.
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { Closure } from '../../../../src-shared/model/types';
import { closureOn, localDate, type ExpandedOccurrence } from '../../../../src-shared/schedule';
import { instantAt, layoutDay, snapMinutes, wallMinutes, type DayLayoutItem } from '../../../../src-shared/schedule/calendar';
import { Icon } from '../../ui/Icon';
import { dayLabel, dt, lessonLabel, lessonTitle, studentsText, timeOf, timeRange, type Fmt } from './format';
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

function byDay(occurrences: ExpandedOccurrence[], tz: string): Map<string, ExpandedOccurrence[]> {
  const m = new Map<string, ExpandedOccurrence[]>();
  for (const o of occurrences) {
    const d = localDate(o.startMs, tz);
    let list = m.get(d);
    if (!list) m.set(d, (list = []));
    list.push(o);
  }
  return m;
}

function eventClass(o: ExpandedOccurrence, conflicted: boolean, selected: boolean): string {
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

function ConflictMark({ corner = false }: { corner?: boolean }) {
  return (
    <span className={`cal-conflict-mark${corner ? ' corner' : ''}`} aria-hidden="true" title="Double-booked">
      <Icon name="alert" size={12} />
    </span>
  );
}

function DateCell({ date, anchor, today, fmt, className, children, onPick }: { date: string; anchor: string; today: string; fmt: Fmt; className?: string; children: React.ReactNode; onPick: () => void }) {
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

interface DragState {
  o: ExpandedOccurrence;
  pointerId: number;
  x: number;
  y: number;
  grabMinutes: number;
  moved: boolean;
  date: string;
  minutes: number;
}

export function TimeGrid(props: ViewProps & { onCreateAt(date: string, minutes: number): void; onMove(o: ExpandedOccurrence, newStartMs: number): void }) {
  const { days, fmt, dir, conflicts } = props;
  const grouped = useMemo(() => byDay(props.occurrences, fmt.tz), [props.occurrences, fmt.tz]);
  const [startHour, endHour] = useMemo(() => {
    let lo = 8;
    let hi = 20;
    for (const [d, list] of grouped) {
      for (const o of list) {
        lo = Math.min(lo, Math.floor(wallMinutes(o.startMs, d, fmt.tz) / 60));
        hi = Math.max(hi, Math.ceil(wallMinutes(o.endMs, d, fmt.tz) / 60));
      }
    }
    return [Math.max(0, lo), Math.min(24, hi)];
  }, [grouped, fmt.tz]);
  const columns = useRef(new Map<string, HTMLDivElement>());
  const scrollRef = useRef<HTMLDivElement>(null);
  const firstStart = useMemo(() => {
    let first = 24 * 60;
    for (const [d, list] of grouped) for (const o of list) first = Math.min(first, wallMinutes(o.startMs, d, fmt.tz));
    return first === 24 * 60 ? 8 * 60 : first;
  }, [grouped, fmt.tz]);
  // Scroll to the first lesson of the range when the range changes or its lessons first arrive
  // (not on every data change, which would jump while the user works).
  const hasLessons = grouped.size > 0;
  useEffect(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = Math.max(0, ((firstStart - startHour * 60) / 60) * HOUR_PX - 12);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [days[0], days.length, hasLessons]);
  const [drag, setDrag] = useState<DragState | null>(null);
  const suppressClick = useRef(false);
  const hours = Array.from({ length: endHour - startHour }, (_, i) => startHour + i);
  const gridHeight = (endHour - startHour) * HOUR_PX;
  const toPx = (minutes: number) => ((minutes - startHour * 60) / 60) * HOUR_PX;

  const hit = (clientX: number, clientY: number): { date: string; minutes: number } | null => {
    for (const [date, el] of columns.current) {
      const r = el.getBoundingClientRect();
      if (clientX >= r.left && clientX < r.right) return { date, minutes: startHour * 60 + ((clientY - r.top) / HOUR_PX) * 60 };
    }
    return null;
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLButtonElement>, o: ExpandedOccurrence, date: string) => {
    if (e.button !== 0 || o.closed) return;
    const h = hit(e.clientX, e.clientY);
    if (!h) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const startMin = wallMinutes(o.startMs, date, fmt.tz);
    setDrag({ o, pointerId: e.pointerId, x: e.clientX, y: e.clientY, grabMinutes: h.minutes - startMin, moved: false, date, minutes: startMin });
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const far = Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 5;
    if (!drag.moved && !far) return;
    const h = hit(e.clientX, e.clientY);
    if (!h) return;
    const minutes = Math.max(0, Math.min(24 * 60 - drag.o.durationMinutes, snapMinutes(h.minutes - drag.grabMinutes, 15)));
    if (drag.moved && h.date === drag.date && minutes === drag.minutes) return;
    setDrag({ ...drag, moved: true, date: h.date, minutes });
  };
  const onPointerUp = (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const d = drag;
    setDrag(null);
    if (!d.moved) return;
    suppressClick.current = true;
    setTimeout(() => (suppressClick.current = false), 0);
    const newStart = instantAt(d.date, d.minutes, fmt.tz);
    if (newStart !== d.o.startMs) props.onMove(d.o, newStart);
  };

  // Beyond this many side-by-side lessons a cluster shows "+N" (the day view, or the list, has them all).
  const maxCols = days.length > 1 ? 4 : 10;
  const nowDate = localDate(props.nowMs, fmt.tz);
  const nowMin = wallMinutes(props.nowMs, nowDate, fmt.tz);

  return (
    <div className="cal-grid" style={{ ['--days' as string]: days.length }}>
      <div className="cal-scroll" ref={scrollRef}>
        <div className="cal-head" role="presentation">
          <div className="cal-corner" aria-hidden="true">
            {dt(Date.now(), fmt).toFormat('ZZZZ')}
          </div>
          {days.map((d) => {
            const closure = closureOn(d, props.closures);
            const day = dt(Date.parse(`${d}T12:00:00Z`), { ...fmt, tz: 'UTC' });
            return (
              <div key={d} className={`cal-head-cell${closure ? ' is-closed-day' : ''}`}>
                <DateCell date={d} anchor={props.anchor} today={props.today} fmt={fmt} onPick={() => props.onPickDate(d, 'day')}>
                  <span className="cal-weekday">{day.toFormat('ccc')}</span>
                  <span className="cal-daynum">{day.toFormat('d')}</span>
                </DateCell>
                {closure && (
                  <span className="cal-closed-label" title={closure.label}>
                    Closed: {closure.label}
                  </span>
                )}
              </div>
            );
          })}
        </div>
        <div className="cal-body" style={{ height: gridHeight }}>
          <div className="cal-hours" aria-hidden="true">
            {hours.map((h) => (
              <div key={h} className="cal-hour-label" style={{ top: (h - startHour) * HOUR_PX }}>
                {String(h).padStart(2, '0')}:00
              </div>
            ))}
          </div>
          {days.map((d) => {
            const list = grouped.get(d) ?? [];
            const { shown, more } = collapse(layoutDay(list, d, fmt.tz), maxCols);
            const closure = closureOn(d, props.closures);
            return (
              <div
                key={d}
                role="group"
                aria-label={`${dayLabel(d, fmt)}${closure ? `, closed: ${closure.label}` : ''}, ${list.length === 1 ? '1 lesson' : `${list.length} lessons`}`}
                className={`cal-col${closure ? ' is-closed-day' : ''}${d === props.today ? ' is-today' : ''}`}
                ref={(el) => {
                  if (el) columns.current.set(d, el);
                  else columns.current.delete(d);
                }}
                onClick={(e) => {
                  if ((e.target as Element).closest('.cal-event')) return;
                  const h = hit(e.clientX, e.clientY);
                  if (h) props.onCreateAt(d, Math.floor(h.minutes / 30) * 30);
                }}
              >
                {hours.map((h) => (
                  <div key={h} className="cal-hour-line" style={{ top: (h - startHour) * HOUR_PX }} aria-hidden="true" />
                ))}
                {more.map((m) => (
                  <button
                    key={`more-${m.cluster}`}
                    type="button"
                    className="cal-more-block"
                    style={{ top: toPx(m.startMin), left: `calc(${((maxCols - 1) / maxCols) * 100}% + 2px)`, width: `calc(${100 / maxCols}% - 4px)` }}
                    aria-label={`${m.count} more lessons from ${String(Math.floor(m.startMin / 60)).padStart(2, '0')}:${String(Math.round(m.startMin % 60)).padStart(2, '0')}, ${days.length > 1 ? 'show the day' : 'show the list'}`}
                    onClick={() => (days.length > 1 ? props.onPickDate(d, 'day') : props.onPickDate(d, 'agenda'))}
                  >
                    +{m.count}
                  </button>
                ))}
                {shown.map(({ item: o, startMin, endMin, column, columns: cols, span }) => {
                  const conflicted = conflicts.has(o.id);
                  const dragging = drag?.o.id === o.id && drag.moved;
                  const height = Math.max(18, toPx(endMin) - toPx(startMin) - 2);
                  return (
                    <button
                      key={o.id}
                      data-occ={o.id}
                      type="button"
                      className={`${eventClass(o, conflicted, props.selectedId === o.id)}${dragging ? ' is-drag-source' : ''}${days.length > 1 && span / cols < 0.34 ? ' is-narrow' : ''}`}
                      style={{
                        top: toPx(startMin),
                        height,
                        left: `calc(${(column / cols) * 100}% + 2px)`,
                        width: `calc(${(100 * span) / cols}% - 4px)`,
                        ['--tutor' as string]: dir.colour(o.tutorId),
                      }}
                      aria-label={lessonLabel(o, dir, fmt, conflicted)}
                      onPointerDown={(e) => onPointerDown(e, o, d)}
                      onPointerMove={onPointerMove}
                      onPointerUp={onPointerUp}
                      onPointerCancel={() => setDrag(null)}
                      onClick={() => {
                        if (suppressClick.current) return;
                        props.onOpen(o);
                      }}
                    >
                      {conflicted && <ConflictMark corner />}
                      {height < 36 ? (
                        <span className="cal-event-line">
                          <span className="cal-event-time">{timeOf(o.startMs, fmt)}</span>
                          <span className="cal-event-title">{o.subject || 'Lesson'}</span>
                        </span>
                      ) : (
                        <>
                          <span className="cal-event-time">{timeRange(o, fmt)}</span>
                          <span className="cal-event-title">{o.subject || 'Lesson'}</span>
                        </>
                      )}
                      {height > 44 && <span className="cal-event-sub">{studentsText(o.studentIds, dir)}</span>}
                      {height > 62 && (o.room || o.location) && <span className="cal-event-sub muted-line">{o.room ? `Room ${o.room}` : o.location}</span>}
                    </button>
                  );
                })}
                {drag?.moved && drag.date === d && (
                  <div
                    className="cal-ghost"
                    style={{ top: toPx(drag.minutes), height: (drag.o.durationMinutes / 60) * HOUR_PX - 2, ['--tutor' as string]: dir.colour(drag.o.tutorId) }}
                    aria-hidden="true"
                  >
                    {timeOf(instantAt(d, drag.minutes, fmt.tz), fmt)} · {lessonTitle(drag.o, dir)}
                  </div>
                )}
                {d === nowDate && nowMin >= startHour * 60 && nowMin <= endHour * 60 && <div className="cal-now" style={{ top: toPx(nowMin) }} aria-hidden="true" />}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/**
 * Keeps at most `maxCols` columns of a day: in a cluster that needs more, the lessons of the last
 * visible column onwards are replaced by one "+N" block (at the start of the first hidden one).
 */
function collapse<T extends DayLayoutItem<ExpandedOccurrence>>(laid: T[], maxCols: number): { shown: T[]; more: { cluster: number; startMin: number; count: number }[] } {
  const shown: T[] = [];
  const more = new Map<number, { cluster: number; startMin: number; count: number }>();
  for (const p of laid) {
    if (p.columns <= maxCols) {
      shown.push(p);
      continue;
    }
    if (p.column < maxCols - 1) {
      shown.push({ ...p, columns: maxCols, span: Math.min(p.span, maxCols - 1 - p.column) });
      continue;
    }
    const m = more.get(p.cluster);
    if (m) {
      m.count += 1;
      m.startMin = Math.min(m.startMin, p.startMin);
    } else more.set(p.cluster, { cluster: p.cluster, startMin: p.startMin, count: 1 });
  }
  return { shown, more: [...more.values()] };
}

const MONTH_VISIBLE = 3;

export function MonthGrid(props: ViewProps) {
  const { days, fmt, dir, conflicts } = props;
  const grouped = useMemo(() => byDay(props.occurrences, fmt.tz), [props.occurrences, fmt.tz]);
  const month = props.anchor.slice(0, 7);
  const weeks: string[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  return (
    <div className="cal-month" role="grid" aria-label={dt(Date.parse(`${props.anchor}T12:00:00Z`), { ...fmt, tz: 'UTC' }).toFormat('LLLL yyyy')}>
      <div className="cal-month-head" role="row">
        {weeks[0]!.map((d) => (
          <div key={d} role="columnheader" className="cal-month-weekday">
            {dt(Date.parse(`${d}T12:00:00Z`), { ...fmt, tz: 'UTC' }).toFormat('cccc')}
          </div>
        ))}
      </div>
      {weeks.map((w) => (
        <div key={w[0]} role="row" className="cal-month-row">
          {w.map((d) => {
            const list = grouped.get(d) ?? [];
            const closure = closureOn(d, props.closures);
            const hidden = list.length - MONTH_VISIBLE;
            return (
              <div key={d} role="gridcell" className={`cal-month-cell${d.slice(0, 7) !== month ? ' is-outside' : ''}${closure ? ' is-closed-day' : ''}${d === props.today ? ' is-today' : ''}`}>
                <div className="cal-month-cell-head">
                  <DateCell date={d} anchor={props.anchor} today={props.today} fmt={fmt} className="cal-month-num" onPick={() => props.onPickDate(d, 'day')}>
                    {Number(d.slice(8))}
                  </DateCell>
                  {closure && <span className="cal-closed-label">Closed: {closure.label}</span>}
                </div>
                <div className="cal-month-events">
                  {list.slice(0, hidden > 0 ? MONTH_VISIBLE - 1 : MONTH_VISIBLE).map((o) => {
                    const conflicted = conflicts.has(o.id);
                    return (
                      <button
                        key={o.id}
                        data-occ={o.id}
                        type="button"
                        className={`${eventClass(o, conflicted, props.selectedId === o.id)} cal-chip`}
                        style={{ ['--tutor' as string]: dir.colour(o.tutorId) }}
                        aria-label={lessonLabel(o, dir, fmt, conflicted)}
                        onClick={() => props.onOpen(o)}
                      >
                        <span className="cal-chip-time">{timeOf(o.startMs, fmt)}</span>
                        <span className="cal-chip-title">{o.subject || 'Lesson'}</span>
                        {conflicted && <ConflictMark />}
                      </button>
                    );
                  })}
                  {hidden > 0 && (
                    <button type="button" className="cal-more" onClick={() => props.onPickDate(d, 'day')}>
                      {hidden + 1} more
                    </button>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}

export function AgendaList(props: ViewProps) {
  const { days, fmt, dir, conflicts } = props;
  const grouped = useMemo(() => byDay(props.occurrences, fmt.tz), [props.occurrences, fmt.tz]);
  return (
    <div className="cal-agenda">
      {days.map((d) => {
        const list = grouped.get(d) ?? [];
        const closure = closureOn(d, props.closures);
        return (
          <section key={d} className={`cal-agenda-day${d === props.today ? ' is-today' : ''}`} aria-label={dayLabel(d, fmt)}>
            <h3 className="cal-agenda-date">
              <DateCell date={d} anchor={props.anchor} today={props.today} fmt={fmt} onPick={() => props.onPickDate(d, 'day')}>
                {dayLabel(d, fmt)}
                {d === props.today && <span className="badge badge-active">Today</span>}
              </DateCell>
              {closure && <span className="cal-closed-label">Closed: {closure.label}</span>}
            </h3>
            {list.length === 0 ? (
              <p className="muted cal-agenda-empty">No lessons</p>
            ) : (
              <ul className="cal-agenda-list">
                {list.map((o) => {
                  const conflicted = conflicts.has(o.id);
                  return (
                    <li key={o.id}>
                      <button
                        data-occ={o.id}
                        type="button"
                        className={`${eventClass(o, conflicted, props.selectedId === o.id)} cal-agenda-item`}
                        style={{ ['--tutor' as string]: dir.colour(o.tutorId) }}
                        aria-label={lessonLabel(o, dir, fmt, conflicted)}
                        onClick={() => props.onOpen(o)}
                      >
                        <span className="cal-agenda-time">{timeRange(o, fmt)}</span>
                        <span className="cal-agenda-main">
                          <strong>{lessonTitle(o, dir)}</strong>
                          <span className="muted">
                            {dir.tutorName(o.tutorId)}
                            {o.room ? ` · Room ${o.room}` : ''}
                            {o.location ? ` · ${o.location}` : ''}
                            {o.onlineUrl ? ' · Online' : ''}
                          </span>
                        </span>
                        <span className="cal-agenda-flags">
                          {conflicted && (
                            <span className="flag flag-danger">
                              <Icon name="alert" size={13} /> Double-booked
                            </span>
                          )}
                          {o.closed && <span className="flag">Skipped: {o.closureLabel}</span>}
                          {o.moved && <span className="flag">Moved</span>}
                          {o.status !== 'scheduled' && <span className="flag">{statusText(o)}</span>}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}

function statusText(o: ExpandedOccurrence): string {
  return {
    scheduled: 'Scheduled',
    attended: 'Attended',
    cancelled_student_late: 'Cancelled late',
    cancelled_student_in_time: 'Cancelled',
    cancelled_tutor: 'Cancelled by tutor',
    no_show: 'No-show',
  }[o.status];
}

/** The day and week views: a time grid with drag to move and click on an empty slot to create. */
import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import { closureOn, localDate, roomText, type ExpandedOccurrence } from '../../../../src-shared/schedule';
import { instantAt, layoutDay, snapMinutes, wallMinutes, type DayLayoutItem } from '../../../../src-shared/schedule/calendar';
import {
  dayLabel,
  dt,
  hourLabel,
  lessonLabel,
  lessonTitle,
  studentsText,
  timeOf,
  timeRange,
  timeRangeCompact,
  timeBareOf,
  zoneLabel,
  type Fmt,
} from './format';
import { byDay, ConflictMark, DateCell, eventClass, HOUR_PX, type ViewProps } from './view-parts';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';

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

export function TimeGrid(
  props: ViewProps & { onCreateAt(date: string, minutes: number): void; onMove(o: ExpandedOccurrence, newStartMs: number): void },
) {
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
  const hours = Array.from({ length: endHour - startHour }, (_, i) => startHour + i);
  const gridHeight = (endHour - startHour) * HOUR_PX;
  const toPx = (minutes: number) => ((minutes - startHour * 60) / 60) * HOUR_PX;

  const { drag, suppressClick, onPointerDown, onPointerMove, onPointerUp, onPointerCancel } = useDragToMove(
    columns,
    startHour,
    fmt.tz,
    props.onMove,
  );

  // Beyond this many side-by-side lessons a cluster shows "+N" (the day view, or the list, has them all).
  const maxCols = days.length > 1 ? 4 : 10;
  const nowDate = localDate(props.nowMs, fmt.tz);
  const nowMin = wallMinutes(props.nowMs, nowDate, fmt.tz);

  return (
    <div className="cal-grid" style={{ ['--days' as string]: days.length }}>
      <div className="cal-scroll" ref={scrollRef}>
        <div className="cal-head" role="presentation">
          <div className="cal-corner" aria-hidden="true">
            {zoneLabel(days, fmt)}
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
                {hourLabel(h, fmt)}
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
                aria-label={`${dayLabel(d, fmt)}${closure ? `, closed: ${closure.label}` : ''}, ${countOf(list.length, NOUNS.lesson)}`}
                className={`cal-col${closure ? ' is-closed-day' : ''}${d === props.today ? ' is-today' : ''}`}
                ref={(el) => {
                  if (el) columns.current.set(d, el);
                  else columns.current.delete(d);
                }}
                onClick={(e) => {
                  if ((e.target as Element).closest('.cal-event')) return;
                  const h = hitAt(columns.current, startHour, e.clientX, e.clientY);
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
                    style={{
                      top: toPx(m.startMin),
                      left: `calc(${((maxCols - 1) / maxCols) * 100}% + 2px)`,
                      width: `calc(${100 / maxCols}% - 4px)`,
                    }}
                    aria-label={`${m.count} more lessons from ${timeOf(instantAt(d, Math.round(m.startMin), fmt.tz), fmt)}, ${days.length > 1 ? 'show the day' : 'show the list'}`}
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
                      onPointerCancel={onPointerCancel}
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
                          {days.length > 1 ? (
                            <WeekEventTime o={o} fmt={fmt} />
                          ) : (
                            <span className="cal-event-time">{timeRange(o, fmt)}</span>
                          )}
                          <span className="cal-event-title">{o.subject || 'Lesson'}</span>
                        </>
                      )}
                      {height > 44 && <span className="cal-event-sub">{studentsText(o.studentIds, dir)}</span>}
                      {height > 62 && (o.room || o.location) && (
                        <span className="cal-event-sub muted-line">{o.room ? roomText(o.room) : o.location}</span>
                      )}
                    </button>
                  );
                })}
                {drag?.moved && drag.date === d && (
                  <div
                    className="cal-ghost"
                    style={{
                      top: toPx(drag.minutes),
                      height: (drag.o.durationMinutes / 60) * HOUR_PX - 2,
                      ['--tutor' as string]: dir.colour(drag.o.tutorId),
                    }}
                    aria-hidden="true"
                  >
                    {timeOf(instantAt(d, drag.minutes, fmt.tz), fmt)} · {lessonTitle(drag.o, dir)}
                  </div>
                )}
                {d === nowDate && nowMin >= startHour * 60 && nowMin <= endHour * 60 && (
                  <div className="cal-now" style={{ top: toPx(nowMin) }} aria-hidden="true" />
                )}
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

/** The day column and wall-clock minutes under a point of the screen, or null outside the columns. */
function hitAt(
  columns: ReadonlyMap<string, HTMLDivElement>,
  startHour: number,
  clientX: number,
  clientY: number,
): { date: string; minutes: number } | null {
  for (const [date, el] of columns) {
    const r = el.getBoundingClientRect();
    if (clientX >= r.left && clientX < r.right) return { date, minutes: startHour * 60 + ((clientY - r.top) / HOUR_PX) * 60 };
  }
  return null;
}

/**
 * Drag a lesson to another time or day: pointer capture on the lesson, the target (day column and
 * minutes, snapped to 15) from the pointer's position over the columns, a move when released more
 * than a few pixels away. The click that ends a drag does not open the lesson (`suppressClick`).
 */
function useDragToMove(
  columns: RefObject<Map<string, HTMLDivElement>>,
  startHour: number,
  tz: string,
  onMove: (o: ExpandedOccurrence, newStartMs: number) => void,
) {
  const [drag, setDrag] = useState<DragState | null>(null);
  const suppressClick = useRef(false);
  const onPointerDown = (e: ReactPointerEvent<HTMLButtonElement>, o: ExpandedOccurrence, date: string) => {
    if (e.button !== 0 || o.closed) return;
    const h = hitAt(columns.current, startHour, e.clientX, e.clientY);
    if (!h) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const startMin = wallMinutes(o.startMs, date, tz);
    setDrag({
      o,
      pointerId: e.pointerId,
      x: e.clientX,
      y: e.clientY,
      grabMinutes: h.minutes - startMin,
      moved: false,
      date,
      minutes: startMin,
    });
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const far = Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 5;
    if (!drag.moved && !far) return;
    const h = hitAt(columns.current, startHour, e.clientX, e.clientY);
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
    const newStart = instantAt(d.date, d.minutes, tz);
    if (newStart !== d.o.startMs) onMove(d.o, newStart);
  };
  const onPointerCancel = () => setDrag(null);
  return { drag, suppressClick, onPointerDown, onPointerMove, onPointerUp, onPointerCancel };
}

function collapse<T extends DayLayoutItem<ExpandedOccurrence>>(
  laid: T[],
  maxCols: number,
): { shown: T[]; more: { cluster: number; startMin: number; count: number }[] } {
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

/**
 * The time of a lesson in a week column: the compact range ("16:00–17:00", "4–5 PM"); it gives way
 * to the start time ("9:30 AM", "13:30") when the lesson's box is too narrow for it (container
 * queries in schedule.css; a long 12-hour range sooner), never a clipped "9:30–10:15 A".
 */
function WeekEventTime({ o, fmt }: { o: ExpandedOccurrence; fmt: Fmt }) {
  const range = timeRangeCompact(o, fmt);
  // 11 characters ("16:00–17:00") fit the narrowest week column.
  const long = range.length > 11;
  const bare = timeBareOf(o.startMs, fmt);
  return (
    <span className={bare !== null ? 'cal-event-time is-12h' : 'cal-event-time'}>
      <span className={long ? 'cal-time-range is-long' : 'cal-time-range'}>{range}</span>
      <span className="cal-time-start">{timeOf(o.startMs, fmt)}</span>
      {bare !== null && <span className="cal-time-bare">{bare}</span>}
    </span>
  );
}

/** The day and week views: a time grid with drag to move and click on an empty slot to create. */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
  type RefObject,
} from 'react';
import { closureOn, localDate, roomText, type ExpandedOccurrence } from '../../../../src-shared/schedule';
import { dayPositions, instantAt, snapMinutes, wallMinutes } from '../../../../src-shared/schedule/calendar';
import { layoutOverlaps } from '../../../../src-shared/schedule/overlap-layout';
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
import { MoreLessons } from './MoreLessons';
import { countOf, formOf } from '../../../../src-shared/locale/count';
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

  // As many lanes side by side as keep a lesson readable in the column's width (measured), the
  // rest behind "+N more" in a gutter at the column's right edge.
  const colWidth = useColumnWidth(scrollRef, days.length);
  const { maxLanes, lanesBesideMore } = lanesFor(colWidth, days.length);
  const [openMore, setOpenMore] = useState<{ date: string; startMin: number; anchor: HTMLElement } | null>(null);
  const closeMore = useCallback(() => setOpenMore(null), []);
  const layouts = useMemo(
    () => new Map(days.map((d) => [d, layoutOverlaps(dayPositions(grouped.get(d) ?? [], d, fmt.tz), { maxLanes, lanesBesideMore })])),
    [days, grouped, fmt.tz, maxLanes, lanesBesideMore],
  );
  const slotRange = (d: string, m: { startMin: number; endMin: number }) =>
    `${timeOf(instantAt(d, m.startMin, fmt.tz), fmt)}–${timeOf(instantAt(d, m.endMin, fmt.tz), fmt)}`;
  const openSlot = openMore ? layouts.get(openMore.date)?.more.find((m) => m.startMin === openMore.startMin) : undefined;
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
            const { shown, more } = layouts.get(d) ?? { shown: [], more: [] };
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
                  if ((e.target as Element).closest('.cal-event, .cal-more-block')) return;
                  const h = hitAt(columns.current, startHour, e.clientX, e.clientY);
                  if (h) props.onCreateAt(d, Math.floor(h.minutes / 30) * 30);
                }}
              >
                {hours.map((h) => (
                  <div key={h} className="cal-hour-line" style={{ top: (h - startHour) * HOUR_PX }} aria-hidden="true" />
                ))}
                {more.map((m) => {
                  const n = m.hidden.length;
                  const open = openMore?.date === d && openMore.startMin === m.startMin;
                  return (
                    <button
                      key={`more-${m.startMin}`}
                      type="button"
                      className={`cal-more-block${open ? ' is-open' : ''}`}
                      style={{
                        top: toPx(m.startMin) + 1,
                        height: Math.max(18, toPx(m.endMin) - toPx(m.startMin) - 2),
                        width: MORE_PX - 4,
                      }}
                      aria-label={`${n.toLocaleString(fmt.locale)} more ${formOf(n, NOUNS.lesson, fmt.locale)} ${slotRange(d, m)}, ${dayLabel(d, fmt)}`}
                      aria-haspopup="dialog"
                      aria-expanded={open}
                      onClick={(e) => {
                        const anchor = e.currentTarget;
                        setOpenMore(open ? null : { date: d, startMin: m.startMin, anchor });
                      }}
                    >
                      +{n}
                    </button>
                  );
                })}
                {shown.map(({ item: o, startMin, endMin, lane, lanes, span, gutter }) => {
                  const conflicted = conflicts.has(o.id);
                  const dragging = drag?.o.id === o.id && drag.moved;
                  const height = Math.max(18, toPx(endMin) - toPx(startMin) - 2);
                  const room = gutter ? `(100% - ${MORE_PX}px)` : '100%';
                  const widthPx = colWidth ? ((colWidth - (gutter ? MORE_PX : 0)) * span) / lanes - 4 : 0;
                  return (
                    <button
                      key={o.id}
                      data-occ={o.id}
                      type="button"
                      className={`${eventClass(o, conflicted, props.selectedId === o.id)}${dragging ? ' is-drag-source' : ''}${widthPx && widthPx < 72 ? ' is-narrow' : ''}`}
                      style={{
                        top: toPx(startMin),
                        height,
                        left: `calc(${room} * ${lane / lanes} + 2px)`,
                        width: `calc(${room} * ${span / lanes} - 4px)`,
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
      {openMore && openSlot && (
        <MoreLessons
          title={`${dayLabel(openMore.date, fmt)}, ${slotRange(openMore.date, openSlot)}`}
          lessons={openSlot.all}
          hiddenCount={openSlot.hidden.length}
          anchor={openMore.anchor}
          fmt={fmt}
          dir={dir}
          conflicts={conflicts}
          onOpen={props.onOpen}
          onClose={closeMore}
        />
      )}
    </div>
  );
}

/** Width of the "+N more" gutter at a crowded day column's right edge. */
const MORE_PX = 34;
/** Narrowest lane a lesson is drawn in: its start time and a few letters of its subject fit. */
const MIN_LANE_PX = 64;

/**
 * Lanes a day column draws side by side: all of a cluster's when they fit the width, otherwise as
 * many as fit beside the "+N more" gutter (before the width is known: a guess for the usual window).
 */
function lanesFor(colWidth: number, days: number): { maxLanes: number; lanesBesideMore: number } {
  if (!colWidth) return days > 1 ? { maxLanes: 2, lanesBesideMore: 1 } : { maxLanes: 12, lanesBesideMore: 12 };
  const fit = (w: number) => Math.max(1, Math.min(12, Math.floor(w / MIN_LANE_PX)));
  return { maxLanes: fit(colWidth), lanesBesideMore: Math.min(fit(colWidth), fit(colWidth - MORE_PX)) };
}

/** The width of one day column, kept current as the window resizes. */
function useColumnWidth(scrollRef: RefObject<HTMLDivElement | null>, days: number): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      const col = el.querySelector<HTMLElement>('.cal-col');
      // The hours axis is 56 px (--hours-w) when no column is drawn yet.
      const w = col ? col.getBoundingClientRect().width : (el.clientWidth - 56) / days;
      setWidth((old) => (Math.abs(old - w) < 0.5 ? old : w));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [scrollRef, days]);
  return width;
}

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

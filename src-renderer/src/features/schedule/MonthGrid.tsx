/** The month view: each day's first lessons as chips, "+N more" leading to the day. */
import { useMemo } from 'react';
import { closureOn } from '../../../../src-shared/schedule';
import { dt, lessonLabel, timeOf } from './format';
import { byDay, ConflictMark, DateCell, eventClass, type ViewProps } from './view-parts';

const MONTH_VISIBLE = 3;

export function MonthGrid(props: ViewProps) {
  const { days, fmt, dir, conflicts } = props;
  const grouped = useMemo(() => byDay(props.occurrences, fmt.tz), [props.occurrences, fmt.tz]);
  const month = props.anchor.slice(0, 7);
  const weeks: string[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  return (
    <div
      className="cal-month"
      role="grid"
      aria-label={dt(Date.parse(`${props.anchor}T12:00:00Z`), { ...fmt, tz: 'UTC' }).toFormat('LLLL yyyy')}
    >
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
              <div
                key={d}
                role="gridcell"
                className={`cal-month-cell${d.slice(0, 7) !== month ? ' is-outside' : ''}${closure ? ' is-closed-day' : ''}${d === props.today ? ' is-today' : ''}`}
              >
                <div className="cal-month-cell-head">
                  <DateCell
                    date={d}
                    anchor={props.anchor}
                    today={props.today}
                    fmt={fmt}
                    className="cal-month-num"
                    onPick={() => props.onPickDate(d, 'day')}
                  >
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

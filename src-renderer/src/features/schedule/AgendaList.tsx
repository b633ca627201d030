/** The agenda view: two weeks of lessons as a list, day by day. */
import { useMemo } from 'react';
import { closureOn, roomText } from '../../../../src-shared/schedule';
import { Icon } from '../../ui/Icon';
import { dayLabel, lessonLabel, lessonTitle, timeRange } from './format';
import { byDay, DateCell, eventClass, statusText, type ViewProps } from './view-parts';

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
                            {o.room ? ` · ${roomText(o.room)}` : ''}
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

/**
 * The rooms view: the week's lessons room by room (a row per room, a column per day), so a centre
 * sees at a glance which rooms are free and which are double-booked. Rows come from
 * `roomRows` (src-shared/schedule/rooms.ts): every active room of Settings › Rooms, then rooms in
 * use that are archived or not listed, then lessons without a room.
 */
import { useMemo } from 'react';
import type { PracticeRoom } from '../../../../src-shared/model/types';
import { closureOn, localDate, NO_ROOM, roomKey, roomRows, type ExpandedOccurrence } from '../../../../src-shared/schedule';
import { Icon } from '../../ui/Icon';
import { dt, lessonLabel, lessonTitle, timeRange } from './format';
import { DateCell, eventClass, type ViewProps } from './view-parts';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';

export function RoomView(props: ViewProps & { rooms: readonly PracticeRoom[] | undefined; roomFilter: string }) {
  const { days, fmt, dir, conflicts } = props;
  const rows = useMemo(() => {
    const sorted = [...props.occurrences].sort((a, b) => a.startMs - b.startMs);
    const all = roomRows(props.rooms, sorted);
    if (!props.roomFilter) return all;
    const key = props.roomFilter === NO_ROOM ? NO_ROOM : roomKey(props.roomFilter);
    return all.filter((r) => r.key === key);
  }, [props.occurrences, props.rooms, props.roomFilter]);

  if (rows.length === 0)
    return (
      <div className="cal-rooms-empty">
        <p className="muted">No rooms yet and no lessons this week. Add rooms in Settings › Rooms.</p>
      </div>
    );

  return (
    <div className="cal-rooms-wrap">
      <table className="cal-rooms" aria-label="Lessons by room">
        <thead>
          <tr>
            <th scope="col" className="cal-rooms-corner">
              Room
            </th>
            {days.map((d) => {
              const closure = closureOn(d, props.closures);
              const day = dt(Date.parse(`${d}T12:00:00Z`), { ...fmt, tz: 'UTC' });
              return (
                <th key={d} scope="col" className={`cal-rooms-day${closure ? ' is-closed-day' : ''}`}>
                  <div className="cal-head-cell">
                    <DateCell date={d} anchor={props.anchor} today={props.today} fmt={fmt} onPick={() => props.onPickDate(d, 'day')}>
                      <span className="cal-weekday">{day.toFormat('ccc')}</span>
                      <span className="cal-daynum">{day.toFormat('d')}</span>
                    </DateCell>
                    {closure && (
                      <span className="cal-closed-label" title={closure.label}>
                        Closed
                      </span>
                    )}
                  </div>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const perDay = new Map<string, ExpandedOccurrence[]>();
            for (const o of r.occurrences) {
              const d = localDate(o.startMs, fmt.tz);
              perDay.set(d, [...(perDay.get(d) ?? []), o]);
            }
            const count = r.occurrences.length;
            return (
              <tr key={r.key}>
                <th scope="row" className="cal-rooms-room">
                  <span className="cal-rooms-name">{r.name}</span>
                  {r.location && <span className="cal-rooms-sub">{r.location}</span>}
                  <span className="cal-rooms-sub">
                    {countOf(count, NOUNS.lesson)}
                    {r.note === 'archived' ? ' · archived' : r.note === 'unlisted' ? ' · not in Settings' : ''}
                  </span>
                </th>
                {days.map((d) => {
                  const list = perDay.get(d) ?? [];
                  return (
                    <td key={d} className={d === props.today ? 'is-today' : undefined}>
                      {list.map((o) => {
                        const conflicted = conflicts.has(o.id);
                        return (
                          <button
                            key={o.id}
                            data-occ={o.id}
                            type="button"
                            className={`${eventClass(o, conflicted, props.selectedId === o.id)} cal-rooms-item`}
                            style={{ ['--tutor' as string]: dir.colour(o.tutorId) }}
                            aria-label={lessonLabel(o, dir, fmt, conflicted)}
                            onClick={() => props.onOpen(o)}
                          >
                            <span className="cal-rooms-time">
                              {conflicted && <Icon name="alert" size={12} />}
                              {timeRange(o, fmt)}
                            </span>
                            <span className="cal-rooms-title">{lessonTitle(o, dir)}</span>
                            <span className="cal-rooms-tutor">{dir.tutorName(o.tutorId)}</span>
                          </button>
                        );
                      })}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

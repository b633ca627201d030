/**
 * The list behind a "+N more" button of the time grid: every lesson of that hour in that day
 * column, each a button that opens the lesson like a click on it in the grid. A non-modal
 * <dialog> next to the button (the schedule's shortcuts ignore keys inside a dialog): focus goes
 * to its first lesson, Escape or a click outside closes it and focus returns to the button.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { ExpandedOccurrence } from '../../../../src-shared/schedule';
import { roomText } from '../../../../src-shared/schedule';
import { Icon } from '../../ui/Icon';
import { lessonLabel, studentsText, timeRange, type Fmt } from './format';
import type { Directory } from './queries';
import { ConflictMark } from './view-parts';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';

export function MoreLessons(props: {
  /** "Tuesday 8 December, 10:00–11:00". */
  title: string;
  lessons: readonly ExpandedOccurrence[];
  hiddenCount: number;
  anchor: HTMLElement;
  fmt: Fmt;
  dir: Directory;
  conflicts: ReadonlySet<string>;
  onOpen(o: ExpandedOccurrence): void;
  onClose(): void;
}) {
  const { anchor, onClose } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null);

  // Beside the button, on the side with room, kept inside the window; follows the grid's scroll.
  useLayoutEffect(() => {
    const place = () => {
      const el = ref.current;
      if (!el) return;
      const a = anchor.getBoundingClientRect();
      const w = el.offsetWidth;
      const h = el.offsetHeight;
      const gap = 6;
      const left = a.right + gap + w <= window.innerWidth - 8 ? a.right + gap : Math.max(8, a.left - gap - w);
      const top = Math.max(8, Math.min(a.top, window.innerHeight - h - 8));
      setPos({ top, left });
    };
    place();
    window.addEventListener('resize', place);
    window.addEventListener('scroll', place, true);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', place, true);
    };
  }, [anchor]);

  // Focus on its first lesson once it is placed (a hidden element cannot take the focus).
  const placed = pos !== null;
  useEffect(() => {
    if (placed) ref.current?.querySelector<HTMLElement>('.more-lesson')?.focus();
  }, [placed]);

  useEffect(() => {
    const outside = (e: PointerEvent) => {
      const t = e.target as Node;
      if (ref.current?.contains(t) || anchor.contains(t)) return;
      onClose();
    };
    document.addEventListener('pointerdown', outside, true);
    return () => document.removeEventListener('pointerdown', outside, true);
  }, [anchor, onClose]);

  const close = (refocus: boolean) => {
    onClose();
    if (refocus && anchor.isConnected) anchor.focus();
  };

  return (
    <dialog
      ref={ref}
      open
      className="more-popover"
      aria-labelledby={titleId}
      style={pos ? { top: pos.top, left: pos.left } : { visibility: 'hidden' }}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        close(true);
      }}
      onBlur={(e) => {
        // Tabbing out of the list closes it, like a menu.
        const next = e.relatedTarget as Node | null;
        if (next && !ref.current?.contains(next) && next !== anchor) onClose();
      }}
    >
      <div className="more-popover-head">
        <div>
          <h2 id={titleId}>{props.title}</h2>
          <p>
            {countOf(props.lessons.length, NOUNS.lesson, props.fmt.locale)}, {props.hiddenCount.toLocaleString(props.fmt.locale)} not shown
            in the grid
          </p>
        </div>
        <button type="button" className="btn btn-ghost icon-btn" aria-label="Close" onClick={() => close(true)}>
          <Icon name="x" />
        </button>
      </div>
      <ul className="more-popover-list" aria-label={`Lessons, ${props.title}`}>
        {props.lessons.map((o) => {
          const conflicted = props.conflicts.has(o.id);
          return (
            <li key={o.id}>
              <button
                type="button"
                className={`more-lesson${o.status.startsWith('cancelled') || o.closed ? ' is-cancelled' : ''}`}
                style={{ ['--tutor' as string]: props.dir.colour(o.tutorId) }}
                aria-label={lessonLabel(o, props.dir, props.fmt, conflicted)}
                onClick={() => {
                  close(true);
                  props.onOpen(o);
                }}
              >
                <span className="more-lesson-time">{timeRange(o, props.fmt)}</span>
                <span className="more-lesson-main">
                  <span className="more-lesson-title">{o.subject || 'Lesson'}</span>
                  <span className="more-lesson-sub">
                    {[studentsText(o.studentIds, props.dir), props.dir.tutorName(o.tutorId), o.room ? roomText(o.room) : '']
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </span>
                {conflicted && <ConflictMark />}
              </button>
            </li>
          );
        })}
      </ul>
    </dialog>
  );
}

/**
 * A student's make-up credits outside the occurrence panel: the card of the student's timeline
 * (every credit, with a "Book" action) and the badge of the student dialog.
 */
import { useState } from 'react';
import { useApp } from '../../app/AppContext';
import { materialise } from '../../../../src-shared/schedule/expand';
import type { MakeupCredit } from '../../../../src-shared/schedule/attendance';
import { BookMakeupDialog } from './BookMakeupDialog';
import { STATUS_LABELS } from './labels';
import { useStudentMakeupCredits } from './queries';
import { formatWhen } from '../../ui/format';
import './attendance.css';
import { countOf } from '../../../../src-shared/locale/count';
import { NOUNS } from '../../../../src-shared/locale/wording';

/** A student's make-up credits, each with a "Book" action (the student's timeline). */
export function MakeupCreditsCard({
  studentId,
  studentName,
  dateFmt,
}: {
  studentId: string;
  studentName: string;
  dateFmt: Intl.DateTimeFormat;
}) {
  const app = useApp();
  const credits = useStudentMakeupCredits(studentId);
  const tz = app.settings?.timeZone ?? 'UTC';
  const [booking, setBooking] = useState<MakeupCredit | null>(null);
  const available = credits?.available.length ?? 0;
  const bookingLesson = booking ? credits?.lessonsById.get(booking.lessonId) : undefined;
  return (
    <section className="card card-pad tl-credits" aria-labelledby="tl-credits-title">
      <div className="tl-credits-head">
        <h2 id="tl-credits-title">Make-up credits</h2>
        <span className={`att-badge tone-${available ? 'ok' : 'neutral'}`}>{credits ? `${available} available` : '…'}</span>
      </div>
      {!credits ? (
        <p className="muted">Loading…</p>
      ) : credits.granted.length === 0 ? (
        <p className="muted">No make-up credits. A cancellation in good time (per the attendance policy) earns one.</p>
      ) : (
        <ul className="list credits-list" aria-label="Make-up credits">
          {[...credits.granted].reverse().map((c) => {
            const used = c.consumedByLessonId ? credits.lessonsById.get(c.consumedByLessonId) : undefined;
            return (
              <li key={`${c.occurrenceId}|${c.studentId}`}>
                <div className="credit-text">
                  <strong>
                    {c.subject || 'Lesson'} · {formatWhen(dateFmt, c.originalStart)}
                  </strong>
                  <span className="muted">
                    {STATUS_LABELS[c.reason]}
                    {c.consumedByLessonId ? ` · used: make-up ${used ? `on ${formatWhen(dateFmt, used.start)}` : 'booked'}` : ''}
                  </span>
                </div>
                {c.consumedByLessonId ? (
                  <span className="att-badge tone-neutral">Used</span>
                ) : (
                  <button
                    type="button"
                    className="btn btn-sm"
                    onClick={() => setBooking(c)}
                    aria-label={`Book make-up lesson for the ${c.subject || 'lesson'} of ${formatWhen(dateFmt, c.originalStart)}`}
                  >
                    Book
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {booking && bookingLesson && (
        <BookMakeupDialog
          credit={booking}
          lesson={bookingLesson}
          occurrence={materialise(
            bookingLesson,
            Date.parse(booking.originalStart),
            credits?.occurrencesById.get(booking.occurrenceId) ?? null,
            [],
            tz,
          )}
          studentName={studentName}
          onClose={() => setBooking(null)}
        />
      )}
    </section>
  );
}

/** The make-up credits a student can still book, as a badge (nothing when there are none). */
export function MakeupCreditsBadge({ studentId }: { studentId: string }) {
  const credits = useStudentMakeupCredits(studentId);
  const n = credits?.available.length ?? 0;
  if (n === 0) return null;
  return <span className="att-badge tone-ok">{countOf(n, NOUNS.makeupCredit)} available</span>;
}

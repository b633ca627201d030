/** The double-booking warning: names the other lessons; the user may book anyway or change the time. */
import { describeConflict, type Conflict } from '../../../../src-shared/schedule';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import { Alert } from '../../ui/Alert';
import type { Fmt } from './format';
import type { Directory } from './queries';

const SHOWN = 6;

export function ConflictDialog(props: { conflicts: Conflict[]; dir: Directory; fmt: Fmt; onBook(): void; onChange(): void }) {
  const names = { tutorName: props.dir.tutorName, studentName: props.dir.studentName, timeZone: props.fmt.tz, locale: props.fmt.locale };
  const lines = [...new Set(props.conflicts.map((c) => describeConflict(c, names)))];
  const dates = new Set(props.conflicts.map((c) => c.candidateStart));
  return (
    <Dialog
      title="This clashes with another booking"
      description={
        dates.size > 1 ? `${dates.size} lessons of this booking overlap other lessons.` : 'The new time overlaps another lesson.'
      }
      onClose={props.onChange}
      footer={
        <>
          <button type="button" className="btn" onClick={props.onChange} autoFocus>
            Change time
          </button>
          <button type="button" className="btn btn-primary" onClick={props.onBook}>
            Book anyway
          </button>
        </>
      }
    >
      <Alert tone="warning" role="alert">
        <Icon name="alert" />
        <ul className="conflict-list">
          {lines.slice(0, SHOWN).map((l) => (
            <li key={l}>{l}</li>
          ))}
          {lines.length > SHOWN && <li>…and {lines.length - SHOWN} more.</li>}
        </ul>
      </Alert>
      <p className="muted">You can still book it: double bookings stay flagged on the calendar until one of the lessons moves.</p>
    </Dialog>
  );
}

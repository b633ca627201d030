import type { AttendanceStatus } from '../../../../src-shared/model/types';
import { ATTENDANCE_SHORT_WORDS, ATTENDANCE_WORDS } from '../../../../src-shared/locale/wording';

export const STATUS_LABELS = ATTENDANCE_WORDS;

/** Short labels for badges. */
export const STATUS_SHORT = ATTENDANCE_SHORT_WORDS;

/** What the user picks: a student cancellation is classified late / in time by the notice window. */
export type AttendanceChoice = 'scheduled' | 'attended' | 'cancelled_student' | 'cancelled_tutor' | 'no_show';
export const CHOICES: { value: AttendanceChoice; label: string }[] = [
  { value: 'scheduled', label: 'Scheduled' },
  { value: 'attended', label: 'Attended' },
  { value: 'cancelled_student', label: 'Cancelled by student' },
  { value: 'cancelled_tutor', label: 'Cancelled by tutor' },
  { value: 'no_show', label: 'No-show' },
];

export function choiceOf(status: AttendanceStatus): AttendanceChoice {
  return status === 'cancelled_student_in_time' || status === 'cancelled_student_late' ? 'cancelled_student' : status;
}

/** Badge colour class per status. */
export function statusTone(status: AttendanceStatus): 'ok' | 'warn' | 'bad' | 'neutral' {
  if (status === 'attended') return 'ok';
  if (status === 'scheduled') return 'neutral';
  if (status === 'cancelled_student_in_time' || status === 'cancelled_tutor') return 'warn';
  return 'bad';
}

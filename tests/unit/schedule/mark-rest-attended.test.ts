import { describe, expect, it } from 'vitest';
import { markRestOfDayAttended, recordAttendance } from '../../../src-shared/schedule/attendance';
import { expandLessons, studentAttendance } from '../../../src-shared/schedule/expand';
import { localDaysRange } from '../../../src-shared/schedule/time';
import { at, ctx, ctxAt, lesson } from './fixtures';

const LON = 'Europe/London';
const day = localDaysRange('2025-03-17', '2025-03-17', LON);

describe('mark the rest of the day attended, group lessons', () => {
  it('leaves out a group lesson whose students all have their own status, and keeps those statuses', () => {
    const group = lesson({ start: at('2025-03-17T10:00', LON), studentIds: ['student-1', 'student-2'] }, 'group');
    const partial = lesson({ start: at('2025-03-17T11:00', LON), studentIds: ['student-1', 'student-3'] }, 'partial');
    let occ = expandLessons([group, partial], [], [], day, LON);
    const g1 = recordAttendance(occ[0]!, 'attended', ctx, { studentId: 'student-1' });
    occ = expandLessons([group, partial], [g1], [], day, LON);
    const g2 = recordAttendance(occ[0]!, 'cancelled_student_in_time', ctx, { studentId: 'student-2' });
    const p1 = recordAttendance(occ[1]!, 'no_show', ctx, { studentId: 'student-3' });
    occ = expandLessons([group, partial], [g2, p1], [], day, LON);
    expect(occ[0]!.status).toBe('scheduled'); // mixed: the occurrence status stays 'scheduled'

    const plan = markRestOfDayAttended(occ, '2025-03-17', LON, ctxAt(at('2025-03-17T18:00', LON)));
    expect(plan.map((o) => o.lessonId)).toEqual(['partial']);
    const after = expandLessons([group, partial], [g2, plan[0]!], [], day, LON);
    expect(studentAttendance(after[1]!, 'student-1')).toBe('attended');
    expect(studentAttendance(after[1]!, 'student-3')).toBe('no_show');
  });
});

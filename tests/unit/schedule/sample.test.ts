import { describe, expect, it } from 'vitest';
import {
  expandLessons,
  generateSampleNotes,
  generateSampleSchedule,
  isRuleInstance,
  localDaysRange,
} from '../../../src-shared/schedule/index';

describe('sample schedule and notes', () => {
  it('is deterministic and consistent: every occurrence document belongs to an instance of its series', () => {
    const opts = {
      tutorIds: ['t1', 't2'],
      studentIds: ['s1', 's2', 's3', 's4'],
      timeZone: 'Europe/London',
      series: 40,
      from: '2025-01-06',
      now: new Date('2025-03-01T00:00:00Z'),
    };
    const a = generateSampleSchedule(opts);
    const b = generateSampleSchedule(opts);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const byId = new Map(a.lessons.map((l) => [l.id, l]));
    for (const o of a.occurrences) expect(isRuleInstance(byId.get(o.lessonId)!, o.originalStart)).toBe(true);
    const expanded = expandLessons(
      a.lessons,
      a.occurrences,
      a.closures,
      localDaysRange('2025-01-06', '2025-02-28', 'Europe/London'),
      'Europe/London',
    );
    expect(expanded.length).toBeGreaterThan(200);
    expect(expanded.filter((o) => o.startMs < opts.now.getTime()).every((o) => o.status !== 'scheduled' || o.moved)).toBe(true);
    const notes = generateSampleNotes(100, { studentIds: ['s1'], authorIds: ['t1'], now: opts.now });
    expect(notes).toHaveLength(100);
    expect(new Set(notes.map((n) => n.id)).size).toBe(100);
  });
});

import { describe, expect, it } from 'vitest';
import { formatWhen } from '../../../src-renderer/src/ui/format';
import { rowsOf } from '../../../src-renderer/src/ui/table-row-models';

describe('one bad record does not take a list down', () => {
  it('formatWhen shows a placeholder for a missing or unreadable date', () => {
    const f = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    expect(formatWhen(f, '2026-03-02T16:00:00.000Z')).toBe('2 Mar 2026');
    expect(formatWhen(f, '')).toBe('—');
    expect(formatWhen(f, undefined)).toBe('—');
    expect(formatWhen(f, 'next Tuesday')).toBe('—');
    expect(formatWhen(f, Number.NaN, '')).toBe('');
    // What it replaces throws on such a value:
    expect(() => f.format(new Date(''))).toThrow(RangeError);
  });

  it('rowsOf builds the rows it can and lists the records it cannot, with the reason', () => {
    const records = [
      { id: 'a', n: 1 },
      { id: 'b', n: -1 },
      { id: 'c', n: 3 },
    ];
    const built = rowsOf(records, (r) => {
      if (r.n < 0) throw new Error('negative');
      return { id: r.id, double: r.n * 2 };
    });
    expect(built.rows).toEqual([
      { id: 'a', double: 2 },
      { id: 'c', double: 6 },
    ]);
    expect(built.skipped).toEqual([{ id: 'b', reason: 'negative' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { zoneLabel } from '../../../src-renderer/src/features/schedule/format';

const week = (monday: string) =>
  Array.from({ length: 7 }, (_, i) => new Date(Date.parse(`${monday}T12:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));

describe('the time grid names the zone of the days it shows', () => {
  const london = { tz: 'Europe/London', locale: 'en-GB' };
  it('a summer week says BST, a winter week GMT, whatever today is', () => {
    expect(zoneLabel(week('2027-07-05'), london)).toBe('BST');
    expect(zoneLabel(week('2027-01-04'), london)).toBe('GMT');
  });
  it('the week the clocks change names both', () => {
    // British Summer Time starts on Sunday 28 March 2027.
    expect(zoneLabel(week('2027-03-22'), london)).toBe('GMT/BST');
    expect(zoneLabel(['2027-03-28'], london)).toBe('BST');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backupReminder } from '../../../src-shared/backup/reminder';
import { backupsToKeep, isoWeekKey } from '../../../src-shared/backup/rotation';

const daily = (from: string, days: number, perDay = 1) =>
  Array.from({ length: days * perDay }, (_, i) => {
    const at = new Date(Date.parse(from) - Math.floor(i / perDay) * 86_400_000 - (i % perDay) * 3_600_000);
    return { name: `auto-${at.toISOString()}`, createdAt: at.toISOString() };
  });

describe('automatic backup rotation', () => {
  it('ISO weeks, across a year boundary', () => {
    expect(isoWeekKey(new Date('2026-12-06T10:00:00Z'))).toBe('2026-W49');
    expect(isoWeekKey(new Date('2027-01-01T10:00:00Z'))).toBe('2026-W53');
    expect(isoWeekKey(new Date('2027-01-04T10:00:00Z'))).toBe('2027-W01');
  });

  it('a year of daily backups keeps 7 days, 4 weeks and 12 months: at most 23 files, the newest always', () => {
    const all = daily('2026-12-06T09:00:00Z', 400);
    const keep = backupsToKeep(all);
    expect(keep.size).toBeLessThanOrEqual(23);
    expect(keep.size).toBeGreaterThanOrEqual(12 + 1);
    expect(keep.has(all[0]!.name)).toBe(true);
    // The last 7 days, each.
    for (const b of all.slice(0, 7)) expect(keep.has(b.name)).toBe(true);
    // Something from each of the last 12 months.
    const months = new Set([...keep].map((n) => n.slice(5, 12)));
    expect(months.size).toBe(12);
  });

  it('several backups a day keep only the newest of each day', () => {
    const all = daily('2026-12-06T21:00:00Z', 3, 4);
    const keep = backupsToKeep(all, { daily: 7, weekly: 0, monthly: 0 });
    expect([...keep].sort()).toEqual([all[0]!.name, all[4]!.name, all[8]!.name].sort());
  });

  it('never keeps more than the policy allows, and always the newest (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * 365 * 24 }), { minLength: 1, maxLength: 300 }), (hours) => {
        const list = hours.map((h) => {
          const at = new Date(Date.UTC(2026, 11, 6) - h * 3_600_000).toISOString();
          return { name: `b-${at}-${h}`, createdAt: at };
        });
        const keep = backupsToKeep(list);
        expect(keep.size).toBeLessThanOrEqual(7 + 4 + 12);
        const newest = [...list].sort((a, b) =>
          a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name < b.name ? 1 : -1,
        )[0]!;
        expect(keep.has(newest.name)).toBe(true);
      }),
    );
  });
});

describe('backup reminder', () => {
  const now = new Date('2026-12-06T09:00:00Z');
  it('quiet while a backup or a sync is less than a week old', () => {
    expect(
      backupReminder({ lastBackupAt: '2026-12-01T09:00:00Z', lastSyncedAt: null, practiceSince: '2026-01-01T00:00:00Z', now }),
    ).toBeNull();
    expect(
      backupReminder({ lastBackupAt: null, lastSyncedAt: '2026-12-05T09:00:00Z', practiceSince: '2026-01-01T00:00:00Z', now }),
    ).toBeNull();
    expect(backupReminder({ lastBackupAt: null, lastSyncedAt: null, practiceSince: '2026-12-02T00:00:00Z', now })).toBeNull();
  });
  it('speaks after a week without either, counting from the newer', () => {
    expect(
      backupReminder({
        lastBackupAt: '2026-11-20T09:00:00Z',
        lastSyncedAt: '2026-11-28T09:00:00Z',
        practiceSince: '2026-01-01T00:00:00Z',
        now,
      }),
    ).toEqual({
      days: 8,
      never: false,
    });
    expect(backupReminder({ lastBackupAt: null, lastSyncedAt: null, practiceSince: '2026-11-01T00:00:00Z', now })).toEqual({
      days: 35,
      never: true,
    });
  });
});

describe('automatic backup due', () => {
  it('when there is none, or the newest is a day old', async () => {
    const { automaticBackupDue } = await import('../../../src-renderer/src/features/backup/auto');
    const now = new Date('2026-12-06T09:00:00Z');
    const b = (createdAt: string) => ({ name: createdAt, createdAt, bytes: 1 });
    expect(automaticBackupDue([], now)).toBe(true);
    expect(automaticBackupDue([b('2026-12-05T12:00:00.000Z'), b('2026-12-01T12:00:00.000Z')], now)).toBe(false);
    expect(automaticBackupDue([b('2026-12-05T09:00:00.000Z')], now)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase } from '../../src-renderer/src/data/database';
import { stampChange } from '../../src-shared/model/meta';
import type { Student } from '../../src-shared/model/types';

const ctx = { staffId: 'staff-1', deviceId: 'dev-a', now: new Date('2026-03-01T10:00:00Z') };

function studentValues(over: Partial<Student> = {}) {
  return {
    firstName: 'Ada',
    lastName: 'Lovelace',
    familyId: 'fam-1',
    status: 'active' as const,
    subjects: ['Maths'],
    defaultRate: { amount: 4500, currency: 'GBP' },
    email: 'ada@example.com',
    phone: '',
    gradeLevel: 'Year 10',
    notes: '',
    archivedAt: '',
    ...over,
  };
}

describe('createTutorDatabase', () => {
  it('creates every collection and validates documents against the schema', async () => {
    const db = await createTutorDatabase({ name: `t${Date.now()}`, storage: getRxStorageMemory(), validate: 'ajv' });
    try {
      expect(Object.keys(db.collections).sort()).toEqual(
        [
          'billingclaims',
          'closures',
          'families',
          'invoices',
          'lessons',
          'messages',
          'notes',
          'occurrences',
          'payments',
          'settings',
          'staff',
          'students',
        ].sort(),
      );
      const doc = stampChange<Student>(undefined, studentValues(), ctx, () => 'stu-1');
      await db.students.insert(doc);
      const found = await db.students.findOne('stu-1').exec();
      expect(found?.firstName).toBe('Ada');
      expect(found?.fieldClock.firstName).toMatch(/^2026-03-01T10:00:00.000Z\|0000\|dev-a$/);

      const bad = stampChange<Student>(undefined, studentValues({ defaultRate: { amount: 12.5, currency: 'GBP' } }), ctx, () => 'stu-2');
      await expect(db.students.insert(bad)).rejects.toThrow();
      expect(await db.students.findOne('stu-2').exec()).toBeNull();
    } finally {
      await db.remove();
    }
  });
});

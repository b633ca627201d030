import { expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { createTutorDatabase } from '../../../src-renderer/src/data/database';
import { NOTES_WITH_VERSIONS_SELECTOR } from '../../../src-renderer/src/features/sync/describe';
import { stampChange } from '../../../src-shared/model/meta';

it('the conflicts list finds exactly the notes that hold other versions of their text', async () => {
  const db = await createTutorDatabase({
    name: `notes-versions-${Date.now()}`,
    storage: getRxStorageMemory(),
    validate: 'ajv',
    collections: ['notes'],
  });
  try {
    const ctx = { staffId: 'staff-1', deviceId: 'dev-1', now: new Date('2026-03-02T10:00:00Z') };
    const base = {
      kind: 'lesson',
      studentIds: ['stu-1'],
      lessonId: '',
      occurrenceId: '',
      authorId: 'staff-1',
      title: 'Fractions',
      body: 'Kept text',
      covered: '',
      homework: '',
      nextSteps: '',
    };
    const other = {
      body: 'Other text',
      covered: '',
      homework: '',
      nextSteps: '',
      updatedAt: '2026-03-02T09:00:00Z',
      updatedBy: 'staff-2',
      deviceId: 'dev-2',
    };
    for (const [id, conflicts] of [
      ['plain', []],
      ['two-versions', [other]],
      ['three-versions', [other, { ...other, body: 'Third' }]],
    ] as const) {
      await db.notes.insert(stampChange(undefined, { ...base, id, conflicts } as never, ctx, () => id) as never);
    }
    const found = await db.notes.find({ selector: NOTES_WITH_VERSIONS_SELECTOR as never }).exec();
    expect(found.map((d) => d.id).sort()).toEqual(['three-versions', 'two-versions']);
  } finally {
    await db.remove();
  }
});

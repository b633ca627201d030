/**
 * A record written by an older TutorDesk (here an occurrence without `lessonTutorId`, schema v0)
 * pulled from the server is brought to the current schema before the local schema checks it,
 * instead of being listed as refused (src-renderer/src/data/sync/pull.ts, `upgrade`).
 */
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTutorDatabase, type TutorDatabase } from '../../../src-renderer/src/data/database';
import { OwnWrites } from '../../../src-renderer/src/data/sync/echo';
import { keepRows, type PullContext, type PulledRecordRefused } from '../../../src-renderer/src/data/sync/pull';
import type { AppDoc } from '../../../src-renderer/src/data/sync/couchdb';
import { localValidatorFor } from '../../../src-renderer/src/data/validation';
import { stampChange } from '../../../src-shared/model/meta';
import { upgradeDocument } from '../../../src-shared/model/migrations';
import type { Occurrence } from '../../../src-shared/model/types';

let db: TutorDatabase;
beforeAll(async () => {
  db = await createTutorDatabase({
    name: `pullup${Date.now()}`,
    storage: getRxStorageMemory(),
    validate: 'precompiled',
    collections: ['lessons', 'occurrences'],
  });
});
afterAll(async () => {
  await db.close();
});

function oldOccurrenceRow() {
  const ctx = { staffId: 'staff-1', deviceId: 'dev-a', now: new Date('2026-03-01T10:00:00Z') };
  const occ = stampChange<Occurrence>(
    undefined,
    {
      lessonId: 'lesson-1',
      originalStart: '2026-03-02T16:00:00.000Z',
      start: '',
      durationMinutes: 0,
      tutorId: '',
      lessonTutorId: 'x',
      room: '',
      status: 'scheduled',
      statusChangedAt: '',
      studentStatus: {},
      makeupGranted: false,
    },
    ctx,
    () => 'occ-1',
  );
  const { id, lessonTutorId: _dropped, ...rest } = occ as Occurrence & { id: string };
  return { id, seq: 1, changes: [{ rev: '1-a' }], doc: { _id: id, _rev: '1-a', ...rest } };
}

function ctxFor(upgrade: PullContext['upgrade']) {
  const refused: PulledRecordRefused[] = [];
  const ctx: PullContext = {
    db: null as never,
    echo: new OwnWrites(),
    ...(upgrade ? { upgrade } : {}),
    validate: localValidatorFor(db, db.occurrences as unknown as Parameters<typeof localValidatorFor>[1]),
    onInvalid: (rows) => refused.push(...rows),
    onValid: () => {},
  };
  return { ctx, refused };
}

describe('pulling a record of an older schema version', () => {
  it('is refused by the local schema as it is', () => {
    const { ctx, refused } = ctxFor(undefined);
    expect(keepRows(ctx, [oldOccurrenceRow()])).toEqual([]);
    expect(refused.map((r) => r.id)).toEqual(['occ-1']);
    expect(refused[0]!.reason).toMatch(/lessonTutorId/);
  });

  it('is upgraded and kept when the pull upgrades documents', () => {
    const { ctx, refused } = ctxFor((doc) => upgradeDocument('occurrences', doc as never) as AppDoc);
    const kept = keepRows(ctx, [oldOccurrenceRow()]);
    expect(refused).toEqual([]);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ id: 'occ-1', lessonId: 'lesson-1', lessonTutorId: '' });
  });
});

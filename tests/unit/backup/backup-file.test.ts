/**
 * The backup file (src-shared/backup): written and read with Node's Web Crypto, as the window's.
 * Every refusal is specific and comes before anything could be restored.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BACKUP_FORMAT_VERSION,
  BackupError,
  createBackup,
  readBackup,
  readBackupManifest,
  type BackupData,
} from '../../../src-shared/backup/backup-file';
import { upgradeBackupData } from '../../../src-shared/backup/upgrade';
import { collectionSchemas } from '../../../src-shared/model/schemas';
import { nodeBackupPlatform } from './node-platform';

const P = nodeBackupPlatform;
const FAST = 1000; // PBKDF2 rounds for the tests that are not about the key derivation itself

const data: BackupData = {
  collections: {
    families: [{ id: 'fam-1', name: 'Müller family — “Zoë”', email: 'zoe@example.com' }],
    students: [
      { id: 'stu-1', firstName: 'Zoë', lastName: 'Müller', familyId: 'fam-1' },
      { id: 'stu-gone', _deleted: true },
    ],
    payments: [{ id: 'pay-1', amount: 4500, currency: 'GBP' }],
  },
  device: { deviceId: 'dev-1', deviceCode: 'K7' },
};
const opts = { appVersion: '0.1.0', practiceName: 'Harbour Tutoring', now: new Date('2026-12-06T09:00:00Z') };

async function refusal(p: Promise<unknown>): Promise<BackupError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BackupError);
    return e as BackupError;
  }
  throw new Error('expected a refusal');
}

describe('backup file', () => {
  it('round-trips a practice without a passphrase, with a manifest that says what it holds', async () => {
    const text = await createBackup(data, opts, P);
    const m = readBackupManifest(text);
    expect(m).toMatchObject({
      format: 'tutordesk-backup',
      formatVersion: BACKUP_FORMAT_VERSION,
      appVersion: '0.1.0',
      createdAt: '2026-12-06T09:00:00.000Z',
      practiceName: 'Harbour Tutoring',
      counts: { families: 1, students: 2, payments: 1 },
      schemaVersions: { families: collectionSchemas.families.version, students: collectionSchemas.students.version },
      encryption: null,
    });
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await readBackup(text, {}, P)).data).toEqual(data);
  });

  it('with a passphrase: the file holds no readable name, and only the passphrase opens it (600,000 PBKDF2 rounds by default)', async () => {
    const text = await createBackup(data, { ...opts, passphrase: 'correct horse battery' }, P);
    expect(text).not.toMatch(/Müller|Zoë|zoe@example|dev-1/);
    const m = readBackupManifest(text);
    expect(m.encryption).toMatchObject({ kdf: 'PBKDF2-SHA256', iterations: 600_000, cipher: 'AES-256-GCM' });
    expect((await readBackup(text, { passphrase: 'correct horse battery' }, P)).data).toEqual(data);
    expect((await refusal(readBackup(text, {}, P))).code).toBe('passphrase_required');
    const wrong = await refusal(readBackup(text, { passphrase: 'correct horse battery!' }, P));
    expect(wrong.code).toBe('wrong_passphrase');
    expect(wrong.message).toMatch(/passphrase is not the one/);
  });

  it('refuses a passphrase that is too short', async () => {
    expect((await refusal(createBackup(data, { ...opts, passphrase: 'short' }, P))).code).toBe('passphrase_too_short');
  });

  it('a file cut short anywhere is refused as incomplete', async () => {
    const text = await createBackup(data, { ...opts, passphrase: 'correct horse battery', iterations: FAST }, P);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 45, max: text.trim().length - 1 }), async (cut) => {
        const e = await refusal(readBackup(text.slice(0, cut), { passphrase: 'correct horse battery' }, P));
        expect(e.code).toBe('truncated');
      }),
      { numRuns: 40 },
    );
  });

  it('damaged content is refused as damaged, also with the right passphrase', async () => {
    for (const passphrase of [undefined, 'correct horse battery']) {
      const text = await createBackup(data, { ...opts, ...(passphrase ? { passphrase, iterations: FAST } : {}) }, P);
      const file = JSON.parse(text) as { manifest: Record<string, unknown>; payload: string };
      // One changed character in the middle of the payload.
      const i = Math.floor(file.payload.length / 2);
      const flipped = file.payload[i] === 'A' ? 'B' : 'A';
      const damaged = JSON.stringify({ ...file, payload: file.payload.slice(0, i) + flipped + file.payload.slice(i + 1) });
      expect((await refusal(readBackup(damaged, { ...(passphrase ? { passphrase } : {}) }, P))).code).toBe('corrupt');
      // A manifest whose checksum was edited.
      const edited = JSON.stringify({ ...file, manifest: { ...file.manifest, sha256: '0'.repeat(64) } });
      expect((await refusal(readBackup(edited, { ...(passphrase ? { passphrase } : {}) }, P))).code).toBe('corrupt');
    }
  });

  it('a file from a newer TutorDesk is refused and says to update', async () => {
    const file = JSON.parse(await createBackup(data, opts, P)) as { manifest: Record<string, unknown>; payload: string };
    const newerFormat = JSON.stringify({
      ...file,
      manifest: { ...file.manifest, formatVersion: BACKUP_FORMAT_VERSION + 1, appVersion: '9.0.0' },
    });
    const e1 = await refusal(readBackup(newerFormat, {}, P));
    expect(e1.code).toBe('newer_version');
    expect(e1.message).toMatch(/newer TutorDesk \(9\.0\.0\).*Update TutorDesk/);
    const newerSchema = JSON.stringify({
      ...file,
      manifest: { ...file.manifest, schemaVersions: { students: collectionSchemas.students.version + 1 } },
    });
    expect((await refusal(readBackup(newerSchema, {}, P))).message).toMatch(/students were written by a newer TutorDesk/);
    const unknownCollection = JSON.stringify({ ...file, manifest: { ...file.manifest, schemaVersions: { spaceships: 0 } } });
    expect((await refusal(readBackup(unknownCollection, {}, P))).code).toBe('newer_version');
  });

  it('anything else is refused as not a backup', async () => {
    for (const text of ['', 'first name,last name\nZoë,Müller\n', '{"manifest":{"format":"other"},"payload":""}', 'null', '[1,2]'])
      expect((await refusal(readBackup(text, {}, P))).code).toBe('not_a_backup');
  });

  it('a backup from an older schema is brought to this version; a record beyond the limits is set aside, not lost', async () => {
    const old: BackupData = {
      collections: {
        lessons: [{ id: 'l1', tutorId: 'staff-1', timeZone: 'europe/london', rrule: 'freq=weekly', notes: '' }],
        occurrences: [{ id: 'o1', lessonId: 'l1' }],
        payments: [{ id: 'huge', amount: 99_999_999_999_999, currency: 'GBP' }],
        students: [{ id: 'gone', _deleted: true }],
      },
      device: {},
    };
    const { data: up, setAside } = await upgradeBackupData(
      { schemaVersions: { lessons: 0, occurrences: 0, payments: 0, students: 0 } },
      old,
    );
    expect(up.collections.lessons![0]).toMatchObject({ timeZone: 'Europe/London', rrule: 'FREQ=WEEKLY' });
    expect(up.collections.occurrences![0]).toMatchObject({ lessonTutorId: 'staff-1' });
    expect(up.collections.students).toEqual([{ id: 'gone', _deleted: true }]);
    expect(up.collections.payments).toEqual([]);
    expect(setAside.map((s) => [s.collection, s.doc.id])).toEqual([['payments', 'huge']]);
  });
});

/**
 * A backup written by an older TutorDesk is brought to this version's schemas before it is
 * restored, with the same migration functions RxDB runs when a laptop opens an older database
 * (src-shared/model/migrations.ts). A document beyond this version's hard limits is not clamped
 * or dropped: it is returned in `setAside`, for the refused-changes list, like the database
 * migration does. Deleted documents (tombstones) are kept as they are: they only need their id
 * and deletion to stop a restore from resurrecting them.
 */
import { migrationStrategiesFor, type SetAside } from '../model/migrations';
import { collectionSchemas, type CollectionName } from '../model/schemas';
import type { BackupData, BackupManifest } from './backup-file';

type Doc = Record<string, unknown>;

/** Lessons first: the occurrences' migration reads their tutors. */
const ORDER: CollectionName[] = [
  'settings',
  'staff',
  'families',
  'students',
  'lessons',
  'occurrences',
  'notes',
  'invoices',
  'payments',
  'billingclaims',
  'closures',
  'messages',
];

export async function upgradeBackupData(
  manifest: Pick<BackupManifest, 'schemaVersions'>,
  data: BackupData,
): Promise<{ data: BackupData; setAside: SetAside[] }> {
  const setAside: SetAside[] = [];
  const collections: BackupData['collections'] = {};
  const strategies = migrationStrategiesFor({
    setAside: async (s) => {
      setAside.push(s);
    },
    lessonTutors: async () =>
      new Map((collections.lessons ?? []).map((l) => [String(l.id), typeof l.tutorId === 'string' ? l.tutorId : ''] as const)),
  });
  for (const c of ORDER) {
    const docs = data.collections[c];
    if (!docs) continue;
    const from = manifest.schemaVersions[c] ?? collectionSchemas[c].version;
    const to = collectionSchemas[c].version;
    const steps = strategies[c] ?? {};
    const out: Doc[] = [];
    for (const doc of docs) {
      let d: Doc | null = doc;
      if (doc._deleted !== true) {
        for (let v = from + 1; v <= to && d; v++) {
          const step = steps[v];
          if (step) d = await step(d);
        }
      }
      if (d) out.push(d);
    }
    collections[c] = out;
  }
  return { data: { ...data, collections }, setAside };
}

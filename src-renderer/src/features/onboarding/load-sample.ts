import { generateSamplePractice } from '../../../../src-shared/sample/generate';
import type { TutorDatabase } from '../../data';
import { insertAllOrNothing } from '../../data';
import type { DeviceInfo } from '../../app/AppContext';
import type { SampleExtender } from '../../app/registry';

/**
 * Fills an empty database with a realistic demo practice and makes its admin "me". The people
 * first, then each feature's sample records (`extenders`, in the shell's feature order: the
 * schedule's lessons before the notes and invoices made from them), the settings last.
 */
export async function loadSamplePractice(db: TutorDatabase, extenders: readonly SampleExtender[], students = 60, seed = 42): Promise<void> {
  const device = (await db.getLocal<DeviceInfo>('device'))?.toJSON().data as DeviceInfo | undefined;
  const practice = generateSamplePractice({ students, seed, deviceId: device?.deviceId ?? 'sample' });
  await insertAllOrNothing(db, [
    { collection: 'staff', docs: practice.staff },
    { collection: 'families', docs: practice.families },
    { collection: 'students', docs: practice.students },
  ]);
  for (const extend of extenders) await extend(db, practice);
  if (device) await db.upsertLocal('device', { ...device, meStaffId: practice.meStaffId });
  // Settings last: the app leaves the welcome screen when they exist.
  await db.settings.insert(practice.settings);
}

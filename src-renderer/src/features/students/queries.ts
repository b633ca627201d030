import type { TutorDatabase } from '../../data';

/** A student "has history" when any lesson, note or billing record refers to them. */
export async function studentHasHistory(db: TutorDatabase, studentId: string): Promise<boolean> {
  const [lesson, note, claim] = await Promise.all([
    db.lessons.findOne({ selector: { studentIds: { $in: [studentId] } } } as never).exec(),
    db.notes.findOne({ selector: { studentIds: { $in: [studentId] } } } as never).exec(),
    db.billingclaims.findOne({ selector: { studentId } }).exec(),
  ]);
  return Boolean(lesson || note || claim);
}

/**
 * Applying a merge plan (src-shared/students/merge.ts) to the local database: the plan is made
 * again from the documents as they are NOW (never from what a dialog showed a minute ago), then
 * every write is done as one intent (all or nothing, recovered at next start; data/merge.ts). What
 * another laptop writes to the duplicate later is moved after sync by the data layer
 * (data/merge-followup.ts).
 */
import type { AppServices } from '../../app/AppContext';
import { loadMergeDocs as loadDocs, writeMergePlan } from '../../data';
import type { CollectionName } from '../../../../src-shared/model/schemas';
import { MERGE_RULES, type Decision, type PracticeRole } from '../../../../src-shared/sync/permissions';
import {
  planFamilyMerge,
  planStudentMerge,
  type MergeChoices,
  type MergeDocs,
  type MergePlan,
} from '../../../../src-shared/students/merge';

export type MergeKind = 'family' | 'student';

/** Every document a merge may touch, as plain JSON. */
export function loadMergeDocs(app: AppServices): Promise<MergeDocs> {
  return loadDocs(app.db);
}

export function planMerge(
  kind: MergeKind,
  survivorId: string,
  duplicateId: string,
  docs: MergeDocs,
  app: AppServices,
  choices: MergeChoices,
): MergePlan {
  return (kind === 'family' ? planFamilyMerge : planStudentMerge)(survivorId, duplicateId, docs, app.ctx(), choices);
}

/** Merges `duplicateId` into `survivorId` with the person's choices; returns the plan applied. */
export async function applyMerge(
  app: AppServices,
  kind: MergeKind,
  survivorId: string,
  duplicateId: string,
  choices: MergeChoices,
): Promise<MergePlan> {
  const plan = planMerge(kind, survivorId, duplicateId, await loadMergeDocs(app), app, choices);
  // One intent: the merge is finished or undone at next start if the app stops half-way
  // (docs/data-model.md "Writes that span several documents").
  await writeMergePlan(app.db, plan, app.ctx());
  return plan;
}

/** May this role merge (set `mergedInto`)? The server rules' answer (MERGE_RULES). */
export function mergeDecision(role: PracticeRole, collection: 'families' | 'students'): Decision {
  return MERGE_RULES.roles.includes(role) ? { allowed: true, reason: '' } : { allowed: false, reason: MERGE_RULES.reasons[collection] };
}

/** "2 students, 3 invoices and 1 payment" for the confirmation. */
export function describeCounts(plan: MergePlan): string {
  const nouns: Partial<Record<CollectionName, [string, string]>> = {
    students: ['student', 'students'],
    lessons: ['lesson', 'lessons'],
    occurrences: ['attendance record', 'attendance records'],
    notes: ['note', 'notes'],
    invoices: ['invoice', 'invoices'],
    payments: ['payment', 'payments'],
    billingclaims: ['billing record', 'billing records'],
  };
  const own = plan.kind === 'family' ? 'families' : 'students';
  const parts = Object.entries(plan.counts)
    .filter(([c]) => c !== own && nouns[c as CollectionName])
    .map(([c, n]) => {
      const [one, many] = nouns[c as CollectionName]!;
      return `${n} ${n === 1 ? one : many}`;
    });
  if (parts.length === 0) return 'nothing else';
  return new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(parts);
}

/**
 * Naming of the server side of a practice: one CouchDB database per collection, and the roles
 * that give CouchDB users access (see docs/sync.md, "Database layout and roles").
 *
 * Pure: no Electron, React or DOM.
 */
import { COLLECTION_NAMES, type CollectionName } from '../model/schemas';

/** A practice id: lower-case letter first, then lower-case letters, digits, - and _. */
export const PRACTICE_ID_RE = /^[a-z][a-z0-9_-]{0,50}$/;

export function assertPracticeId(practice: string): void {
  if (!PRACTICE_ID_RE.test(practice)) {
    throw new Error(`"${practice}" is not a valid practice id: use lower-case letters, digits, - and _, starting with a letter`);
  }
  // "x-admin" would make the members of practice "x-admin" admins of practice "x".
  if (/-(admin|tutor)$/.test(practice)) {
    throw new Error(`"${practice}" is not a valid practice id: it may not end in -admin or -tutor`);
  }
}

/** Whether a role belongs to this practice (member, admin, tutor or staff link). */
export function isPracticeRole(practice: string, role: string): boolean {
  return (
    role === memberRole(practice) ||
    role === adminRole(practice) ||
    role === tutorRole(practice) ||
    role.startsWith(staffRolePrefix(practice))
  );
}

/** `tutordesk-<practice>-<collection>`, e.g. `tutordesk-demo-students`. */
export function practiceDbName(practice: string, collection: CollectionName): string {
  assertPracticeId(practice);
  return `tutordesk-${practice}-${collection}`;
}

export function practiceDbNames(practice: string): Record<CollectionName, string> {
  return Object.fromEntries(COLLECTION_NAMES.map((c) => [c, practiceDbName(practice, c)])) as Record<CollectionName, string>;
}

/** Every user of the practice (tutors and admins) has this role: database member. */
export const memberRole = (practice: string): string => `tutordesk-${practice}`;
/** Practice administrators: database admins, may void invoices, edit staff and settings. */
export const adminRole = (practice: string): string => `tutordesk-${practice}-admin`;
/** Tutors: may only change their own lessons, occurrences and notes. */
export const tutorRole = (practice: string): string => `tutordesk-${practice}-tutor`;
/** Maps the CouchDB user to a staff record: `tutordesk-<practice>-staff:<staffId>`. */
export const staffRolePrefix = (practice: string): string => `tutordesk-${practice}-staff:`;
export const staffRole = (practice: string, staffId: string): string => `${staffRolePrefix(practice)}${staffId}`;

/** The name of the design document holding validate_doc_update in every practice database. */
export const DESIGN_DOC_ID = '_design/tutordesk';

export interface PracticeIdentity {
  isMember: boolean;
  isAdmin: boolean;
  /** The staff record this user acts as, '' when the user's roles do not name one. */
  staffId: string;
}

/** Reads what a user may do in a practice from the roles of `GET /_session` (userCtx.roles). */
export function identityFromRoles(practice: string, roles: readonly string[]): PracticeIdentity {
  const isServerAdmin = roles.includes('_admin');
  const isAdmin = isServerAdmin || roles.includes(adminRole(practice));
  const isMember = isAdmin || roles.includes(memberRole(practice));
  const prefix = staffRolePrefix(practice);
  const staffId = roles.find((r) => r.startsWith(prefix))?.slice(prefix.length) ?? '';
  return { isMember, isAdmin, staffId };
}

/** Parses `tutordesk-<practice>-<collection>` back, or null for any other database name. */
export function parsePracticeDbName(dbName: string): { practice: string; collection: CollectionName } | null {
  for (const c of COLLECTION_NAMES) {
    const suffix = `-${c}`;
    if (dbName.startsWith('tutordesk-') && dbName.endsWith(suffix)) {
      const practice = dbName.slice('tutordesk-'.length, -suffix.length);
      if (PRACTICE_ID_RE.test(practice)) return { practice, collection: c };
    }
  }
  return null;
}

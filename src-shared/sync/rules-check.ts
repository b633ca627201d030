/**
 * The comparison behind `server:setup --check` (scripts/lib/couch-provision.ts `checkPractice`)
 * and the Sync screen's warning to a practice admin: does a practice database hold the rules and
 * `_security` this version installs? Pure: given what the server returned, says what differs.
 *
 * The server admin's check reads everything. The app, signed in as a practice admin, can read
 * `_design/tutordesk` (the guard of the embedded server lets members read that one document;
 * CouchDB lets members read design documents) but on the embedded server not `_security`
 * (server admin only there); what it could not read it says it did not compare.
 */
import type { CollectionName } from '../model/schemas';
import { DESIGN_DOC_ID, memberRole, practiceDbName } from './names';
import { designDocFor } from './validate-doc-update';

export type SecurityObject = { members: { names: string[]; roles: string[] }; admins: { names: string[]; roles: string[] } };

/** What `_security` of every practice database must be: members by the practice's role, NO database admins. */
export function expectedSecurity(practice: string): SecurityObject {
  return { members: { names: [], roles: [memberRole(practice)] }, admins: { names: [], roles: [] } };
}

/** Whether a `_security` object grants exactly what `expected` does (order of names and roles aside). */
export function sameSecurity(actual: unknown, expected: SecurityObject): boolean {
  const norm = (s: unknown) => {
    const x = (s ?? {}) as { members?: { names?: string[]; roles?: string[] }; admins?: { names?: string[]; roles?: string[] } };
    const part = (p?: { names?: string[]; roles?: string[] }) => ({
      names: [...(p?.names ?? [])].sort(),
      roles: [...(p?.roles ?? [])].sort(),
    });
    return JSON.stringify({
      members: part(x.members),
      admins: part(x.admins),
      other: Object.keys(x)
        .filter((k) => k !== 'members' && k !== 'admins')
        .sort(),
    });
  };
  return norm(actual) === norm(expected);
}

/**
 * What differs between a stored rules document (`null`: the server said it does not exist) and
 * the one this version installs; empty when they are the same.
 */
export function rulesDifferences(practice: string, collection: CollectionName, stored: Record<string, unknown> | null): string[] {
  const name = practiceDbName(practice, collection);
  if (!stored) return [`${name}: the rules (${DESIGN_DOC_ID}) are missing`];
  const ddoc = designDocFor(practice, collection);
  if (stored.validate_doc_update !== ddoc.validate_doc_update) {
    const empty = typeof stored.validate_doc_update !== 'string' || stored.validate_doc_update.replace(/\s/g, '').length < 40;
    return [
      `${name}: the rules (${DESIGN_DOC_ID} validate_doc_update) differ from this version's${empty ? ' (they are empty: nothing is checked)' : ''}`,
    ];
  }
  if (JSON.stringify(stored.tutordesk) !== JSON.stringify(ddoc.tutordesk)) {
    return [
      `${name}: ${DESIGN_DOC_ID} describes itself as ${JSON.stringify(stored.tutordesk)}, expected ${JSON.stringify(ddoc.tutordesk)}`,
    ];
  }
  return [];
}

/** What differs in a database's `_security`; empty when it is as installed. */
export function securityDifferences(practice: string, collection: CollectionName, actual: unknown): string[] {
  const expected = expectedSecurity(practice);
  if (sameSecurity(actual, expected)) return [];
  return [`${practiceDbName(practice, collection)}: _security is ${JSON.stringify(actual ?? {})}, expected ${JSON.stringify(expected)}`];
}

/** The command that reinstalls the rules and `_security` (run by the server admin). */
export function repairCommand(serverUrl: string, practice: string): string {
  return `npm run server:setup -- --url ${serverUrl} --admin <server admin> --practice ${practice}`;
}

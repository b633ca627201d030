/**
 * The Sync screen's version of `server:setup --check`, for a practice admin: reads each practice
 * database's rules document (and `_security` where the server lets this user read it) through
 * the host's sync requests and compares them with what this version installs
 * (src-shared/sync/rules-check.ts). The embedded server lets members read `_design/tutordesk`
 * but only the server admin `_security`; CouchDB lets members read both.
 */
import { COLLECTION_NAMES, type CollectionName } from '../../../../src-shared/model/schemas';
import type { SyncRequester } from '../../../../src-shared/sync/http-contract';
import { DESIGN_DOC_ID, practiceDbName } from '../../../../src-shared/sync/names';
import { rulesDifferences, securityDifferences } from '../../../../src-shared/sync/rules-check';

export interface PracticeRulesCheck {
  /** What differs, one sentence per database (as `server:setup --check` says it). */
  differences: string[];
  /** Whether `_security` could be read and compared on every database. */
  securityChecked: boolean;
  /** Whether the rules documents could be read on every database. */
  rulesChecked: boolean;
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}

export async function checkPracticeRules(
  request: SyncRequester,
  practice: string,
  collections: readonly CollectionName[] = COLLECTION_NAMES,
): Promise<PracticeRulesCheck> {
  const differences: string[] = [];
  let securityChecked = true;
  let rulesChecked = true;
  for (const c of collections) {
    const db = practiceDbName(practice, c);
    const rules = await request({ path: `/${db}/${DESIGN_DOC_ID}`, method: 'GET', headers: {} });
    if (rules.status === 200 || rules.status === 404) {
      const doc = rules.status === 404 ? null : parse(rules.body);
      differences.push(...rulesDifferences(practice, c, doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : null));
    } else rulesChecked = false;
    const sec = await request({ path: `/${db}/_security`, method: 'GET', headers: {} });
    if (sec.status === 200) differences.push(...securityDifferences(practice, c, parse(sec.body)));
    else securityChecked = false;
  }
  return { differences, securityChecked, rulesChecked };
}

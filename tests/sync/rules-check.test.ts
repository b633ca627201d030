/**
 * The Sync screen's rules check (src-renderer/src/data/sync/rules-check.ts) against a real
 * embedded server: a practice admin, through the same requests the app makes (main's sync proxy
 * with the stored credentials), sees nothing on a freshly provisioned practice and the difference
 * once the server admin has emptied the rules of one database. On the embedded server `_security`
 * is the server admin's to read and the check says it could not compare it; CouchDB 3.5 lets
 * members read it, so there it is compared too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performSyncFetch } from '../../src-main/sync-proxy';
import { checkPracticeRules } from '../../src-renderer/src/data/sync/rules-check';
import type { SyncRequester } from '../../src-shared/sync/http-contract';
import { DESIGN_DOC_ID, practiceDbName } from '../../src-shared/sync/names';
import { rulesDifferences, securityDifferences, expectedSecurity } from '../../src-shared/sync/rules-check';
import { designDocFor } from '../../src-shared/sync/validate-doc-update';
import { startTestServer, target, type TestServer } from './helpers/server';

let server: TestServer;
let PRACTICE: string;
let USERS: TestServer['users'];
const requester =
  (user: { username: string; password: string }): SyncRequester =>
  (req) =>
    performSyncFetch({ serverUrl: server.url, username: user.username, password: user.password, practice: PRACTICE }, req);

beforeAll(async () => {
  server = await startTestServer();
  ({ practice: PRACTICE, users: USERS } = server);
}, 120_000);
afterAll(async () => {
  await server?.cleanup();
});

describe(`${target.title} the rules check a practice admin sees on the Sync screen`, () => {
  it('a provisioned practice: nothing differs', async () => {
    const check = await checkPracticeRules(requester(USERS.admin), PRACTICE);
    // The embedded server's guard keeps `_security` for the server admin; CouchDB 3.5 lets members read it.
    expect(check).toEqual({ differences: [], securityChecked: target.kind !== 'pouchdb', rulesChecked: true });
  });

  it('the server admin empties the rules of one database: the practice admin is told which', async () => {
    const db = practiceDbName(PRACTICE, 'payments');
    const cur = (await server.admin('GET', `/${db}/${DESIGN_DOC_ID}`)).json as Record<string, unknown>;
    const put = await server.admin('PUT', `/${db}/${DESIGN_DOC_ID}`, { ...cur, validate_doc_update: 'function () {}' });
    expect(put.status).toBe(201);
    try {
      const check = await checkPracticeRules(requester(USERS.admin), PRACTICE);
      expect(check.differences).toEqual([
        `${db}: the rules (${DESIGN_DOC_ID} validate_doc_update) differ from this version's (they are empty: nothing is checked)`,
      ]);
      expect(check.rulesChecked).toBe(true);
      // A tutor may read the rules document too, never change it.
      expect((await server.as(USERS.alice, 'GET', `/${db}/${DESIGN_DOC_ID}`)).status).toBe(200);
      const rev = ((await server.admin('GET', `/${db}/${DESIGN_DOC_ID}`)).json as { _rev: string })._rev;
      expect([401, 403]).toContain(
        (await server.as(USERS.admin, 'PUT', `/${db}/${DESIGN_DOC_ID}`, { ...designDocFor(PRACTICE, 'payments'), _rev: rev })).status,
      );
      // Only the embedded server's guard hides other design documents from members.
      if (target.kind === 'pouchdb') expect((await server.as(USERS.admin, 'GET', `/${db}/_design/other`)).status).toBe(403);
    } finally {
      const now = (await server.admin('GET', `/${db}/${DESIGN_DOC_ID}`)).json as Record<string, unknown>;
      await server.admin('PUT', `/${db}/${DESIGN_DOC_ID}`, { ...designDocFor(PRACTICE, 'payments'), _rev: now._rev });
    }
    expect((await checkPracticeRules(requester(USERS.admin), PRACTICE)).differences).toEqual([]);
  });
});

describe('the comparison (pure)', () => {
  it('names a missing rules document, another version and a changed _security', () => {
    expect(rulesDifferences('demo', 'students', null)).toEqual(['tutordesk-demo-students: the rules (_design/tutordesk) are missing']);
    expect(rulesDifferences('demo', 'students', designDocFor('demo', 'students'))).toEqual([]);
    expect(rulesDifferences('demo', 'students', { ...designDocFor('demo', 'students'), tutordesk: { rulesVersion: 0 } })[0]).toMatch(
      /describes itself as/,
    );
    expect(securityDifferences('demo', 'students', expectedSecurity('demo'))).toEqual([]);
    const widened = { ...expectedSecurity('demo'), admins: { names: [], roles: ['tutordesk-demo-admin'] } };
    expect(securityDifferences('demo', 'students', widened)[0]).toMatch(/_security is .*tutordesk-demo-admin/);
  });
});

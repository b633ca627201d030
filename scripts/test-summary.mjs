// Adds up vitest's and Playwright's JSON reports and the failed non-test stages into one line, after a
// line per sync server (tests whose title starts with the server's name in brackets, e.g.
// "[CouchDB stand-in] …"), and one line saying how to add a CouchDB when COUCH_URL is not set.
import { existsSync, readFileSync } from 'node:fs';

const [vitestFile, playwrightFile, ...failedStages] = process.argv.slice(2);
let passed = 0;
let vitestFailed = 0;
let playwrightFailed = 0;
let failed = 0;
let skipped = 0;

/** Per sync server: passed, failed, skipped. */
const servers = new Map();
const SERVER_IN_TITLE = /^\[([^\]]+)\]/;
function countServer(titles, outcome) {
  const name = titles.map((t) => SERVER_IN_TITLE.exec(t)?.[1]).find(Boolean);
  if (!name) return;
  const s = servers.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
  s[outcome]++;
  servers.set(name, s);
}

if (vitestFile && existsSync(vitestFile)) {
  const v = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += v.numPassedTests ?? 0;
  vitestFailed = (v.numFailedTests ?? 0) + (v.numFailedTestSuites && !v.numFailedTests ? v.numFailedTestSuites : 0);
  failed += vitestFailed;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  for (const file of v.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      const outcome = t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped';
      countServer([...(t.ancestorTitles ?? []), t.title ?? ''], outcome);
    }
  }
} else {
  failed += 1;
  console.log('No vitest report was written.');
}
if (playwrightFile && existsSync(playwrightFile)) {
  const p = JSON.parse(readFileSync(playwrightFile, 'utf8'));
  passed += p.stats?.expected ?? 0;
  playwrightFailed = (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
  failed += playwrightFailed;
  skipped += p.stats?.skipped ?? 0;
  const walk = (suite, titles) => {
    const here = suite.title ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const outcome = t.status === 'expected' ? 'passed' : t.status === 'skipped' ? 'skipped' : 'failed';
        countServer([...here, spec.title], outcome);
      }
    }
    for (const s of suite.suites ?? []) walk(s, here);
  };
  for (const s of p.suites ?? []) walk(s, []);
} else {
  failed += 1;
  console.log('No Playwright report was written.');
}
// A test stage that failed without a failing test (e.g. its server could not start) counts too.
const stageFailures = failedStages.filter(
  (s) => !(/vitest/.test(s) && vitestFailed > 0) && !(/Playwright/.test(s) && playwrightFailed > 0),
);
for (const s of stageFailures) console.log(`Failed stage: ${s}`);
failed += stageFailures.length;

if (servers.size) {
  console.log('');
  console.log('Sync suites by server:');
  for (const [name, s] of servers) {
    console.log(`  ${name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  }
}
if (!process.env.COUCH_URL) {
  console.log(
    'The sync suites ran on PouchDB Server and the CouchDB stand-in only; to add a real CouchDB, start one (e.g. the official couchdb:3.5 container), set it up as docs/testing.md says and run COUCH_URL=http://127.0.0.1:5984 COUCH_ADMIN_USER=admin COUCH_ADMIN_PASSWORD=… npm test',
  );
}
console.log('');
console.log(`Summary: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || failedStages.length > 0 ? 1 : 0);

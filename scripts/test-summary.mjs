// Adds up vitest's and Playwright's JSON reports and the failed non-test stages into one line.
import { existsSync, readFileSync } from 'node:fs';

const [vitestFile, playwrightFile, ...failedStages] = process.argv.slice(2);
let passed = 0;
let vitestFailed = 0;
let playwrightFailed = 0;
let failed = 0;
let skipped = 0;

if (vitestFile && existsSync(vitestFile)) {
  const v = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += v.numPassedTests ?? 0;
  vitestFailed = (v.numFailedTests ?? 0) + (v.numFailedTestSuites && !v.numFailedTests ? v.numFailedTestSuites : 0);
  failed += vitestFailed;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
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
console.log('');
console.log(`Summary: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || failedStages.length > 0 ? 1 : 0);

/**
 * Global setup of the `[CouchDB … at COUCH_URL]` vitest project (vitest.config.ts): checks the
 * server ONCE for the whole run (reachable, the admin's password right, set up as docs/sync.md
 * says) and hands the result to the test files. A wrong password is tried once and never again:
 * CouchDB 3.5 locks an account out after 5 failed logins.
 */
import type { TestProject } from 'vitest/node';
import { couchFromEnv, probeCouch, type CouchProbe } from '../../../scripts/lib/couch-remote';

export default async function setup(project: TestProject): Promise<void> {
  let probe: CouchProbe;
  try {
    const env = couchFromEnv();
    if (!env) throw new Error('COUCH_URL is not set');
    probe = await probeCouch(env);
  } catch (e) {
    const url = process.env.COUCH_URL ?? '';
    probe = {
      url,
      admin: { username: '', password: '' },
      version: '?',
      vendor: '?',
      name: `CouchDB at ${url}`,
      error: (e as Error).message,
      problems: [],
    };
  }
  const state = probe.error
    ? `NOT usable: ${probe.error}`
    : probe.problems.length
      ? `not set up as docs/sync.md says: ${probe.problems.join('; ')}`
      : 'set up as docs/sync.md says';
  console.log(`Sync suites on ${probe.name}: ${state}`);
  project.provide('couchServer', probe);
}

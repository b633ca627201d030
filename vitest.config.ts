import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Projects: `unit` (everything that needs no sync server) and one project per sync server the sync
 * suites (tests/sync) run against, each naming its server in every test title (tests/sync/helpers):
 * the embedded PouchDB Server, the strict CouchDB 3.5 stand-in, and the CouchDB named by COUCH_URL
 * when it is set (docs/testing.md).
 */
const SERVERLESS_SYNC = [
  'tests/sync/policy.test.ts',
  'tests/sync/json-equal.test.ts',
  'tests/sync/pouch-server-speedups.test.ts',
  'tests/sync/pouchdb-server-patches.test.ts',
  'tests/sync/server-access.test.ts',
  'tests/sync/guard-starting.test.ts',
];
/** Rows of the CouchDB 3.5 behaviour table: through the stand-in, and against a real CouchDB. */
const COUCH_ONLY = ['tests/sync/standin.test.ts'];
/**
 * The embedded server's own defences (its guard's authentication, route allow-list, request limits,
 * data folder modes): they test TutorDesk's server, not the protocol, so they run on it alone. An
 * Apache CouchDB's defences are its operator's (docs/security.md, docs/deploy.md).
 */
const EMBEDDED_ONLY = ['tests/sync/security.test.ts', 'tests/sync/server-limits.test.ts', 'tests/sync/server-secrets.test.ts'];
const SYNC = ['tests/sync/**/*.test.ts'];
const syncProject = (
  name: string,
  syncTarget: 'pouchdb' | 'standin' | 'couchdb',
  exclude: string[],
  extra: Record<string, unknown> = {},
) => ({
  extends: true as const,
  test: {
    name,
    include: SYNC,
    exclude: [...configDefaults.exclude, ...SERVERLESS_SYNC, ...exclude],
    provide: { syncTarget, couchServer: null },
    ...extra,
  },
});

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'src-shared/**/*.test.ts',
            'src-main/**/*.test.ts',
            'src-renderer/**/*.test.ts',
            'tests/unit/**/*.test.ts',
            'scripts/**/*.test.ts',
            ...SERVERLESS_SYNC,
          ],
        },
      },
      syncProject('sync: PouchDB Server', 'pouchdb', COUCH_ONLY),
      syncProject('sync: CouchDB stand-in', 'standin', EMBEDDED_ONLY),
      ...(process.env.COUCH_URL
        ? [
            syncProject(`sync: CouchDB at ${process.env.COUCH_URL}`, 'couchdb', EMBEDDED_ONLY, {
              globalSetup: ['tests/sync/helpers/couch-global-setup.ts'],
            }),
          ]
        : []),
    ],
  },
});

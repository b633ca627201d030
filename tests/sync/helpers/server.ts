/**
 * A real sync server for a test file of the sync suites: the server of the vitest project the file
 * runs in (vitest.config.ts: `[PouchDB Server]`, `[CouchDB stand-in]`, and `[CouchDB … at
 * COUCH_URL]` when set), with its own practice and users (targets.ts).
 *
 * A suite names its server in every test title with `target.title`, and starts it with
 * `startTestServer()` in `beforeAll` (and `cleanup()` in `afterAll`).
 */
import { inject } from 'vitest';
import type { CouchProbe } from '../../../scripts/lib/couch-remote';
import {
  couchTarget,
  POUCHDB_TARGET,
  STANDIN_TARGET,
  startTarget,
  type StartOptions,
  type SyncTarget,
  type TargetKind,
  type TestServer,
  DEFAULT_USERS,
} from './targets';

export type { TestServer, TestUser, SyncTarget, Auth } from './targets';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server of this vitest project (vitest.config.ts). */
    syncTarget: TargetKind;
    /** COUCH_URL's server as checked once by couch-global-setup.ts. */
    couchServer: CouchProbe | null;
  }
}

/** The server this test file runs against. */
export function currentTarget(): SyncTarget {
  const kind = inject('syncTarget') ?? 'pouchdb';
  if (kind === 'standin') return STANDIN_TARGET;
  if (kind === 'couchdb') {
    const probe = inject('couchServer');
    if (!probe) throw new Error('The CouchDB project runs without the result of couch-global-setup.ts');
    return couchTarget(probe);
  }
  return POUCHDB_TARGET;
}

export const target = currentTarget();

export function startTestServer<K extends string = keyof typeof DEFAULT_USERS>(options: StartOptions<K> = {}): Promise<TestServer<K>> {
  return startTarget<K>(target, options);
}

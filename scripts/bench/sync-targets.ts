/**
 * The servers the sync throughput bench runs against (scripts/bench/sync.ts), each with its own
 * practices and user, removed afterwards: the embedded PouchDB Server started here, and the CouchDB
 * named by COUCH_URL when it is set (scripts/lib/couch-remote.ts; its admin's password is tried
 * once). `npm run bench` prints each server's figures and, with more than one, a side-by-side table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSyncServer } from '../sync-server';
import { provisionPractice } from '../lib/couch-provision';
import { addCorsOrigin, couchFromEnv, probeCouch, removePractice } from '../lib/couch-remote';

export interface BenchSyncServer {
  url: string;
  /** The pull set's practice, a fresh push target for PouchDB, and one per push round of each TutorDesk build. */
  practices: { pull: string; pouchdb: string; push(side: PushSide, round: number): string };
  /** A practice admin of all three. */
  user: { username: string; password: string };
  stop(): Promise<void>;
}

/** Whose push a practice receives: this build's (`td`), this build's with encryption on (`enc`), or the baseline build's (BENCH_SYNC_BASELINE). */
export type PushSide = 'td' | 'base' | 'enc';

export interface BenchSyncStart {
  /** Browser origins to allow by CORS (the bench page's, and the baseline's). */
  origins: string[];
  /** Push rounds per side, and the sides. */
  pushRounds: number;
  sides: PushSide[];
}

const pushNames = (o: BenchSyncStart, name: (side: PushSide, round: number) => string) =>
  o.sides.flatMap((side) => Array.from({ length: o.pushRounds }, (_, r) => name(side, r + 1)));

export interface BenchSyncTarget {
  /** e.g. 'PouchDB Server', 'CouchDB 3.5.0 at http://127.0.0.1:5984'. */
  name: string;
  /** Starts (or connects to) the server, allowing the bench pages' origins by CORS. */
  start(o: BenchSyncStart): Promise<BenchSyncServer>;
}

export const embeddedBenchTarget: BenchSyncTarget = {
  name: 'PouchDB Server',
  async start(o) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tutordesk-bench-sync-'));
    const admin = { username: 'couchadmin', password: 'bench-admin-pw' };
    const user = { username: 'benchadmin', password: 'bench-user-pw' };
    const push = (side: PushSide, round: number) => `bench${side}${round}`;
    const practices = { pull: 'bench', pouchdb: 'benchpouch', push };
    const server = await startSyncServer({
      port: 0,
      dataDir,
      admin,
      practice: practices.pull,
      users: [{ ...user, role: 'admin' }],
      corsOrigins: o.origins,
      restartOnCrash: false,
    });
    for (const practice of [...pushNames(o, push), practices.pouchdb])
      await provisionPractice({ url: server.url, admin, practice, users: [{ ...user, role: 'admin' }] });
    return {
      url: server.url,
      practices,
      user,
      async stop() {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/** The embedded server, and COUCH_URL's CouchDB when set. */
export async function benchSyncTargets(): Promise<BenchSyncTarget[]> {
  const env = couchFromEnv();
  if (!env) return [embeddedBenchTarget];
  const probe = await probeCouch(env);
  const couch: BenchSyncTarget = {
    name: probe.name,
    async start(o) {
      if (probe.error) throw new Error(probe.error);
      if (probe.problems.length) throw new Error(`the server is not set up as docs/sync.md says: ${probe.problems.join('; ')}`);
      const id = `b${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
      const push = (side: PushSide, round: number) => `${id}-${side}${round}`;
      const practices = { pull: id, pouchdb: `${id}-pouch`, push };
      const user = { username: `${id}-benchadmin`, password: randomBytes(12).toString('base64url') };
      const removeOrigins: (() => Promise<void>)[] = [];
      for (const origin of o.origins) removeOrigins.push(await addCorsOrigin(env.url, env.admin, origin));
      const stop = async () => {
        try {
          await removePractice(env.url, env.admin, id, `${id}-`);
        } finally {
          for (const remove of removeOrigins.reverse()) await remove();
        }
      };
      try {
        for (const practice of [practices.pull, practices.pouchdb, ...pushNames(o, push)])
          await provisionPractice({ url: env.url, admin: env.admin, practice, users: [{ ...user, role: 'admin' }] });
      } catch (e) {
        await stop();
        throw e;
      }
      return { url: env.url, practices, user, stop };
    },
  };
  return [embeddedBenchTarget, couch];
}

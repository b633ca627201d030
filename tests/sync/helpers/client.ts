/**
 * Test-side handle of a simulated laptop (client-worker.ts in its own process). Every call is an
 * IPC round trip; an unhandled promise rejection inside the laptop is collected and fails the
 * test through `assertNoUnhandled()`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { CollectionName } from '../../../src-shared/model/schemas';
import type { SyncStatus } from '../../../src-renderer/src/data/sync/status';
import type { QuarantineRecord, SyncConflictRecord } from '../../../src-shared/sync/conflicts';

const here = dirname(fileURLToPath(import.meta.url));

let bundle: Promise<string> | null = null;
/**
 * The worker bundled into one file (esbuild, as Vite does): a laptop process then starts in about
 * a second instead of several with a TypeScript loader resolving RxDB's hundreds of modules.
 */
function workerBundle(): Promise<string> {
  bundle ??= (async () => {
    // One fixed place (rebuilt on every run; written then renamed, so test files building at
    // the same time never start a half-written bundle).
    const dir = join(here, '..', '..', '..', 'node_modules', '.cache', 'tutordesk-sync-tests');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, 'client-worker.mjs');
    const tmpfile = join(dir, `client-worker.${process.pid}.mjs`);
    await build({
      entryPoints: [join(here, 'client-worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: tmpfile,
      logLevel: 'warning',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    renameSync(tmpfile, outfile);
    return outfile;
  })();
  return bundle;
}

export type Doc = Record<string, unknown>;

export interface Laptop {
  name: string;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  open(collections?: readonly CollectionName[]): Promise<void>;
  close(): Promise<void>;
  setActor(staffId: string, deviceId?: string): Promise<void>;
  startSync(args: {
    serverUrl: string;
    practice: string;
    username: string;
    password: string;
    collections?: readonly CollectionName[];
    batchSize?: { push?: number; pull?: number };
    pollMs?: number;
  }): Promise<void>;
  stopSync(): Promise<void>;
  setOnline(online: boolean): Promise<void>;
  syncNow(): Promise<SyncStatus | null>;
  awaitInSync(timeoutMs?: number): Promise<void>;
  waitForState(state: SyncStatus['state'], timeoutMs?: number): Promise<SyncStatus>;
  status(): Promise<SyncStatus | null>;
  statuses(): Promise<string[]>;
  write(collection: CollectionName, id: string, values: Doc): Promise<Doc>;
  remove(collection: CollectionName, id: string): Promise<boolean>;
  get(collection: CollectionName, id: string): Promise<Doc | null>;
  dump(collections: readonly CollectionName[]): Promise<Record<string, Doc[]>>;
  conflicts(): Promise<SyncConflictRecord[]>;
  quarantine(): Promise<QuarantineRecord[]>;
  unhandled(): Promise<string[]>;
  assertNoUnhandled(): void;
  kill(): Promise<void>;
}

export async function spawnLaptop(name: string): Promise<Laptop> {
  const child: ChildProcess = fork(await workerBundle(), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; cmd: string }>();
  const unhandled: string[] = [];
  let nextId = 1;
  let exited = false;
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`laptop ${name} exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.on('message', (m: { type?: string; id?: number; ok?: boolean; result?: unknown; error?: string; reason?: string }) => {
      if (m.type === 'ready') {
        child.off('exit', onExit);
        resolve();
      } else if (m.type === 'unhandled') {
        unhandled.push(m.reason ?? '?');
      } else if (m.id !== undefined) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (!p) return;
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(`[${name}] ${p.cmd}: ${m.error}`));
      }
    });
  });
  child.on('exit', () => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`laptop ${name} exited during ${p.cmd}`));
    pending.clear();
  });
  const call = <T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error(`laptop ${name} is not running`));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, cmd });
      child.send({ id, cmd, args });
    });
  return {
    name,
    call,
    open: async (collections) => {
      await call('open', { name, ...(collections ? { collections } : {}) });
    },
    close: async () => {
      await call('close');
    },
    setActor: async (staffId, deviceId = `dev-${name}`) => {
      await call('setActor', { staffId, deviceId });
    },
    startSync: async (args) => {
      await call('startSync', args as Record<string, unknown>);
    },
    stopSync: async () => {
      await call('stopSync');
    },
    setOnline: async (online) => {
      await call('setOnline', { online });
    },
    syncNow: () => call('syncNow'),
    awaitInSync: async (timeoutMs = 30_000) => {
      await call('awaitInSync', { timeoutMs });
    },
    waitForState: (state, timeoutMs = 20_000) => call('waitForState', { state, timeoutMs }),
    status: () => call('status'),
    statuses: () => call('statuses'),
    write: (collection, id, values) => call('write', { collection, id, values }),
    remove: (collection, id) => call('remove', { collection, id }),
    get: (collection, id) => call('get', { collection, id }),
    dump: (collections) => call('dump', { collections }),
    conflicts: () => call('conflicts'),
    quarantine: () => call('quarantine'),
    unhandled: async () =>
      exited ? [...unhandled] : [...unhandled, ...(await call<string[]>('unhandled')).filter((u) => !unhandled.includes(u))],
    assertNoUnhandled() {
      if (unhandled.length) throw new Error(`unhandled rejection in laptop ${name}: ${unhandled.join(' | ')}`);
    },
    kill: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

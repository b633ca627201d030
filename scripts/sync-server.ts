/**
 * The embedded default sync server: `npm run sync-server [-- --port 5984 --data ./folder]`.
 *
 * Starts PouchDB Server (express-pouchdb over LevelDB, in a child process behind a guard that
 * refuses the requests that would crash it, see scripts/lib/couch-guard.ts) on 127.0.0.1, with a
 * server admin, CORS limited to the given origins, and a provisioned practice with an admin and a
 * tutor user. Data and the generated passwords are kept in the data folder across restarts. If
 * the server process dies anyway it is restarted.
 *
 * `startSyncServer(options)` does the same from tests and the Playwright e2e setup.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { provisionPractice, type PracticeUserSpec, type ProvisionReport } from './lib/couch-provision';
import type { ChildConfig } from './lib/couch-server-child';
import { assertPracticeId } from '../src-shared/sync/names';

export interface SyncServerUser {
  username: string;
  password: string;
  role: 'admin' | 'tutor';
  staffId?: string;
}

export interface SyncServerOptions {
  /** TCP port; 0 (the default for tests) picks a free one. */
  port?: number;
  /** Loopback address to bind; default 127.0.0.1. */
  host?: string;
  /** Data folder (LevelDB files, config, generated passwords). */
  dataDir: string;
  /** Server admin; generated (and remembered in the data folder) when omitted. */
  admin?: { username: string; password: string };
  /** Browser origins allowed by CORS; default the Vite dev server's. */
  corsOrigins?: string[];
  /** Practice to provision; default 'demo'. `null` skips provisioning. */
  practice?: string | null;
  /** Users of the practice; default a practice admin `admin` and a tutor `tutor` with generated passwords. */
  users?: SyncServerUser[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Restart the server process if it dies; default true. */
  restartOnCrash?: boolean;
}

export interface RunningSyncServer {
  /** e.g. 'http://127.0.0.1:5984' (no trailing slash). */
  url: string;
  port: number;
  dataDir: string;
  admin: { username: string; password: string };
  practice: string | null;
  users: SyncServerUser[];
  provision: ProvisionReport | null;
  /** How many times the server process was restarted after dying. */
  restarts(): number;
  stop(): Promise<void>;
}

export const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173', 'http://localhost:4173', 'http://127.0.0.1:4173'];

interface StoredSecrets {
  admin?: { username: string; password: string };
  users?: SyncServerUser[];
}

const here = dirname(fileURLToPath(import.meta.url));
const childEntry = join(here, 'lib', 'couch-server-child.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const password = () => randomBytes(9).toString('base64url');

function readSecrets(dataDir: string): StoredSecrets {
  const file = join(dataDir, 'tutordesk-server.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
  } catch {
    return {};
  }
}

function writeSecrets(dataDir: string, secrets: StoredSecrets): void {
  const file = join(dataDir, 'tutordesk-server.json');
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function spawnChild(config: ChildConfig): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(childEntry, [], {
      // A larger young generation: PouchDB allocates a lot of short-lived objects per document
      // (errors for every lookup that finds nothing, copies of every body), and with V8's default
      // 16 MB semi-spaces the server spent ~15% of its time in scavenges; ~10% faster writes.
      execArgv: ['--import', tsxLoader, '--max-semi-space-size=32'],
      env: { ...process.env, TUTORDESK_SERVER_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const onExit = (code: number | null) => reject(new Error(`The sync server process exited (${code}) before it was ready. ${stderr}`));
    child.once('exit', onExit);
    child.on('message', (m: { type: string; port?: number; message?: string; code?: string }) => {
      if (m.type === 'ready') {
        child.off('exit', onExit);
        resolvePromise({ child, port: m.port ?? config.port });
      } else if (m.type === 'error') {
        child.off('exit', onExit);
        reject(new Error(m.code === 'EADDRINUSE' ? `Port ${config.port} is already in use; choose another with --port.` : `The sync server could not start: ${m.message}`));
      }
    });
  });
}

export async function startSyncServer(options: SyncServerOptions): Promise<RunningSyncServer> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) throw new Error(`The embedded server only listens on a loopback address (got ${host}).`);
  const secrets = readSecrets(dataDir);
  const admin = options.admin ?? secrets.admin ?? { username: 'couchadmin', password: password() };
  const practice = options.practice === undefined ? 'demo' : options.practice;
  if (practice) assertPracticeId(practice);
  const users: SyncServerUser[] =
    options.users ??
    secrets.users ?? [
      { username: 'admin', password: password(), role: 'admin' },
      { username: 'tutor', password: password(), role: 'tutor' },
    ];
  writeSecrets(dataDir, { admin, users });

  const config: ChildConfig = { host, port: options.port ?? 0, dataDir, admin, corsOrigins: options.corsOrigins ?? DEFAULT_CORS_ORIGINS };
  const first = await spawnChild(config);
  let child = first.child;
  const port = first.port;
  config.port = port;
  const url = `http://${host}:${port}`;
  let stopping = false;
  let restarts = 0;

  const supervise = (c: ChildProcess) => {
    c.once('exit', (code, signal) => {
      if (stopping || options.restartOnCrash === false) return;
      restarts++;
      options.log?.(`The sync server process stopped (${code ?? signal}); restarting it.`);
      spawnChild(config)
        .then((r) => {
          child = r.child;
          supervise(child);
        })
        .catch((e: Error) => options.log?.(`Could not restart the sync server: ${e.message}`));
    });
  };
  supervise(child);

  let provision: ProvisionReport | null = null;
  try {
    if (practice) {
      const specs: PracticeUserSpec[] = users.map((u) => ({ username: u.username, password: u.password, role: u.role, ...(u.staffId ? { staffId: u.staffId } : {}) }));
      provision = await provisionPractice({ url, admin, practice, users: specs, ...(options.log ? { log: options.log } : {}) });
      for (const u of users) u.staffId = provision.users.find((p) => p.username === u.username)?.staffId ?? u.staffId;
      writeSecrets(dataDir, { admin, users });
    }
  } catch (e) {
    stopping = true;
    child.kill('SIGTERM');
    throw e;
  }

  return {
    url,
    port,
    dataDir,
    admin,
    practice,
    users,
    provision,
    restarts: () => restarts,
    stop: () =>
      new Promise<void>((done) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

function defaultDataDir(): string {
  const local = resolve('.tutordesk-server');
  if (existsSync(resolve('package.json'))) return local;
  return join(homedir(), '.tutordesk-server');
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5984' },
      data: { type: 'string' },
      admin: { type: 'string' },
      practice: { type: 'string', default: 'demo' },
      'admin-user': { type: 'string', multiple: true },
      tutor: { type: 'string', multiple: true },
      'cors-origin': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`Usage: npm run sync-server -- [--port 5984] [--data ./.tutordesk-server] [--admin name:password]
       [--practice demo] [--admin-user name:password]... [--tutor name:password]... [--cors-origin http://localhost:5173]...
Starts PouchDB Server on 127.0.0.1 with a provisioned practice. Passwords not given are generated once
and kept in <data>/tutordesk-server.json.`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (got ${values.port})`);
  const splitUser = (s: string, role: 'admin' | 'tutor'): SyncServerUser => {
    const i = s.indexOf(':');
    if (i <= 0) throw new Error(`"${s}" must be name:password`);
    return { username: s.slice(0, i), password: s.slice(i + 1), role };
  };
  const dataDir = values.data ? resolve(values.data) : defaultDataDir();
  const given = [...(values['admin-user'] ?? []).map((u) => splitUser(u, 'admin')), ...(values.tutor ?? []).map((u) => splitUser(u, 'tutor'))];
  const adminSpec = values.admin ? splitUser(values.admin, 'admin') : undefined;
  const server = await startSyncServer({
    port,
    dataDir,
    ...(adminSpec ? { admin: { username: adminSpec.username, password: adminSpec.password } } : {}),
    practice: values.practice ?? 'demo',
    ...(given.length ? { users: given } : {}),
    ...(values['cors-origin']?.length ? { corsOrigins: values['cors-origin'] } : {}),
    log: (l) => console.log(l),
  });
  console.log(`
TutorDesk sync server (PouchDB Server) is running at ${server.url}
Data folder: ${server.dataDir}
Server admin: ${server.admin.username} / ${server.admin.password}

To connect TutorDesk: Settings → Sync
  Server address: ${server.url}
  Practice:       ${server.practice}
${server.users.map((u) => `  ${u.role === 'admin' ? 'Admin user:    ' : 'Tutor user:    '} ${u.username} / ${u.password}`).join('\n')}

Browser origins allowed (CORS): ${(values['cors-origin']?.length ? values['cors-origin'] : DEFAULT_CORS_ORIGINS).join(', ')}
Press Ctrl+C to stop.`);
  const stop = () => {
    server.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli().catch((e: Error) => {
    console.error(`sync-server: ${e.message}`);
    process.exit(1);
  });
}

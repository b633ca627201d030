/**
 * The embedded default sync server: `npm run sync-server [-- --port 5984 --data ./folder]`.
 *
 * Starts PouchDB Server (express-pouchdb over LevelDB, in a child process behind the guard of
 * scripts/lib/couch-guard.ts: authentication, an allow-list of routes, membership, limits, Host
 * check) on 127.0.0.1, with a server admin, CORS limited to the given origins, and a provisioned
 * practice with an admin and a tutor user. The data folder (0700, every file 0600) keeps the data,
 * the server admin's password and generated passwords across restarts. If the server process dies
 * anyway it is restarted. Passwords come from files or a prompt, never from the command line or
 * the environment, and are never printed (docs/security.md).
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
import { DEFAULT_SERVER_LIMITS, type ChildConfig, type ServerLimits } from './lib/couch-server-child';
import { canPrompt, NO_PASSWORDS_IN_ARGV, promptNewPassword, readPasswordFile, readPasswordsFile } from './lib/secret-input';
import { assertPracticeId } from '../src-shared/sync/names';

export interface SyncServerUser {
  username: string;
  /**
   * Omitted: an existing user keeps the password it has on the server; a new user gets a made-up
   * one, kept in the data folder's secrets file.
   */
  password?: string;
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
  /** Host names clients use besides the loopback names (a TLS proxy's public name); others get 421. */
  publicNames?: string[];
  /** Request limits (docs/security.md); defaults in DEFAULT_SERVER_LIMITS. */
  limits?: Partial<ServerLimits>;
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
  /** The server process's id (for monitoring). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

export const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173', 'http://localhost:4173', 'http://127.0.0.1:4173'];

/**
 * `<data>/tutordesk-server.json` (0600): the server admin (the launcher needs its password to
 * provision at every start) and the passwords this server generated for users, so the person
 * who started it can read them. Passwords given in a file or at the prompt are not kept here.
 */
interface StoredSecrets {
  admin?: { username: string; password: string };
  users?: SyncServerUser[];
}

export const SECRETS_FILE = 'tutordesk-server.json';

const here = dirname(fileURLToPath(import.meta.url));
const childEntry = join(here, 'lib', 'couch-server-child.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const password = () => randomBytes(9).toString('base64url');

function readSecrets(dataDir: string): StoredSecrets {
  const file = join(dataDir, SECRETS_FILE);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
  } catch {
    return {};
  }
}

function writeSecrets(dataDir: string, secrets: StoredSecrets): void {
  const file = join(dataDir, SECRETS_FILE);
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function spawnChild(config: ChildConfig): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolvePromise, reject) => {
    const env = { ...process.env };
    delete env.TUTORDESK_SERVER_CONFIG;
    const child = fork(childEntry, [], {
      // A larger young generation: PouchDB allocates a lot of short-lived objects per document
      // (errors for every lookup that finds nothing, copies of every body), and with V8's default
      // 16 MB semi-spaces the server spent ~15% of its time in scavenges; ~10% faster writes.
      execArgv: ['--import', tsxLoader, '--max-semi-space-size=32'],
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    // The configuration (with the server admin's password) goes over the IPC channel: never in
    // the child's environment or command line, which other processes can read.
    child.send({ type: 'config', config });
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
        reject(
          new Error(
            m.code === 'EADDRINUSE'
              ? `Port ${config.port} is already in use; choose another with --port.`
              : `The sync server could not start: ${m.message}`,
          ),
        );
      }
    });
  });
}

export async function startSyncServer(options: SyncServerOptions): Promise<RunningSyncServer> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const host = options.host ?? '127.0.0.1';
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host))
    throw new Error(`The embedded server only listens on a loopback address (got ${host}).`);
  const secrets = readSecrets(dataDir);
  const admin = options.admin ?? secrets.admin ?? { username: 'couchadmin', password: password() };
  const practice = options.practice === undefined ? 'demo' : options.practice;
  if (practice) assertPracticeId(practice);
  const users: SyncServerUser[] = options.users ??
    secrets.users ?? [
      { username: 'admin', password: password(), role: 'admin' },
      { username: 'tutor', password: password(), role: 'tutor' },
    ];
  // Kept: the admin (needed at every start) and users whose passwords this server made up.
  const madeUp = new Map<string, SyncServerUser>((options.users ? (secrets.users ?? []) : users).map((u) => [u.username, u]));
  const generatedUsers = () => [...madeUp.values()];
  writeSecrets(dataDir, { admin, users: generatedUsers() });

  const config: ChildConfig = {
    host,
    port: options.port ?? 0,
    dataDir,
    admin,
    corsOrigins: options.corsOrigins ?? DEFAULT_CORS_ORIGINS,
    publicNames: options.publicNames ?? [],
    limits: { ...DEFAULT_SERVER_LIMITS, ...(options.limits ?? {}) },
    // While the practice is set up below, clients get 503 "starting" (and retry) instead of
    // answers from half-written users or rules.
    openAtStart: !practice,
  };
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
      const ifNew = new Map<string, string>();
      const specs: PracticeUserSpec[] = users.map((u) => {
        if (u.password === undefined) ifNew.set(u.username, password());
        return {
          username: u.username,
          role: u.role,
          ...(u.password !== undefined ? { password: u.password } : { passwordIfNew: ifNew.get(u.username)! }),
          ...(u.staffId ? { staffId: u.staffId } : {}),
        };
      });
      provision = await provisionPractice({ url, admin, practice, users: specs, ...(options.log ? { log: options.log } : {}) });
      for (const u of users) {
        const report = provision.users.find((p) => p.username === u.username);
        u.staffId = report?.staffId ?? u.staffId;
        if (report?.created && ifNew.has(u.username)) {
          u.password = ifNew.get(u.username)!;
          madeUp.set(u.username, u);
        }
      }
      writeSecrets(dataDir, { admin, users: generatedUsers() });
    }
    child.send({ type: 'open' });
    // A process restarted after a crash finds everything set up: open at once.
    config.openAtStart = true;
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
    pid: () => child.pid,
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

const USAGE = `Usage: npm run sync-server -- [--port 5984] [--data ./.tutordesk-server] [--practice demo]
         [--admin <name>] [--admin-password-file <file>]
         [--admin-user <name>]... [--tutor <name>]... [--passwords-file <file>]
         [--cors-origin http://localhost:5173]... [--public-name couch.example.org]...
         [--max-request-mb 32] [--max-connections-per-client 64]

Starts PouchDB Server on 127.0.0.1 with a provisioned practice.

Passwords are never given on the command line. The server admin's comes from --admin-password-file,
else from the data folder, else it is asked for on the terminal (when --admin names a new admin) or
made up. Users' passwords come from --passwords-file (lines "name:password"), else the terminal, else
they are made up. Made-up passwords are written to <data>/${SECRETS_FILE} (readable only by you); its
path is printed, the passwords are not.

  --public-name  a host name clients use to reach this server through a TLS proxy (others get 421)`;

interface CliArgs {
  options: Omit<SyncServerOptions, 'dataDir'> & { dataDir: string };
  /** Users whose passwords must be asked for on the terminal. */
  ask: { label: string; set: (pw: string) => void }[];
}

/** Parses the command line (no passwords on it); reads password files. Throws with a message for the user. */
export function parseCli(argv: string[]): CliArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '5984' },
      data: { type: 'string' },
      admin: { type: 'string' },
      'admin-password-file': { type: 'string' },
      practice: { type: 'string', default: 'demo' },
      'admin-user': { type: 'string', multiple: true },
      tutor: { type: 'string', multiple: true },
      'passwords-file': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'public-name': { type: 'string', multiple: true },
      'max-request-mb': { type: 'string' },
      'max-connections-per-client': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (got ${values.port})`);
  const names = [values.admin, ...(values['admin-user'] ?? []), ...(values.tutor ?? [])].filter((n): n is string => n !== undefined);
  if (names.some((n) => n.includes(':'))) throw new Error(NO_PASSWORDS_IN_ARGV);
  const dataDir = values.data ? resolve(values.data) : defaultDataDir();
  const stored = readSecrets(dataDir);
  const file = values['passwords-file'] ? readPasswordsFile(values['passwords-file']) : new Map<string, string>();
  const ask: CliArgs['ask'] = [];
  const knownPassword = (name: string) => file.get(name) ?? stored.users?.find((u) => u.username === name)?.password;
  const given: SyncServerUser[] = [
    ...(values['admin-user'] ?? []).map((username) => ({ username, role: 'admin' as const })),
    ...(values.tutor ?? []).map((username) => ({ username, role: 'tutor' as const })),
  ];
  for (const u of given) {
    const pw = knownPassword(u.username);
    if (pw !== undefined) (u as SyncServerUser).password = pw;
    else if (canPrompt())
      ask.push({
        label: `${u.username} (${u.role === 'admin' ? 'practice admin' : 'tutor'}; empty keeps the current one)`,
        set: (p) => ((u as SyncServerUser).password = p || undefined),
      });
    // else: an existing user keeps its password; a new one gets a made-up password below
  }
  let admin: { username: string; password: string } | undefined;
  if (values['admin-password-file']) {
    admin = { username: values.admin ?? stored.admin?.username ?? 'couchadmin', password: readPasswordFile(values['admin-password-file']) };
  } else if (values.admin && stored.admin?.username !== values.admin) {
    admin = { username: values.admin, password: password() };
    if (canPrompt()) ask.push({ label: `the server admin ${values.admin}`, set: (p) => (admin!.password = p) });
  }
  const maxMb = values['max-request-mb'] !== undefined ? Number(values['max-request-mb']) : undefined;
  if (maxMb !== undefined && !(maxMb >= 1 && maxMb <= 4096)) throw new Error('--max-request-mb must be between 1 and 4096');
  const maxConn = values['max-connections-per-client'] !== undefined ? Number(values['max-connections-per-client']) : undefined;
  if (maxConn !== undefined && !(Number.isInteger(maxConn) && maxConn >= 4))
    throw new Error('--max-connections-per-client must be a whole number, at least 4');
  const limits: Partial<ServerLimits> = {};
  if (maxMb !== undefined) limits.maxRequestBytes = Math.round(maxMb * 1024 * 1024);
  if (maxConn !== undefined) limits.maxConnectionsPerClient = maxConn;
  return {
    options: {
      port,
      dataDir,
      ...(admin ? { admin } : {}),
      practice: values.practice ?? 'demo',
      ...(given.length ? { users: given } : {}),
      ...(values['cors-origin']?.length ? { corsOrigins: values['cors-origin'] } : {}),
      ...(values['public-name']?.length ? { publicNames: values['public-name'] } : {}),
      limits,
    },
    ask,
  };
}

async function cli(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  for (const q of parsed.ask) q.set(await promptNewPassword(q.label).catch(() => ''));
  const server = await startSyncServer({ ...parsed.options, log: (l) => console.log(l) });
  const origins = parsed.options.corsOrigins ?? DEFAULT_CORS_ORIGINS;
  console.log(`
TutorDesk sync server (PouchDB Server) is running at ${server.url}
Data folder: ${server.dataDir} (only you can read it)
Server admin: ${server.admin.username}

To connect TutorDesk: Settings → Sync
  Server address: ${server.url}
  Practice:       ${server.practice}
${server.users.map((u) => `  ${u.role === 'admin' ? 'Admin user:    ' : 'Tutor user:    '} ${u.username}`).join('\n')}

Passwords made up by this server (and the server admin's) are in ${join(server.dataDir, SECRETS_FILE)}.
Browser origins allowed (CORS): ${origins.join(', ')}
Press Ctrl+C to stop.`);
  const stop = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
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

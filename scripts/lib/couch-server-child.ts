/**
 * The embedded sync server process: PouchDB Server's express-pouchdb app (LevelDB data folder)
 * behind the guard of couch-guard.ts, on a loopback address. Started and supervised by
 * `startSyncServer` (scripts/sync-server.ts) with `fork`; its configuration (with the server
 * admin's password) arrives over the IPC channel, never in its environment or command line;
 * "ready" (with the port) is reported back over IPC.
 *
 * Secrets at rest: the process runs with umask 077, so every file PouchDB Server or LevelDB
 * writes (its config with the cookie secret and the admin's hash, the databases, the log) is
 * created 0600 and every folder 0700; the data folder is swept to those modes at start and after
 * the server is up, and a watcher re-checks each file PouchDB Server writes again.
 *
 * Limits (docs/security.md): header and request timeouts, connections per client address, body
 * caps (in the guard), no `Expect: 100-continue` answered before the guard agrees.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createRequire } from 'node:module';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuard, DEFAULT_LIMITS, type GuardSettings } from './couch-guard';
import { ServerAccess } from './pouch-server-access';
import { answerKeysWithReads, cacheCompiledDesignFunctions, shareConcurrentDesignReads } from './pouch-server-speedups';

export interface ServerLimits {
  maxRequestBytes: number;
  maxDocumentBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnectionsPerClient: number;
  maxFailedLoginsPerMinute: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  ...DEFAULT_LIMITS,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  maxConnectionsPerClient: 64,
};

export interface ChildConfig {
  host: string;
  port: number;
  dataDir: string;
  admin: { username: string; password: string };
  /** Browser origins allowed by CORS (besides those configured through `_node/_local/_config/cors`). */
  corsOrigins: string[];
  /** Host names this server answers to besides the loopback names (e.g. behind a TLS proxy). */
  publicNames: string[];
  limits: ServerLimits;
  /** Serve everyone from the start (default); false: only the server admin until an 'open' message. */
  openAtStart?: boolean;
}

/** PBKDF2 as Apache CouchDB 3.4+ hashes passwords by default. */
export const PASSWORD_ITERATIONS = 600_000;
export const PASSWORD_PRF = 'sha256';

const requireFromPouchServer = createRequire(createRequire(import.meta.url).resolve('pouchdb-server/package.json'));

/** Makes a folder and everything in it private to this user (0700 folders, 0600 files). */
export function makePrivate(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    if ((st.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
    for (const name of readdirSync(path)) makePrivate(join(path, name));
  } else if ((st.mode & 0o777) !== 0o600) {
    chmodSync(path, 0o600);
  }
}

function adminHash(password: string): string {
  const salt = randomBytes(16).toString('hex');
  const key = pbkdf2Sync(password, salt, PASSWORD_ITERATIONS, 32, PASSWORD_PRF).toString('hex');
  return `-pbkdf2:${PASSWORD_PRF}-${key},${salt},${PASSWORD_ITERATIONS}`;
}

/** Whether a stored `-pbkdf2:sha256-…` hash has today's strength and matches the password. */
function adminHashMatches(stored: unknown, password: string): boolean {
  const m = /^-pbkdf2:sha256-([0-9a-f]{64}),([0-9a-f]+),(\d+)$/.exec(String(stored ?? ''));
  if (!m || Number(m[3]) !== PASSWORD_ITERATIONS) return false;
  const key = pbkdf2Sync(password, m[2]!, PASSWORD_ITERATIONS, 32, PASSWORD_PRF);
  return timingSafeEqual(key, Buffer.from(m[1]!, 'hex'));
}

function prepareConfigFile(config: ChildConfig): string {
  const dbDir = join(config.dataDir, 'db');
  mkdirSync(dbDir, { recursive: true, mode: 0o700 });
  const configPath = join(config.dataDir, 'pouchdb-config.json');
  const existing = existsSync(configPath) ? (JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, Record<string, unknown>>) : {};
  const admins = { ...(existing.admins ?? {}) };
  if (!adminHashMatches(admins[config.admin.username], config.admin.password))
    admins[config.admin.username] = adminHash(config.admin.password);
  const next = {
    ...existing,
    admins,
    httpd: { ...(existing.httpd ?? {}), enable_cors: false },
    couch_httpd_auth: {
      ...(existing.couch_httpd_auth ?? {}),
      secret: (existing.couch_httpd_auth?.secret as string | undefined) ?? randomBytes(16).toString('hex'),
      iterations: PASSWORD_ITERATIONS,
      pbkdf2_prf: PASSWORD_PRF,
      timeout: 600,
    },
    // The body parser's limit: a second line behind the guard's caps.
    couchdb: { ...(existing.couchdb ?? {}), max_document_size: config.limits.maxRequestBytes },
    log: { ...(existing.log ?? {}), file: join(config.dataDir, 'pouchdb-server.log'), level: 'warning' },
  };
  writeFileSync(configPath, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  return configPath;
}

/** Settings changed through `server:setup` (CORS, logins required), kept in the data folder. */
class StoredSettings {
  private data: { enableCors: boolean; origins: string[]; requireValidUser: boolean };
  constructor(
    private readonly file: string,
    private readonly startupOrigins: string[],
  ) {
    let loaded: Partial<StoredSettings['data']> = {};
    try {
      loaded = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredSettings['data']>;
    } catch {
      loaded = {};
    }
    this.data = {
      enableCors: loaded.enableCors ?? false,
      origins: loaded.origins ?? [],
      requireValidUser: loaded.requireValidUser ?? false,
    };
  }

  settings(): GuardSettings {
    const configured = this.data.enableCors ? this.data.origins : [];
    return { corsOrigins: [...new Set([...this.startupOrigins, ...configured])], requireLoginForRoot: this.data.requireValidUser };
  }

  value(section: string, key: string): string | undefined {
    if (section === 'chttpd' && key === 'enable_cors') return String(this.data.enableCors);
    if (section === 'chttpd' && (key === 'require_valid_user_except_for_up' || key === 'require_valid_user'))
      return String(this.data.requireValidUser);
    if (section === 'cors' && key === 'origins') return this.data.origins.join(', ');
    if (section === 'cors' && key === 'credentials') return 'true';
    if (section === 'cors' && key === 'methods') return 'GET, HEAD, POST, PUT, DELETE';
    if (section === 'cors' && key === 'headers') return 'accept, authorization, content-type, origin, referer';
    return undefined;
  }

  set(section: string, key: string, value: string | null): { ok: true; previous: string } | { ok: false; status: number; reason: string } {
    const previous = this.value(section, key);
    if (previous === undefined)
      return {
        ok: false,
        status: 400,
        reason: `${section}/${key} is not a setting of this server (it answers chttpd/enable_cors, chttpd/require_valid_user_except_for_up and cors/*).`,
      };
    const v = (value ?? '').trim();
    const bool = () => (v === 'true' ? true : v === 'false' || v === '' ? false : null);
    if (section === 'chttpd') {
      const b = bool();
      if (b === null) return { ok: false, status: 400, reason: `${key} must be true or false.` };
      if (key === 'enable_cors') this.data.enableCors = b;
      else this.data.requireValidUser = b;
    } else if (key === 'origins') {
      const origins = v
        ? v
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
        : [];
      for (const o of origins) {
        if (o === '*')
          return { ok: false, status: 400, reason: 'Name the origins: "*" would let any web page use the logins of this server.' };
        let u: URL;
        try {
          u = new URL(o);
        } catch {
          return { ok: false, status: 400, reason: `${o} is not an origin (scheme://host[:port]).` };
        }
        if (u.origin !== o || (u.protocol !== 'http:' && u.protocol !== 'https:'))
          return { ok: false, status: 400, reason: `${o} is not an origin (scheme://host[:port], no path).` };
      }
      this.data.origins = origins;
    }
    // credentials / methods / headers are fixed to what the app needs: accepted, not changed.
    writeFileSync(this.file, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    return { ok: true, previous: previous };
  }
}

function start(config: ChildConfig): void {
  // tsx turns on source-mapped stack traces; PouchDB creates an error (with its stack) for every
  // document it looks up and does not find, e.g. each new document a `_bulk_docs` validates, and
  // mapping those stacks cost ~10% of the server's time for writes. Only this file is TypeScript.
  process.setSourceMapsEnabled(false);
  // Everything PouchDB Server and LevelDB create is private to this user.
  process.umask(0o077);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  makePrivate(config.dataDir);
  const configPath = prepareConfigFile(config);
  cacheCompiledDesignFunctions(requireFromPouchServer('couchdb-eval'));
  const PouchDB = requireFromPouchServer('pouchdb-core')
    .plugin(requireFromPouchServer('pouchdb-adapter-leveldb'))
    .plugin(requireFromPouchServer('pouchdb-adapter-http'))
    .plugin(requireFromPouchServer('pouchdb-replication'))
    .plugin(requireFromPouchServer('pouchdb-mapreduce'))
    .plugin(requireFromPouchServer('pouchdb-auth'));
  answerKeysWithReads(PouchDB);
  shareConcurrentDesignReads(PouchDB);
  const dbDir = join(config.dataDir, 'db');
  const Prefixed = PouchDB.defaults({ prefix: dbDir + '/' });
  const expressPouchDB = requireFromPouchServer('express-pouchdb');
  const app = expressPouchDB(Prefixed, {
    configPath,
    logPath: join(config.dataDir, 'pouchdb-server.log'),
    mode: 'fullCouchDB',
    // Fauxton (a web UI), the test authentication handler (admin for anyone once switched on)
    // and virtual hosts (URL rewriting by Host) are never used and only widen what can be reached.
    overrideMode: { exclude: ['routes/fauxton', 'routes/special-test-auth', 'routes/vhosts'] },
  });

  const access = new ServerAccess({ PouchDB: Prefixed, dbDir, configPath });
  // Closed to everyone but the server admin until the parent has set the practice up ('open').
  let open = config.openAtStart ?? true;
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'open') open = true;
  });
  const stored = new StoredSettings(join(config.dataDir, 'tutordesk-guard.json'), config.corsOrigins);
  const guard = createGuard(
    {
      publicNames: config.publicNames,
      limits: config.limits,
      settings: () => stored.settings(),
      configValue: (section, key) => stored.value(section, key),
      configure: (section, key, value) => stored.set(section, key, value),
      authenticate: (headers) => access.authenticate(headers),
      sessionRefused: (authorization, cookie) => access.sessionRefused(authorization, cookie),
      securityOf: (db) => access.securityOf(db),
      securityChanged: (db) => access.securityChanged(db),
      isOpen: () => open,
    },
    app,
  );

  const server = createServer(
    {
      headersTimeout: config.limits.headersTimeoutMs,
      requestTimeout: config.limits.requestTimeoutMs,
      connectionsCheckingInterval: 500,
      maxHeaderSize: 16 * 1024,
    },
    (req: IncomingMessage, res: ServerResponse) => guard(req, res),
  );
  // `Expect: 100-continue` is answered only once the guard has accepted the request.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => guard(req, res, true));
  server.keepAliveTimeout = 5000;
  const perClient = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const n = perClient.get(address) ?? 0;
    if (n >= config.limits.maxConnectionsPerClient) {
      socket.destroy();
      return;
    }
    perClient.set(address, n + 1);
    socket.once('close', () => {
      const left = (perClient.get(address) ?? 1) - 1;
      if (left <= 0) perClient.delete(address);
      else perClient.set(address, left);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
    socket.destroy();
  });
  server.on('error', (e) => {
    process.send?.({ type: 'error', message: (e as Error).message, code: (e as NodeJS.ErrnoException).code ?? '' });
    process.exit(3);
  });

  // PouchDB Server rewrites its config file (admin changes, hashing): re-check the modes, and
  // reload the authentication database when its admins or secret may have changed.
  let reloadTimer: NodeJS.Timeout | null = null;
  const watcher = watch(config.dataDir, (_event, filename) => {
    if (!filename) return makePrivate(config.dataDir);
    const path = join(config.dataDir, filename);
    if (existsSync(path)) makePrivate(path);
    if (filename === 'pouchdb-config.json') {
      if (reloadTimer) clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => void access.reload().catch(() => {}), 300);
    }
  });
  watcher.on('error', () => {});

  access
    .reload()
    .then(
      () =>
        new Promise<void>((resolve) =>
          server.listen(config.port, config.host, () => {
            makePrivate(config.dataDir);
            const addr = server.address();
            const port = typeof addr === 'object' && addr ? addr.port : config.port;
            process.send?.({ type: 'ready', port });
            resolve();
          }),
        ),
    )
    .catch((e: Error) => {
      process.send?.({ type: 'error', message: e.message, code: '' });
      process.exit(3);
    });
  // LevelDB may create files a little after start (logs, manifests): one more sweep.
  setTimeout(() => makePrivate(config.dataDir), 2000).unref();

  const shutdown = () => {
    watcher.close();
    server.close();
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('disconnect', shutdown);
}

// The configuration arrives as the first IPC message (only when this file is the process's entry:
// sync-server.ts imports its types and defaults).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.once('message', (m: { type?: string; config?: ChildConfig }) => {
    if (m?.type !== 'config' || !m.config) {
      process.send?.({ type: 'error', message: 'No configuration received', code: '' });
      process.exit(2);
    }
    start(m.config);
  });

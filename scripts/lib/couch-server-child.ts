/**
 * The embedded sync server process: PouchDB Server's express-pouchdb app (LevelDB data folder)
 * behind the guard of couch-guard.ts, on a loopback address. Started and supervised by
 * `startSyncServer` (scripts/sync-server.ts) with `fork`; configuration arrives in the
 * TUTORDESK_SERVER_CONFIG environment variable; "ready" (with the port) is reported over IPC.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createGuard } from './couch-guard';
import { answerKeysWithReads, cacheCompiledDesignFunctions, shareConcurrentDesignReads } from './pouch-server-speedups';

export interface ChildConfig {
  host: string;
  port: number;
  dataDir: string;
  admin: { username: string; password: string };
  corsOrigins: string[];
}

const config = JSON.parse(process.env.TUTORDESK_SERVER_CONFIG ?? '{}') as ChildConfig;
const requireFromPouchServer = createRequire(createRequire(import.meta.url).resolve('pouchdb-server/package.json'));

function prepareConfigFile(): string {
  const dbDir = join(config.dataDir, 'db');
  mkdirSync(dbDir, { recursive: true });
  const configPath = join(config.dataDir, 'pouchdb-config.json');
  const existing = existsSync(configPath) ? (JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, Record<string, unknown>>) : {};
  const admins = { ...(existing.admins ?? {}) };
  // A plain password is hashed by express-pouchdb when it loads the file.
  admins[config.admin.username] = config.admin.password;
  const next = {
    ...existing,
    admins,
    httpd: { ...(existing.httpd ?? {}), enable_cors: false },
    couch_httpd_auth: {
      ...(existing.couch_httpd_auth ?? {}),
      secret: (existing.couch_httpd_auth?.secret as string | undefined) ?? randomBytes(16).toString('hex'),
    },
    log: { ...(existing.log ?? {}), file: join(config.dataDir, 'pouchdb-server.log'), level: 'warning' },
  };
  writeFileSync(configPath, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  return configPath;
}

function main(): void {
  // tsx turns on source-mapped stack traces; PouchDB creates an error (with its stack) for every
  // document it looks up and does not find, e.g. each new document a `_bulk_docs` validates, and
  // mapping those stacks cost ~10% of the server's time for writes. Only this file is TypeScript.
  process.setSourceMapsEnabled(false);
  const configPath = prepareConfigFile();
  cacheCompiledDesignFunctions(requireFromPouchServer('couchdb-eval'));
  const PouchDB = requireFromPouchServer('pouchdb-core')
    .plugin(requireFromPouchServer('pouchdb-adapter-leveldb'))
    .plugin(requireFromPouchServer('pouchdb-adapter-http'))
    .plugin(requireFromPouchServer('pouchdb-replication'))
    .plugin(requireFromPouchServer('pouchdb-mapreduce'));
  answerKeysWithReads(PouchDB);
  shareConcurrentDesignReads(PouchDB);
  const expressPouchDB = requireFromPouchServer('express-pouchdb');
  const app = expressPouchDB(PouchDB.defaults({ prefix: join(config.dataDir, 'db') + '/' }), {
    configPath,
    logPath: join(config.dataDir, 'pouchdb-server.log'),
    mode: 'fullCouchDB',
    overrideMode: { exclude: ['routes/fauxton'] },
  });

  let port = config.port;
  const isServerAdmin = async (headers: IncomingMessage['headers']): Promise<boolean> => {
    const h: Record<string, string> = { Accept: 'application/json' };
    if (headers.authorization) h.Authorization = String(headers.authorization);
    if (headers.cookie) h.Cookie = String(headers.cookie);
    const res = await fetch(`http://${config.host}:${port}/_session`, { headers: h });
    if (res.status !== 200) return false;
    const body = (await res.json()) as { userCtx?: { roles?: string[] } };
    return Boolean(body.userCtx?.roles?.includes('_admin'));
  };
  const server = createServer(createGuard({ corsOrigins: config.corsOrigins, isServerAdmin }, app));
  server.keepAliveTimeout = 5000;
  server.on('error', (e) => {
    process.send?.({ type: 'error', message: (e as Error).message, code: (e as NodeJS.ErrnoException).code ?? '' });
    process.exit(3);
  });
  server.listen(config.port, config.host, () => {
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : config.port;
    process.send?.({ type: 'ready', port });
  });
  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('disconnect', shutdown);
}

main();

/**
 * Checking a connection, in one place for "Test connection" (`testConnection`) and for the start
 * of every sync session (session.ts): who the server says we are, and whether the practice's
 * databases are there and ours to use. Each failure is one exact answer (errors.ts): server
 * unreachable, offline, TLS, CORS (browser build), wrong or changed password, account locked,
 * not a member, practice missing, not a CouchDB server, server error.
 *
 * `GET /_session` goes first and alone: with a wrong password it is the only request sent (each
 * failed sign-in counts towards CouchDB's lockout). Then one database, then the others in
 * parallel (at most 4 in flight, and the first refusal ends the rest: requests.ts).
 */
import { COLLECTION_NAMES, type CollectionName } from '../../../../src-shared/model/schemas';
import { identityFromRoles, practiceDbName, type PracticeIdentity } from '../../../../src-shared/sync/names';
import type { SyncRequester } from '../../../../src-shared/sync/http-contract';
import { CouchDatabase, getServerInfo, getSession, type ServerInfo } from './couchdb';
import { SyncError, toSyncError, type SyncErrorKind } from './errors';
import { SyncHttp } from './requests';

export interface ConnectionFacts {
  identity: PracticeIdentity & { username: string; roles: string[] };
  /** Documents on the server in the practice's databases (design documents not counted). */
  serverTotal: number;
}

/** Server root with exactly one trailing slash (no query, no fragment). */
export function normalizeServerUrl(serverUrl: string): string {
  let u: URL;
  try {
    u = new URL(serverUrl);
  } catch {
    throw new SyncError('not-configured', `"${serverUrl}" is not a server address.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new SyncError('not-configured', 'The server address must start with http:// or https://');
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/*$/, '/');
}

/** `GET /_session`: who the server says we are (name and roles); a wrong password is a SyncError. */
export async function checkCredentials(http: SyncHttp): Promise<{ name: string; roles: string[] }> {
  const session = await getSession(http);
  const name = session.userCtx?.name;
  if (!name) {
    const err = new SyncError('wrong-credentials', 'The server does not accept this username and password.', { path: '/_session' });
    http.endWith(err);
    throw err;
  }
  return { name, roles: session.userCtx?.roles ?? [] };
}

export async function checkConnection(http: SyncHttp, practice: string, collections: readonly CollectionName[]): Promise<ConnectionFacts> {
  const { name, roles } = await checkCredentials(http);
  const identity = { ...identityFromRoles(practice, roles), username: name, roles };
  const dbs = collections.map((c) => new CouchDatabase(http, practiceDbName(practice, c)));
  const count = async (db: CouchDatabase): Promise<number> => {
    const info = await db.info();
    if (!info)
      throw new SyncError('database-missing', `The practice database ${db.name} does not exist on the server.`, {
        status: 404,
        path: db.path,
      });
    return Math.max(0, (info.doc_count ?? 0) - 1);
  };
  let serverTotal = dbs.length ? await count(dbs[0]!) : 0;
  for (const n of await Promise.all(dbs.slice(1).map(count))) serverTotal += n;
  return { identity, serverTotal };
}

export type ConnectionTestResult =
  | {
      ok: true;
      server: { name: string; version: string };
      user: { name: string; roles: string[] } & PracticeIdentity;
      message: string;
    }
  | { ok: false; kind: SyncErrorKind; message: string; action: string; retryAfter?: string };

function describeServer(info: ServerInfo): { name: string; version: string } | null {
  if (!info.couchdb && !info.vendor && !('express-pouchdb' in info)) return null;
  const name = info.couchdb
    ? `Apache CouchDB${info.vendor?.name && info.vendor.name !== 'The Apache Software Foundation' ? ` (${info.vendor.name})` : ''}`
    : `${info.vendor?.name ?? 'CouchDB-compatible server'}${'express-pouchdb' in info ? ' (PouchDB Server)' : ''}`;
  return { name, version: String(info.version ?? info.vendor?.version ?? '?') };
}

export function failedTest(e: unknown): ConnectionTestResult & { ok: false } {
  const err = toSyncError(e);
  return {
    ok: false,
    kind: err.kind,
    message: err.message,
    action: err.action,
    ...(err.details.retryAfter ? { retryAfter: err.details.retryAfter } : {}),
  };
}

/**
 * "Test connection": an exact answer (see the file comment), or OK with the server's name and
 * version and who the user is.
 */
export async function testConnection(options: {
  serverUrl: string;
  practice: string;
  request: SyncRequester;
  collections?: readonly CollectionName[];
}): Promise<ConnectionTestResult> {
  try {
    normalizeServerUrl(options.serverUrl);
  } catch (e) {
    return failedTest(e);
  }
  const http = new SyncHttp(options.request);
  try {
    const facts = await checkConnection(http, options.practice, options.collections ?? COLLECTION_NAMES);
    const server = describeServer(await getServerInfo(http));
    if (!server)
      return {
        ok: false,
        kind: 'server-error',
        message: `${options.serverUrl} answers, but it is not a CouchDB server.`,
        action: 'Check the server address.',
      };
    const { username, roles, ...identity } = facts.identity;
    return {
      ok: true,
      server,
      user: { name: username, roles, ...identity, isMember: true },
      message: `Connected to ${server.name} ${server.version} as ${username}${identity.isAdmin ? ' (practice admin)' : ''}.`,
    };
  } catch (e) {
    if (e instanceof SyncError && e.kind === 'not-member') {
      return failedTest(new SyncError('not-member', `User is not a member of practice "${options.practice}" on this server.`, e.details));
    }
    return failedTest(e);
  } finally {
    http.close();
  }
}

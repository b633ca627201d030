/**
 * The errors of the sync client, typed, each with a sentence for the person and what to do.
 *
 * Where they come from:
 * - a request that got no HTTP answer: the host's network code (src-shared/sync/http-contract.ts)
 *   through `errorFromNetworkCode`;
 * - an HTTP answer that is an error: `errorFromHttp` tells apart a wrong or changed password (401),
 *   CouchDB's login lockout (403 "temporarily locked"), a user who is not a member (403, or
 *   PouchDB Server's 401 on a database), a practice whose databases are missing (404), and server
 *   errors.
 * The session (session.ts) decides from the kind whether to retry by itself (`retriesByItself`) or
 * to stop until a person acts (`NEEDS_USER_ACTION`).
 */
import type { NetworkErrorCode } from '../../../../src-shared/sync/http-contract';

export const SYNC_ERROR_KINDS = [
  /** This computer has no network connection. */
  'offline',
  /** No answer from the server (down, wrong address). */
  'unreachable',
  /** The secure connection failed (certificate not trusted / expired / wrong name). */
  'tls',
  /** The server answers, but does not allow this web page's address (CORS): browser build only. */
  'cors',
  /** The server did not answer in time. */
  'timeout',
  /** Wrong username or password, or the password was changed on the server (HTTP 401). */
  'wrong-credentials',
  /** CouchDB locked the account for a few minutes after repeated failed sign-ins (403). */
  'account-locked',
  /** The user is valid but not a member of this practice (403, or 401 on its databases). */
  'not-member',
  /** The practice's databases do not exist on the server (not provisioned). */
  'database-missing',
  /** The server answered with an error (5xx, a malformed answer) or is not CouchDB. */
  'server-error',
  /** No sync account is set up (no server address or credentials). */
  'not-configured',
  /** The practice encrypts its records end to end and this laptop has not been given the passphrase. */
  'needs-passphrase',
] as const;
export type SyncErrorKind = (typeof SYNC_ERROR_KINDS)[number];

/** Errors after which retrying on a timer is pointless (or harmful) until a person changes something. */
export const NEEDS_USER_ACTION: ReadonlySet<SyncErrorKind> = new Set([
  'wrong-credentials',
  'account-locked',
  'not-member',
  'database-missing',
  'not-configured',
  'tls',
  'cors',
  'needs-passphrase',
]);

/** Errors that mean "cannot reach the server now": shown as offline while the session retries. */
export const OFFLINE_KINDS: ReadonlySet<SyncErrorKind> = new Set(['offline', 'unreachable', 'timeout']);

/** CouchDB 3.5's default lockout (`[chttpd_auth_lockout] max_lifetime`, 5 minutes). */
export const LOCKOUT_MS = 5 * 60_000;

export interface SyncErrorDetails {
  status?: number;
  path?: string;
  serverReason?: string;
  /** When trying again makes sense (ISO), e.g. when a lockout ends. */
  retryAfter?: string;
}

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly details: SyncErrorDetails = {},
  ) {
    super(message);
    this.name = 'SyncError';
  }
  /** What the person can do about it. */
  get action(): string {
    return actionFor(this.kind);
  }
}

/** Thrown by requests of a session that has ended (stopped, or failed elsewhere first). */
export class SyncStoppedError extends Error {
  constructor() {
    super('Sync stopped');
    this.name = 'SyncStoppedError';
  }
}

export function actionFor(kind: SyncErrorKind): string {
  switch (kind) {
    case 'offline':
      return 'TutorDesk keeps working offline and syncs when the connection is back.';
    case 'unreachable':
      return 'Check the server address and your network. TutorDesk keeps working offline and retries by itself.';
    case 'tls':
      return "The server's certificate is not trusted, has expired or does not match its address. Ask whoever runs the server to fix it.";
    case 'cors':
      return 'Ask whoever runs the server to allow this web address (npm run server:setup with --cors), or use the desktop app, which does not need it.';
    case 'timeout':
      return 'The server is slow or the connection is poor. TutorDesk retries by itself.';
    case 'wrong-credentials':
      return 'Enter the right username and password in Settings → Sync.';
    case 'account-locked':
      return 'Wait a few minutes, then choose Sync now (or Test connection). If the password was changed, enter the new one in Settings → Sync first.';
    case 'not-member':
      return 'Ask the practice admin to add this user to the practice (npm run server:setup … --tutor name).';
    case 'database-missing':
      return 'The practice is not set up on this server: check the practice id, or run npm run server:setup for it.';
    case 'server-error':
      return 'The server reported a problem. TutorDesk retries by itself; if it persists, contact whoever runs the server.';
    case 'not-configured':
      return 'Set up the server address, username and password in Settings → Sync.';
    case 'needs-passphrase':
      return 'Enter the practice passphrase on the Sync screen, under “End-to-end encryption”. Your practice admin knows it.';
  }
}

/** The error kind of a request that got no HTTP answer. */
export function kindForNetworkCode(code: NetworkErrorCode): SyncErrorKind {
  switch (code) {
    case 'tls':
      return 'tls';
    case 'timeout':
      return 'timeout';
    case 'offline':
      return 'offline';
    case 'cors':
      return 'cors';
    case 'not-configured':
      return 'not-configured';
    case 'response-too-large':
      return 'server-error';
    default:
      return 'unreachable';
  }
}

export function errorFromNetworkCode(code: NetworkErrorCode, statusText: string, path?: string): SyncError {
  const kind = kindForNetworkCode(code);
  const fallback =
    kind === 'offline'
      ? 'This computer is offline.'
      : kind === 'not-configured'
        ? 'Sync is not set up.'
        : 'The server could not be reached.';
  return new SyncError(kind, statusText || fallback, path ? { path } : {});
}

/** The CouchDB database named by a request path ('/tutordesk-demo-students/_changes' → 'tutordesk-demo-students'). */
function dbOfPath(path: string): string {
  const first = path.split('?')[0]!.split('/')[1] ?? '';
  try {
    return decodeURIComponent(first);
  } catch {
    return first;
  }
}

/**
 * The SyncError of an HTTP error answer, or null for answers the caller handles itself
 * (404 of a document, 409/412 conflicts).
 */
export function errorFromHttp(status: number, body: { error?: string; reason?: string }, path: string, now = new Date()): SyncError | null {
  const reason = body.reason ?? body.error ?? '';
  const details: SyncErrorDetails = { status, path, serverReason: reason };
  if (status === 401 && /name or password|password is incorrect|authentication required|not authenticated/i.test(reason)) {
    return new SyncError(
      'wrong-credentials',
      'The server does not accept this username and password (the password may have been changed on the server).',
      details,
    );
  }
  if (status === 403 && /temporarily locked/i.test(reason)) {
    const until = new Date(now.getTime() + LOCKOUT_MS).toISOString();
    return new SyncError(
      'account-locked',
      'The server has locked this account for about 5 minutes after repeated failed sign-ins (every request is refused until then, even with the right password).',
      { ...details, retryAfter: until },
    );
  }
  const db = dbOfPath(path);
  if (status === 401 || status === 403) {
    return new SyncError(
      'not-member',
      db && !db.startsWith('_')
        ? `This user may not use the practice database ${db}.`
        : `The server refuses this user: ${reason || status}.`,
      details,
    );
  }
  if (status === 404 && /no_db_file|database does not exist|missing_db/i.test(reason)) {
    return new SyncError('database-missing', `The practice database ${db} does not exist on the server.`, details);
  }
  if (status === 404 || status === 409 || status === 412) return null;
  return new SyncError('server-error', `The server answered ${status}${reason ? `: ${reason}` : ''}`, details);
}

/** Wraps anything thrown into a SyncError (unknown errors count as unreachable). */
export function toSyncError(e: unknown): SyncError {
  if (e instanceof SyncError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (/not set up|no sync account|no server address/i.test(message)) return new SyncError('not-configured', 'Sync is not set up.');
  if (/certificate|tls|ssl/i.test(message)) return new SyncError('tls', `Secure connection failed: ${message}`);
  if (/timed? ?out|timeout/i.test(message)) return new SyncError('timeout', `The server did not answer in time: ${message}`);
  return new SyncError('unreachable', `The server could not be reached: ${message}`);
}

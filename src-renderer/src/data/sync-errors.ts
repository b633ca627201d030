/**
 * The errors of the sync layer, typed, each with a sentence for the user and what to do. The
 * replication's fetch wrapper (sync-fetch.ts) throws them instead of letting RxDB fail with
 * cryptic RC_COUCHDB errors.
 */

export const SYNC_ERROR_KINDS = [
  /** No answer from the server (down, wrong address, no network). */
  'unreachable',
  /** The secure connection failed (certificate not trusted / expired / wrong name). */
  'tls',
  /** The server did not answer in time. */
  'timeout',
  /** Wrong username or password (HTTP 401 on the session). */
  'wrong-credentials',
  /** The user is valid but not a member of this practice (401/403 on its databases). */
  'not-member',
  /** The practice's databases do not exist on the server (not provisioned). */
  'database-missing',
  /** The server answered with an error (5xx) or something that is not CouchDB. */
  'server-error',
  /** No sync account is set up (no server address or credentials). */
  'not-configured',
] as const;
export type SyncErrorKind = (typeof SYNC_ERROR_KINDS)[number];

/** Errors after which retrying on a timer is pointless until the user changes something. */
export const NEEDS_USER_ACTION: ReadonlySet<SyncErrorKind> = new Set(['wrong-credentials', 'not-member', 'database-missing', 'not-configured', 'tls']);

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly details: { status?: number; url?: string; serverReason?: string } = {},
  ) {
    super(message);
    this.name = 'SyncError';
  }
  /** What the user can do about it. */
  get action(): string {
    return actionFor(this.kind);
  }
}

export function actionFor(kind: SyncErrorKind): string {
  switch (kind) {
    case 'unreachable':
      return 'Check the server address and your network. TutorDesk keeps working offline and retries by itself.';
    case 'tls':
      return "The server's certificate is not trusted, has expired or does not match its address. Ask whoever runs the server to fix it.";
    case 'timeout':
      return 'The server is slow or the connection is poor. TutorDesk retries by itself.';
    case 'wrong-credentials':
      return 'Enter the right username and password in Settings → Sync.';
    case 'not-member':
      return 'Ask the practice admin to add this user to the practice (npm run server:setup … --tutor name:password).';
    case 'database-missing':
      return 'The practice is not set up on this server: check the practice id, or run npm run server:setup for it.';
    case 'server-error':
      return 'The server reported a problem. TutorDesk retries by itself; if it persists, contact whoever runs the server.';
    case 'not-configured':
      return 'Set up the server address, username and password in Settings → Sync.';
  }
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

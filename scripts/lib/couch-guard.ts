/**
 * The guard in front of the embedded PouchDB Server (scripts/sync-server.ts). PouchDB Server 4.2
 * dies on some requests a client can send (docs: /work/shared/notes/couchdb-compat.md), so they
 * are answered here with the error CouchDB would give, before PouchDB Server sees them:
 *
 * - `PUT /<db>` / `DELETE /<db>` by anyone but a server admin (crashes PouchDB Server; CouchDB
 *   answers 401) → 401 `unauthorized`;
 * - `_changes?filter=<anything but _doc_ids>` (`_selector`, `_view`, `_design`, a missing design
 *   filter: all crash it) → 400 `bad_request`;
 * - `/_replicate` and `/_replicator` by anyone but a server admin (PouchDB Server lets any user
 *   replicate between its databases, creating new ones) → 401;
 * - any request without credentials, except `GET /` and `/_session` → 401 (CouchDB's
 *   `require_valid_user`).
 *
 * It also does CORS, limited to the configured origins (PouchDB Server's own CORS allows any
 * origin with credentials and is switched off).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface GuardOptions {
  /** Origins allowed to call the server from a browser, e.g. 'http://localhost:5173'. */
  corsOrigins: readonly string[];
  /** Asks the server whether the request's credentials belong to a server admin. */
  isServerAdmin: (headers: IncomingMessage['headers']) => Promise<boolean>;
}

export type GuardVerdict =
  | { action: 'pass' }
  | { action: 'refuse'; status: number; error: string; reason: string }
  | { action: 'needs-admin'; reason: string };

const OPEN_PATHS = new Set(['/', '/_session', '/_up', '/favicon.ico']);

/** Decides about one request from its method, URL and headers (pure). */
export function guardVerdict(method: string, rawUrl: string, headers: IncomingMessage['headers']): GuardVerdict {
  let url: URL;
  try {
    url = new URL(rawUrl, 'http://guard.invalid');
  } catch {
    return { action: 'refuse', status: 400, error: 'bad_request', reason: 'Malformed request URL.' };
  }
  let segments: string[];
  try {
    segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return { action: 'refuse', status: 400, error: 'bad_request', reason: 'Malformed request path.' };
  }
  const path = `/${segments.join('/')}`;
  const hasCredentials = Boolean(headers.authorization) || /AuthSession=/.test(String(headers.cookie ?? ''));
  if (!hasCredentials && !OPEN_PATHS.has(path)) {
    return { action: 'refuse', status: 401, error: 'unauthorized', reason: 'Authentication required.' };
  }
  const m = method.toUpperCase();
  if (segments.length === 1 && (m === 'PUT' || m === 'DELETE') && !segments[0]!.startsWith('_')) {
    return { action: 'needs-admin', reason: 'You are not a server admin.' };
  }
  if (segments.length === 1 && (m === 'PUT' || m === 'DELETE') && (segments[0] === '_users' || segments[0] === '_replicator' || segments[0] === '_global_changes')) {
    return { action: 'needs-admin', reason: 'You are not a server admin.' };
  }
  // PouchDB Server lets any user run replications between its databases (creating them).
  if (segments[0] === '_replicate' || segments[0] === '_replicator') {
    return { action: 'needs-admin', reason: 'Only the server admin may run server-side replications.' };
  }
  if (segments.length >= 2 && segments[1] === '_changes') {
    const filters = url.searchParams.getAll('filter');
    for (const f of filters) {
      if (f !== '_doc_ids') {
        return {
          action: 'refuse',
          status: 400,
          error: 'bad_request',
          reason: `This server only supports the _doc_ids changes filter (got "${f}").`,
        };
      }
    }
  }
  return { action: 'pass' };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Applies CORS for allowed origins; answers preflights. Returns true when the request is done. */
function cors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  const allowed = origins.includes(origin);
  res.setHeader('Vary', 'Origin');
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Type, ETag, Cache-Control');
  }
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    if (!allowed) {
      sendJson(res, 403, { error: 'forbidden', reason: `Origin ${origin} is not allowed.` });
      return true;
    }
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, DELETE');
    res.setHeader('Access-Control-Allow-Headers', String(req.headers['access-control-request-headers'] ?? 'Content-Type, Authorization, Accept'));
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    res.end();
    return true;
  }
  return false;
}

/** Wraps a request handler (PouchDB Server's express app) with the guard. */
export function createGuard(options: GuardOptions, next: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (cors(req, res, options.corsOrigins)) return;
    const verdict = guardVerdict(req.method ?? 'GET', req.url ?? '/', req.headers);
    if (verdict.action === 'pass') return next(req, res);
    if (verdict.action === 'refuse') return sendJson(res, verdict.status, { error: verdict.error, reason: verdict.reason });
    // The body (if any) stays buffered in the socket until PouchDB Server reads it.
    options
      .isServerAdmin(req.headers)
      .then((ok) => {
        if (ok) next(req, res);
        else sendJson(res, 401, { error: 'unauthorized', reason: verdict.reason });
      })
      .catch(() => {
        sendJson(res, 503, { error: 'unavailable', reason: 'Could not check the credentials.' });
      });
  };
}

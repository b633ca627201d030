/**
 * The sync HTTP contract: one definition of how the renderer's sync client asks its host for a
 * request to the sync server, and how the host answers, used by both hosts:
 * - the desktop app's main process (src-main/sync-proxy.ts), which adds the stored password;
 * - the browser bridge (src-renderer/src/platform/browser-bridge.ts), which keeps the password in
 *   memory for the life of the tab.
 *
 * A request is a path relative to the configured server, a method, a few allowed headers and a
 * body. An answer is the server's status, headers and body as text; when no HTTP answer arrived
 * at all, the status is 0 and the header `ERROR_HEADER` (also `error` in the JSON body) names
 * what went wrong with a code from `NETWORK_ERROR_CODES`, with a sentence a person can act on in
 * `statusText`.
 *
 * Pure: no Electron, Node or DOM (zod and the URL class only).
 */
import { z } from 'zod';

/** An HTTP request to the sync server, sent by the host with the stored credentials. */
export const SyncFetchRequestSchema = z.object({
  /** Path relative to the server root, e.g. '/tutordesk-demo-students/_bulk_docs'. */
  path: z
    .string()
    .regex(/^\/[^\s]*$/)
    .max(8000),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD']),
  headers: z.record(z.string(), z.string()),
  body: z
    .string()
    .max(200 * 1024 * 1024)
    .optional(),
});
export type SyncFetchRequest = z.infer<typeof SyncFetchRequestSchema>;

export interface SyncFetchResponse {
  /** The server's HTTP status, or 0 when no answer arrived (see ERROR_HEADER). */
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

/** The bridge method's signature (`bridge.sync.fetch`): what the sync client is given to talk to the server. */
export type SyncRequester = (req: SyncFetchRequest) => Promise<SyncFetchResponse>;

/** Response header (lower case) naming why a request got no HTTP answer (status 0). */
export const ERROR_HEADER = 'x-tutordesk-error';

export const NETWORK_ERROR_CODES = [
  /** Nothing listens at that address and port. */
  'connection-refused',
  /** The server name does not resolve. */
  'dns',
  /** No route to the server, or the cause cannot be told (e.g. a browser's "Failed to fetch"). */
  'unreachable',
  /** The secure connection failed (certificate not trusted, expired, wrong name). */
  'tls',
  /** No answer in time. */
  'timeout',
  /** The connection broke during the exchange. */
  'connection-reset',
  /** The request was cancelled by the app (credentials cleared, sync stopped). */
  'aborted',
  /** The answer was larger than the host accepts. */
  'response-too-large',
  /** This computer has no network connection. */
  'offline',
  /** The server answers, but does not allow this web page's origin to read its answers (CORS). */
  'cors',
  /** No sync account is stored on this computer. */
  'not-configured',
  /** Any other network failure. */
  'network',
] as const;
export type NetworkErrorCode = (typeof NETWORK_ERROR_CODES)[number];

export function isNetworkErrorCode(code: string): code is NetworkErrorCode {
  return (NETWORK_ERROR_CODES as readonly string[]).includes(code);
}

/** Request headers the page may set; anything else (Authorization, Cookie, Host, …) is dropped by the host. */
export const ALLOWED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'content-type',
  'if-match',
  'if-none-match',
  'x-couch-full-commit',
  'x-couch-request-id',
]);

/** Response headers never passed to the page. */
export const HIDDEN_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['set-cookie', 'set-cookie2', 'www-authenticate']);

/** The allowed request headers of `headers`, names in lower case, with `accept: application/json` unless given. */
export function allowedRequestHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const n = name.toLowerCase();
    if (ALLOWED_REQUEST_HEADERS.has(n)) out[n] = value;
  }
  out.accept ??= 'application/json';
  return out;
}

/** The answer a host gives when no HTTP answer arrived. */
export function networkFailure(code: NetworkErrorCode, statusText: string): SyncFetchResponse {
  return {
    status: 0,
    statusText,
    headers: { [ERROR_HEADER]: code, 'content-type': 'application/json' },
    body: JSON.stringify({ error: code, reason: statusText }),
  };
}

/** The code of a status-0 answer (`network` when a host gave none). */
export function networkErrorCodeOf(res: Pick<SyncFetchResponse, 'headers'>): NetworkErrorCode {
  const code = res.headers[ERROR_HEADER] ?? '';
  return isNetworkErrorCode(code) ? code : 'network';
}

export class SyncPathRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncPathRefusedError';
  }
}

/**
 * The absolute URL of `path` on the configured server (which may itself have a path prefix, e.g.
 * https://example.org/couchdb). Throws when the result leaves the server or its prefix, e.g.
 * through `..` segments.
 */
export function resolveSyncUrl(serverUrl: string, path: string): URL {
  const base = new URL(serverUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  if (!path.startsWith('/')) throw new SyncPathRefusedError('A sync request path must start with /');
  const target = new URL(`${base.origin}${prefix}${path}`);
  const inside = target.pathname === prefix || target.pathname.startsWith(`${prefix}/`);
  if (target.origin !== base.origin || !inside || target.username || target.password) {
    throw new SyncPathRefusedError(`Refused: ${path} is not on the configured sync server ${base.origin}${prefix}/`);
  }
  return target;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `Basic <base64 of username:password in UTF-8>` (RFC 7617), without Buffer or btoa. */
export function basicAuthHeader(username: string, password: string): string {
  const bytes: number[] = [];
  for (const ch of `${username}:${password}`) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out +=
      B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (b === undefined ? '=' : B64[(n >> 6) & 63]!) + (c === undefined ? '=' : B64[n & 63]!);
  }
  return `Basic ${out}`;
}

function collectCodes(err: unknown, out: string[] = [], depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 6) return out;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown; name?: unknown };
  if (typeof e.code === 'string') out.push(e.code);
  if (e.name === 'TimeoutError') out.push('TimeoutError');
  if (e.name === 'AbortError') out.push('AbortError');
  if (Array.isArray(e.errors)) for (const inner of e.errors) collectCodes(inner, out, depth + 1);
  if (e.cause) collectCodes(e.cause, out, depth + 1);
  return out;
}

/**
 * Maps a failed fetch to a code and a sentence a person can act on, from the error codes a
 * runtime attaches (Node's undici: `cause.code` such as ECONNREFUSED or CERT_HAS_EXPIRED).
 * An error that carries no code that tells (a browser's "Failed to fetch") is `network`.
 */
export function describeNetworkError(err: unknown, url: URL): { code: NetworkErrorCode; statusText: string } {
  const codes = collectCodes(err);
  const has = (...names: string[]): string | undefined => codes.find((c) => names.includes(c));
  const where = url.host;
  let c: string | undefined;
  if ((c = has('ECONNREFUSED'))) {
    return {
      code: 'connection-refused',
      statusText: `Connection refused by ${where} (${c}): the sync server is not running or not listening on that port.`,
    };
  }
  if ((c = has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL'))) {
    return {
      code: 'dns',
      statusText: `Server name ${url.hostname} not found (${c}): check the server address and your internet connection.`,
    };
  }
  if ((c = has('EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL'))) {
    return { code: 'unreachable', statusText: `${where} cannot be reached (${c}): check your network connection.` };
  }
  const tls = codes.find((x) =>
    /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|EPROTO$)/.test(
      x,
    ),
  );
  if (tls) {
    return {
      code: 'tls',
      statusText: `The secure (TLS) connection to ${where} failed (${tls}): its certificate is not trusted, has expired or does not match the address.`,
    };
  }
  if ((c = has('TimeoutError', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'))) {
    return { code: 'timeout', statusText: `${where} did not answer in time (${c}).` };
  }
  if ((c = has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'))) {
    return { code: 'connection-reset', statusText: `The connection to ${where} was interrupted (${c}).` };
  }
  if (has('AbortError', 'ABORT_ERR')) return { code: 'aborted', statusText: 'The request was cancelled.' };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'network', statusText: `Network error talking to ${where}: ${message}` };
}

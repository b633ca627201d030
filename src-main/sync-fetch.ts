/**
 * Replication HTTP, performed by the main process on behalf of the renderer (bridge
 * `sync.fetch`). The renderer's RxDB CouchDB replication uses it as its custom `fetch`, so:
 * - the password stays in main (the Authorization header is added here, never seen by the page);
 * - Chromium's limit of 6 connections per host does not apply (Node's fetch/undici pool has no
 *   such cap), so many live collections (one long-poll each) do not stall each other.
 *
 * Rules: only paths under the configured server URL; a small allow-list of request headers;
 * request and response size caps; an inactivity timeout (longer for long-poll `_changes`);
 * no redirects are followed; network failures come back as status 0 with a machine-readable
 * code (header `x-tutordesk-error`, also in the JSON body) and a human explanation in statusText.
 */
import type { SyncCredentials, SyncFetchRequest, SyncFetchResponse } from '../src-shared/bridge';
import { SyncFetchRequestSchema } from '../src-shared/bridge';

export type NetworkErrorCode =
  | 'connection-refused'
  | 'dns'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'connection-reset'
  | 'aborted'
  | 'response-too-large'
  | 'network';

export const ERROR_HEADER = 'x-tutordesk-error';

export interface SyncFetchOptions {
  /** Defaults to the global fetch (Node's undici). */
  fetch?: typeof fetch;
  /** Abort when nothing arrives for this long (connect, headers or body). Default 60 s. */
  idleTimeoutMs?: number;
  /** Same for long-poll/continuous `_changes` requests, which wait for changes. Default 150 s. */
  longPollIdleTimeoutMs?: number;
  /** Default 64 MiB. */
  maxRequestBytes?: number;
  /** Default 128 MiB. */
  maxResponseBytes?: number;
}

/** Request headers the page may set; anything else (Authorization, Cookie, Host, …) is dropped. */
const ALLOWED_REQUEST_HEADERS = new Set(['accept', 'content-type', 'if-match', 'if-none-match', 'x-couch-full-commit', 'x-couch-request-id']);
/** Response headers never passed to the page. */
const HIDDEN_RESPONSE_HEADERS = new Set(['set-cookie', 'set-cookie2', 'www-authenticate']);

export class SyncFetchRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncFetchRefusedError';
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
  if (!path.startsWith('/')) throw new SyncFetchRefusedError('A sync request path must start with /');
  const target = new URL(`${base.origin}${prefix}${path}`);
  const inside = target.pathname === prefix || target.pathname.startsWith(`${prefix}/`);
  if (target.origin !== base.origin || !inside || target.username || target.password) {
    throw new SyncFetchRefusedError(`Refused: ${path} is not on the configured sync server ${base.origin}${prefix}/`);
  }
  return target;
}

export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
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

/** Maps a fetch failure to a code and an explanation a user can act on. */
export function describeNetworkError(err: unknown, url: URL): { code: NetworkErrorCode; statusText: string } {
  const codes = collectCodes(err);
  const has = (...names: string[]): string | undefined => codes.find((c) => names.includes(c));
  const where = url.host;
  let c: string | undefined;
  if ((c = has('ECONNREFUSED'))) {
    return { code: 'connection-refused', statusText: `Connection refused by ${where} (${c}): the sync server is not running or not listening on that port.` };
  }
  if ((c = has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL'))) {
    return { code: 'dns', statusText: `Server name ${url.hostname} not found (${c}): check the server address and your internet connection.` };
  }
  if ((c = has('EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL'))) {
    return { code: 'unreachable', statusText: `${where} cannot be reached (${c}): check your network connection.` };
  }
  const tls = codes.find((x) => /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|EPROTO$)/.test(x));
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

function networkFailure(code: NetworkErrorCode, statusText: string): SyncFetchResponse {
  return {
    status: 0,
    statusText,
    headers: { [ERROR_HEADER]: code, 'content-type': 'application/json' },
    body: JSON.stringify({ error: code, reason: statusText }),
  };
}

class IdleTimeout extends Error {
  override name = 'TimeoutError';
  constructor(readonly ms: number) {
    super(`No data for ${ms} ms`);
  }
}
class ResponseTooLarge extends Error {}

/**
 * Performs one request with the stored credentials. `signal` (optional) cancels it (e.g. when
 * the credentials are cleared or the window closes).
 */
export async function performSyncFetch(
  creds: SyncCredentials | null,
  input: SyncFetchRequest,
  options: SyncFetchOptions = {},
  signal?: AbortSignal,
): Promise<SyncFetchResponse> {
  const req = SyncFetchRequestSchema.parse(input);
  if (!creds) throw new SyncFetchRefusedError('Sync is not set up: no server address and credentials are stored.');
  const url = resolveSyncUrl(creds.serverUrl, req.path);
  const maxRequest = options.maxRequestBytes ?? 64 * 1024 * 1024;
  const maxResponse = options.maxResponseBytes ?? 128 * 1024 * 1024;
  const longPoll = /[?&]feed=(longpoll|continuous|eventsource)(&|$)/.test(url.search);
  const idleMs = longPoll ? (options.longPollIdleTimeoutMs ?? 150_000) : (options.idleTimeoutMs ?? 60_000);
  const fetchImpl = options.fetch ?? globalThis.fetch;

  if (req.body !== undefined && Buffer.byteLength(req.body, 'utf8') > maxRequest) {
    throw new SyncFetchRefusedError(`Refused: the request body is larger than ${Math.round(maxRequest / 1024 / 1024)} MiB.`);
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && req.body !== undefined) {
    throw new SyncFetchRefusedError(`Refused: a ${req.method} request cannot have a body.`);
  }

  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (ALLOWED_REQUEST_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  }
  headers.set('authorization', basicAuthHeader(creds.username, creds.password));
  if (!headers.has('accept')) headers.set('accept', 'application/json');

  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(signal?.reason);
  if (signal) {
    if (signal.aborted) onOuterAbort();
    else signal.addEventListener('abort', onOuterAbort, { once: true });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new IdleTimeout(idleMs)), idleMs);
  };

  try {
    arm();
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method: req.method,
        headers,
        body: req.body,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (err) {
      return networkFailure(...explain(err, controller.signal, url));
    }

    const outHeaders: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (!HIDDEN_RESPONSE_HEADERS.has(name.toLowerCase())) outHeaders[name.toLowerCase()] = value;
    });
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxResponse) {
      controller.abort(new ResponseTooLarge());
      return networkFailure('response-too-large', `The server's answer is larger than ${Math.round(maxResponse / 1024 / 1024)} MiB.`);
    }

    let body = '';
    if (res.body && req.method !== 'HEAD') {
      const decoder = new TextDecoder('utf-8');
      const reader = res.body.getReader();
      let received = 0;
      try {
        for (;;) {
          arm();
          const { done, value } = await reader.read();
          if (done) break;
          received += value.byteLength;
          if (received > maxResponse) {
            controller.abort(new ResponseTooLarge());
            return networkFailure('response-too-large', `The server's answer is larger than ${Math.round(maxResponse / 1024 / 1024)} MiB.`);
          }
          body += decoder.decode(value, { stream: true });
        }
        body += decoder.decode();
      } catch (err) {
        return networkFailure(...explain(err, controller.signal, url));
      }
    }
    return { status: res.status, statusText: res.statusText, headers: outHeaders, body };
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onOuterAbort);
  }
}

function explain(err: unknown, signal: AbortSignal, url: URL): [NetworkErrorCode, string] {
  // An abort carries our reason: the idle timeout, or the caller's cancellation.
  if (signal.aborted && signal.reason instanceof IdleTimeout) {
    return ['timeout', `${url.host} did not answer in time (no data for ${signal.reason.ms / 1000} s).`];
  }
  if (signal.aborted) return ['aborted', 'The request was cancelled.'];
  const d = describeNetworkError(err, url);
  return [d.code, d.statusText];
}

/** Owns the in-flight requests so they can all be cancelled (credentials cleared, app quitting). */
export class SyncHttpClient {
  private readonly inflight = new Set<AbortController>();
  constructor(
    private readonly getCredentials: () => Promise<SyncCredentials | null>,
    private readonly options: SyncFetchOptions = {},
  ) {}

  async fetch(req: SyncFetchRequest): Promise<SyncFetchResponse> {
    const controller = new AbortController();
    this.inflight.add(controller);
    try {
      return await performSyncFetch(await this.getCredentials(), req, this.options, controller.signal);
    } finally {
      this.inflight.delete(controller);
    }
  }

  abortAll(): void {
    for (const c of this.inflight) c.abort();
    this.inflight.clear();
  }

  get pending(): number {
    return this.inflight.size;
  }
}

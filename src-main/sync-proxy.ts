/**
 * Replication HTTP, performed by the main process on behalf of the renderer (bridge
 * `sync.fetch`): the renderer's sync client (src-renderer/src/data/sync/) sends every request
 * to the sync server through it, so:
 * - the password stays in main (the Authorization header is added here, never seen by the page);
 * - Chromium's limit of 6 connections per host does not apply (Node's fetch/undici pool has no
 *   such cap), so many live collections (one long-poll each) do not stall each other.
 *
 * Rules: only paths under the configured server URL; a small allow-list of request headers;
 * request and response size caps; an inactivity timeout (longer for long-poll `_changes`);
 * no redirects are followed; network failures come back as status 0 with a machine-readable
 * code (header `x-tutordesk-error`, also in the JSON body) and a human explanation in statusText.
 * Those rules (allowed headers, error header and codes, path resolution) are the sync HTTP
 * contract in src-shared/sync/http-contract.ts, which the browser bridge follows too.
 */
import type { SyncCredentials } from '../src-shared/bridge';
import {
  ERROR_HEADER,
  HIDDEN_RESPONSE_HEADERS,
  SyncFetchRequestSchema,
  SyncPathRefusedError,
  allowedRequestHeaders,
  basicAuthHeader,
  describeNetworkError,
  networkFailure,
  resolveSyncUrl,
  type NetworkErrorCode,
  type SyncFetchRequest,
  type SyncFetchResponse,
} from '../src-shared/sync/http-contract';
import { checkTransport } from '../src-shared/sync/transport';

// The contract's pieces main uses, re-exported for its tests and callers.
export { ERROR_HEADER, basicAuthHeader, describeNetworkError, resolveSyncUrl, type NetworkErrorCode };
/** Refusals of a request the page should never have made (path outside the server, body on GET, no account). */
export { SyncPathRefusedError as SyncFetchRefusedError };

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
  if (!creds) throw new SyncPathRefusedError('Sync is not set up: no server address and credentials are stored.');
  // The password never leaves unencrypted for another computer without the user's confirmation
  // (also checked when the credentials were saved; this guards every request).
  const refusal = checkTransport(creds.serverUrl, creds.plaintextConfirmed);
  if (refusal) throw new SyncPathRefusedError(refusal);
  const url = resolveSyncUrl(creds.serverUrl, req.path);
  const maxRequest = options.maxRequestBytes ?? 64 * 1024 * 1024;
  const maxResponse = options.maxResponseBytes ?? 128 * 1024 * 1024;
  const longPoll = /[?&]feed=(longpoll|continuous|eventsource)(&|$)/.test(url.search);
  const idleMs = longPoll ? (options.longPollIdleTimeoutMs ?? 150_000) : (options.idleTimeoutMs ?? 60_000);
  const fetchImpl = options.fetch ?? globalThis.fetch;

  if (req.body !== undefined && Buffer.byteLength(req.body, 'utf8') > maxRequest) {
    throw new SyncPathRefusedError(`Refused: the request body is larger than ${Math.round(maxRequest / 1024 / 1024)} MiB.`);
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && req.body !== undefined) {
    throw new SyncPathRefusedError(`Refused: a ${req.method} request cannot have a body.`);
  }

  const headers = new Headers(allowedRequestHeaders(req.headers));
  headers.set('authorization', basicAuthHeader(creds.username, creds.password));

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

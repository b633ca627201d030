/**
 * A tiny CouchDB 3.x HTTP client for the server scripts (server:setup, sync-server, tests): JSON
 * in and out, basic auth, and errors that say what is wrong (unreachable, TLS, wrong password).
 * Uses only the CouchDB HTTP API, so it works with Apache CouchDB, Cloudant and PouchDB Server.
 */

export interface CouchAuth {
  username: string;
  password: string;
}

export type CouchErrorKind = 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'http';

export class CouchError extends Error {
  constructor(
    readonly kind: CouchErrorKind,
    message: string,
    readonly status = 0,
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'CouchError';
  }
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** The error code of a Node fetch failure (undici wraps the socket error in `cause`). */
export function networkErrorCode(e: unknown): string {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return '';
}

export function basicAuthHeader(auth: CouchAuth): string {
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

export class CouchClient {
  readonly baseUrl: string;
  constructor(
    url: string,
    readonly auth?: CouchAuth,
  ) {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  withAuth(auth: CouchAuth | undefined): CouchClient {
    return new CouchClient(this.baseUrl, auth);
  }

  /** Sends a request; returns status and parsed JSON body (or null) without throwing on HTTP errors. */
  async raw(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: unknown; text: string }> {
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (this.auth) h.Authorization = basicAuthHeader(this.auth);
    let payload: string | undefined;
    if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) });
    } catch (e) {
      const code = networkErrorCode(e);
      if (TLS_CODES.has(code) || /certificate|tls|ssl/i.test(String((e as Error)?.cause ?? ''))) {
        throw new CouchError(
          'tls',
          `TLS problem talking to ${this.baseUrl}: ${code || String((e as Error).cause ?? e)}. Check the server's certificate (or use the right http/https scheme).`,
        );
      }
      throw new CouchError(
        'unreachable',
        `Cannot reach ${this.baseUrl}${code ? ` (${code})` : ''}: is the server running and the address right?`,
      );
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text };
  }

  /** Like `raw` but throws a CouchError for any status >= 400. */
  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, json, text } = await this.raw(method, path, body);
    if (status >= 400) throw httpError(method, path, status, json, text);
    return json as T;
  }
}

export function httpError(method: string, path: string, status: number, json: unknown, text = ''): CouchError {
  const j = (json ?? {}) as { error?: string; reason?: string };
  const detail = j.reason || j.error || text.slice(0, 200) || `HTTP ${status}`;
  const kind: CouchErrorKind =
    status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not-found' : status === 409 ? 'conflict' : 'http';
  return new CouchError(kind, `${method} ${path} → ${status}: ${detail}`, status, json);
}

/**
 * Plain HTTP for the server-level tests: status, headers and body of one request, optionally from
 * another loopback address (CouchDB's login lockout counts per user and client address).
 */
import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import type { Auth } from './targets';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

export interface HttpOptions {
  auth?: Auth | null;
  /** JSON-encoded unless `raw`. */
  body?: unknown;
  raw?: boolean;
  headers?: Record<string, string>;
  /** Local address to connect from, e.g. '127.0.0.2'. */
  from?: string;
}

export function http(base: string, method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer> {
  const url = new URL(`${base}${path}`);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.auth) headers.authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    payload = Buffer.from(options.raw ? String(options.body) : JSON.stringify(options.body));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  const send = url.protocol === 'https:' ? requestTls : request;
  return new Promise((resolve, reject) => {
    // The path as given (a `#` in it would be cut off by URL parsing, as a browser or fetch does).
    const pathOnly = `${url.pathname}${url.search}`;
    const r = send(
      { host: url.hostname, port: url.port, method, path: pathOnly, headers, ...(options.from ? { localAddress: options.from } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: h, text, json });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (payload) r.write(payload);
    r.end();
  });
}

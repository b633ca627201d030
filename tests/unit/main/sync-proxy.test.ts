import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncCredentials, SyncFetchRequest } from '../../../src-shared/bridge';
import {
  basicAuthHeader,
  describeNetworkError,
  ERROR_HEADER,
  performSyncFetch,
  resolveSyncUrl,
  SyncFetchRefusedError,
  SyncHttpClient,
} from '../../../src-main/sync-proxy';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A tiny CouchDB-ish server recording what it receives. */
function startServer(handler?: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (handler) return handler(req, res, body);
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', 'AuthSession=abc; HttpOnly');
      res.setHeader('x-couch-request-id', 'r1');
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  return { server, seen };
}

const get = (path: string, extra: Partial<SyncFetchRequest> = {}): SyncFetchRequest => ({ path, method: 'GET', headers: {}, ...extra });

describe('sync.fetch through main', () => {
  let server: Server;
  let seen: Seen[];
  let creds: SyncCredentials;

  beforeAll(async () => {
    ({ server, seen } = startServer());
    const port = await listen(server);
    creds = { serverUrl: `http://127.0.0.1:${port}/couch`, username: 'ana', password: 'pä55:word', practice: 'demo' };
  });
  afterAll(() => close(server));
  afterEach(() => {
    seen.length = 0;
  });

  it('adds basic auth from the stored credentials and keeps it away from the page', async () => {
    const res = await performSyncFetch(
      creds,
      get('/tutordesk-demo-students/_all_docs?include_docs=true', {
        headers: {
          Authorization: 'Basic ZXZpbDpldmls',
          Cookie: 'x=1',
          'Content-Type': 'application/json',
          Host: 'evil.example',
          'X-Custom': 'drop',
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, path: '/couch/tutordesk-demo-students/_all_docs?include_docs=true' });
    expect(seen).toHaveLength(1);
    const h = seen[0]!.headers;
    expect(h.authorization).toBe(basicAuthHeader('ana', 'pä55:word'));
    expect(Buffer.from(h.authorization!.slice(6), 'base64').toString('utf8')).toBe('ana:pä55:word');
    expect(h.cookie).toBeUndefined();
    expect(h.host).toBe(new URL(creds.serverUrl).host);
    expect(h['x-custom']).toBeUndefined();
    expect(h['content-type']).toBe('application/json');
    // response headers: no cookies for the page
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-couch-request-id']).toBe('r1');
    expect(res.headers['content-type']).toBe('application/json');
  });

  it('sends bodies (POST _bulk_docs) and returns the status of errors as is', async () => {
    const body = JSON.stringify({ docs: [{ _id: 'a', name: 'Zoë' }] });
    const res = await performSyncFetch(creds, {
      path: '/db/_bulk_docs',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/couch/db/_bulk_docs', body });
  });

  it('refuses paths that leave the configured server or its prefix', async () => {
    for (const path of ['/../_users/org.couchdb.user:admin', '/%2e%2e/_config', '/..', '/x/../../other']) {
      await expect(performSyncFetch(creds, get(path))).rejects.toBeInstanceOf(SyncFetchRefusedError);
    }
    // '//host' is a path on our server, never another host
    const res = await performSyncFetch(creds, get('//evil.example/x'));
    expect(res.status).toBe(200);
    expect(seen.at(-1)!.url).toBe('/couch//evil.example/x');
    expect(seen.every((s) => s.url.startsWith('/couch/'))).toBe(true);
  });

  it('never sends the password over http:// to another computer unless the user confirmed it', async () => {
    const sent: string[] = [];
    const recording = (async (input: string | URL | Request) => {
      sent.push(String(input));
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    const lan = { ...creds, serverUrl: 'http://192.0.2.10:5984' };
    await expect(performSyncFetch(lan, get('/'), { fetch: recording })).rejects.toThrow(/unencrypted/);
    await expect(performSyncFetch({ ...lan, plaintextConfirmed: false }, get('/'), { fetch: recording })).rejects.toBeInstanceOf(
      SyncFetchRefusedError,
    );
    expect(sent).toEqual([]);
    const res = await performSyncFetch({ ...lan, plaintextConfirmed: true }, get('/'), { fetch: recording });
    expect(res.status).toBe(200);
    expect(sent).toEqual(['http://192.0.2.10:5984/']);
    // https and loopback need no confirmation.
    await performSyncFetch({ ...creds, serverUrl: 'https://couch.example.org' }, get('/'), { fetch: recording });
    expect(sent.at(-1)).toBe('https://couch.example.org/');
  });

  it('refuses when no credentials are stored, and invalid requests', async () => {
    await expect(performSyncFetch(null, get('/db'))).rejects.toThrow(/not set up/);
    await expect(performSyncFetch(creds, { path: 'http://evil.example/', method: 'GET', headers: {} })).rejects.toThrow();
    await expect(performSyncFetch(creds, { path: '/db', method: 'GET', headers: {}, body: 'x' })).rejects.toThrow(/cannot have a body/);
    await expect(
      performSyncFetch(creds, { path: '/db', method: 'POST', headers: {}, body: 'x'.repeat(2000) }, { maxRequestBytes: 1000 }),
    ).rejects.toThrow(/larger than/);
    expect(seen).toHaveLength(0);
  });

  it('resolveSyncUrl joins prefix and path', () => {
    expect(resolveSyncUrl('https://h.example/couch', '/db/_changes?since=0').href).toBe('https://h.example/couch/db/_changes?since=0');
    expect(resolveSyncUrl('https://h.example', '/db').href).toBe('https://h.example/db');
    expect(() => resolveSyncUrl('https://h.example/couch', '/../x')).toThrow(SyncFetchRefusedError);
  });
});

describe('network failures become status 0 with a clear reason', () => {
  it('a refused connection (a real closed port)', async () => {
    const s = createServer();
    const port = await listen(s);
    await close(s); // nothing listens there any more
    const res = await performSyncFetch({ serverUrl: `http://127.0.0.1:${port}`, username: 'a', password: 'b', practice: 'demo' }, get('/'));
    expect(res.status).toBe(0);
    expect(res.headers[ERROR_HEADER]).toBe('connection-refused');
    expect(res.statusText).toMatch(/Connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'connection-refused' });
  });

  it('a server that does not answer (idle timeout), while long-poll requests may wait longer', async () => {
    const { server } = startServer((req, res) => {
      setTimeout(() => res.end('{"results":[]}'), 400);
    });
    const port = await listen(server);
    const c = { serverUrl: `http://127.0.0.1:${port}`, username: 'a', password: 'b', practice: 'demo' };
    try {
      const slow = await performSyncFetch(c, get('/db/_all_docs'), { idleTimeoutMs: 100, longPollIdleTimeoutMs: 2000 });
      expect(slow.status).toBe(0);
      expect(slow.headers[ERROR_HEADER]).toBe('timeout');
      expect(slow.statusText).toMatch(/did not answer in time/);
      const longPoll = await performSyncFetch(c, get('/db/_changes?feed=longpoll&heartbeat=60000&since=0'), {
        idleTimeoutMs: 100,
        longPollIdleTimeoutMs: 2000,
      });
      expect(longPoll.status).toBe(200);
      expect(longPoll.body).toBe('{"results":[]}');
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });

  it('a response larger than the cap', async () => {
    const { server } = startServer((_req, res) => {
      res.write('x'.repeat(64 * 1024));
      res.end('x'.repeat(64 * 1024));
    });
    const port = await listen(server);
    try {
      const res = await performSyncFetch(
        { serverUrl: `http://127.0.0.1:${port}`, username: 'a', password: 'b', practice: 'demo' },
        get('/big'),
        {
          maxResponseBytes: 100 * 1024,
        },
      );
      expect(res.status).toBe(0);
      expect(res.headers[ERROR_HEADER]).toBe('response-too-large');
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });

  it('redirects are not followed (credentials never go to another host)', async () => {
    const other = startServer();
    const otherPort = await listen(other.server);
    const { server } = startServer((_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', `http://127.0.0.1:${otherPort}/steal`);
      res.end();
    });
    const port = await listen(server);
    try {
      const res = await performSyncFetch(
        { serverUrl: `http://127.0.0.1:${port}`, username: 'a', password: 'b', practice: 'demo' },
        get('/db'),
      );
      expect(res.status).toBe(302);
      expect(other.seen).toHaveLength(0);
    } finally {
      await close(server);
      await close(other.server);
    }
  });

  it('a certificate the system does not trust (real TLS server with a self-signed certificate)', async (ctx) => {
    let dir = '';
    try {
      dir = mkdtempSync(join(tmpdir(), 'td-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
    } catch {
      ctx.skip('openssl is not available to make a test certificate');
    }
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_q, r) =>
      r.end('{}'),
    );
    const port = await listen(server as unknown as Server);
    try {
      const res = await performSyncFetch(
        { serverUrl: `https://127.0.0.1:${port}`, username: 'a', password: 'b', practice: 'demo' },
        get('/'),
      );
      expect(res.status).toBe(0);
      expect(res.headers[ERROR_HEADER]).toBe('tls');
      expect(res.statusText).toMatch(/TLS.*(SELF_SIGNED|CERT)/);
    } finally {
      await close(server as unknown as Server);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps the error shapes of undici (DNS, reset, aggregate errors of dual-stack connects)', () => {
    const url = new URL('https://couch.example.org/db');
    const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
    expect(describeNetworkError(fetchFailed(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })), url).code).toBe(
      'dns',
    );
    expect(describeNetworkError(fetchFailed(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), url).code).toBe(
      'connection-reset',
    );
    const aggregate = new AggregateError([
      Object.assign(new Error('a'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('b'), { code: 'ECONNREFUSED' }),
    ]);
    expect(describeNetworkError(fetchFailed(aggregate), url).code).toBe('connection-refused');
    expect(describeNetworkError(fetchFailed(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' })), url).code).toBe('tls');
    expect(describeNetworkError(fetchFailed(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })), url).code).toBe(
      'tls',
    );
    expect(describeNetworkError(new Error('weird'), url)).toEqual({
      code: 'network',
      statusText: 'Network error talking to couch.example.org: weird',
    });
  });
});

describe('SyncHttpClient', () => {
  it('cancels requests in flight (credentials cleared, app quitting)', async () => {
    const { server } = startServer(() => undefined /* never answers */);
    const port = await listen(server);
    const client = new SyncHttpClient(async () => ({
      serverUrl: `http://127.0.0.1:${port}`,
      username: 'a',
      password: 'b',
      practice: 'demo',
    }));
    try {
      const pending = client.fetch(get('/db/_changes?feed=longpoll'));
      await new Promise((r) => setTimeout(r, 100));
      expect(client.pending).toBe(1);
      client.abortAll();
      const res = await pending;
      expect(res.status).toBe(0);
      expect(res.headers[ERROR_HEADER]).toBe('aborted');
      expect(client.pending).toBe(0);
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });

  it('runs many requests to one host concurrently (no 6-per-host limit)', async () => {
    let open = 0;
    let maxOpen = 0;
    const { server } = startServer((_req, res) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      setTimeout(() => {
        open--;
        res.end('{}');
      }, 150);
    });
    const port = await listen(server);
    const client = new SyncHttpClient(async () => ({
      serverUrl: `http://127.0.0.1:${port}`,
      username: 'a',
      password: 'b',
      practice: 'demo',
    }));
    try {
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => client.fetch(get(`/db${i}/_changes?feed=longpoll`))));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(maxOpen).toBeGreaterThan(6);
    } finally {
      await close(server);
    }
  });
});

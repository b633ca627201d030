/**
 * The browser bridge's sync requests (src-renderer/src/platform/browser-bridge.ts,
 * `browserSyncFetch`) follow the same contract as main's proxy: allowed headers only, basic auth
 * added, and a request that gets no answer comes back as status 0 with a code that tells what
 * went wrong. (CORS needs a browser: tests/e2e/sync.spec.ts checks that one.)
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSyncFetch } from '../../../src-renderer/src/platform/browser-bridge';
import { ERROR_HEADER, basicAuthHeader } from '../../../src-shared/sync/http-contract';

let server: Server;
let url = '';
let seen: { url: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url?.includes('/slow')) return; // never answers
    res.setHeader('content-type', 'application/json');
    res.setHeader('set-cookie', 'AuthSession=abc');
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/couch`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const creds = () => ({ serverUrl: url, username: 'ana', password: 'pä55' });

describe('browserSyncFetch', () => {
  it('sends basic auth and only the allowed headers, under the server’s path prefix; hides cookies from the page', async () => {
    seen = [];
    const res = await browserSyncFetch(creds(), {
      method: 'GET',
      path: '/db/_changes?since=0',
      headers: { Authorization: 'Basic bogus', Cookie: 'x=y', 'X-Couch-Request-ID': 'r1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(seen[0]!.url).toBe('/couch/db/_changes?since=0');
    expect(seen[0]!.headers.authorization).toBe(basicAuthHeader('ana', 'pä55'));
    expect(seen[0]!.headers.cookie).toBeUndefined();
    expect(seen[0]!.headers['x-couch-request-id']).toBe('r1');
  });

  it('names what went wrong when no answer came: not set up, offline, timeout, connection refused', async () => {
    expect((await browserSyncFetch(null, { method: 'GET', path: '/', headers: {} })).headers[ERROR_HEADER]).toBe('not-configured');

    const failing = async () => {
      throw new TypeError('Failed to fetch');
    };
    const offline = await browserSyncFetch(creds(), { method: 'GET', path: '/', headers: {} }, { fetch: failing, isOnline: () => false });
    expect(offline).toMatchObject({ status: 0, headers: { [ERROR_HEADER]: 'offline' } });

    const slow = await browserSyncFetch(creds(), { method: 'GET', path: '/slow', headers: {} }, { timeoutMs: 200 });
    expect(slow).toMatchObject({ status: 0, headers: { [ERROR_HEADER]: 'timeout' } });

    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const refused = await browserSyncFetch(
      { ...creds(), serverUrl: `http://127.0.0.1:${closed}` },
      { method: 'GET', path: '/', headers: {} },
    );
    expect(refused).toMatchObject({ status: 0, headers: { [ERROR_HEADER]: 'connection-refused' } });
  });

  it('tells CORS apart from an unreachable server when the browser says only "Failed to fetch"', async () => {
    const corsBlocked = async (_u: URL, init?: RequestInit) => {
      // As a browser does: the CORS request fails, the no-cors request gets an (opaque) answer.
      if (init?.mode === 'no-cors') return new Response(null, { status: 200 });
      throw new TypeError('Failed to fetch');
    };
    const cors = await browserSyncFetch(
      creds(),
      { method: 'GET', path: '/_session', headers: {} },
      { fetch: corsBlocked, isOnline: () => true, origin: 'https://app.example.org' },
    );
    expect(cors).toMatchObject({ status: 0, headers: { [ERROR_HEADER]: 'cors' } });
    expect(cors.statusText).toMatch(
      /does not allow https:\/\/app\.example\.org to read its answers: CORS is not set up.*--cors https:\/\/app\.example\.org/,
    );

    const down = async () => {
      throw new TypeError('Failed to fetch');
    };
    const unreachable = await browserSyncFetch(
      { ...creds(), serverUrl: 'https://sync.example.org' },
      { method: 'GET', path: '/', headers: {} },
      { fetch: down, isOnline: () => true },
    );
    expect(unreachable).toMatchObject({ status: 0, headers: { [ERROR_HEADER]: 'unreachable' } });
    expect(unreachable.statusText).toMatch(/certificate is not trusted by this browser/);
  });
});

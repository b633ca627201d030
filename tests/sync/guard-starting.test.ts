/**
 * The embedded server while it is being set up (scripts/lib/couch-guard.ts `isOpen`): a client
 * gets 503 "starting", which it retries, never an answer taken from half-written users or rules
 * (a 401 or "not a member" would end its session); the server admin setting it up is served.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGuard, DEFAULT_LIMITS } from '../../scripts/lib/couch-guard';

let server: Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function start(open: () => boolean): Promise<string> {
  const guard = createGuard(
    {
      publicNames: [],
      limits: DEFAULT_LIMITS,
      settings: () => ({ corsOrigins: [], requireLoginForRoot: false }),
      authenticate: async (h) => {
        const who = String(h.authorization ?? '');
        if (who.includes('admin')) return { kind: 'user', user: { name: 'couchadmin', roles: ['_admin'] }, cookie: null, via: 'basic' };
        if (who.includes('newcomer')) return { kind: 'invalid', reason: 'Name or password is incorrect.' };
        return { kind: 'user', user: { name: 'ann', roles: ['tutordesk-p-member'] }, cookie: null, via: 'basic' };
      },
      securityOf: async () => ({ members: { roles: ['tutordesk-p-member'] }, admins: {} }),
      isOpen: open,
    },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    },
  );
  server = createServer((req, res) => guard(req, res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('the embedded server while it is set up', () => {
  it('answers members 503 "starting" with Retry-After, serves the server admin, then everyone once open', async () => {
    let open = false;
    const url = await start(() => open);
    const as = (who: string) => fetch(`${url}/tutordesk-p-students/_all_docs`, { headers: { authorization: `Basic ${who}` } });
    const member = await as('ann');
    expect(member.status).toBe(503);
    expect(member.headers.get('retry-after')).toBe('1');
    expect(await member.json()).toMatchObject({ error: 'starting' });
    expect((await as('admin')).status).toBe(200);
    // A password the half-written users cannot confirm yet: "starting", not a final 401.
    expect((await as('newcomer')).status).toBe(503);
    open = true;
    expect((await as('ann')).status).toBe(200);
    expect((await as('newcomer')).status).toBe(401);
  });
});

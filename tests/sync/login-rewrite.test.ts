/**
 * A login checked while the user's document is being rewritten. Every start of the embedded server
 * provisions its practice again, and that writes each user's document anew with the same password
 * (a new salt and hash); an admin changing a password does the same with a new one. A client that
 * logs in at that moment must get an answer for one version of the document or the other, and
 * every later request must be answered for the document as it now is: never a right password
 * refused (the app takes that as final, "wrong username or password"), never an old password
 * still let in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './helpers/http';
import { startTestServer, target, type Auth, type TestServer } from './helpers/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
}, 60_000);

afterAll(async () => {
  await server?.cleanup();
});

const userPath = (name: string) => `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Who `GET /_session` says this login is (null: not logged in), and the status. */
async function whoIs(auth: Auth): Promise<{ status: number; name: string | null }> {
  const res = await http(server.url, 'GET', '/_session', { auth });
  return { status: res.status, name: (res.json as { userCtx?: { name?: string | null } } | null)?.userCtx?.name ?? null };
}

/**
 * Writes the document of `login`'s user again with `password`, the first login of `login` starting
 * `delayMs` later (a first one: a login the server has checked before may be answered from its
 * cache without a new check).
 */
async function loginDuringRewrite(password: string, login: Auth, delayMs: number) {
  const doc = (await server.admin('GET', userPath(login.username))).json as Record<string, unknown>;
  const put = server.admin('PUT', userPath(login.username), { ...doc, password });
  await sleep(delayMs);
  const during = await whoIs(login);
  expect((await put).status).toBe(201);
  return { during, after: await whoIs(login) };
}

// The server hashes a password for about as long as it checks one (PBKDF2, 600,000 rounds), so a
// login started a little after the write is still being checked when the new document lands; the
// delays cover that window on a fast and on a loaded machine.
const DELAYS_MS = [0, 20, 50, 100, 150, 200, 300, 450];

describe(`${target.title} a login checked while the user document is rewritten`, () => {
  it('with the same password (as every server start provisions): accepted, during and after', async () => {
    for (const [i, delay] of DELAYS_MS.entries()) {
      const user = await server.createUser(`same-${i}`);
      const { during, after } = await loginDuringRewrite(user.password, user, delay);
      // Busy (503) would be retried by a client; a refusal or an anonymous answer would not.
      if (during.status !== 503) expect({ delay, ...during }).toEqual({ delay, status: 200, name: user.username });
      expect({ delay, ...after }).toEqual({ delay, status: 200, name: user.username });
    }
  }, 120_000);

  it('with a new password: the old one is refused after the change, the new one accepted', async () => {
    for (const [i, delay] of DELAYS_MS.entries()) {
      const user = await server.createUser(`new-${i}`);
      const next = `${user.password}-new`;
      const { after } = await loginDuringRewrite(next, user, delay);
      expect({ delay, status: after.status }).toEqual({ delay, status: 401 });
      expect({ delay, ...(await whoIs({ username: user.username, password: next })) }).toEqual({
        delay,
        status: 200,
        name: user.username,
      });
    }
  }, 120_000);
});

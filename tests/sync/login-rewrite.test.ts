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
import { memberRole, practiceDbName } from '../../src-shared/sync/names';
import { http } from './helpers/http';
import { startTestServer, target, type Auth, type TestServer } from './helpers/server';

let server: TestServer;

beforeAll(async () => {
  // The last test fails up to four logins for each of its twelve users, more than the embedded
  // server allows one address in a minute (the stand-in reaches it from one address).
  server = await startTestServer({ embedded: { limits: { maxFailedLoginsPerMinute: 1000 } } });
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

/**
 * Requests of one member with the same Basic credentials, `streams` at a time, each stream sending
 * one after the other until its first refusal (as the app stops at the first 401).
 */
function keepReading(login: Auth, streams: number) {
  const path = `/${practiceDbName(server.practice, 'students')}/_changes?since=now`;
  let stop = false;
  const answers: { status: number; body: unknown }[] = [];
  const done = Promise.all(
    Array.from({ length: streams }, async () => {
      while (!stop) {
        const res = await http(server.url, 'GET', path, { auth: login });
        answers.push({ status: res.status, body: res.json });
        if (res.status !== 200) return;
      }
    }),
  );
  return {
    answers,
    async finish() {
      stop = true;
      await done;
      return answers;
    },
  };
}

describe(`${target.title} a password changed while requests with the old one run`, () => {
  // The server lets a request in, then reads the user's document again to serve it (PouchDB Server
  // behind the guard checks the session it is handed against the document as it is then). A
  // password changed between the two must still be answered as CouchDB answers a changed
  // password: 401 "Name or password is incorrect.", which the app takes for wrong credentials,
  // never "You are not authorized to access this db." (which it takes for "not a member").
  it('every refusal is the 401 of a wrong password; the new password is accepted', async () => {
    const ROUNDS = 12;
    for (let round = 0; round < ROUNDS; round++) {
      const user = await server.createUser(`reading-${round}`, [memberRole(server.practice)]);
      // A first login checked before the change: the requests below pass on what is remembered.
      expect((await whoIs(user)).name).toBe(user.username);
      // Four at a time: at most four failed logins for this user and address (CouchDB locks an
      // account out after five).
      const reading = keepReading(user, 4);
      await sleep(30);
      const next = `${user.password}-new`;
      const doc = (await server.admin('GET', userPath(user.username))).json as Record<string, unknown>;
      expect((await server.admin('PUT', userPath(user.username), { ...doc, password: next })).status).toBe(201);
      await expect.poll(() => reading.answers.filter((a) => a.status !== 200).length, { timeout: 10_000 }).toBeGreaterThan(0);
      const answers = await reading.finish();
      for (const a of answers.filter((x) => x.status !== 200))
        expect({ round, ...a }).toEqual({ round, status: 401, body: { error: 'unauthorized', reason: 'Name or password is incorrect.' } });
      expect((await whoIs({ username: user.username, password: next })).name).toBe(user.username);
    }
  }, 180_000);
});

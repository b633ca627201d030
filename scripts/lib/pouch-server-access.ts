/**
 * Who is asking, for the guard (couch-guard.ts), answered inside the embedded server's process from
 * PouchDB Server's own data: the `_users` authentication database (with the server admin from the
 * config file) and each database's `_security`.
 *
 * - **Basic credentials** are checked with pouchdb-auth's `multiUserLogIn` (PBKDF2-SHA256, 600,000
 *   iterations: about a quarter of a second, off the event loop), then cached under an HMAC of the
 *   header (never the password itself) for at most `verifyMs`. While cached, the user's document
 *   is re-read on every request (one database read, as PouchDB Server's own session check does):
 *   a changed document (new password, other roles, deleted) is checked again at once, so a
 *   changed password or role applies to the next request. A check and the revision it is cached
 *   under come from one version of the document (it is checked again if it changed meanwhile).
 *   Identical checks in flight share one computation. When PouchDB Server refuses the session
 *   cookie handed to it (the password changed after the guard's check), `sessionRefused` checks
 *   the credentials again.
 * - **Cookies** (`AuthSession`, from `POST /_session`) are checked with `multiUserSession` (an
 *   HMAC with the server's secret and the user's salt, and a read of the user's document).
 * - **`_security`** of a database is read from its `_local/_security` document (where
 *   pouchdb-security keeps it), cached for
 *   `securityMs` (and dropped at once when the guard passes a change of it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { credentialKey, type Authentication, type SecurityObject, type UserCtx } from './couch-guard';

type PouchCtor = new (name: string, opts?: Record<string, unknown>) => any;

export interface AccessOptions {
  /** PouchDB constructor with the data folder prefix and the pouchdb-auth plugin. */
  PouchDB: PouchCtor;
  /** Folder of the LevelDB databases (the prefix). */
  dbDir: string;
  /** PouchDB Server's config file (admins, secret, iterations). */
  configPath: string;
  verifyMs?: number;
  recheckMs?: number;
  securityMs?: number;
}

interface CacheEntry {
  user: UserCtx;
  cookie: string | null;
  rev: string | null;
  verifiedAt: number;
  checkedAt: number;
}

type Login = { name: string; roles?: string[]; sessionID: string };

const MAX_ENTRIES = 2000;
/** Checks of one login against a user document that changed during the check, before a 503. */
const LOGIN_ATTEMPTS = 3;

export class ServerAccess {
  private usersDb: any = null;
  private ready: Promise<void> | null = null;
  private readonly basic = new Map<string, CacheEntry>();
  private readonly cookies = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<Authentication>>();
  private readonly security = new Map<string, { value: SecurityObject | null; at: number }>();
  private readonly dbs = new Map<string, any>();
  /** Checks running on each authentication database, and the replaced ones to retire when idle. */
  private readonly uses = new Map<any, number>();
  private readonly retired = new Set<any>();
  private readonly verifyMs: number;
  private readonly recheckMs: number;
  private readonly securityMs: number;

  constructor(private readonly opts: AccessOptions) {
    this.verifyMs = opts.verifyMs ?? 5 * 60_000;
    this.recheckMs = opts.recheckMs ?? 0;
    this.securityMs = opts.securityMs ?? 5_000;
  }

  /**
   * (Re)opens the authentication database with the config file's admins and secret. The new
   * database is set up before it replaces the old one, and the old one is retired only once no
   * check is using it: retiring it removes its login methods, so a check in flight on it (a PBKDF2
   * round takes a quarter of a second) would otherwise fail and answer a right password with 401.
   * PouchDB Server rewrites its config file as it starts, so a reload often lands just as the
   * first clients log in.
   */
  reload(): Promise<void> {
    this.basic.clear();
    this.cookies.clear();
    this.ready = (async () => {
      const config = JSON.parse(readFileSync(this.opts.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
      const auth = config.couch_httpd_auth ?? {};
      const db = new this.opts.PouchDB('_users');
      await db.useAsAuthenticationDB({
        isOnlineAuthDB: false,
        timeout: Number(auth.timeout ?? 600),
        secret: String(auth.secret),
        iterations: Number(auth.iterations ?? 10),
        pbkdf2_prf: auth.pbkdf2_prf === 'sha256' ? 'sha256' : 'sha1',
        admins: config.admins ?? {},
      });
      const previous = this.usersDb;
      this.usersDb = db;
      if (previous && previous !== db) {
        this.retired.add(previous);
        if (!this.uses.has(previous)) this.retire(previous);
      }
    })();
    return this.ready;
  }

  private retire(db: any): void {
    this.retired.delete(db);
    try {
      db.stopUsingAsAuthenticationDB();
    } catch {
      // it was never set up
    }
  }

  /** Runs `fn` with the current authentication database, which stays set up until `fn` is done. */
  private async withDb<T>(fn: (db: any) => Promise<T>): Promise<T> {
    if (!this.ready) await this.reload();
    await this.ready;
    const db = this.usersDb;
    this.uses.set(db, (this.uses.get(db) ?? 0) + 1);
    try {
      return await fn(db);
    } finally {
      const left = (this.uses.get(db) ?? 1) - 1;
      if (left > 0) this.uses.set(db, left);
      else {
        this.uses.delete(db);
        if (this.retired.has(db)) this.retire(db);
      }
    }
  }

  async authenticate(headers: IncomingMessage['headers']): Promise<Authentication> {
    const authorization = headers.authorization;
    if (authorization) {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
      if (!m) return { kind: 'invalid', reason: 'Only Basic authentication and session cookies are accepted.' };
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i <= 0) return { kind: 'invalid', reason: 'Name or password is incorrect.' };
      return this.basicAuth(credentialKey(authorization), decoded.slice(0, i), decoded.slice(i + 1));
    }
    const cookie = /(?:^|;\s*)AuthSession=([^;]*)/.exec(String(headers.cookie ?? ''))?.[1];
    if (cookie !== undefined && cookie !== '') return this.cookieAuth(cookie);
    return { kind: 'anonymous' };
  }

  private shared(key: string, run: () => Promise<Authentication>): Promise<Authentication> {
    const running = this.inflight.get(key);
    if (running) return running;
    const p = run().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private remember(map: Map<string, CacheEntry>, key: string, entry: CacheEntry): void {
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
    map.set(key, entry);
  }

  /** The user's `_users` document revision and roles (null rev for a config admin without one). */
  private userDoc(name: string): Promise<{ rev: string | null; roles: string[] } | null> {
    return this.withDb((db) => this.userDocIn(db, name));
  }

  private async userDocIn(db: any, name: string): Promise<{ rev: string | null; roles: string[] } | null> {
    try {
      const doc = (await db.get(`org.couchdb.user:${name}`)) as { _rev: string; roles?: string[] };
      return { rev: doc._rev, roles: doc.roles ?? [] };
    } catch (e) {
      if ((e as { status?: number }).status === 404) return null;
      throw e;
    }
  }

  private async basicAuth(key: string, name: string, password: string): Promise<Authentication> {
    const now = Date.now();
    const hit = this.basic.get(key);
    if (hit && now - hit.verifiedAt < this.verifyMs) {
      if (now - hit.checkedAt < this.recheckMs) return { kind: 'user', user: hit.user, cookie: hit.cookie, via: 'basic' };
      const doc = await this.userDoc(name);
      if ((doc?.rev ?? null) === hit.rev && (doc !== null || hit.user.roles.includes('_admin'))) {
        hit.checkedAt = Date.now();
        return { kind: 'user', user: hit.user, cookie: hit.cookie, via: 'basic' };
      }
      this.basic.delete(key);
    }
    return this.shared(key, () => this.withDb((db) => this.logIn(db, key, name, password)));
  }

  /**
   * One login check. A failure to read the user's document other than "not found" is thrown (the
   * guard answers 503, which clients retry), never taken for a wrong password.
   *
   * The answer and what is cached must come from one version of the user's document. pouchdb-auth
   * reads the document once, spends a quarter of a second on PBKDF2, and makes the session cookie
   * (handed to PouchDB Server in place of the password) from that version's salt. If the document
   * is written meanwhile (every start of the embedded server provisions its users again, with the
   * same password but a new salt; an admin changes a password), the check answered for the old
   * version: cached under the new revision, that cookie was refused by PouchDB Server for minutes
   * (a right password answered as "not logged in") and an old password kept passing the guard. The
   * revision is read before and after the check; if it changed, the check runs again on the new
   * version, and a document that keeps changing is a 503.
   */
  private async logIn(db: any, key: string, name: string, password: string): Promise<Authentication> {
    for (let attempt = 0; attempt < LOGIN_ATTEMPTS; attempt++) {
      const before = await this.userDocIn(db, name);
      let login: Login | null;
      try {
        login = (await db.multiUserLogIn(name, password)) as Login;
      } catch {
        login = null;
      }
      const after = await this.userDocIn(db, name);
      if ((before?.rev ?? null) !== (after?.rev ?? null)) continue;
      if (!login) return { kind: 'invalid', reason: 'Name or password is incorrect.' };
      const entry: CacheEntry = {
        user: { name: login.name, roles: login.roles ?? [] },
        cookie: login.sessionID,
        rev: after?.rev ?? null,
        verifiedAt: Date.now(),
        checkedAt: Date.now(),
      };
      this.remember(this.basic, key, entry);
      return { kind: 'user', user: entry.user, cookie: entry.cookie, via: 'basic' };
    }
    throw new Error(`the user document of ${name} kept changing while its password was checked`);
  }

  /**
   * PouchDB Server refused the session cookie `cookie` that `authenticate` gave for the Basic
   * credentials `authorization`. It checks that cookie (an HMAC with the user's salt) against the
   * user's document as it is when it serves the request, after the guard's check: a password
   * changed in between voids it. Null when the cookie still holds for the document as it is now
   * (the refusal is about something else); otherwise the remembered check is dropped and the
   * credentials are checked again.
   */
  async sessionRefused(authorization: string, cookie: string): Promise<Authentication | null> {
    const holds = await this.withDb(async (db) => {
      try {
        const session = (await db.multiUserSession(cookie)) as { userCtx?: { name?: string | null }; info?: { authenticated?: unknown } };
        return Boolean(session.info?.authenticated && session.userCtx?.name);
      } catch {
        return false;
      }
    });
    if (holds) return null;
    const key = credentialKey(authorization);
    if (this.basic.get(key)?.cookie === cookie) this.basic.delete(key);
    return this.authenticate({ authorization });
  }

  private async cookieAuth(cookie: string): Promise<Authentication> {
    const key = credentialKey(`cookie:${cookie}`);
    const hit = this.cookies.get(key);
    if (hit && Date.now() - hit.checkedAt < this.recheckMs) return { kind: 'user', user: hit.user, cookie: null, via: 'cookie' };
    return this.shared(key, () =>
      this.withDb(async (db) => {
        let session: { userCtx?: { name?: string | null; roles?: string[] }; info?: { authenticated?: unknown } };
        try {
          session = (await db.multiUserSession(cookie)) as typeof session;
        } catch {
          return { kind: 'invalid', reason: 'The session cookie is malformed; log in again.' };
        }
        if (!session.info?.authenticated || !session.userCtx?.name)
          return { kind: 'invalid', reason: 'The session has expired or is not valid; log in again.' };
        const entry: CacheEntry = {
          user: { name: session.userCtx.name, roles: session.userCtx.roles ?? [] },
          cookie: null,
          rev: null,
          verifiedAt: Date.now(),
          checkedAt: Date.now(),
        };
        this.remember(this.cookies, key, entry);
        return { kind: 'user', user: entry.user, cookie: null, via: 'cookie' };
      }),
    );
  }

  /** `_security` of a database; null when it does not exist. */
  async securityOf(name: string): Promise<SecurityObject | null> {
    const hit = this.security.get(name);
    if (hit && Date.now() - hit.at < this.securityMs) return hit.value;
    let value: SecurityObject | null = null;
    if (existsSync(join(this.opts.dbDir, name))) {
      let db = this.dbs.get(name);
      if (!db) {
        db = new this.opts.PouchDB(name);
        this.dbs.set(name, db);
      }
      try {
        // pouchdb-security keeps the object in the `security` member of this local document.
        const doc = (await db.get('_local/_security')) as { security?: SecurityObject };
        value = { members: doc.security?.members ?? {}, admins: doc.security?.admins ?? {} };
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
        value = {};
      }
    } else {
      this.dbs.delete(name);
    }
    if (this.security.size > 1000) this.security.clear();
    this.security.set(name, { value, at: Date.now() });
    return value;
  }

  securityChanged(name: string): void {
    this.security.delete(name);
  }
}

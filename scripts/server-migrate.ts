/**
 * `npm run server:migrate -- --from <URL> --to <URL> --practice <id> [options]`
 *
 * Copies a practice from one CouchDB-compatible server to another (e.g. from the embedded PouchDB
 * Server to Apache CouchDB or a hosted CouchDB; docs/deploy.md) with CouchDB's own replication:
 * for each of the practice's databases it creates the database on the target, copies `_security`
 * when the target has none of its own, and asks one of the servers to replicate it (`POST
 * /_replicate`, one-shot, with full revision histories, so conflicts and deletions arrive as they
 * are). Then it copies the practice's users (their `_users` documents with the password hashes, only
 * the roles of this practice) unless they exist there already, and finally compares both servers:
 * document counts (design documents included), and every leaf revision both ways (`_revs_diff`), and
 * reports what differs.
 * `--check` only compares.
 *
 * The admins' passwords never come from the command line or the environment: from a file
 * (`--from-admin-file`, `--to-admin-file`: `name:password`, or only the password with
 * `--from-admin`/`--to-admin` naming the admin), else they are asked for on the terminal.
 *
 * Exit codes (as server:setup's): 0 copied and identical, 2 bad arguments, 3 a server unreachable or
 * TLS problem, 4 wrong admin name or password (or not a server admin), 5 differences remain after
 * copying (listed), 1 anything else.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { COLLECTION_NAMES } from '../src-shared/model/schemas';
import { assertPracticeId, isPracticeRole, practiceDbName } from '../src-shared/sync/names';
import { basicAuthHeader, CouchClient, CouchError, httpError, type CouchAuth } from './lib/couch-http';

export interface MigrateServer {
  url: string;
  admin: CouchAuth;
}

export interface MigrateOptions {
  from: MigrateServer;
  to: MigrateServer;
  practice: string;
  /** Copy the practice's users (default true). */
  users?: boolean;
  /** Only compare, copy nothing. */
  check?: boolean;
  /** Which server runs the replications: the source pushes (default) or the target pulls. */
  via?: 'from' | 'to';
  log?: (line: string) => void;
}

export interface DatabaseReport {
  name: string;
  from: { docs: number; deleted: number };
  to: { docs: number; deleted: number };
  /** Documents with revisions the target lacks (id → revisions). */
  missingOnTarget: Record<string, string[]>;
  /** Documents with revisions only the target has. */
  extraOnTarget: Record<string, string[]>;
  securityDiffers: boolean;
  written?: number;
}

export interface UserReport {
  username: string;
  result: 'copied' | 'exists' | 'exists-without-practice-roles' | 'not-copied';
  note?: string;
}

export interface MigrateReport {
  databases: DatabaseReport[];
  users: UserReport[];
  /** Things that differ between the servers after the run (empty: identical). */
  differences: string[];
}

const TUTORDESK_ROLE_NOTE = 'run `npm run server:setup` against the target for this user (with a password) to give it its roles there';

/** A request without a time limit (a replication of a large database can take many minutes). */
function longPost(url: string, auth: CouchAuth, body: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const u = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const r = send(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'content-length': String(payload.length),
          authorization: basicAuthHeader(auth),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          resolvePromise({ status: res.statusCode ?? 0, json, text });
        });
        res.on('error', reject);
      },
    );
    r.on('error', (e) => reject(new CouchError('unreachable', `Cannot reach ${u.origin}: ${e.message}`)));
    r.end(payload);
  });
}

/** The database's URL with the admin's name and password in it (what both PouchDB Server and CouchDB replicate from). */
function urlWithCredentials(server: MigrateServer, db: string): string {
  const u = new URL(`${server.url.replace(/\/+$/, '')}/${encodeURIComponent(db)}`);
  u.username = encodeURIComponent(server.admin.username);
  u.password = encodeURIComponent(server.admin.password);
  return u.toString();
}

async function checkAdmin(server: MigrateServer, which: string): Promise<void> {
  const client = new CouchClient(server.url, server.admin);
  const s = await client.raw('GET', '/_session');
  const reason = String((s.json as { reason?: string } | null)?.reason ?? '');
  if (s.status === 401)
    throw new CouchError('unauthorized', `Wrong admin name or password for ${which} ${server.url} (user "${server.admin.username}")`, 401);
  if (s.status === 403) throw new CouchError('forbidden', `${which} ${server.url}: ${reason || 'forbidden'}`, 403);
  const roles = (s.json as { userCtx?: { roles?: string[] } } | null)?.userCtx?.roles ?? [];
  if (s.status !== 200 || !roles.includes('_admin'))
    throw new CouchError('forbidden', `"${server.admin.username}" is not a server admin of ${which} ${server.url}`, 403);
}

/** Every document's leaf revisions (deleted ones included) and the counts, from the changes feed. */
async function leaves(client: CouchClient, db: string): Promise<{ revs: Map<string, string[]>; docs: number; deleted: number }> {
  const revs = new Map<string, string[]>();
  const deleted = new Set<string>();
  let since: unknown = 0;
  for (;;) {
    const page = await client.request<{ results: { id: string; deleted?: boolean; changes: { rev: string }[] }[]; last_seq: unknown }>(
      'GET',
      `/${encodeURIComponent(db)}/_changes?style=all_docs&limit=5000&since=${encodeURIComponent(typeof since === 'string' ? since : JSON.stringify(since))}`,
    );
    for (const r of page.results) {
      revs.set(
        r.id,
        r.changes.map((c) => c.rev),
      );
      if (r.deleted) deleted.add(r.id);
      else deleted.delete(r.id);
    }
    if (page.results.length < 5000) return { revs, docs: revs.size - deleted.size, deleted: deleted.size };
    since = page.last_seq;
  }
}

/** Revisions of `revs` that `client`'s database lacks. */
async function revsDiff(client: CouchClient, db: string, revs: Map<string, string[]>): Promise<Record<string, string[]>> {
  const missing: Record<string, string[]> = {};
  const entries = [...revs];
  for (let i = 0; i < entries.length; i += 1000) {
    const answer = await client.request<Record<string, { missing: string[] }>>(
      'POST',
      `/${encodeURIComponent(db)}/_revs_diff`,
      Object.fromEntries(entries.slice(i, i + 1000)),
    );
    for (const [id, v] of Object.entries(answer)) if (v.missing?.length) missing[id] = v.missing;
  }
  return missing;
}

const isDefaultSecurity = (sec: Record<string, unknown> | null) => {
  if (!sec) return true;
  const roles = (k: string) => (sec[k] as { roles?: string[]; names?: string[] } | undefined) ?? {};
  const m = roles('members');
  const a = roles('admins');
  const only = (x: { roles?: string[]; names?: string[] }) => (x.names ?? []).length === 0 && (x.roles ?? []).every((r) => r === '_admin');
  return only(m) && only(a);
};

export async function migratePractice(options: MigrateOptions): Promise<MigrateReport> {
  assertPracticeId(options.practice);
  const log = options.log ?? (() => {});
  await checkAdmin(options.from, 'the source');
  await checkAdmin(options.to, 'the target');
  const from = new CouchClient(options.from.url, options.from.admin);
  const to = new CouchClient(options.to.url, options.to.admin);
  const report: MigrateReport = { databases: [], users: [], differences: [] };
  const names = COLLECTION_NAMES.map((c) => practiceDbName(options.practice, c));

  for (const name of names) {
    const info = await from.raw('GET', `/${encodeURIComponent(name)}`);
    if (info.status === 404)
      throw new CouchError('not-found', `Practice "${options.practice}" is not on ${options.from.url} (database ${name} is missing).`, 404);
    if (info.status >= 400) throw httpError('GET', `/${name}`, info.status, info.json, info.text);
  }

  if (!options.check) {
    for (const name of names) {
      const created = await to.raw('PUT', `/${encodeURIComponent(name)}`);
      if (created.status >= 400 && created.status !== 412) throw httpError('PUT', `/${name}`, created.status, created.json, created.text);
      const sec = await from.request<Record<string, unknown>>('GET', `/${encodeURIComponent(name)}/_security`);
      const targetSec = (await to.raw('GET', `/${encodeURIComponent(name)}/_security`)).json as Record<string, unknown> | null;
      if (isDefaultSecurity(targetSec)) await to.request('PUT', `/${encodeURIComponent(name)}/_security`, sec);
      const runner = options.via === 'to' ? options.to : options.from;
      const t0 = Date.now();
      const r = await longPost(`${runner.url.replace(/\/+$/, '')}/_replicate`, runner.admin, {
        source: urlWithCredentials(options.from, name),
        target: urlWithCredentials(options.to, name),
      });
      if (r.status >= 400) throw httpError('POST', '/_replicate', r.status, r.json, r.text);
      const j = (r.json ?? {}) as {
        docs_written?: number;
        doc_write_failures?: number;
        history?: { docs_written?: number; doc_write_failures?: number }[];
      };
      const written = j.docs_written ?? j.history?.[0]?.docs_written ?? 0;
      const failures = j.doc_write_failures ?? j.history?.[0]?.doc_write_failures ?? 0;
      log(
        `  ${name}: replicated (${written} document revisions written${failures ? `, ${failures} refused by the target` : ''}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
      report.databases.push({
        name,
        from: { docs: 0, deleted: 0 },
        to: { docs: 0, deleted: 0 },
        missingOnTarget: {},
        extraOnTarget: {},
        securityDiffers: false,
        written,
      });
    }
  }

  // ---- users ----
  if (options.users !== false) {
    const all = await from.request<{ rows: { id: string; doc?: Record<string, unknown> }[] }>('GET', '/_users/_all_docs?include_docs=true');
    const targetAdmins = await to.raw('GET', '/_node/_local/_config/admins');
    const adminNames = targetAdmins.status === 200 ? Object.keys((targetAdmins.json ?? {}) as object) : [];
    for (const row of all.rows) {
      const doc = row.doc;
      if (!doc || !row.id.startsWith('org.couchdb.user:')) continue;
      const roles = ((doc.roles as string[] | undefined) ?? []).filter((r) => isPracticeRole(options.practice, r));
      if (roles.length === 0) continue;
      const username = String(doc.name);
      const path = `/_users/${encodeURIComponent(row.id)}`;
      if (adminNames.includes(username)) {
        report.users.push({
          username,
          result: 'not-copied',
          note: `"${username}" is a server admin of the target: the admin's password would be the only one that works for this name (give the user another name)`,
        });
        continue;
      }
      const existing = await to.raw('GET', path);
      if (existing.status === 200) {
        const have = ((existing.json as { roles?: string[] }).roles ?? []).filter((r) => isPracticeRole(options.practice, r));
        const same = roles.every((r) => have.includes(r));
        report.users.push(
          same ? { username, result: 'exists' } : { username, result: 'exists-without-practice-roles', note: TUTORDESK_ROLE_NOTE },
        );
        continue;
      }
      if (options.check) {
        report.users.push({ username, result: 'not-copied', note: 'not on the target' });
        continue;
      }
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_') && k !== 'password') copy[k] = v;
      copy._id = row.id;
      copy.roles = roles;
      const meta = doc.tutordesk as Record<string, unknown> | undefined;
      if (meta && typeof meta === 'object') copy.tutordesk = meta[options.practice] ? { [options.practice]: meta[options.practice] } : {};
      const put = await to.raw('PUT', path, copy);
      if (put.status >= 400)
        report.users.push({
          username,
          result: 'not-copied',
          note: `the target answered ${put.status}: ${String((put.json as { reason?: string } | null)?.reason ?? put.text)}; ${TUTORDESK_ROLE_NOTE}`,
        });
      else report.users.push({ username, result: 'copied' });
    }
    for (const u of report.users) {
      log(`  user ${u.username}: ${u.result}${u.note ? ` (${u.note})` : ''}`);
      if (u.result === 'not-copied' || u.result === 'exists-without-practice-roles')
        report.differences.push(`user ${u.username}: ${u.note ?? u.result}`);
    }
  }

  // ---- compare ----
  const compared: DatabaseReport[] = [];
  for (const name of names) {
    const base = report.databases.find((d) => d.name === name);
    const fl = await leaves(from, name);
    const ti = await to.raw('GET', `/${encodeURIComponent(name)}`);
    if (ti.status === 404) {
      report.differences.push(`${name}: missing on the target`);
      compared.push({
        name,
        from: { docs: fl.docs, deleted: fl.deleted },
        to: { docs: 0, deleted: 0 },
        missingOnTarget: {},
        extraOnTarget: {},
        securityDiffers: false,
      });
      continue;
    }
    if (ti.status >= 400) throw httpError('GET', `/${name}`, ti.status, ti.json, ti.text);
    const tl = await leaves(to, name);
    const missingOnTarget = await revsDiff(to, name, fl.revs);
    const extraOnTarget = await revsDiff(from, name, tl.revs);
    const [fs, ts] = await Promise.all([
      from.request('GET', `/${encodeURIComponent(name)}/_security`),
      to.request('GET', `/${encodeURIComponent(name)}/_security`),
    ]);
    const securityDiffers = JSON.stringify(fs) !== JSON.stringify(ts);
    const d: DatabaseReport = {
      name,
      from: { docs: fl.docs, deleted: fl.deleted },
      to: { docs: tl.docs, deleted: tl.deleted },
      missingOnTarget,
      extraOnTarget,
      securityDiffers,
      ...(base?.written !== undefined ? { written: base.written } : {}),
    };
    compared.push(d);
    const list = (m: Record<string, string[]>) => Object.keys(m).slice(0, 10).join(', ') + (Object.keys(m).length > 10 ? ', …' : '');
    if (d.from.docs !== d.to.docs || d.from.deleted !== d.to.deleted)
      report.differences.push(
        `${name}: ${d.from.docs} documents (${d.from.deleted} deleted) on the source, ${d.to.docs} (${d.to.deleted} deleted) on the target`,
      );
    if (Object.keys(missingOnTarget).length)
      report.differences.push(
        `${name}: ${Object.keys(missingOnTarget).length} document(s) with revisions the target lacks: ${list(missingOnTarget)}`,
      );
    if (Object.keys(extraOnTarget).length)
      report.differences.push(
        `${name}: ${Object.keys(extraOnTarget).length} document(s) with revisions only the target has: ${list(extraOnTarget)}`,
      );
    if (securityDiffers)
      report.differences.push(
        `${name}: _security differs (the target's own was kept; run server:setup against the target to set the practice's roles)`,
      );
    log(
      `  ${name}: source ${d.from.docs} documents (${d.from.deleted} deleted), target ${d.to.docs} (${d.to.deleted} deleted)${Object.keys(missingOnTarget).length + Object.keys(extraOnTarget).length === 0 ? ', every revision on both' : ''}`,
    );
  }
  report.databases = compared;
  return report;
}

// ---- command line ------------------------------------------------------------------------------

const USAGE = `Usage: npm run server:migrate -- --from <URL> --to <URL> --practice <id>
         [--from-admin <name>] [--from-admin-file <file>] [--to-admin <name>] [--to-admin-file <file>]
         [--via from|to] [--no-users] [--check]

  --from, --to        the servers (CouchDB 3.x / Cloudant / PouchDB Server), e.g. http://127.0.0.1:5984
  --practice          the practice id to copy
  --*-admin-file      a file holding the server admin as name:password (or only the password, with
                      --from-admin / --to-admin naming the admin; default "admin"); without a file
                      the password is asked for on the terminal. Never on the command line.
  --via               which server runs the replications: "from" (default: the source pushes, so the
                      target need not reach the source) or "to" (the target pulls)
  --no-users          do not copy the practice's users
  --check             copy nothing; only compare the practice on both servers

Exit codes: 0 identical, 2 bad arguments, 3 unreachable / TLS, 4 wrong admin name or password,
5 differences remain (listed), 1 other.`;

/** Reads a password from the terminal without showing it. */
async function askPassword(question: string): Promise<string> {
  if (!process.stdin.isTTY)
    throw new Error(`${question}: there is no terminal to ask on; give a file with --from-admin-file / --to-admin-file`);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolvePromise) => {
    rl.question(`${question}: `, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolvePromise(answer);
    });
    muted = true;
  });
}

export async function adminFrom(
  name: string | undefined,
  file: string | undefined,
  what: string,
  ask: (q: string) => Promise<string> = askPassword,
): Promise<CouchAuth> {
  if (file) {
    const text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    const i = text.indexOf(':');
    if (i > 0 && !name) return { username: text.slice(0, i), password: text.slice(i + 1) };
    if (!text) throw new Error(`${file} is empty`);
    return { username: name ?? 'admin', password: text };
  }
  const username = name ?? 'admin';
  return { username, password: await ask(`Password of ${username} on ${what}`) };
}

export async function main(argv: string[], ask?: (q: string) => Promise<string>): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        practice: { type: 'string' },
        'from-admin': { type: 'string' },
        'from-admin-file': { type: 'string' },
        'to-admin': { type: 'string' },
        'to-admin-file': { type: 'string' },
        via: { type: 'string' },
        'no-users': { type: 'boolean' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`server:migrate: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let from: MigrateServer;
  let to: MigrateServer;
  try {
    if (!values.from || !values.to || !values.practice) throw new Error('--from, --to and --practice are required');
    assertPracticeId(values.practice);
    for (const [flag, url] of [
      ['--from', values.from],
      ['--to', values.to],
    ] as const) {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${flag} must start with http:// or https:// (got ${url})`);
      if (u.username || u.password) throw new Error(`${flag} must not contain a name or password; use --${flag.slice(2)}-admin-file`);
    }
    if (values.via && values.via !== 'from' && values.via !== 'to') throw new Error('--via must be "from" or "to"');
    if (new URL(values.from).href === new URL(values.to).href) throw new Error('--from and --to are the same server');
    from = {
      url: values.from.replace(/\/+$/, ''),
      admin: await adminFrom(values['from-admin'], values['from-admin-file'], values.from, ask),
    };
    to = { url: values.to.replace(/\/+$/, ''), admin: await adminFrom(values['to-admin'], values['to-admin-file'], values.to, ask) };
  } catch (e) {
    console.error(`server:migrate: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    console.log(`${values.check ? 'Comparing' : 'Copying'} practice "${values.practice}": ${from.url} → ${to.url}`);
    const report = await migratePractice({
      from,
      to,
      practice: values.practice,
      users: !values['no-users'],
      check: Boolean(values.check),
      via: values.via === 'to' ? 'to' : 'from',
      log: (l) => console.log(l),
    });
    if (report.differences.length) {
      console.error(
        `server:migrate: ${report.differences.length} difference(s) between the servers:\n - ${report.differences.join('\n - ')}`,
      );
      return 5;
    }
    const docs = report.databases.reduce((n, d) => n + d.to.docs, 0);
    console.log(
      `Practice "${values.practice}" is the same on both servers: ${report.databases.length} databases, ${docs} documents, every revision; ${report.users.length} user(s).`,
    );
    return 0;
  } catch (e) {
    console.error(`server:migrate: ${(e as Error).message}`);
    if (e instanceof CouchError) {
      if (e.kind === 'unreachable' || e.kind === 'tls') return 3;
      if (e.kind === 'unauthorized' || e.kind === 'forbidden') return 4;
    }
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

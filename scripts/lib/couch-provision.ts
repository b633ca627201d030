/**
 * Provisions (or upgrades) one TutorDesk practice on a CouchDB-compatible server, through the
 * CouchDB 3.x HTTP API only (Apache CouchDB single node or cluster, Cloudant, PouchDB Server):
 *
 * - one database per collection, `tutordesk-<practice>-<collection>`;
 * - `_security`: members role `tutordesk-<practice>`, and NO database admins: practice admins are
 *   members whose admin role the rules enforce (database admins could replace the rules, and on
 *   PouchDB Server run code in the server process; docs/security.md);
 * - the design document `_design/tutordesk` with validate_doc_update (src-shared/sync);
 * - users in `_users` with the practice roles; each user is linked to a staff record by the role
 *   `tutordesk-<practice>-staff:<staffId>` (explicit staff id, else the staff record whose
 *   `username` is the user's name, else a new staff record `staff-<username>` is created);
 * - documents written by older TutorDesk versions brought to the current schemas (occurrences get
 *   their lesson's tutor; lessons and settings with a time zone or repeat rule the app cannot use
 *   are repaired as the laptops' migrations do: src-shared/model/migrations.ts).
 *
 * Idempotent: re-running creates what is missing, upgrades design documents and `_security` that
 * differ, and updates users' roles (and passwords, when given). `checkPractice` reports what
 * differs without changing anything (`server:setup --check`). See docs/sync.md.
 */
import { COLLECTION_NAMES, collectionSchemas, type CollectionName } from '../../src-shared/model/schemas';
import { stampChange, type SyncMeta } from '../../src-shared/model/meta';
import { migrateLessonV0toV1, migrateSettingsV0toV1 } from '../../src-shared/model/migrations';
import { isAllowedLessonRule, isKnownTimeZone } from '../../src-shared/model/timing';
import type { Staff, StaffRole } from '../../src-shared/model/types';
import {
  adminRole,
  assertPracticeId,
  DESIGN_DOC_ID,
  isPracticeRole,
  memberRole,
  practiceDbName,
  staffRole,
  tutorRole,
} from '../../src-shared/sync/names';
import { designDocFor } from '../../src-shared/sync/validate-doc-update';
import { expectedSecurity, rulesDifferences, sameSecurity, securityDifferences } from '../../src-shared/sync/rules-check';
import { CouchClient, CouchError, httpError, type CouchAuth } from './couch-http';
import { NO_PASSWORDS_IN_ARGV } from './secret-input';

export interface PracticeUserSpec {
  username: string;
  /** The user's password; omitted: an existing user keeps theirs. */
  password?: string;
  /** Used only when the user does not exist yet and no `password` is given. */
  passwordIfNew?: string;
  role: StaffRole;
  /** Staff record id; looked up by username or created when absent. */
  staffId?: string;
}

export interface ProvisionOptions {
  url: string;
  admin: CouchAuth;
  practice: string;
  users?: PracticeUserSpec[];
  log?: (line: string) => void;
}

export interface ProvisionReport {
  server: { vendor: string; version: string };
  databases: { name: string; created: boolean; designDoc: 'created' | 'upgraded' | 'unchanged'; security: 'set' | 'unchanged' }[];
  users: { username: string; role: StaffRole; staffId: string; created: boolean; staffCreated: boolean }[];
  /** Documents brought to the current schemas, per collection. */
  upgraded: Partial<Record<CollectionName, number>>;
}

const USER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/;

/** A user name from the command line; `name:password` is refused (passwords never go on the command line). */
export function parseUserName(arg: string): string {
  if (arg.includes(':')) throw new Error(`"${arg.slice(0, arg.indexOf(':'))}:…": ${NO_PASSWORDS_IN_ARGV}`);
  if (!USER_NAME_RE.test(arg)) throw new Error(`"${arg}" is not a valid user name (letters, digits, . _ @ + -)`);
  return arg;
}

export { expectedSecurity };

/** Reads the server's name and version with the admin's credentials (works when logins are required). */
async function serverIdentity(client: CouchClient, url: string): Promise<{ vendor: string; version: string }> {
  const root = await client.raw('GET', '/');
  if (root.status >= 400 || !root.json || typeof root.json !== 'object') {
    throw new CouchError('http', `${url} does not look like a CouchDB server (GET / answered ${root.status})`, root.status);
  }
  const info = root.json as { couchdb?: string; version?: string; vendor?: { name?: string; version?: string } };
  return {
    vendor: info.vendor?.name ?? (info.couchdb ? 'CouchDB' : 'unknown'),
    version: String(info.version ?? info.vendor?.version ?? '?'),
  };
}

/** Checks that the server answers and that `admin` is a server admin; returns the server's identity. */
export async function checkServerAdmin(url: string, admin: CouchAuth): Promise<{ vendor: string; version: string }> {
  const client = new CouchClient(url, admin);
  const session = await client.raw('GET', '/_session');
  if (session.status === 401)
    throw new CouchError('unauthorized', `Wrong admin name or password for ${url} (user "${admin.username}")`, 401);
  if (session.status === 403) {
    const reason = (session.json as { reason?: string } | null)?.reason ?? '';
    throw new CouchError('forbidden', `${url} refused the admin "${admin.username}"${reason ? `: ${reason}` : ''}`, 403);
  }
  if (session.status >= 400) throw httpError('GET', '/_session', session.status, session.json, session.text);
  const roles = ((session.json as { userCtx?: { roles?: string[] } })?.userCtx?.roles ?? []) as string[];
  const name = (session.json as { userCtx?: { name?: string | null } })?.userCtx?.name;
  if (!name) throw new CouchError('unauthorized', `Wrong admin name or password for ${url} (user "${admin.username}")`, 401);
  if (!roles.includes('_admin')) throw new CouchError('forbidden', `"${admin.username}" is a user of ${url} but not a server admin`, 403);
  return serverIdentity(client, url);
}

async function ensureDb(client: CouchClient, name: string): Promise<boolean> {
  const res = await client.raw('PUT', `/${encodeURIComponent(name)}`);
  if (res.status === 201 || res.status === 202) return true;
  if (res.status === 412) return false;
  throw httpError('PUT', `/${name}`, res.status, res.json, res.text);
}

async function putWithRev(
  client: CouchClient,
  path: string,
  doc: Record<string, unknown>,
  same: (existing: Record<string, unknown>) => boolean,
): Promise<'created' | 'upgraded' | 'unchanged'> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await client.raw('GET', path);
    let rev: string | undefined;
    if (cur.status === 200) {
      const existing = cur.json as Record<string, unknown>;
      if (same(existing)) return 'unchanged';
      rev = String(existing._rev);
    } else if (cur.status !== 404) {
      throw httpError('GET', path, cur.status, cur.json, cur.text);
    }
    const res = await client.raw('PUT', path, rev ? { ...doc, _rev: rev } : doc);
    if (res.status === 201 || res.status === 202) return rev ? 'upgraded' : 'created';
    if (res.status !== 409) throw httpError('PUT', path, res.status, res.json, res.text);
  }
  throw new CouchError('conflict', `${path} keeps changing; try again`);
}

/** Default values for required fields of a JSON schema (for the staff records setup creates). */
export function defaultsFor(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.oneOf)) return null;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const r of (schema.required ?? []) as string[]) if (props[r]) out[r] = defaultsFor(props[r]);
      return out;
    }
    default:
      return null;
  }
}

function newStaffDoc(username: string, role: StaffRole, currency: string, now: Date): Staff {
  const schema = collectionSchemas.staff as unknown as { properties: Record<string, Record<string, unknown>>; required: string[] };
  const values: Record<string, unknown> = {};
  for (const r of schema.required) {
    if (['id', 'createdAt', 'updatedAt', 'updatedBy', 'deviceId', 'fieldClock'].includes(r)) continue;
    if (schema.properties[r]) values[r] = defaultsFor(schema.properties[r]);
  }
  Object.assign(values, {
    name: username,
    email: username.includes('@') ? username : '',
    phone: '',
    role,
    payRate: { amount: 0, currency },
    payUnit: 'lesson',
    colour: '#4f7cac',
    username,
    active: true,
  });
  const id = `staff-${username.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`;
  return stampChange<Staff>(
    undefined,
    { ...(values as Omit<Staff, 'id' | 'createdAt' | 'updatedAt' | 'updatedBy' | 'deviceId' | 'fieldClock'>), id },
    { staffId: 'server-setup', deviceId: 'server-setup', now },
    () => id,
  );
}

async function resolveStaff(client: CouchClient, practice: string, user: PracticeUserSpec): Promise<{ staffId: string; created: boolean }> {
  if (user.staffId) return { staffId: user.staffId, created: false };
  const staffDb = `/${practiceDbName(practice, 'staff')}`;
  const all = await client.request<{ rows: { id: string; doc?: Record<string, unknown> | null }[] }>(
    'GET',
    `${staffDb}/_all_docs?include_docs=true`,
  );
  const match = all.rows.find((r) => r.doc && !r.id.startsWith('_design/') && r.doc.username === user.username);
  if (match) return { staffId: match.id, created: false };
  const settings = await client.raw('GET', `/${practiceDbName(practice, 'settings')}/practice`);
  const currency =
    settings.status === 200 && typeof (settings.json as { currency?: unknown }).currency === 'string'
      ? String((settings.json as { currency: string }).currency)
      : 'GBP';
  const doc = newStaffDoc(user.username, user.role, currency, new Date());
  const { id, ...rest } = doc;
  const res = await client.raw('PUT', `${staffDb}/${encodeURIComponent(id)}`, { ...rest, _id: id });
  if (res.status === 409) return { staffId: id, created: false };
  if (res.status >= 400) throw httpError('PUT', `${staffDb}/${id}`, res.status, res.json, res.text);
  return { staffId: id, created: true };
}

async function upsertUser(client: CouchClient, practice: string, user: PracticeUserSpec, staffId: string): Promise<boolean> {
  const path = `/_users/${encodeURIComponent(`org.couchdb.user:${user.username}`)}`;
  const practiceRoles = [
    memberRole(practice),
    user.role === 'admin' ? adminRole(practice) : tutorRole(practice),
    staffRole(practice, staffId),
  ];
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await client.raw('GET', path);
    const existing = cur.status === 200 ? (cur.json as Record<string, unknown>) : null;
    if (cur.status !== 200 && cur.status !== 404) throw httpError('GET', path, cur.status, cur.json, cur.text);
    const password = user.password ?? (existing ? undefined : user.passwordIfNew);
    if (!existing && password === undefined)
      throw new CouchError('http', `User ${user.username} does not exist yet: give a password for it (--passwords-file or the prompt)`);
    const otherRoles = ((existing?.roles as string[] | undefined) ?? []).filter((r) => !isPracticeRole(practice, r));
    const doc: Record<string, unknown> = {
      ...(existing ?? {}),
      _id: `org.couchdb.user:${user.username}`,
      name: user.username,
      type: 'user',
      roles: [...otherRoles, ...practiceRoles],
      tutordesk: { ...((existing?.tutordesk as Record<string, unknown>) ?? {}), [practice]: { staffId, role: user.role } },
    };
    if (password !== undefined) doc.password = password;
    const res = await client.raw('PUT', path, doc);
    if (res.status === 201 || res.status === 202) return !existing;
    if (res.status !== 409) throw httpError('PUT', path, res.status, res.json, res.text);
  }
  throw new CouchError('conflict', `user ${user.username} keeps changing; try again`);
}

type CouchDoc = Record<string, unknown> & { _id: string; _rev?: string; _deleted?: boolean };

/** Every document of a database except design documents, read in pages. */
async function allDocs(client: CouchClient, db: string): Promise<CouchDoc[]> {
  const out: CouchDoc[] = [];
  let startkey: string | null = null;
  for (;;) {
    const q: string = `include_docs=true&limit=2001${startkey !== null ? `&startkey=${encodeURIComponent(JSON.stringify(startkey))}` : ''}`;
    const page: { rows: { id: string; doc?: CouchDoc | null }[] } = await client.request('GET', `/${db}/_all_docs?${q}`);
    const rows = page.rows.slice(0, 2000);
    for (const r of rows) if (r.doc && !r.id.startsWith('_design/')) out.push(r.doc);
    if (page.rows.length <= 2000) return out;
    startkey = page.rows[2000]!.id;
  }
}

const SETUP_CTX = () => ({ staffId: 'server-setup', deviceId: 'server-setup', now: new Date() });

/** A CouchDB document changed like the app changes it: `fieldClock` stamped for the changed fields. */
function restamp(doc: CouchDoc, next: Record<string, unknown>): CouchDoc {
  const { _id, _rev, ...rest } = doc;
  const app = { ...rest, id: _id } as unknown as SyncMeta;
  const values = Object.fromEntries(Object.entries(next).filter(([k]) => !k.startsWith('_')));
  const stamped = stampChange(app, values as never, SETUP_CTX(), () => _id) as unknown as Record<string, unknown>;
  if (!('id' in doc)) delete stamped.id;
  return { ...stamped, _id, ...(_rev ? { _rev } : {}) };
}

/** The documents of a practice that an older TutorDesk wrote and the current schemas refuse, brought up to date. */
async function documentsToUpgrade(client: CouchClient, practice: string): Promise<Partial<Record<CollectionName, CouchDoc[]>>> {
  const out: Partial<Record<CollectionName, CouchDoc[]>> = {};
  const lessons = await allDocs(client, practiceDbName(practice, 'lessons'));
  const tutorOf = new Map(lessons.filter((l) => !l._deleted).map((l) => [l._id, String(l.tutorId ?? '')]));
  out.lessons = lessons
    .filter((l) => !l._deleted && (!isKnownTimeZone(String(l.timeZone)) || !isAllowedLessonRule(String(l.rrule ?? ''))))
    .map((l) => restamp(l, migrateLessonV0toV1(l)));
  out.settings = (await allDocs(client, practiceDbName(practice, 'settings')))
    .filter((d) => !d._deleted && !isKnownTimeZone(String(d.timeZone)))
    .map((d) => restamp(d, migrateSettingsV0toV1(d)));
  out.occurrences = (await allDocs(client, practiceDbName(practice, 'occurrences')))
    .filter(
      (o) =>
        !o._deleted &&
        (typeof o.lessonTutorId !== 'string' || (tutorOf.has(String(o.lessonId)) && o.lessonTutorId !== tutorOf.get(String(o.lessonId)))),
    )
    .map((o) =>
      restamp(o, { ...o, lessonTutorId: tutorOf.get(String(o.lessonId)) ?? (typeof o.lessonTutorId === 'string' ? o.lessonTutorId : '') }),
    );
  return out;
}

async function upgradeDocuments(client: CouchClient, practice: string): Promise<ProvisionReport['upgraded']> {
  const todo = await documentsToUpgrade(client, practice);
  const done: ProvisionReport['upgraded'] = {};
  for (const [c, docs] of Object.entries(todo) as [CollectionName, CouchDoc[]][]) {
    for (let i = 0; i < docs.length; i += 500) {
      const batch = docs.slice(i, i + 500);
      const res = await client.request<{ id: string; ok?: boolean; error?: string; reason?: string }[]>(
        'POST',
        `/${practiceDbName(practice, c)}/_bulk_docs`,
        { docs: batch },
      );
      const bad = res.find((r) => !r.ok && r.error !== 'conflict');
      if (bad) throw new CouchError('http', `Upgrading ${c} document ${bad.id} failed: ${bad.reason ?? bad.error}`);
      done[c] = (done[c] ?? 0) + res.filter((r) => r.ok).length;
    }
  }
  return done;
}

export async function provisionPractice(opts: ProvisionOptions): Promise<ProvisionReport> {
  assertPracticeId(opts.practice);
  const log = opts.log ?? (() => {});
  const server = await checkServerAdmin(opts.url, opts.admin);
  log(`Server: ${server.vendor} ${server.version} at ${opts.url}`);
  const client = new CouchClient(opts.url, opts.admin);
  // CouchDB 3 in single-node setups may lack the system databases until created.
  await ensureDb(client, '_users');

  const security = expectedSecurity(opts.practice);
  const databases: ProvisionReport['databases'] = await Promise.all(
    (COLLECTION_NAMES as CollectionName[]).map(async (c) => {
      const name = practiceDbName(opts.practice, c);
      const created = await ensureDb(client, name);
      const current = await client.raw('GET', `/${name}/_security`);
      const securitySame = current.status === 200 && sameSecurity(current.json, security);
      if (!securitySame) await client.request('PUT', `/${name}/_security`, security);
      const ddoc = designDocFor(opts.practice, c);
      const designDoc = await putWithRev(
        client,
        `/${name}/${DESIGN_DOC_ID}`,
        ddoc,
        (existing) =>
          existing.validate_doc_update === ddoc.validate_doc_update &&
          JSON.stringify(existing.tutordesk) === JSON.stringify(ddoc.tutordesk),
      );
      return { name, created, designDoc, security: securitySame ? ('unchanged' as const) : ('set' as const) };
    }),
  );
  for (const d of databases)
    log(
      `  ${d.name}: ${d.created ? 'created' : 'exists'}, rules ${d.designDoc}${d.security === 'set' && !d.created ? ', members and admins corrected' : ''}`,
    );

  const upgraded = await upgradeDocuments(client, opts.practice);
  for (const [c, n] of Object.entries(upgraded)) if (n) log(`  ${n} ${c} document(s) written by an older TutorDesk brought up to date`);

  const users: ProvisionReport['users'] = [];
  for (const u of opts.users ?? []) {
    const staff = await resolveStaff(client, opts.practice, u);
    const created = await upsertUser(client, opts.practice, u, staff.staffId);
    users.push({ username: u.username, role: u.role, staffId: staff.staffId, created, staffCreated: staff.created });
    log(
      `  user ${u.username} (${u.role}) → staff ${staff.staffId}${staff.created ? ' (new staff record)' : ''}${created ? ', created' : ', updated'}`,
    );
  }
  return { server, databases, users, upgraded };
}

/**
 * What differs between the practice on the server and what `provisionPractice` would install:
 * missing databases, `_security` (members, admins), the rules document, other design documents,
 * documents an older TutorDesk wrote. Changes nothing. Empty when the practice is as installed.
 */
export async function checkPractice(
  opts: Omit<ProvisionOptions, 'users'>,
): Promise<{ server: { vendor: string; version: string }; differences: string[] }> {
  assertPracticeId(opts.practice);
  const server = await checkServerAdmin(opts.url, opts.admin);
  const client = new CouchClient(opts.url, opts.admin);
  const differences: string[] = [];
  let allExist = true;
  for (const c of COLLECTION_NAMES as CollectionName[]) {
    const name = practiceDbName(opts.practice, c);
    const info = await client.raw('GET', `/${name}`);
    if (info.status === 404) {
      differences.push(`${name}: the database does not exist`);
      allExist = false;
      continue;
    }
    if (info.status >= 400) throw httpError('GET', `/${name}`, info.status, info.json, info.text);
    const sec = await client.raw('GET', `/${name}/_security`);
    if (sec.status >= 400) throw httpError('GET', `/${name}/_security`, sec.status, sec.json, sec.text);
    differences.push(...securityDifferences(opts.practice, c, sec.json));
    const cur = await client.raw('GET', `/${name}/${DESIGN_DOC_ID}`);
    if (cur.status >= 400 && cur.status !== 404) throw httpError('GET', `/${name}/${DESIGN_DOC_ID}`, cur.status, cur.json, cur.text);
    differences.push(...rulesDifferences(opts.practice, c, cur.status === 404 ? null : (cur.json as Record<string, unknown>)));
    const ddocs = await client.request<{ rows: { id: string }[] }>(
      'GET',
      `/${name}/_all_docs?startkey=${encodeURIComponent('"_design/"')}&endkey=${encodeURIComponent('"_design0"')}`,
    );
    for (const r of ddocs.rows)
      if (r.id !== DESIGN_DOC_ID)
        differences.push(
          `${name}: an unexpected design document ${r.id} (only the server admin can have put it there; its code runs on every write)`,
        );
  }
  if (allExist) {
    const todo = await documentsToUpgrade(client, opts.practice);
    for (const [c, docs] of Object.entries(todo))
      if (docs.length)
        differences.push(
          `${practiceDbName(opts.practice, c as CollectionName)}: ${docs.length} document(s) written by an older TutorDesk need upgrading`,
        );
  }
  return { server, differences };
}

/**
 * The nodes whose configuration must be set: every node of a CouchDB cluster (`GET /_membership`
 * → `cluster_nodes`, each set through `/_node/<name>/_config`), or `_local` where the server does
 * not list its nodes. Configuration in CouchDB 3 is per node; `/_node/_local/_config` alone would
 * change only the node that happens to receive the request.
 */
async function configNodes(client: CouchClient): Promise<string[]> {
  const res = await client.raw('GET', '/_membership');
  const nodes = (res.json as { cluster_nodes?: unknown } | null)?.cluster_nodes;
  if (res.status === 200 && Array.isArray(nodes) && nodes.length && nodes.every((n) => typeof n === 'string')) return nodes as string[];
  return ['_local'];
}

export interface ServerSettings {
  /** Browser origins allowed by CORS (never "*"). */
  corsOrigins?: string[];
  /** Logins required for everything but `/_up` (`[chttpd] require_valid_user_except_for_up`). */
  requireLogin?: boolean;
}

/** The `[section] key = value` settings that `settings` stands for (the same on CouchDB and the embedded server). */
export function configEntries(settings: ServerSettings): [section: string, key: string, value: string][] {
  const out: [string, string, string][] = [];
  if (settings.corsOrigins?.length) {
    for (const o of settings.corsOrigins) {
      let u: URL;
      try {
        u = new URL(o);
      } catch {
        throw new Error(`--cors ${o}: not an origin (e.g. https://tutordesk.example.org)`);
      }
      if (o === '*' || u.origin !== o) throw new Error(`--cors ${o}: give an origin as scheme://host[:port] without a path (never "*")`);
    }
    out.push(
      ['chttpd', 'enable_cors', 'true'],
      ['cors', 'origins', settings.corsOrigins.join(', ')],
      ['cors', 'credentials', 'true'],
      ['cors', 'methods', 'GET, PUT, POST, HEAD, DELETE'],
      ['cors', 'headers', 'accept, authorization, content-type, origin, referer'],
    );
  }
  if (settings.requireLogin) out.push(['chttpd', 'require_valid_user_except_for_up', 'true']);
  return out;
}

/** Applies `settings` on every node through the config API; returns the lines it set. */
export async function configureServer(
  url: string,
  admin: CouchAuth,
  settings: ServerSettings,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  const entries = configEntries(settings);
  if (!entries.length) return [];
  const client = new CouchClient(url, admin);
  const nodes = await configNodes(client);
  const done: string[] = [];
  for (const node of nodes) {
    for (const [section, key, value] of entries) {
      const path = `/_node/${encodeURIComponent(node)}/_config/${section}/${key}`;
      const res = await client.raw('PUT', path, JSON.stringify(value));
      if (res.status === 401 || res.status === 403 || res.status === 404 || res.status === 405) {
        throw new CouchError(
          'http',
          `${url} does not let server:setup change its configuration (PUT ${path} → ${res.status}). Set [${section}] ${key} = ${value} in the server's own configuration (for Cloudant, in its dashboard).`,
          res.status,
        );
      }
      if (res.status >= 400) throw httpError('PUT', path, res.status, res.json, res.text);
      done.push(`[${section}] ${key} = ${value}${nodes.length > 1 || node !== '_local' ? ` (node ${node})` : ''}`);
    }
  }
  for (const d of done) log(`  ${d}`);
  return done;
}

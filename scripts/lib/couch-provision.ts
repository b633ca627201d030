/**
 * Provisions (or upgrades) one TutorDesk practice on a CouchDB-compatible server, through the
 * CouchDB 3.x HTTP API only (Apache CouchDB, Cloudant, PouchDB Server):
 *
 * - one database per collection, `tutordesk-<practice>-<collection>`;
 * - `_security`: members role `tutordesk-<practice>`, admins role `tutordesk-<practice>-admin`;
 * - the design document `_design/tutordesk` with validate_doc_update (src-shared/sync);
 * - users in `_users` with the practice roles; each user is linked to a staff record by the role
 *   `tutordesk-<practice>-staff:<staffId>` (explicit staff id, else the staff record whose
 *   `username` is the user's name, else a new staff record `staff-<username>` is created).
 *
 * Idempotent: re-running creates what is missing, upgrades design documents that differ, and
 * updates users' roles and passwords. See docs/sync.md.
 */
import { COLLECTION_NAMES, collectionSchemas, type CollectionName } from '../../src-shared/model/schemas';
import { stampChange } from '../../src-shared/model/meta';
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
import { CouchClient, CouchError, httpError, type CouchAuth } from './couch-http';

export interface PracticeUserSpec {
  username: string;
  password: string;
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
  databases: { name: string; created: boolean; designDoc: 'created' | 'upgraded' | 'unchanged' }[];
  users: { username: string; role: StaffRole; staffId: string; created: boolean; staffCreated: boolean }[];
}

const USER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/;

export function parseUserArg(arg: string, role: StaffRole): PracticeUserSpec {
  const i = arg.indexOf(':');
  if (i <= 0 || i === arg.length - 1) throw new Error(`"${arg}" must be name:password`);
  const username = arg.slice(0, i);
  const password = arg.slice(i + 1);
  if (!USER_NAME_RE.test(username)) throw new Error(`"${username}" is not a valid user name (letters, digits, . _ @ + -)`);
  return { username, password, role };
}

/** Checks that the server answers and that `admin` is a server admin; returns the server's identity. */
export async function checkServerAdmin(url: string, admin: CouchAuth): Promise<{ vendor: string; version: string }> {
  const anon = new CouchClient(url);
  const root = await anon.raw('GET', '/');
  if (root.status >= 500 || !root.json || typeof root.json !== 'object') {
    throw new CouchError('http', `${url} does not look like a CouchDB server (GET / answered ${root.status})`, root.status);
  }
  const info = root.json as { couchdb?: string; version?: string; vendor?: { name?: string; version?: string } };
  const server = { vendor: info.vendor?.name ?? (info.couchdb ? 'CouchDB' : 'unknown'), version: String(info.version ?? info.vendor?.version ?? '?') };
  const client = anon.withAuth(admin);
  const session = await client.raw('GET', '/_session');
  if (session.status === 401) throw new CouchError('unauthorized', `Wrong admin name or password for ${url} (user "${admin.username}")`, 401);
  if (session.status >= 400) throw httpError('GET', '/_session', session.status, session.json, session.text);
  const roles = ((session.json as { userCtx?: { roles?: string[] } })?.userCtx?.roles ?? []) as string[];
  const name = (session.json as { userCtx?: { name?: string | null } })?.userCtx?.name;
  if (!name) throw new CouchError('unauthorized', `Wrong admin name or password for ${url} (user "${admin.username}")`, 401);
  if (!roles.includes('_admin')) throw new CouchError('forbidden', `"${admin.username}" is a user of ${url} but not a server admin`, 403);
  return server;
}

async function ensureDb(client: CouchClient, name: string): Promise<boolean> {
  const res = await client.raw('PUT', `/${encodeURIComponent(name)}`);
  if (res.status === 201 || res.status === 202) return true;
  if (res.status === 412) return false;
  throw httpError('PUT', `/${name}`, res.status, res.json, res.text);
}

async function putWithRev(client: CouchClient, path: string, doc: Record<string, unknown>, same: (existing: Record<string, unknown>) => boolean): Promise<'created' | 'upgraded' | 'unchanged'> {
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
  return stampChange<Staff>(undefined, { ...(values as Omit<Staff, 'id' | 'createdAt' | 'updatedAt' | 'updatedBy' | 'deviceId' | 'fieldClock'>), id }, { staffId: 'server-setup', deviceId: 'server-setup', now }, () => id);
}

async function resolveStaff(client: CouchClient, practice: string, user: PracticeUserSpec): Promise<{ staffId: string; created: boolean }> {
  if (user.staffId) return { staffId: user.staffId, created: false };
  const staffDb = `/${practiceDbName(practice, 'staff')}`;
  const all = await client.request<{ rows: { id: string; doc?: Record<string, unknown> | null }[] }>('GET', `${staffDb}/_all_docs?include_docs=true`);
  const match = all.rows.find((r) => r.doc && !r.id.startsWith('_design/') && r.doc.username === user.username);
  if (match) return { staffId: match.id, created: false };
  const settings = await client.raw('GET', `/${practiceDbName(practice, 'settings')}/practice`);
  const currency = settings.status === 200 && typeof (settings.json as { currency?: unknown }).currency === 'string' ? String((settings.json as { currency: string }).currency) : 'GBP';
  const doc = newStaffDoc(user.username, user.role, currency, new Date());
  const { id, ...rest } = doc;
  const res = await client.raw('PUT', `${staffDb}/${encodeURIComponent(id)}`, { ...rest, _id: id });
  if (res.status === 409) return { staffId: id, created: false };
  if (res.status >= 400) throw httpError('PUT', `${staffDb}/${id}`, res.status, res.json, res.text);
  return { staffId: id, created: true };
}

async function upsertUser(client: CouchClient, practice: string, user: PracticeUserSpec, staffId: string): Promise<boolean> {
  const path = `/_users/${encodeURIComponent(`org.couchdb.user:${user.username}`)}`;
  const practiceRoles = [memberRole(practice), user.role === 'admin' ? adminRole(practice) : tutorRole(practice), staffRole(practice, staffId)];
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await client.raw('GET', path);
    const existing = cur.status === 200 ? (cur.json as Record<string, unknown>) : null;
    if (cur.status !== 200 && cur.status !== 404) throw httpError('GET', path, cur.status, cur.json, cur.text);
    const otherRoles = ((existing?.roles as string[] | undefined) ?? []).filter((r) => !isPracticeRole(practice, r));
    const doc: Record<string, unknown> = {
      ...(existing ?? {}),
      _id: `org.couchdb.user:${user.username}`,
      name: user.username,
      type: 'user',
      roles: [...otherRoles, ...practiceRoles],
      password: user.password,
      tutordesk: { ...((existing?.tutordesk as Record<string, unknown>) ?? {}), [practice]: { staffId, role: user.role } },
    };
    const res = await client.raw('PUT', path, doc);
    if (res.status === 201 || res.status === 202) return !existing;
    if (res.status !== 409) throw httpError('PUT', path, res.status, res.json, res.text);
  }
  throw new CouchError('conflict', `user ${user.username} keeps changing; try again`);
}

export async function provisionPractice(opts: ProvisionOptions): Promise<ProvisionReport> {
  assertPracticeId(opts.practice);
  const log = opts.log ?? (() => {});
  const server = await checkServerAdmin(opts.url, opts.admin);
  log(`Server: ${server.vendor} ${server.version} at ${opts.url}`);
  const client = new CouchClient(opts.url, opts.admin);
  // CouchDB 3 in single-node setups may lack the system databases until created.
  await ensureDb(client, '_users');

  const databases: ProvisionReport['databases'] = await Promise.all(
    (COLLECTION_NAMES as CollectionName[]).map(async (c) => {
      const name = practiceDbName(opts.practice, c);
      const created = await ensureDb(client, name);
      await client.request('PUT', `/${name}/_security`, {
        members: { names: [], roles: [memberRole(opts.practice)] },
        admins: { names: [], roles: [adminRole(opts.practice)] },
      });
      const ddoc = designDocFor(opts.practice, c);
      const designDoc = await putWithRev(client, `/${name}/${DESIGN_DOC_ID}`, ddoc, (existing) =>
        existing.validate_doc_update === ddoc.validate_doc_update && JSON.stringify(existing.tutordesk) === JSON.stringify(ddoc.tutordesk),
      );
      return { name, created, designDoc };
    }),
  );
  for (const d of databases) log(`  ${d.name}: ${d.created ? 'created' : 'exists'}, rules ${d.designDoc}`);

  const users: ProvisionReport['users'] = [];
  for (const u of opts.users ?? []) {
    const staff = await resolveStaff(client, opts.practice, u);
    const created = await upsertUser(client, opts.practice, u, staff.staffId);
    users.push({ username: u.username, role: u.role, staffId: staff.staffId, created, staffCreated: staff.created });
    log(`  user ${u.username} (${u.role}) → staff ${staff.staffId}${staff.created ? ' (new staff record)' : ''}${created ? ', created' : ', updated'}`);
  }
  return { server, databases, users };
}

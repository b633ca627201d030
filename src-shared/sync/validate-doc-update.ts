/**
 * The server-side rules: source of the `validate_doc_update` function installed in every
 * practice database by `npm run server:setup` (design document `_design/tutordesk`).
 *
 * The function is generated per database from the same JSON schemas the app uses, so required
 * fields and types are checked exactly as the laptops check them. It is plain ES5 (CouchDB's
 * JavaScript engine may be old SpiderMonkey), and the rules (docs/sync.md, "Server rules"):
 *
 * - the server admin (`_admin`) may write anything (repairs, provisioning);
 * - every other writer must be a member of the practice (role `tutordesk-<p>`) or a practice
 *   admin (role `tutordesk-<p>-admin`);
 * - every write except a deletion must match the collection's schema;
 * - staff and settings: practice admins only;
 * - lessons, notes: a tutor may only create, change or delete their own (tutorId / authorId equal
 *   to the staff id named by the user's role `tutordesk-<p>-staff:<staffId>`), before and after;
 * - occurrences: a tutor may only touch occurrences whose tutor override is theirs or empty;
 * - invoices: an issued or void invoice is immutable (only bookkeeping fields may change); only a
 *   practice admin may void it (issued → void) or create/issue a credit note; issued and void
 *   invoices cannot be deleted; drafts may be created, edited, issued and deleted by any member;
 * - deletions: students, families, closures and payments by practice admins; lessons, notes and
 *   occurrences by their tutor or an admin; draft invoices and billing claims by any member.
 *
 * Pure: no Electron, React or DOM.
 */
import { collectionSchemas, type CollectionName } from '../model/schemas';
import { META_FIELDS } from '../model/meta';
import { adminRole, memberRole, staffRolePrefix, assertPracticeId } from './names';

/** Version of the rules; stored in the design document so `server:setup` can report upgrades. */
export const RULES_VERSION = 1;

const RXDB_ONLY_KEYS = new Set(['version', 'primaryKey', 'indexes', 'title', 'keyCompression', 'encrypted', 'internalIndexes', 'format', 'final', 'ref', 'attachments', 'description']);

/** The app's JSON schema reduced to what the ES5 checker in the design document understands. */
export function serverSchemaFor(collection: CollectionName): Record<string, unknown> {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        if (RXDB_ONLY_KEYS.has(k)) continue;
        out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, s]) => [p, strip(s)])) : strip(v);
      }
      return out;
    }
    return node;
  };
  const schema = strip(collectionSchemas[collection]) as Record<string, unknown> & {
    properties: Record<string, unknown>;
    required: string[];
  };
  // The replication stores the primary key `id` as CouchDB's `_id`.
  schema.required = schema.required.filter((r) => r !== 'id');
  return schema;
}

const ES5_RULES = String.raw`
  var roles = userCtx.roles || [];
  function has(r) { for (var i = 0; i < roles.length; i++) { if (roles[i] === r) return true; } return false; }
  function deny(msg) { throw ({ forbidden: msg }); }
  if (has('_admin')) return;
  var isAdmin = has(ADMIN_ROLE);
  if (!isAdmin && !has(MEMBER_ROLE)) throw ({ unauthorized: 'You are not a member of practice ' + PRACTICE + '.' });
  var staffId = '';
  for (var r = 0; r < roles.length; r++) {
    if (roles[r].indexOf(STAFF_PREFIX) === 0) staffId = roles[r].substring(STAFF_PREFIX.length);
  }
  if (newDoc._id.indexOf('_design/') === 0) deny('Only the server admin may change design documents.');
  if (newDoc._id.indexOf('_local/') === 0) return;

  function isArr(v) { return Object.prototype.toString.call(v) === '[object Array]'; }
  function isObj(v) { return v !== null && typeof v === 'object' && !isArr(v); }
  function typeOk(v, t) {
    if (isArr(t)) { for (var i = 0; i < t.length; i++) { if (typeOk(v, t[i])) return true; } return false; }
    if (t === 'string') return typeof v === 'string';
    if (t === 'boolean') return typeof v === 'boolean';
    if (t === 'number') return typeof v === 'number' && isFinite(v);
    if (t === 'integer') return typeof v === 'number' && isFinite(v) && Math.floor(v) === v;
    if (t === 'array') return isArr(v);
    if (t === 'object') return isObj(v);
    if (t === 'null') return v === null;
    return true;
  }
  function check(v, s, path, errs, top) {
    if (errs.length > 5) return;
    var name = path || 'the document';
    if (s.oneOf) {
      for (var o = 0; o < s.oneOf.length; o++) { var e = []; check(v, s.oneOf[o], path, e, false); if (e.length === 0) return; }
      errs.push(name + ' has the wrong shape'); return;
    }
    if (s.type && !typeOk(v, s.type)) { errs.push(name + ' must be ' + (isArr(s.type) ? s.type.join(' or ') : s.type)); return; }
    if (s['enum']) {
      var found = false;
      for (var n = 0; n < s['enum'].length; n++) { if (s['enum'][n] === v) found = true; }
      if (!found) { errs.push(name + ' must be one of ' + s['enum'].join(', ')); return; }
    }
    if (typeof v === 'string') {
      if (s.maxLength !== undefined && v.length > s.maxLength) errs.push(name + ' is longer than ' + s.maxLength + ' characters');
      if (s.minLength !== undefined && v.length < s.minLength) errs.push(name + ' is shorter than ' + s.minLength + ' characters');
      if (s.pattern !== undefined && !(new RegExp(s.pattern)).test(v)) errs.push(name + ' does not match ' + s.pattern);
    }
    if (typeof v === 'number') {
      if (s.minimum !== undefined && v < s.minimum) errs.push(name + ' is less than ' + s.minimum);
      if (s.maximum !== undefined && v > s.maximum) errs.push(name + ' is more than ' + s.maximum);
    }
    if (isArr(v) && s.items) {
      for (var i = 0; i < v.length; i++) check(v[i], s.items, name + '[' + i + ']', errs, false);
    }
    if (isObj(v)) {
      var req = s.required || [];
      for (var q = 0; q < req.length; q++) { if (v[req[q]] === undefined) errs.push((path ? path + '.' : '') + req[q] + ' is required'); }
      var props = s.properties || {};
      for (var k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        var p = (path ? path + '.' : '') + k;
        if (top && k.charAt(0) === '_') continue;
        if (Object.prototype.hasOwnProperty.call(props, k)) check(v[k], props[k], p, errs, false);
        else if (s.additionalProperties === false) errs.push(p + ' is not allowed');
        else if (isObj(s.additionalProperties)) check(v[k], s.additionalProperties, p, errs, false);
      }
    }
  }
  function canon(v) {
    if (isArr(v)) { var a = []; for (var i = 0; i < v.length; i++) a.push(canon(v[i])); return '[' + a.join(',') + ']'; }
    if (isObj(v)) {
      var keys = []; for (var k in v) { if (Object.prototype.hasOwnProperty.call(v, k) && v[k] !== undefined) keys.push(k); }
      keys.sort(); var parts = [];
      for (var j = 0; j < keys.length; j++) parts.push(JSON.stringify(keys[j]) + ':' + canon(v[keys[j]]));
      return '{' + parts.join(',') + '}';
    }
    return JSON.stringify(v);
  }

  var deleting = newDoc._deleted === true;
  var old = (oldDoc && !oldDoc._deleted) ? oldDoc : null;
  function needAdmin(what) { if (!isAdmin) deny('Only a practice admin may ' + what + '.'); }
  function needStaff() {
    if (!staffId) deny('Your user is not linked to a staff record of practice ' + PRACTICE + ' (role ' + STAFF_PREFIX + '<staffId>); ask the practice admin.');
  }

  function rules() {
  if (COLLECTION === 'staff') { needAdmin('change staff records'); return; }
  if (COLLECTION === 'settings') { needAdmin('change the practice settings'); return; }
  if (COLLECTION === 'lessons') {
    if (isAdmin) return;
    needStaff();
    if ((old && old.tutorId !== staffId) || (!deleting && newDoc.tutorId !== staffId)) deny('A tutor may only change their own lessons.');
    return;
  }
  if (COLLECTION === 'occurrences') {
    if (isAdmin) return;
    needStaff();
    if ((old && old.tutorId !== '' && old.tutorId !== staffId) || (!deleting && newDoc.tutorId !== '' && newDoc.tutorId !== staffId)) {
      deny('A tutor may only change occurrences of their own lessons.');
    }
    return;
  }
  if (COLLECTION === 'notes') {
    if (isAdmin) return;
    needStaff();
    if ((old && old.authorId !== staffId) || (!deleting && newDoc.authorId !== staffId)) deny('A tutor may only change their own notes.');
    return;
  }
  if (COLLECTION === 'invoices') {
    var oldIssued = old && old.status !== 'draft';
    if (deleting) {
      if (oldIssued) deny('An issued invoice cannot be deleted; void it with a credit note.');
      if (old && old.kind === 'credit_note') needAdmin('delete a credit note');
      return;
    }
    if (newDoc.kind === 'credit_note' || (old && old.kind === 'credit_note')) needAdmin('create or change a credit note');
    if (!oldIssued) {
      if (newDoc.status === 'void') needAdmin('void an invoice');
      return;
    }
    var BOOKKEEPING = META_FIELDS_LIST.concat(['status', 'voidedBy']);
    var a = {}, b = {};
    for (var k1 in old) { if (k1.charAt(0) !== '_' && BOOKKEEPING.indexOf(k1) < 0) a[k1] = old[k1]; }
    for (var k2 in newDoc) { if (k2.charAt(0) !== '_' && BOOKKEEPING.indexOf(k2) < 0) b[k2] = newDoc[k2]; }
    if (canon(a) !== canon(b)) deny('Invoice ' + old.number + ' is issued and cannot be changed; void it with a credit note instead.');
    if (newDoc.status !== old.status || newDoc.voidedBy !== old.voidedBy) {
      if (!(old.status === 'issued' && newDoc.status === 'void')) deny('Invoice ' + old.number + ' is ' + old.status + ' and cannot become ' + newDoc.status + '.');
      needAdmin('void an invoice');
    }
    return;
  }
  if (deleting) {
    if (COLLECTION === 'billingclaims') return;
    needAdmin('delete ' + COLLECTION);
  }
  }
  rules();
  if (!deleting) {
    var errs = [];
    check(newDoc, SCHEMA, '', errs, true);
    if (newDoc.id !== undefined && newDoc.id !== newDoc._id) errs.push('id must equal _id');
    if (errs.length) deny('Invalid ' + COLLECTION + ' document ' + newDoc._id + ': ' + errs.join('; ') + '.');
  }
`;

/** The `validate_doc_update` source for one practice database. */
export function validateDocUpdateSource(practice: string, collection: CollectionName): string {
  assertPracticeId(practice);
  const consts = [
    `var PRACTICE = ${JSON.stringify(practice)};`,
    `var COLLECTION = ${JSON.stringify(collection)};`,
    `var MEMBER_ROLE = ${JSON.stringify(memberRole(practice))};`,
    `var ADMIN_ROLE = ${JSON.stringify(adminRole(practice))};`,
    `var STAFF_PREFIX = ${JSON.stringify(staffRolePrefix(practice))};`,
    `var META_FIELDS_LIST = ${JSON.stringify([...META_FIELDS])};`,
    `var SCHEMA = ${JSON.stringify(serverSchemaFor(collection))};`,
  ].join('\n  ');
  return `function (newDoc, oldDoc, userCtx, secObj) {\n  ${consts}\n${ES5_RULES}}`;
}

/** The complete design document for one practice database. */
export function designDocFor(practice: string, collection: CollectionName): Record<string, unknown> {
  return {
    _id: '_design/tutordesk',
    language: 'javascript',
    tutordesk: { rulesVersion: RULES_VERSION, practice, collection },
    validate_doc_update: validateDocUpdateSource(practice, collection),
  };
}

/**
 * The server-side rules: source of the `validate_doc_update` function installed in every
 * practice database by `npm run server:setup` (design document `_design/tutordesk`).
 *
 * Generated per database from data, never written by hand per collection:
 * - the permission table of ./permissions.ts (who may create, change, delete what; `own` and
 *   `drafts` grants; the invoice special cases), embedded as JSON for the database's collection;
 * - the app's JSON schema of the collection (src-shared/model/schemas.ts), so required fields,
 *   types, enums (e.g. the time zone list), patterns (e.g. the repeat rules) and lengths are
 *   checked exactly as the laptops check them.
 * The function is plain ES5 (CouchDB's JavaScript engine may be old SpiderMonkey or QuickJS) and
 * does what `checkWrite` in ./permissions.ts does; tests/unit/shared/permissions.test.ts runs both
 * on the same writes.
 *
 * - the server admin (`_admin`) may write anything (repairs, provisioning);
 * - every other writer must be a member of the practice (role `tutordesk-<p>`) or a practice
 *   admin (role `tutordesk-<p>-admin`); a member without the admin role is a tutor;
 * - design documents: the server admin only;
 * - then the table (docs/security.md), then the schema (every write except a deletion).
 *
 * Pure: no Electron, React or DOM.
 */
import { META_FIELDS } from '../model/meta';
import { collectionSchemas, type CollectionName } from '../model/schemas';
import { adminRole, memberRole, staffRolePrefix, assertPracticeId } from './names';
import { CIPHERTEXT_PATTERN, ciphertextMaxLength, ENCRYPTED_FIELDS } from './encryption';
import {
  ACTIONS,
  adminOnlyReason,
  INVOICE_BOOKKEEPING_FIELDS,
  INVOICE_SPECIAL,
  MERGE_RULES,
  NO_STAFF_LINK_REASON,
  PAYMENT_RULES,
  OWNER_FIELDS,
  ownOnlyReason,
  PERMISSIONS,
} from './permissions';

/** Version of the rules; stored in the design document so `server:setup` can report upgrades. */
export const RULES_VERSION = 6;

const RXDB_ONLY_KEYS = new Set([
  'version',
  'primaryKey',
  'indexes',
  'title',
  'keyCompression',
  'encrypted',
  'internalIndexes',
  'format',
  'final',
  'ref',
  'attachments',
  'description',
]);

/** The app's JSON schema reduced to what the ES5 checker in the design document understands. */
export function serverSchemaFor(collection: CollectionName): Record<string, unknown> {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        if (RXDB_ONLY_KEYS.has(k)) continue;
        out[k] =
          k === 'properties' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, s]) => [p, strip(s)])) : strip(v);
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
  for (const path of ENCRYPTED_FIELDS[collection]) allowCiphertext(schema, path.split('.'));
  return schema;
}

/**
 * An encrypted field (src-shared/sync/encryption.ts) holds clear text or, in a practice with
 * end-to-end encryption, its ciphertext: the field's schema becomes "the clear text as before, or
 * a ciphertext no longer than the longest clear text would give" (its `ciphertext` schema).
 */
function allowCiphertext(schema: Record<string, unknown>, parts: readonly string[]): void {
  const [head, ...rest] = parts as [string, ...string[]];
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  const name = head.endsWith('[]') ? head.slice(0, -2) : head;
  const node = props?.[name];
  if (!node) throw new Error(`No field ${name} in the schema for an encrypted path`);
  if (head.endsWith('[]')) {
    allowCiphertext(node.items as Record<string, unknown>, rest);
    return;
  }
  if (rest.length > 0) {
    allowCiphertext(node, rest);
    return;
  }
  if (node.type !== 'string' || typeof node.maxLength !== 'number')
    throw new Error(`Encrypted field ${name} must be a string with a maxLength`);
  props[name] = { ...node, ciphertext: { type: 'string', pattern: CIPHERTEXT_PATTERN, maxLength: ciphertextMaxLength(node.maxLength) } };
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
    if (!staffId && roles[r].indexOf(STAFF_PREFIX) === 0) staffId = roles[r].substring(STAFF_PREFIX.length);
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
    if (s.ciphertext && typeof v === 'string' && v.indexOf('~e1~') === 0) { check(v, s.ciphertext, path, errs, false); return; }
    if (s.oneOf) {
      for (var o = 0; o < s.oneOf.length; o++) { var e = []; check(v, s.oneOf[o], path, e, false); if (e.length === 0) return; }
      errs.push(name + ' has the wrong shape'); return;
    }
    if (s.type && !typeOk(v, s.type)) { errs.push(name + ' must be ' + (isArr(s.type) ? s.type.join(' or ') : s.type)); return; }
    if (s['enum']) {
      var found = false;
      for (var n = 0; n < s['enum'].length; n++) { if (s['enum'][n] === v) found = true; }
      if (!found) { errs.push(name + (s['enum'].length > 12 ? ' is not one of the ' + s['enum'].length + ' allowed values' : ' must be one of ' + s['enum'].join(', '))); return; }
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
  // Turning end-to-end encryption on: a practice admin's laptop replaces the clear text of the
  // encrypted fields by ciphertext. For the comparisons below such a field counts as unchanged.
  function isCipher(v) { return typeof v === 'string' && v.indexOf('~e1~') === 0; }
  function adopt(o, n, parts) {
    if (!isObj(o) || !isObj(n)) return o;
    var head = parts[0], rest = parts.slice(1), copy = {}, k;
    for (k in o) { if (Object.prototype.hasOwnProperty.call(o, k)) copy[k] = o[k]; }
    if (head.slice(-2) === '[]') {
      var name = head.slice(0, -2);
      if (!isArr(o[name]) || !isArr(n[name])) return o;
      var list = [];
      for (var i = 0; i < o[name].length; i++) list.push(i < n[name].length ? adopt(o[name][i], n[name][i], rest) : o[name][i]);
      copy[name] = list;
    } else if (rest.length > 0) {
      copy[head] = adopt(o[head], n[head], rest);
    } else if (typeof o[head] === 'string' && !isCipher(o[head]) && isCipher(n[head])) {
      copy[head] = n[head];
    }
    return copy;
  }
  if (old && isAdmin && !deleting) { for (var ep = 0; ep < ENCRYPTED.length; ep++) old = adopt(old, newDoc, ENCRYPTED[ep].split('.')); }
  var role = isAdmin ? 'admin' : 'tutor';
  var action = deleting ? 'delete' : (old ? 'change' : 'create');
  function hasRole(list) { for (var i = 0; i < list.length; i++) { if (list[i] === role) return true; } return false; }
  function ownerOf(d) {
    for (var i = 0; i < OWNER_FIELDS.length; i++) { var v = d[OWNER_FIELDS[i]]; if (typeof v === 'string' && v !== '') return v; }
    return '';
  }

  function text(v) { return typeof v === 'string' ? v : ''; }
  function without(d, keys) { var o = {}; for (var k in d) { if (Object.prototype.hasOwnProperty.call(d, k) && k.charAt(0) !== '_' && keys.indexOf(k) < 0) o[k] = d[k]; } return o; }
  function repointed(d) {
    var o = without(d, BOOKKEEPING.concat(['familyId']));
    if (isArr(o.lines)) { var ls = []; for (var i = 0; i < o.lines.length; i++) ls.push(isObj(o.lines[i]) ? without(o.lines[i], ['studentId']) : o.lines[i]); o.lines = ls; }
    return o;
  }
  function inList(list, v) { for (var i = 0; i < list.length; i++) { if (list[i] === v) return true; } return false; }
  function kindOf(d) { return text(d.kind) || 'payment'; }
  function revs(d) { var out = []; if (isArr(d.revisions)) { for (var i = 0; i < d.revisions.length; i++) out.push(canon(d.revisions[i])); } return out; }
  function paymentRules() {
    var R = PAYMENT.reasons;
    if ((kindOf(newDoc) !== 'payment' || (old && kindOf(old) !== 'payment')) && !hasRole(PAYMENT.correction)) deny(R.correction);
    if (kindOf(newDoc) === 'reversal' && (!text(newDoc.reverses) || newDoc._id !== 'reversal:' + text(newDoc.reverses) || !text(newDoc.reason).trim())) deny(R.reversal);
    if (kindOf(newDoc) === 'refund') {
      var src = isArr(newDoc.refundSources) ? newDoc.refundSources : null, sum = -1;
      if (src) { sum = 0; for (var i = 0; i < src.length; i++) { if (src[i] && typeof src[i].amount === 'number') sum += src[i].amount; } }
      if (!text(newDoc.reason).trim() || sum !== newDoc.amount) deny(R.refund);
    }
    if (!old) return;
    var broken = [];
    for (var f = 0; f < PAYMENT.fixed.length; f++) { if (canon(old[PAYMENT.fixed[f]]) !== canon(newDoc[PAYMENT.fixed[f]])) broken.push(PAYMENT.fixed[f]); }
    var moveKeys = META.concat(['familyId']);
    var repoint = broken.length === 1 && broken[0] === 'familyId' && hasRole(MERGE.roles) && canon(without(old, moveKeys)) === canon(without(newDoc, moveKeys));
    if (broken.length > 0 && !repoint) deny(R.fixed);
    var before = revs(old), after = revs(newDoc);
    for (var b = 0; b < before.length; b++) { if (!inList(after, before[b])) deny(R.history); }
    var changed = false;
    for (var v = 0; v < PAYMENT.values.length; v++) { if (canon(old[PAYMENT.values[v]]) !== canon(newDoc[PAYMENT.values[v]])) changed = true; }
    if (changed && after.length <= before.length) deny(R.unrecorded);
  }
  function mergeRules() {
    var before = old ? text(old.mergedInto) : '', after = text(newDoc.mergedInto);
    if (before && after !== before) deny(MERGE.reasons.permanent);
    if (!before && after && !hasRole(MERGE.roles)) deny(MERGE.reasons[COLLECTION]);
  }

  function rules() {
    if (COLLECTION === 'payments' && deleting) deny(PAYMENT.reasons['delete']);
    var grant = TABLE[role][action];
    if (grant === 'none') deny(ADMIN_ONLY[action]);
    if (grant === 'own') {
      if (!staffId) deny(NO_STAFF_LINK);
      if ((old && ownerOf(old) !== staffId) || (!deleting && ownerOf(newDoc) !== staffId)) deny(OWN_ONLY);
    }
    if (COLLECTION === 'payments') { paymentRules(); return; }
    if ((COLLECTION === 'families' || COLLECTION === 'students') && !deleting) { mergeRules(); return; }
    if (COLLECTION !== 'invoices') return;
    var mayCredit = hasRole(SPECIAL.creditNote);
    var oldIssued = old && old.status !== 'draft';
    if (deleting) {
      if (oldIssued) deny('An issued invoice cannot be deleted; void it with a credit note.');
      if (old && old.kind === 'credit_note' && !mayCredit) deny('Only a practice admin may delete a credit note.');
      return;
    }
    if ((newDoc.kind === 'credit_note' || (old && old.kind === 'credit_note')) && !mayCredit) deny('Only a practice admin may create or change a credit note.');
    if (!oldIssued) {
      if (newDoc.status === 'void' && !hasRole(SPECIAL['void'])) deny('Only a practice admin may void an invoice.');
      if (old && newDoc.status === 'issued' && !hasRole(SPECIAL.issue)) deny('Only a practice admin may issue invoices.');
      return;
    }
    var a = {}, b = {};
    for (var k1 in old) { if (k1.charAt(0) !== '_' && BOOKKEEPING.indexOf(k1) < 0) a[k1] = old[k1]; }
    for (var k2 in newDoc) { if (k2.charAt(0) !== '_' && BOOKKEEPING.indexOf(k2) < 0) b[k2] = newDoc[k2]; }
    if (canon(a) !== canon(b) && !(hasRole(MERGE.roles) && canon(repointed(old)) === canon(repointed(newDoc)))) deny('Invoice ' + old.number + ' is issued and cannot be changed; void it with a credit note instead.');
    if (newDoc.status !== old.status || newDoc.voidedBy !== old.voidedBy) {
      if (!(old.status === 'issued' && newDoc.status === 'void')) deny('Invoice ' + old.number + ' is ' + old.status + ' and cannot become ' + newDoc.status + '.');
      if (!hasRole(SPECIAL['void'])) deny('Only a practice admin may void an invoice.');
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
    `var TABLE = ${JSON.stringify(PERMISSIONS[collection])};`,
    `var OWNER_FIELDS = ${JSON.stringify(OWNER_FIELDS[collection] ?? [])};`,
    `var SPECIAL = ${JSON.stringify(INVOICE_SPECIAL)};`,
    `var BOOKKEEPING = ${JSON.stringify(INVOICE_BOOKKEEPING_FIELDS)};`,
    `var PAYMENT = ${JSON.stringify(PAYMENT_RULES)};`,
    `var MERGE = ${JSON.stringify(MERGE_RULES)};`,
    `var META = ${JSON.stringify(META_FIELDS)};`,
    `var ADMIN_ONLY = ${JSON.stringify(Object.fromEntries(ACTIONS.map((a) => [a, adminOnlyReason(collection, a)])))};`,
    `var OWN_ONLY = ${JSON.stringify(ownOnlyReason(collection))};`,
    `var NO_STAFF_LINK = ${JSON.stringify(NO_STAFF_LINK_REASON(practice))};`,
    `var SCHEMA = ${JSON.stringify(serverSchemaFor(collection))};`,
    `var ENCRYPTED = ${JSON.stringify(ENCRYPTED_FIELDS[collection])};`,
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

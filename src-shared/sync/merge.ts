/**
 * Field-level merge of two versions of one document, driven by the per-field hybrid-logical-clock
 * stamps in `fieldClock` (see src-shared/model/meta.ts). This is the building block of every
 * collection's conflict policy (src-shared/sync/policy.ts, documented in docs/sync.md).
 *
 * Rules:
 * - every top-level user field takes the value of the version with the greater stamp for that
 *   field; equal stamps with different values (cannot happen with well-formed stamps) fall back to
 *   the greater canonical JSON, so the result never depends on which side is "local";
 * - a field missing from one version takes the other version's value;
 * - `fieldClock` of the result is the per-key maximum of both clocks;
 * - delete versus edit: a deletion carries the stamp `fieldClock._deleted` (see `stampDeletion`).
 *   The merged document is deleted when its delete stamp is newer than every field stamp, i.e. an
 *   edit made after the delete resurrects the document, otherwise the delete wins. A deleted
 *   version without a delete stamp (deleted outside TutorDesk) always wins.
 *
 * The two-version merge is commutative, associative and idempotent: a state-based CRDT, so all
 * laptops converge whatever order they exchange versions in.
 *
 * Pure: no Electron, React or DOM.
 */
import { META_FIELDS, nextStamp, type ChangeContext } from '../model/meta';

export type AnyDoc = Record<string, unknown> & {
  _deleted?: boolean;
  fieldClock?: Record<string, string>;
};

/** Key of the deletion stamp inside `fieldClock`. */
export const DELETED_CLOCK_KEY = '_deleted';

/** Highest possible stamp: used for deletions that carry no stamp. */
const STAMP_INFINITY = '\uffff';

const META = new Set<string>(META_FIELDS);

/** JSON with object keys sorted at every level: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
        entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return Object.fromEntries(entries);
      }
      return v;
    }) ?? 'undefined'
  );
}

/** The replicated content of a document: without RxDB's local `_meta`, `_rev`, `_attachments`. */
export function replicatedContent(doc: AnyDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === '_meta' || k === '_rev' || k === '_attachments') continue;
    out[k] = v;
  }
  out._deleted = Boolean(doc._deleted);
  return out;
}

/**
 * Whether two JSON values are equal as `canonicalJson` sees them (key order and `undefined`
 * members do not matter), without serialising them: the replication compares every pushed and
 * pulled document, so this runs thousands of times per batch.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // NaN and ±Infinity serialise as null; anything else that is not identical differs.
    return typeof a === 'number' && typeof b === 'number' ? !Number.isFinite(a) && !Number.isFinite(b) : false;
  }
  if (typeof (a as { toJSON?: unknown }).toJSON === 'function' || typeof (b as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson(a) === canonicalJson(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  return membersEqual(a as Record<string, unknown>, b as Record<string, unknown>, NO_KEYS);
}

const NO_KEYS: ReadonlySet<string> = new Set();
const LOCAL_KEYS: ReadonlySet<string> = new Set(['_meta', '_rev', '_attachments', '_deleted']);

/** Object members equal (jsonEqual), ignoring `undefined` members and the keys in `skip`. */
function membersEqual(a: Record<string, unknown>, b: Record<string, unknown>, skip: ReadonlySet<string>): boolean {
  let count = 0;
  for (const k of Object.keys(a)) {
    const v = a[k];
    if (v === undefined || skip.has(k)) continue;
    count++;
    if (!jsonEqual(v, b[k])) return false;
  }
  for (const k of Object.keys(b)) if (b[k] !== undefined && !skip.has(k)) count--;
  return count === 0;
}

/** Whether two versions hold exactly the same replicated data (`replicatedContent`). */
export function docsEqual(a: AnyDoc, b: AnyDoc): boolean {
  return Boolean(a._deleted) === Boolean(b._deleted) && membersEqual(a, b, LOCAL_KEYS);
}

export function isUserField(key: string): boolean {
  return !META.has(key) && !key.startsWith('_');
}

export const stampOf = (doc: AnyDoc, field: string): string => doc.fieldClock?.[field] ?? '';

/** Greatest stamp of any user field (not the deletion stamp). */
export function maxFieldStamp(doc: AnyDoc): string {
  let max = '';
  for (const [k, s] of Object.entries(doc.fieldClock ?? {})) {
    if (k !== DELETED_CLOCK_KEY && s > max) max = s;
  }
  return max;
}

/** Greatest stamp of the document including its deletion. */
export function maxStamp(doc: AnyDoc): string {
  let max = '';
  for (const s of Object.values(doc.fieldClock ?? {})) if (s > max) max = s;
  return max;
}

/** The stamp of a deleted version's deletion; '' for a live version. */
export function deletionStamp(doc: AnyDoc): string {
  if (!doc._deleted) return '';
  return doc.fieldClock?.[DELETED_CLOCK_KEY] || STAMP_INFINITY;
}

/** Which version wins one field: 'a' or 'b' (deterministic, symmetric). */
export function fieldWinner(a: AnyDoc, b: AnyDoc, key: string): 'a' | 'b' {
  const inA = key in a && a[key] !== undefined;
  const inB = key in b && b[key] !== undefined;
  if (!inB) return 'a';
  if (!inA) return 'b';
  const sa = stampOf(a, key);
  const sb = stampOf(b, key);
  if (sa !== sb) return sa > sb ? 'a' : 'b';
  return canonicalJson(a[key]) >= canonicalJson(b[key]) ? 'a' : 'b';
}

/** Optional per-field merge functions (e.g. set union for lists that only grow). */
export type FieldMerger = (ctx: { a: unknown; b: unknown; base: unknown; hasBase: boolean; winner: 'a' | 'b' }) => unknown;

export interface MergeOptions {
  /** The common ancestor if known (RxDB's assumedMasterState): enables three-way field mergers. */
  base?: AnyDoc;
  fieldMergers?: Record<string, FieldMerger>;
}

function mergeClocks(a: AnyDoc, b: AnyDoc): Record<string, string> {
  const clock: Record<string, string> = { ...(a.fieldClock ?? {}) };
  for (const [k, s] of Object.entries(b.fieldClock ?? {})) {
    if (!(k in clock) || s > clock[k]!) clock[k] = s;
  }
  return clock;
}

/** The version whose latest change is the newest (for updatedAt/updatedBy/deviceId). */
export function latestWriter(a: AnyDoc, b: AnyDoc): AnyDoc {
  const ka = `${maxStamp(a)}\u0000${String(a.updatedAt ?? '')}\u0000${String(a.deviceId ?? '')}`;
  const kb = `${maxStamp(b)}\u0000${String(b.updatedAt ?? '')}\u0000${String(b.deviceId ?? '')}`;
  if (ka !== kb) return ka > kb ? a : b;
  return canonicalJson(a) >= canonicalJson(b) ? a : b;
}

/**
 * Merges two versions field by field. Returns a new document (never mutates its inputs).
 */
export function mergeDocs(a: AnyDoc, b: AnyDoc, options: MergeOptions = {}): AnyDoc {
  const out: AnyDoc = {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (!isUserField(key)) continue;
    const winner = fieldWinner(a, b, key);
    const merger = options.fieldMergers?.[key];
    if (merger && key in a && key in b) {
      out[key] = merger({ a: a[key], b: b[key], base: options.base?.[key], hasBase: Boolean(options.base && key in options.base), winner });
    } else {
      out[key] = winner === 'a' ? a[key] : b[key];
    }
  }
  const writer = latestWriter(a, b);
  const createdA = String(a.createdAt ?? '');
  const createdB = String(b.createdAt ?? '');
  out.id = a.id ?? b.id;
  out.createdAt = createdA && createdB ? (createdA < createdB ? createdA : createdB) : createdA || createdB;
  out.updatedAt = String(a.updatedAt ?? '') > String(b.updatedAt ?? '') ? a.updatedAt : b.updatedAt;
  out.updatedBy = writer.updatedBy;
  out.deviceId = writer.deviceId;
  const clock = mergeClocks(a, b);
  out.fieldClock = clock;

  const del = [deletionStamp(a), deletionStamp(b)].sort().at(-1) ?? '';
  if (del) {
    const live = maxFieldStamp({ fieldClock: clock });
    out._deleted = !(live > del);
    if (del !== STAMP_INFINITY && (clock[DELETED_CLOCK_KEY] ?? '') < del) clock[DELETED_CLOCK_KEY] = del;
  } else {
    out._deleted = false;
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * Three-way merge of a list used as a set (e.g. `lessons.exdates`): an element added on either
 * side is kept, an element removed on one side (present in the base, absent on that side) is
 * removed. Without a base, the union. Order: sorted, so both laptops compute the same list.
 */
export const setMerger: FieldMerger = ({ a, b, base, hasBase }) => {
  const la = Array.isArray(a) ? (a as unknown[]) : [];
  const lb = Array.isArray(b) ? (b as unknown[]) : [];
  const lbase = hasBase && Array.isArray(base) ? (base as unknown[]) : [];
  const key = (x: unknown) => canonicalJson(x);
  const inA = new Map(la.map((x) => [key(x), x]));
  const inB = new Map(lb.map((x) => [key(x), x]));
  const inBase = new Set(lbase.map(key));
  const result = new Map<string, unknown>();
  for (const [k, v] of [...inA, ...inB]) {
    const removedByA = hasBase && inBase.has(k) && !inA.has(k);
    const removedByB = hasBase && inBase.has(k) && !inB.has(k);
    if (!removedByA && !removedByB) result.set(k, v);
  }
  return [...result.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v);
};

/**
 * Three-way merge of a map (e.g. `occurrences.studentStatus`): each key changed on only one side
 * since the base takes that side's value; keys changed on both sides (or without a base, keys
 * that differ) take the value of the field's winning version.
 */
export const mapMerger: FieldMerger = ({ a, b, base, hasBase, winner }) => {
  const ma = (a && typeof a === 'object' ? a : {}) as Record<string, unknown>;
  const mb = (b && typeof b === 'object' ? b : {}) as Record<string, unknown>;
  const mbase = (hasBase && base && typeof base === 'object' ? base : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys = [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort();
  for (const k of keys) {
    const va = ma[k];
    const vb = mb[k];
    const vbase = mbase[k];
    let v: unknown;
    if (canonicalJson(va) === canonicalJson(vb)) v = va;
    else if (hasBase && canonicalJson(va) === canonicalJson(vbase)) v = vb;
    else if (hasBase && canonicalJson(vb) === canonicalJson(vbase)) v = va;
    else if (va === undefined) v = hasBase && k in mbase ? undefined : vb;
    else if (vb === undefined) v = hasBase && k in mbase ? undefined : va;
    else v = winner === 'a' ? va : vb;
    if (v !== undefined) out[k] = v;
  }
  return out;
};

/**
 * Three-way merge of a list of records with an `id` (e.g. `settings.rooms`): as `mapMerger` keyed
 * by id — a record added on either side is kept, one changed on only one side takes that side's
 * version, one changed on both takes the field's winning version, one removed on one side and
 * unchanged on the other is removed. Sorted by id, so both laptops compute the same list.
 */
export const byIdMerger: FieldMerger = ({ a, b, base, hasBase, winner }) => {
  const byId = (list: unknown) =>
    Object.fromEntries(
      (Array.isArray(list) ? (list as { id?: unknown }[]) : [])
        .filter((x) => x && typeof x.id === 'string')
        .map((x) => [x.id as string, x]),
    );
  const merged = mapMerger({ a: byId(a), b: byId(b), base: byId(base), hasBase, winner }) as Record<string, unknown>;
  return Object.keys(merged)
    .sort()
    .map((k) => merged[k]);
};

/**
 * Builds the deleted version of a document as TutorDesk deletes it: `_deleted: true` plus the
 * deletion stamp in `fieldClock._deleted`, so a concurrent later edit on another laptop can win
 * (see the delete-versus-edit rule above). The renderer writes it with `incrementalModify`.
 */
export function stampDeletion<T extends AnyDoc>(doc: T, ctx: ChangeContext): T & { _deleted: true } {
  const clock = { ...(doc.fieldClock ?? {}) };
  const prevMax = Object.values(clock).sort().at(-1);
  const stamp = nextStamp(prevMax, ctx.now, ctx.deviceId);
  clock[DELETED_CLOCK_KEY] = stamp;
  return {
    ...doc,
    updatedAt: ctx.now.toISOString(),
    updatedBy: ctx.staffId,
    deviceId: ctx.deviceId,
    fieldClock: clock,
    _deleted: true,
  };
}

/**
 * Every synced document carries the same bookkeeping so that several offline laptops can
 * replicate through CouchDB without a central coordinator:
 *
 * - `id`: generated on the device (UUID v4 or a deterministic key), never a counter.
 * - `updatedAt` / `updatedBy` / `deviceId`: who changed it last, where and when (UTC instant).
 * - `fieldClock`: for every top-level field, the hybrid-logical-clock stamp of its last change.
 *   The sync conflict handler merges two concurrent versions field by field using these stamps
 *   (see docs/sync.md), so an edit of a student's phone on one laptop and of the same student's
 *   e-mail on another both survive.
 *
 * Pure: no Electron, React or DOM.
 */

export interface SyncMeta {
  id: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  deviceId: string;
  fieldClock: Record<string, string>;
}

/** Field names that belong to the bookkeeping and are never merged as user data. */
export const META_FIELDS = ['id', 'createdAt', 'updatedAt', 'updatedBy', 'deviceId', 'fieldClock'] as const;

export const metaProperties = {
  id: { type: 'string', maxLength: 100 },
  createdAt: { type: 'string', format: 'date-time', maxLength: 40 },
  updatedAt: { type: 'string', format: 'date-time', maxLength: 40 },
  updatedBy: { type: 'string', maxLength: 100 },
  deviceId: { type: 'string', maxLength: 100 },
  fieldClock: {
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 80 },
  },
} as const;

export const metaRequired = ['id', 'createdAt', 'updatedAt', 'updatedBy', 'deviceId', 'fieldClock'] as const;

/** The actor performing a change: which staff member on which device. */
export interface ChangeContext {
  staffId: string;
  deviceId: string;
  /** Current time; injected so tests are deterministic. */
  now: Date;
}

/**
 * Hybrid logical clock stamp: `<ISO instant>|<counter 4 digits>|<deviceId>`.
 * Lexicographic order = causal-ish order with a deterministic tie-break on device id.
 */
export function clockStamp(now: Date, deviceId: string, counter = 0): string {
  return `${now.toISOString()}|${String(counter).padStart(4, '0')}|${deviceId}`;
}

/** Returns the stamp to use for a new change, strictly greater than `previous` if given. */
export function nextStamp(previous: string | undefined, now: Date, deviceId: string): string {
  const fresh = clockStamp(now, deviceId, 0);
  if (!previous || fresh > previous) return fresh;
  const [iso = now.toISOString(), counter = '0'] = previous.split('|');
  return clockStamp(new Date(iso), deviceId, Number(counter) + 1);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });
}

/**
 * Whether two document values are the same data, i.e. `stableJson(a) === stableJson(b)`, without
 * serialising them: key order does not matter, keys holding `undefined` count as absent, and an
 * `undefined` array item as null. Checked against stableJson by a property test; stampChange
 * compares every field with it (serialising sorted copies of an invoice's lines cost about 1 ms
 * per invoice).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return stableJson(a) === stableJson(b);
  if (typeof (a as { toJSON?: unknown }).toJSON === 'function' || typeof (b as { toJSON?: unknown }).toJSON === 'function')
    return stableJson(a) === stableJson(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] === undefined ? null : a[i], b[i] === undefined ? null : b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined && typeof o[k] !== 'function');
  const kx = keys(x);
  if (kx.length !== keys(y).length) return false;
  for (const k of kx) if (!Object.prototype.hasOwnProperty.call(y, k) || !sameJson(x[k], y[k])) return false;
  return true;
}

/**
 * stampChange for a new document: every given field gets the same fresh stamp. Built by copying
 * `values` (one object clone instead of a property-by-property build: batch billing creates
 * 1,000 invoices at once).
 */
function stampNew<T extends SyncMeta>(
  values: Omit<T, keyof SyncMeta> & Partial<Pick<T, 'id'>>,
  ctx: ChangeContext,
  newId: () => string,
): T {
  const nowIso = ctx.now.toISOString();
  const stamp = nextStamp(undefined, ctx.now, ctx.deviceId);
  const given = values as Record<string, unknown>;
  // The clock starts as a copy of the values (same keys), then every value becomes the stamp:
  // stores to existing properties, which V8 does far faster than adding keys one by one.
  const fieldClock = { ...given } as Record<string, unknown>;
  for (const key in fieldClock) {
    if (given[key] === undefined || (META_FIELDS as readonly string[]).includes(key)) delete fieldClock[key];
    else fieldClock[key] = stamp;
  }
  const record = {
    ...given,
    id: (given.id as string | undefined) ?? newId(),
    createdAt: nowIso,
    updatedAt: nowIso,
    updatedBy: ctx.staffId,
    deviceId: ctx.deviceId,
    fieldClock,
  };
  for (const key in record) if (record[key as keyof typeof record] === undefined) delete record[key as keyof typeof record];
  return record as unknown as T;
}

/**
 * Builds the full next version of a document from the previous version (or none, for a new
 * document) and the user's field values, updating the metadata and the per-field clock only for
 * fields whose value really changed.
 */
export function stampChange<T extends SyncMeta>(
  previous: T | undefined,
  values: Omit<T, keyof SyncMeta> & Partial<Pick<T, 'id'>>,
  ctx: ChangeContext,
  newId: () => string,
): T {
  if (!previous) return stampNew(values, ctx, newId);
  const id = previous.id;
  const nowIso = ctx.now.toISOString();
  const fieldClock: Record<string, string> = { ...previous.fieldClock };
  const maxPrev = Object.values(fieldClock).sort().at(-1);
  const stamp = nextStamp(maxPrev, ctx.now, ctx.deviceId);
  const prevRecord = previous as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...prevRecord };
  for (const [key, value] of Object.entries(values)) {
    if ((META_FIELDS as readonly string[]).includes(key)) continue;
    if (value === undefined) continue;
    if (!sameJson(prevRecord[key], value)) {
      fieldClock[key] = stamp;
    }
    merged[key] = value;
  }
  return {
    ...(merged as object),
    id,
    createdAt: previous.createdAt,
    updatedAt: nowIso,
    updatedBy: ctx.staffId,
    deviceId: ctx.deviceId,
    fieldClock,
  } as T;
}

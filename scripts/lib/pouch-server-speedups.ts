/**
 * Speed-ups of the embedded PouchDB Server (installed by couch-server-child.ts): they change how
 * fast it answers, never what. Tested in tests/sync/pouch-server-speedups.test.ts.
 */
type Evaluate = (context: unknown, extraVars: unknown, program: string) => unknown;

/**
 * PouchDB Server compiles a database's validate_doc_update source again for every document it
 * writes (pouchdb-validation calls couchdb-eval's `evaluate`, a `new Function`, per document):
 * about 0.3 ms per document, more than storing it, so a 1,000-document `_bulk_docs` spent most of
 * its time compiling the same function. CouchDB keeps compiled functions; so does this, one per
 * design document revision and source (the same revision has the same source, so the function is
 * the same).
 */
export function cacheCompiledDesignFunctions(couchEval: { evaluate: Evaluate }): void {
  const original = couchEval.evaluate;
  // keyed by design document and revision; the source is compared too (the same string object,
  // usually, so that is cheap), never hashed: it is large (the schema is inlined)
  const compiled = new Map<string, { program: string; fn: unknown }>();
  couchEval.evaluate = function (this: unknown, context, extraVars, program) {
    const doc = context as { _id?: unknown; _rev?: unknown } | null;
    const plain = Boolean(extraVars) && typeof extraVars === 'object' && Object.keys(extraVars as object).length === 0;
    if (!doc || typeof doc._rev !== 'string' || !plain) return original.call(this, context, extraVars, program);
    const key = `${String(doc._id)}\n${doc._rev}`;
    const hit = compiled.get(key);
    if (hit && hit.program === program) return hit.fn;
    const fn = original.call(this, context, extraVars, program);
    if (compiled.size >= 500) compiled.clear();
    compiled.set(key, { program, fn });
    return fn;
  };
}

/**
 * pouchdb-validation validates the documents of one `_bulk_docs` concurrently, and for each one it
 * reads the database's design documents again (`allDocs` of the `_design/` range, with their
 * bodies): 1,000 identical range reads for a batch of 1,000. Identical reads of that range that
 * are in flight at the same moment share one read here; a read that starts after it has settled
 * reads again, so a design document written in between is always seen (as before, a validation
 * sees the design documents as they were when its read ran).
 */
export function shareConcurrentDesignReads(PouchDB: { prototype: Record<string, unknown> }): void {
  type AllDocs = (this: object, ...args: unknown[]) => unknown;
  const original = PouchDB.prototype.allDocs as AllDocs;
  const inFlight = new WeakMap<object, Promise<unknown>>();
  const isDesignRead = (o: unknown): boolean => {
    if (!o || typeof o !== 'object') return false;
    const keys = Object.keys(o);
    const r = o as Record<string, unknown>;
    return keys.length === 3 && r.startkey === '_design/' && r.endkey === '_design0' && r.include_docs === true;
  };
  PouchDB.prototype.allDocs = function (this: object, ...args: unknown[]) {
    if (args.length !== 1 || !isDesignRead(args[0])) return original.apply(this, args);
    // A database still opening queues the call and makes it again later through the instance's
    // wrappers (PouchDB Server), with the same options: shared, that call would wait for itself.
    if (!(this as { taskqueue?: { isReady?: boolean } }).taskqueue?.isReady) return original.apply(this, args);
    let read = inFlight.get(this);
    if (!read) {
      read = (original.call(this, args[0]) as Promise<unknown>).finally(() => inFlight.delete(this));
      inFlight.set(this, read);
    }
    return read;
  };
}

type Row = Record<string, unknown>;
type AllDocsResult = { total_rows?: number; offset?: number; rows: Row[] } & Record<string, unknown>;
type RawGet = (this: object, id: string, opts: Record<string, unknown>) => Promise<Record<string, unknown>>;
type RawInfo = (this: object) => Promise<{ doc_count: number }>;

/** Options the fast `keys` path answers itself; any other option takes PouchDB's own path. */
const FAST_KEYS_OPTIONS = new Set(['keys', 'include_docs', 'deleted', 'conflicts', 'userCtx', 'secObj']);

function fastKeysQuery(opts: unknown): opts is { keys: string[]; include_docs?: boolean; conflicts?: boolean } {
  if (!opts || typeof opts !== 'object') return false;
  const o = opts as Record<string, unknown>;
  if (!Array.isArray(o.keys) || o.keys.length === 0 || !o.keys.every((k) => typeof k === 'string' && !k.startsWith('_local/')))
    return false;
  if (o.include_docs !== undefined && typeof o.include_docs !== 'boolean') return false;
  if (o.conflicts !== undefined && typeof o.conflicts !== 'boolean') return false;
  if (o.deleted !== undefined && o.deleted !== 'ok') return false;
  return Object.keys(o).every((k) => FAST_KEYS_OPTIONS.has(k));
}

/**
 * `_all_docs` with `keys` (RxDB's push pre-check asks for every document of a batch this way):
 * PouchDB's LevelDB adapter answers each key with a range query of its own, i.e. one LevelDB
 * iterator and one stream per key, about a quarter of the server's time while a laptop pushes.
 * Here each key is one document read (`get`, the path PouchDB uses to read a document), and the
 * row is built as the range query builds it. Keys whose document is deleted, has attachments or
 * answers anything but a plain "missing" go to PouchDB's own query, so their rows are exactly
 * PouchDB's; so do requests with any other option (limit, skip, update_seq, attachments, …).
 */
export function answerKeysWithReads(PouchDB: { prototype: Record<string, unknown> }): void {
  type AllDocs = (this: object, ...args: unknown[]) => unknown;
  const original = PouchDB.prototype.allDocs as AllDocs;
  const get = PouchDB.prototype.get as RawGet;
  const info = PouchDB.prototype.info as RawInfo;
  const viaPouch = (db: object, opts: object): Promise<AllDocsResult> => original.call(db, opts) as Promise<AllDocsResult>;

  async function byKeys(
    db: object,
    opts: { keys: string[]; include_docs?: boolean; conflicts?: boolean } & Record<string, unknown>,
  ): Promise<AllDocsResult> {
    const keys = opts.keys;
    const rows: Row[] = new Array(keys.length);
    const theirs: number[] = [];
    await Promise.all(
      keys.map(async (key, i) => {
        try {
          const doc = await get.call(db, key, opts.conflicts ? { conflicts: true } : {});
          if (doc._attachments !== undefined || doc._id !== key) {
            theirs.push(i);
            return;
          }
          const row: Row = { id: key, key, value: { rev: doc._rev } };
          if (opts.include_docs) row.doc = doc;
          rows[i] = row;
        } catch (e) {
          const err = e as { status?: number; reason?: string };
          if (err.status === 404 && err.reason === 'missing') rows[i] = { key, error: 'not_found' };
          else theirs.push(i);
        }
      }),
    );
    if (theirs.length > 0) {
      theirs.sort((a, b) => a - b);
      const res = await viaPouch(db, { ...opts, keys: theirs.map((i) => keys[i]!) });
      theirs.forEach((i, j) => (rows[i] = res.rows[j]!));
    }
    const { doc_count } = await info.call(db);
    return { offset: 0, total_rows: doc_count, rows };
  }

  PouchDB.prototype.allDocs = function (this: object, ...args: unknown[]) {
    const [opts, callback] = args;
    if (args.length > 2 || !fastKeysQuery(opts) || (callback !== undefined && typeof callback !== 'function'))
      return original.apply(this, args);
    const result = byKeys(this, opts as never);
    if (typeof callback === 'function') {
      result.then(
        (r) => (callback as (e: unknown, r?: unknown) => void)(null, r),
        (e) => (callback as (e: unknown) => void)(e),
      );
      return undefined;
    }
    return result;
  };
}

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
    let read = inFlight.get(this);
    if (!read) {
      read = (original.call(this, args[0]) as Promise<unknown>).finally(() => inFlight.delete(this));
      inFlight.set(this, read);
    }
    return read;
  };
}

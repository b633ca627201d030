/**
 * The embedded server's speed-ups (scripts/lib/pouch-server-speedups.ts) change how fast PouchDB
 * answers, never what: checked directly on PouchDB (memory adapter), with pouchdb-validation.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { answerKeysWithReads, cacheCompiledDesignFunctions, shareConcurrentDesignReads } from '../../scripts/lib/pouch-server-speedups';

const require = createRequire(import.meta.url);
type Db = {
  put(doc: Record<string, unknown>): Promise<{ rev: string }>;
  get(id: string): Promise<Record<string, unknown>>;
  bulkDocs(
    docs: Record<string, unknown>[],
    opts?: Record<string, unknown>,
  ): Promise<{ id: string; ok?: boolean; name?: string; message?: string }[]>;
  allDocs(opts: Record<string, unknown>): Promise<{ rows: { id: string; doc?: Record<string, unknown> }[] }>;
  installValidationMethods(): void;
  destroy(): Promise<unknown>;
};
type PouchCtor = {
  new (name: string, opts?: unknown): Db;
  prototype: Record<string, unknown>;
  plugin(p: unknown): PouchCtor;
  defaults(o: unknown): PouchCtor;
};

let counter = 0;
function pouch(): PouchCtor {
  // A fresh class per test, so the patches of one test do not leak into another.
  const core = require('pouchdb-core') as PouchCtor;
  const PouchDB = core.plugin(require('pouchdb-adapter-memory')).plugin(require('pouchdb-validation')).defaults({ adapter: 'memory' });
  return PouchDB;
}
const refuseField = (field: string) =>
  `function (doc) { if (doc.${field} !== undefined) throw({ forbidden: '${field} is not allowed here' }); }`;
const opts = { userCtx: { name: 'u', roles: [] }, secObj: {} };

describe('shareConcurrentDesignReads', () => {
  it('concurrent design reads of one database share a read; other databases and later reads get their own', async () => {
    const PouchDB = pouch();
    // count the reads that reach the database (PouchDB binds its methods when an instance is made,
    // so both patches go in before the databases are opened, as in the server)
    const reads: string[] = [];
    const original = PouchDB.prototype.allDocs as (this: Db, ...args: unknown[]) => Promise<unknown>;
    PouchDB.prototype.allDocs = function (this: Db & { name: string }, ...args: unknown[]) {
      if ((args[0] as { startkey?: string } | undefined)?.startkey === '_design/') reads.push(this.name);
      return original.apply(this, args);
    };
    shareConcurrentDesignReads(PouchDB);
    const a = new PouchDB(`speedups-a-${++counter}`);
    const b = new PouchDB(`speedups-b-${counter}`);
    await a.put({ _id: '_design/rules', validate_doc_update: refuseField('x') });
    await b.put({ _id: '_design/rules', validate_doc_update: refuseField('y') });
    for (const db of [a, b]) db.installValidationMethods();

    const docs = (prefix: string) =>
      Array.from({ length: 100 }, (_, i) =>
        i % 3 === 0 ? { _id: `${prefix}${i}`, x: 1 } : i % 3 === 1 ? { _id: `${prefix}${i}`, y: 1 } : { _id: `${prefix}${i}` },
      );
    const [ra, rb] = await Promise.all([a.bulkDocs(docs('a'), opts), b.bulkDocs(docs('b'), opts)]);
    // each database judged by its own rules: a refuses x, b refuses y
    const verdict = (rows: typeof ra, i: number, prefix: string) => rows.find((r) => r.id === `${prefix}${i}`)!;
    for (let i = 0; i < 100; i++) {
      expect(verdict(ra, i, 'a').ok ?? verdict(ra, i, 'a').name, `a${i}`).toBe(i % 3 === 0 ? 'forbidden' : true);
      expect(verdict(rb, i, 'b').ok ?? verdict(rb, i, 'b').name, `b${i}`).toBe(i % 3 === 1 ? 'forbidden' : true);
    }
    expect(verdict(ra, 0, 'a').message).toBe('x is not allowed here');
    // 100 validations per database, one design read each
    expect(reads.filter((n) => n.startsWith('speedups-a')).length).toBe(1);
    expect(reads.filter((n) => n.startsWith('speedups-b')).length).toBe(1);

    // new rules written after that read are seen by the next write
    const ddoc = await a.get('_design/rules');
    await a.put({ ...ddoc, validate_doc_update: refuseField('z') });
    const next = await a.bulkDocs(
      [
        { _id: 'later-x', x: 1 },
        { _id: 'later-z', z: 1 },
      ],
      opts,
    );
    expect(next.find((r) => r.id === 'later-x')!.ok).toBe(true);
    expect(next.find((r) => r.id === 'later-z')!.message).toBe('z is not allowed here');
    expect(reads.filter((n) => n.startsWith('speedups-a')).length).toBe(2);
    await Promise.all([a.destroy(), b.destroy()]);
  });

  it('leaves other allDocs calls alone (callback form, other ranges)', async () => {
    const PouchDB = pouch();
    shareConcurrentDesignReads(PouchDB);
    const db = new PouchDB(`speedups-c-${++counter}`);
    await db.bulkDocs([{ _id: '_design/d', v: 1 }, { _id: 'a' }, { _id: 'b' }]);
    const [design, design2, all] = await Promise.all([
      db.allDocs({ startkey: '_design/', endkey: '_design0', include_docs: true }),
      db.allDocs({ startkey: '_design/', endkey: '_design0', include_docs: true }),
      db.allDocs({ include_docs: true }),
    ]);
    expect(design.rows.map((r) => r.id)).toEqual(['_design/d']);
    expect(design2).toBe(design);
    expect(all.rows.map((r) => r.id)).toEqual(['_design/d', 'a', 'b']);
    const viaCallback = await new Promise<{ rows: unknown[] }>((resolve, reject) =>
      (db.allDocs as unknown as (o: unknown, cb: (e: unknown, r: { rows: unknown[] }) => void) => void)(
        { startkey: '_design/', endkey: '_design0', include_docs: true },
        (e, r) => (e ? reject(e) : resolve(r)),
      ),
    );
    expect(viaCallback.rows).toHaveLength(1);
    await db.destroy();
  });

  it('answers the first design read of a database that is still opening (PouchDB queues it and calls allDocs again)', async () => {
    // PouchDB Server wraps each database's methods on the instance (pouchdb-wrappers): a call made
    // before the database is ready is queued and later made again through that wrapper, with the
    // same options. Sharing the queued call's own promise with it never resolved (replicated writes
    // to a database just opened, and CouchDB pulling from the embedded server, hung).
    const PouchDB = pouch();
    shareConcurrentDesignReads(PouchDB);
    const db = new PouchDB(`speedups-d-${++counter}`) as unknown as Omit<Db, 'allDocs'> & {
      taskqueue: { isReady: boolean };
      allDocs: (...a: unknown[]) => Promise<{ rows: unknown[] }>;
    };
    expect(db.taskqueue.isReady).toBe(false);
    const proto = PouchDB.prototype.allDocs as (this: object, ...args: unknown[]) => Promise<{ rows: unknown[] }>;
    db.allDocs = function (this: object, ...args: unknown[]) {
      const cb = typeof args.at(-1) === 'function' ? (args.pop() as (e: unknown, r?: unknown) => void) : null;
      const p = proto.apply(this, args);
      if (cb) p.then((r) => cb(null, r), cb);
      return p;
    };
    const read = db.allDocs({ startkey: '_design/', endkey: '_design0', include_docs: true });
    const answer = await Promise.race([read, new Promise((r) => setTimeout(() => r('no answer within 3 s'), 3000))]);
    expect(answer).toMatchObject({ rows: [] });
    await db.destroy();
  });
});

describe('answerKeysWithReads', () => {
  /** The same documents, revisions, conflicts and deletions in a database of the given class. */
  async function fill(PouchDB: PouchCtor, name: string): Promise<Db> {
    const db = new PouchDB(name);
    const docs: Record<string, unknown>[] = [];
    for (let i = 0; i < 40; i++)
      docs.push({ _id: `doc-${String(i).padStart(2, '0')}`, _rev: `1-${'a'.repeat(31)}${i % 10}`, n: i, nested: { list: [i, 'x'] } });
    // a conflict: a second branch of doc-01
    docs.push({ _id: 'doc-01', _rev: `1-${'b'.repeat(32)}`, n: 'other branch' });
    // deleted documents: doc-05 (one revision deleted), doc-06 (two revisions, the last deleted)
    docs.push({
      _id: 'doc-05',
      _rev: `2-${'c'.repeat(32)}`,
      _deleted: true,
      _revisions: { start: 2, ids: ['c'.repeat(32), `${'a'.repeat(31)}5`] },
    });
    docs.push({
      _id: 'doc-06',
      _rev: `2-${'d'.repeat(32)}`,
      _deleted: true,
      _revisions: { start: 2, ids: ['d'.repeat(32), `${'a'.repeat(31)}6`] },
    });
    // a document with an attachment
    docs.push({
      _id: 'with-attachment',
      _rev: `1-${'e'.repeat(32)}`,
      _attachments: { 'a.txt': { content_type: 'text/plain', data: Buffer.from('hello').toString('base64') } },
    });
    await db.bulkDocs(docs, { new_edits: false });
    return db;
  }
  const keys = ['doc-03', 'missing-1', 'doc-01', 'doc-05', 'doc-06', 'with-attachment', 'doc-03', 'doc-39', 'missing-2', '_design/none'];

  it('gives the rows PouchDB gives, for every kind of key and option', async () => {
    const Plain = pouch();
    const Fast = pouch();
    answerKeysWithReads(Fast);
    const plain = await fill(Plain, `keys-plain-${++counter}`);
    const fast = await fill(Fast, `keys-fast-${counter}`);
    const variants: Record<string, unknown>[] = [
      { keys },
      { keys, include_docs: true },
      { keys, include_docs: true, deleted: 'ok' },
      { keys, include_docs: true, conflicts: true },
      { keys, include_docs: false, conflicts: true },
      { keys: ['missing-only'] },
      { keys, include_docs: true, limit: 3 },
      { keys, include_docs: true, update_seq: true },
    ];
    for (const v of variants) {
      const [a, b] = await Promise.all([plain.allDocs({ ...v }), fast.allDocs({ ...v })]);
      expect(b, JSON.stringify(v)).toEqual(a);
    }
    // the rows of deleted and conflicted documents, checked outright too
    const res = await fast.allDocs({ keys: ['doc-05', 'doc-01', 'missing-1'], include_docs: true, conflicts: true });
    expect(res.rows[0]).toMatchObject({ id: 'doc-05', value: { deleted: true }, doc: null });
    expect((res.rows[1]!.doc as { _conflicts?: string[] })._conflicts).toHaveLength(1);
    expect(res.rows[2]).toEqual({ key: 'missing-1', error: 'not_found' });
    // callback form (express-pouchdb calls it so)
    const viaCallback = await new Promise<unknown>((resolve, reject) =>
      (fast.allDocs as unknown as (o: unknown, cb: (e: unknown, r: unknown) => void) => void)({ keys, include_docs: true }, (e, r) =>
        e ? reject(e) : resolve(r),
      ),
    );
    expect(viaCallback).toEqual(await plain.allDocs({ keys, include_docs: true }));
    await Promise.all([plain.destroy(), fast.destroy()]);
  });
});

describe('cacheCompiledDesignFunctions', () => {
  it('compiles once per design-document revision and recompiles for a new one', () => {
    let compiles = 0;
    const couchEval = {
      evaluate: (_ctx: unknown, _extra: unknown, program: string) => (compiles++, new Function(`return (${program})`)()) as unknown,
    };
    cacheCompiledDesignFunctions(couchEval);
    const v1 = { _id: '_design/rules', _rev: '1-a' };
    const f1 = couchEval.evaluate(v1, {}, refuseField('x'));
    expect(couchEval.evaluate({ ...v1 }, {}, refuseField('x'))).toBe(f1);
    expect(compiles).toBe(1);
    const f2 = couchEval.evaluate({ _id: '_design/rules', _rev: '2-b' }, {}, refuseField('y'));
    expect(f2).not.toBe(f1);
    expect(compiles).toBe(2);
    // the same revision with another source (never from CouchDB, but cheap to be safe about)
    const f3 = couchEval.evaluate({ _id: '_design/rules', _rev: '2-b' }, {}, refuseField('z'));
    expect(f3).not.toBe(f2);
    expect(compiles).toBe(3);
    // with extra variables (other design functions) it never caches
    couchEval.evaluate(v1, { require: () => null }, refuseField('x'));
    expect(compiles).toBe(4);
  });
});

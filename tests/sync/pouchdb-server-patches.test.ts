/**
 * The embedded server's PouchDB patches (patches/, applied by patch-package on install; found by
 * `npm run server:migrate`, whose revision comparison showed both):
 * - pouchdb-validation 4.2: a replicated write (`new_edits: false`) keeps its own revision history,
 *   so a replicated UPDATE of an existing document is stored (unpatched it was answered `[]` and
 *   silently dropped: replication into the embedded server lost every later edit); validation
 *   still applies to replicated writes;
 * - pouchdb-utils 7.3: `bulkGet` of an empty list answers (unpatched it never called back, so
 *   CouchDB's replicator pulling from the embedded server hung until it gave up).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
type Row = { id: string; error?: string; name?: string; message?: string };
type Db = {
  put(doc: Record<string, unknown>): Promise<{ rev: string }>;
  get(id: string, opts?: Record<string, unknown>): Promise<Record<string, unknown>>;
  validatingBulkDocs(docs: Record<string, unknown>[], opts: Record<string, unknown>): Promise<Row[]>;
  validatingPut(doc: Record<string, unknown>, opts: Record<string, unknown>): Promise<{ rev: string }>;
};
let n = 0;
function db(): Db {
  const P = require('pouchdb-core')
    .plugin(require('pouchdb-adapter-memory'))
    .plugin(require('pouchdb-validation'))
    .defaults({ adapter: 'memory' });
  return new P(`validation-${n++}`) as Db;
}
const admin = { userCtx: { name: 'admin', roles: ['_admin'] }, secObj: {} };
const rules = 'function (doc) { if (doc.bad) throw({ forbidden: "no bad documents" }); }';

describe('pouchdb-validation (patched)', () => {
  it('stores a replicated update of an existing document, with its history', async () => {
    const d = db();
    await d.put({ _id: '_design/rules', validate_doc_update: rules });
    expect(
      await d.validatingBulkDocs([{ _id: 'x', v: 1, _rev: '1-aaa', _revisions: { start: 1, ids: ['aaa'] } }], {
        ...admin,
        new_edits: false,
      }),
    ).toEqual([]);
    expect(
      await d.validatingBulkDocs([{ _id: 'x', v: 2, _rev: '2-bbb', _revisions: { start: 2, ids: ['bbb', 'aaa'] } }], {
        ...admin,
        new_edits: false,
      }),
    ).toEqual([]);
    const doc = await d.get('x', { revs: true });
    expect(doc).toMatchObject({ v: 2, _rev: '2-bbb', _revisions: { start: 2, ids: ['bbb', 'aaa'] } });
  });

  it('still judges replicated and interactive writes by the rules', async () => {
    const d = db();
    await d.put({ _id: '_design/rules', validate_doc_update: rules });
    const rows = await d.validatingBulkDocs([{ _id: 'y', bad: true, _rev: '1-ccc', _revisions: { start: 1, ids: ['ccc'] } }], {
      ...admin,
      new_edits: false,
    });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).toMatch(/no bad documents/);
    await expect(d.validatingPut({ _id: 'z', bad: true }, admin)).rejects.toMatchObject({ status: 403 });
    const ok = await d.validatingPut({ _id: 'z', v: 1 }, admin);
    await d.validatingPut({ _id: 'z', v: 2, _rev: ok.rev }, admin);
    expect((await d.get('z')).v).toBe(2);
  });
});

describe('bulkGet (pouchdb-utils, patched)', () => {
  it('answers an empty list of documents with no results', async () => {
    const d = db() as Db & { bulkGet(opts: Record<string, unknown>): Promise<{ results: unknown[] }> };
    await d.put({ _id: 'a', v: 1 });
    const answer = await Promise.race([
      d.bulkGet({ docs: [], revs: true, latest: true }),
      new Promise((r) => setTimeout(() => r('no answer within 3 s'), 3000)),
    ]);
    expect(answer).toEqual({ results: [] });
    expect((await d.bulkGet({ docs: [{ id: 'a' }] })).results).toHaveLength(1);
  });
});

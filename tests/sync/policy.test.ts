/**
 * The conflict policy (src-shared/sync/policy.ts), without a server: what each collection keeps
 * when two laptops changed one document. The same functions run inside RxDB during replication
 * (see the integration tests next to this file).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'acorn';
import { stampChange, type ChangeContext } from '../../src-shared/model/meta';
import type { BillingClaim, Invoice, Lesson, Note, Occurrence, Payment, Student } from '../../src-shared/model/types';
import { COLLECTION_NAMES } from '../../src-shared/model/schemas';
import { canonicalJson, docsEqual, mergeDocs, stampDeletion, type AnyDoc } from '../../src-shared/sync/merge';
import { resolveConflict } from '../../src-shared/sync/policy';
import { buildConflictHandlers } from '../../src-shared/sync/conflict-handlers';
import { validateDocUpdateSource } from '../../src-shared/sync/validate-doc-update';
import { createPayment } from '../../src-shared/billing/payments';
import { editPayment } from '../../src-shared/billing/corrections';
import { studentValues, noteValues, lessonValues, invoiceValues, occurrenceValues } from './helpers/fixtures';

const at = (iso: string, deviceId: string, staffId = 'staff-1'): ChangeContext => ({ now: new Date(iso), deviceId, staffId });
const live = <T extends object>(d: T) => ({ ...d, _deleted: false }) as unknown as AnyDoc;

function base<T extends { id: string }>(make: () => T): T {
  return make();
}

describe('structured records: field-level merge', () => {
  const original = base(() => stampChange<Student>(undefined, studentValues(), at('2026-03-01T10:00:00Z', 'dev-a'), () => 'stu-1'));
  const onA = stampChange<Student>(original, { ...studentValues(), phone: '0123' }, at('2026-03-02T10:00:00Z', 'dev-a'), () => 'x');
  const onB = stampChange<Student>(
    original,
    { ...studentValues(), email: 'new@example.com' },
    at('2026-03-02T09:00:00Z', 'dev-b'),
    () => 'x',
  );

  it('keeps both laptops’ edits of different fields', () => {
    const r = resolveConflict('students', { realMasterState: live(onA), newDocumentState: live(onB), assumedMasterState: live(original) });
    expect(r.document.phone).toBe('0123');
    expect(r.document.email).toBe('new@example.com');
    expect(r.document._deleted).toBe(false);
    expect(r.human).toEqual([]);
    expect((r.document.fieldClock as Record<string, string>).phone).toBe(onA.fieldClock.phone);
    expect((r.document.fieldClock as Record<string, string>).email).toBe(onB.fieldClock.email);
  });

  it('gives the same result whichever laptop resolves it', () => {
    const r1 = resolveConflict('students', { realMasterState: live(onA), newDocumentState: live(onB) });
    const r2 = resolveConflict('students', { realMasterState: live(onB), newDocumentState: live(onA) });
    expect(canonicalJson(r1.document)).toBe(canonicalJson(r2.document));
  });

  it('takes the later edit of the same field (by clock), and breaks stamp ties deterministically', () => {
    const later = stampChange<Student>(original, { ...studentValues(), phone: 'later' }, at('2026-03-03T00:00:00Z', 'dev-b'), () => 'x');
    const r = resolveConflict('students', { realMasterState: live(later), newDocumentState: live(onA) });
    expect(r.document.phone).toBe('later');
    const tieA = { ...live(onA), phone: 'aaa' };
    const tieB = { ...live(onA), phone: 'zzz' };
    expect(mergeDocs(tieA, tieB).phone).toBe(mergeDocs(tieB, tieA).phone);
  });

  it('is commutative, associative and idempotent for any versions (property)', () => {
    const fields = ['firstName', 'lastName', 'phone', 'email'] as const;
    const version = fc.record({
      values: fc.record(
        Object.fromEntries(fields.map((f) => [f, fc.constantFrom('a', 'b', 'c')])) as Record<(typeof fields)[number], fc.Arbitrary<string>>,
      ),
      stamps: fc.record(
        Object.fromEntries(fields.map((f) => [f, fc.integer({ min: 0, max: 5 })])) as Record<(typeof fields)[number], fc.Arbitrary<number>>,
      ),
      deleted: fc.boolean(),
      device: fc.constantFrom('dev-a', 'dev-b', 'dev-c'),
    });
    // A deleted version is deleted after its own last edit (as stampDeletion makes it).
    const toDoc = (v: { values: Record<string, string>; stamps: Record<string, number>; deleted: boolean; device: string }): AnyDoc => {
      const fieldClock: Record<string, string> = {};
      for (const f of fields) fieldClock[f] = `2026-01-01T00:00:0${v.stamps[f]}.000Z|0000|${v.device}`;
      if (v.deleted) fieldClock._deleted = `2026-01-01T00:00:0${Math.max(...Object.values(v.stamps))}.500Z|0000|${v.device}`;
      return {
        id: 'x',
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        updatedBy: 's',
        deviceId: v.device,
        fieldClock,
        ...v.values,
        _deleted: v.deleted,
      };
    };
    fc.assert(
      fc.property(version, version, version, (x, y, z) => {
        const a = toDoc(x);
        const b = toDoc(y);
        const c = toDoc(z);
        expect(canonicalJson(mergeDocs(a, b))).toBe(canonicalJson(mergeDocs(b, a)));
        expect(canonicalJson(mergeDocs(mergeDocs(a, b), c))).toBe(canonicalJson(mergeDocs(a, mergeDocs(b, c))));
        expect(canonicalJson(mergeDocs(a, a))).toBe(canonicalJson({ ...a }));
      }),
      { numRuns: 300 },
    );
  });

  it('merges lesson exdates as a set and per-student attendance per student', () => {
    const lesson = stampChange<Lesson>(
      undefined,
      lessonValues({ exdates: ['2026-03-02T16:00:00.000Z'] }),
      at('2026-03-01T10:00:00Z', 'dev-a'),
      () => 'l1',
    );
    const a = stampChange<Lesson>(
      lesson,
      { ...lessonValues(), exdates: ['2026-03-02T16:00:00.000Z', '2026-03-09T16:00:00.000Z'] },
      at('2026-03-02T10:00:00Z', 'dev-a'),
      () => 'x',
    );
    const b = stampChange<Lesson>(
      lesson,
      { ...lessonValues(), exdates: ['2026-03-16T16:00:00.000Z'] },
      at('2026-03-02T11:00:00Z', 'dev-b'),
      () => 'x',
    );
    const r = resolveConflict('lessons', { realMasterState: live(a), newDocumentState: live(b), assumedMasterState: live(lesson) });
    // b removed 03-02 (present in the base), a added 03-09, b added 03-16.
    expect(r.document.exdates).toEqual(['2026-03-09T16:00:00.000Z', '2026-03-16T16:00:00.000Z']);

    const occ = stampChange<Occurrence>(
      undefined,
      occurrenceValues(),
      at('2026-03-01T10:00:00Z', 'dev-a'),
      () => 'l1@2026-03-02T16:00:00.000Z',
    );
    const oa = stampChange<Occurrence>(
      occ,
      { ...occurrenceValues(), studentStatus: { s1: 'attended' } },
      at('2026-03-02T10:00:00Z', 'dev-a'),
      () => 'x',
    );
    const ob = stampChange<Occurrence>(
      occ,
      { ...occurrenceValues(), studentStatus: { s2: 'no_show' } },
      at('2026-03-02T11:00:00Z', 'dev-b'),
      () => 'x',
    );
    const ro = resolveConflict('occurrences', { realMasterState: live(oa), newDocumentState: live(ob), assumedMasterState: live(occ) });
    expect(ro.document.studentStatus).toEqual({ s1: 'attended', s2: 'no_show' });
  });
});

describe('delete versus edit', () => {
  const original = stampChange<Student>(undefined, studentValues(), at('2026-03-01T10:00:00Z', 'dev-a'), () => 'stu-1');

  it('an edit made after the delete resurrects the document (with the edit)', () => {
    const deleted = stampDeletion(live(original), at('2026-03-02T10:00:00Z', 'dev-a'));
    const edited = stampChange<Student>(original, { ...studentValues(), phone: '999' }, at('2026-03-02T11:00:00Z', 'dev-b'), () => 'x');
    for (const [m, f] of [
      [deleted, live(edited)],
      [live(edited), deleted],
    ] as const) {
      const r = resolveConflict('students', { realMasterState: m, newDocumentState: f });
      expect(r.document._deleted).toBe(false);
      expect(r.document.phone).toBe('999');
    }
  });

  it('the delete wins over an edit made before it, keeping the edit in the tombstone', () => {
    const edited = stampChange<Student>(original, { ...studentValues(), phone: '999' }, at('2026-03-02T09:00:00Z', 'dev-b'), () => 'x');
    const deleted = stampDeletion(live(original), at('2026-03-02T10:00:00Z', 'dev-a'));
    const r = resolveConflict('students', { realMasterState: live(edited), newDocumentState: deleted });
    expect(r.document._deleted).toBe(true);
    expect(r.document.phone).toBe('999');
  });

  it('a deletion without a stamp (made outside TutorDesk) always wins', () => {
    const edited = stampChange<Student>(original, { ...studentValues(), phone: '999' }, at('2030-01-01T00:00:00Z', 'dev-b'), () => 'x');
    const r = resolveConflict('students', { realMasterState: { ...live(original), _deleted: true }, newDocumentState: live(edited) });
    expect(r.document._deleted).toBe(true);
  });
});

describe('notes: text is never lost (mergeNotes from src-shared/notes)', () => {
  const original = stampChange<Note>(
    undefined,
    noteValues({ body: 'Worked on fractions.' }),
    at('2026-03-01T10:00:00Z', 'dev-a'),
    () => 'n1',
  );

  it('keeps the later text and puts the other into conflicts when both changed the same field', () => {
    const a = stampChange<Note>(original, { ...noteValues(), body: 'Text from laptop A' }, at('2026-03-02T10:00:00Z', 'dev-a'), () => 'x');
    const b = stampChange<Note>(
      original,
      { ...noteValues(), body: 'Text from laptop B', homework: 'p. 12' },
      at('2026-03-02T11:00:00Z', 'dev-b'),
      () => 'x',
    );
    const r = resolveConflict('notes', { realMasterState: live(a), newDocumentState: live(b), assumedMasterState: live(original) });
    expect(r.document.body).toBe('Text from laptop B');
    expect(r.document.homework).toBe('p. 12');
    const conflicts = r.document.conflicts as Note['conflicts'];
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.body).toBe('Text from laptop A');
    expect(conflicts[0]!.deviceId).toBe('dev-a');
    // Symmetric: the other laptop resolving the same conflict gets the same note.
    const r2 = resolveConflict('notes', { realMasterState: live(b), newDocumentState: live(a), assumedMasterState: live(original) });
    expect(canonicalJson(r2.document)).toBe(canonicalJson(r.document));
  });

  it('does not record a conflict when only one side changed the text', () => {
    const a = stampChange<Note>(original, { ...noteValues(), body: 'Only A changed this' }, at('2026-03-02T10:00:00Z', 'dev-a'), () => 'x');
    const b = stampChange<Note>(
      original,
      { ...noteValues(), body: 'Worked on fractions.', title: 'New title' },
      at('2026-03-02T11:00:00Z', 'dev-b'),
      () => 'x',
    );
    const r = resolveConflict('notes', { realMasterState: live(a), newDocumentState: live(b), assumedMasterState: live(original) });
    expect(r.document.body).toBe('Only A changed this');
    expect(r.document.title).toBe('New title');
    expect(r.document.conflicts).toEqual([]);
  });

  it('a conflict a person resolved on one laptop stays resolved; without a base nothing is dropped', () => {
    const v = {
      body: 'old A',
      covered: '',
      homework: '',
      nextSteps: '',
      updatedAt: '2026-03-02T10:00:00.000Z',
      updatedBy: 's',
      deviceId: 'dev-a',
    };
    const withConflict = stampChange<Note>(original, { ...noteValues(), conflicts: [v] }, at('2026-03-03T10:00:00Z', 'dev-a'), () => 'x');
    const resolved = stampChange<Note>(withConflict, { ...noteValues(), conflicts: [] }, at('2026-03-04T10:00:00Z', 'dev-a'), () => 'x');
    const otherEdit = stampChange<Note>(
      withConflict,
      { ...noteValues(), title: 'B title', conflicts: [v] },
      at('2026-03-04T11:00:00Z', 'dev-b'),
      () => 'x',
    );
    const r = resolveConflict('notes', {
      realMasterState: live(resolved),
      newDocumentState: live(otherEdit),
      assumedMasterState: live(withConflict),
    });
    expect(r.document.conflicts).toEqual([]);
    expect(r.document.title).toBe('B title');
    // Without the common version nothing may be dropped: the entry stays (and the differing title
    // becomes a conflict version too, since nobody can tell which side changed it).
    const noBase = resolveConflict('notes', { realMasterState: live(resolved), newDocumentState: live(otherEdit) });
    expect(noBase.document.conflicts).toContainEqual(v);
  });
});

describe('invoices and billing claims', () => {
  const draft = stampChange<Invoice>(undefined, invoiceValues(), at('2026-03-01T10:00:00Z', 'dev-a'), () => 'inv-1');
  const issue = (d: Invoice, number: string, iso: string, dev: string) =>
    stampChange<Invoice>(
      d,
      { ...invoiceValues(), status: 'issued', number, issuedAt: iso, issuedBy: 'staff-1', issueDate: iso.slice(0, 10) },
      at(iso, dev),
      () => 'x',
    );

  it('an issued version wins over a draft edit, and the draft edit is recorded for a person', () => {
    const issued = issue(draft, 'INV-0007', '2026-03-02T10:00:00.000Z', 'dev-a');
    const edited = stampChange<Invoice>(
      draft,
      { ...invoiceValues(), notes: 'changed later' },
      at('2026-03-02T11:00:00Z', 'dev-b'),
      () => 'x',
    );
    for (const [m, f] of [
      [issued, edited],
      [edited, issued],
    ] as const) {
      const r = resolveConflict('invoices', { realMasterState: live(m), newDocumentState: live(f) });
      expect(r.document.status).toBe('issued');
      expect(r.document.notes).toBe(issued.notes);
      expect(r.human).toHaveLength(1);
      expect(r.human[0]!.kind).toBe('invoice-changed-after-issue');
      expect(r.human[0]!.setAside.notes).toBe('changed later');
    }
  });

  it('two different issuances: the one on the server stays, the other is recorded; voiding merges', () => {
    const a = issue(draft, 'INV-0007', '2026-03-02T10:00:00.000Z', 'dev-a');
    const b = issue(draft, 'INV-0008', '2026-03-02T09:00:00.000Z', 'dev-b');
    const r = resolveConflict('invoices', { realMasterState: live(a), newDocumentState: live(b) });
    expect(r.document.number).toBe('INV-0007');
    expect(r.human.map((h) => h.kind)).toEqual(['invoice-issued-twice']);
    expect(r.human[0]!.setAside.number).toBe('INV-0008');

    const voided = stampChange<Invoice>(
      a,
      {
        ...invoiceValues(),
        status: 'void',
        number: 'INV-0007',
        issuedAt: a.issuedAt,
        issuedBy: 'staff-1',
        issueDate: a.issueDate,
        voidedBy: 'cn-1',
      },
      at('2026-03-05T10:00:00Z', 'dev-b'),
      () => 'x',
    );
    const touched = stampChange<Invoice>(
      a,
      { ...invoiceValues(), status: 'issued', number: 'INV-0007', issuedAt: a.issuedAt, issuedBy: 'staff-1', issueDate: a.issueDate },
      at('2026-03-06T10:00:00Z', 'dev-a'),
      () => 'x',
    );
    const rv = resolveConflict('invoices', { realMasterState: live(touched), newDocumentState: live(voided) });
    expect(rv.document.status).toBe('void');
    expect(rv.document.voidedBy).toBe('cn-1');
    expect(rv.human).toEqual([]);
  });

  it('double billing: the claim created first wins and the conflict is recorded', () => {
    const claim = (invoiceId: string, iso: string, dev: string) =>
      ({
        ...stampChange<BillingClaim>(
          undefined,
          { occurrenceId: 'o1', studentId: 's1', invoiceId, familyId: 'f1' },
          at(iso, dev),
          () => 'o1#s1',
        ),
        _deleted: false,
      }) as AnyDoc;
    const first = claim('inv-A', '2026-03-02T10:00:00Z', 'dev-a');
    const second = claim('inv-B', '2026-03-02T11:00:00Z', 'dev-b');
    for (const [m, f] of [
      [first, second],
      [second, first],
    ] as const) {
      const r = resolveConflict('billingclaims', { realMasterState: m, newDocumentState: f });
      expect(r.document.invoiceId).toBe('inv-A');
      expect(r.human).toHaveLength(1);
      expect(r.human[0]!.kind).toBe('double-billing');
      expect(r.human[0]!.setAside.invoiceId).toBe('inv-B');
    }
  });
});

describe('payments: no edit is lost', () => {
  const original = createPayment(
    { familyId: 'fam-1', date: '2026-03-02', amount: 4500, method: 'bank_transfer', reference: 'REF 1' },
    'GBP',
    at('2026-03-02T10:00:00Z', 'dev-a'),
    () => 'pay-1',
  );
  const edit = (p: Payment, e: Parameters<typeof editPayment>[1], iso: string, device: string) =>
    editPayment(p, e, { invoices: [], payments: [p], ctx: at(iso, device) });

  it('one side edited the values, the other a field outside them: both kept, with the history', () => {
    const onA = edit(original, { amount: 450, reason: 'typed 4500 for 450' }, '2026-03-03T10:00:00Z', 'dev-a');
    const onB = stampChange<Payment>(original, { ...original, familyId: 'fam-2' }, at('2026-03-03T11:00:00Z', 'dev-b'), () => 'x');
    const r = resolveConflict('payments', { realMasterState: live(onA), newDocumentState: live(onB), assumedMasterState: live(original) });
    expect(r.document.amount).toBe(450);
    expect(r.document.familyId).toBe('fam-2');
    expect((r.document.revisions as unknown[]).length).toBe(1);
    expect(r.human).toEqual([]);
  });

  it('edited on two laptops at once: the later edit is kept whole, the other is in the history, a person is asked', () => {
    const onA = edit(original, { amount: 450, method: 'cash', reason: 'typed 4500 for 450' }, '2026-03-03T10:00:00Z', 'dev-a');
    const onB = edit(original, { amount: 5400, reference: 'REF 2', reason: 'digits swapped' }, '2026-03-03T11:00:00Z', 'dev-b');
    for (const [master, fork] of [
      [onA, onB],
      [onB, onA],
    ] as const) {
      const r = resolveConflict('payments', {
        realMasterState: live(master),
        newDocumentState: live(fork),
        assumedMasterState: live(original),
      });
      // B's edit is later: its values are kept together (not A's method with B's amount).
      expect(r.document).toMatchObject({ amount: 5400, method: 'bank_transfer', reference: 'REF 2' });
      const history = (r.document.revisions ?? []) as NonNullable<Payment['revisions']>;
      // Both edits' replaced values (the original, twice) and A's edit, set aside; oldest first.
      expect(history.map((h) => [h.revisedAt, h.amount, h.method, h.reference])).toEqual([
        ['2026-03-03T10:00:00.000Z', 4500, 'bank_transfer', 'REF 1'],
        ['2026-03-03T11:00:00.000Z', 450, 'cash', 'REF 1'],
        ['2026-03-03T11:00:00.000Z', 4500, 'bank_transfer', 'REF 1'],
      ]);
      expect(history[1]!.reason).toMatch(/two computers/);
      expect(r.human).toHaveLength(1);
      expect(r.human[0]).toMatchObject({ kind: 'payment-edited-twice', collection: 'payments', docId: 'pay-1' });
      expect(r.human[0]!.kept).toMatchObject({ amount: 5400 });
      expect(r.human[0]!.setAside).toMatchObject({ amount: 450 });
    }
    // Both orders give the same history (the handler may run on either laptop).
    const ab = resolveConflict('payments', { realMasterState: live(onA), newDocumentState: live(onB) }).document;
    const ba = resolveConflict('payments', { realMasterState: live(onB), newDocumentState: live(onA) }).document;
    expect(canonicalJson(ab.revisions)).toBe(canonicalJson(ba.revisions));
  });

  it('the resolved payment passes the server rule that the history only grows', () => {
    const onA = edit(original, { amount: 450 }, '2026-03-03T10:00:00Z', 'dev-a');
    const onB = edit(original, { amount: 5400 }, '2026-03-03T11:00:00Z', 'dev-b');
    const r = resolveConflict('payments', { realMasterState: live(onB), newDocumentState: live(onA), assumedMasterState: live(original) });
    const keys = (d: AnyDoc) => ((d.revisions as unknown[]) ?? []).map((x) => canonicalJson(x));
    for (const side of [onA, onB]) for (const k of keys(live(side))) expect(keys(r.document)).toContain(k);
    expect(keys(r.document).length).toBeGreaterThan(keys(live(onB)).length);
  });
});

describe('RxDB conflict handlers and server rules source', () => {
  it('isEqual ignores RxDB-local metadata, resolve reports conflicts that need a person', async () => {
    const seen: string[] = [];
    const handlers = buildConflictHandlers((h) => seen.push(h.kind));
    const doc = stampChange<Student>(undefined, studentValues(), at('2026-03-01T10:00:00Z', 'dev-a'), () => 'stu-1');
    const h = handlers.students;
    expect(
      h.isEqual(
        { ...doc, _deleted: false },
        { ...doc, _deleted: false, ...({ _meta: { lwt: 1 }, _rev: '1-x' } as object) } as never,
        'test',
      ),
    ).toBe(true);
    expect(h.isEqual({ ...doc, _deleted: false }, { ...doc, phone: 'x', _deleted: false }, 'test')).toBe(false);
    const claim = (invoiceId: string) => ({
      ...stampChange<BillingClaim>(
        undefined,
        { occurrenceId: 'o1', studentId: 's1', invoiceId, familyId: 'f1' },
        at('2026-03-01T10:00:00Z', invoiceId),
        () => 'o1#s1',
      ),
      _deleted: false,
    });
    await handlers.billingclaims.resolve({ realMasterState: claim('a'), newDocumentState: claim('b') }, 'test');
    expect(seen).toEqual(['double-billing']);
    expect(docsEqual(live(doc), live(doc))).toBe(true);
  });

  it('validate_doc_update is ES5 for every collection (CouchDB may run an old SpiderMonkey)', () => {
    for (const c of COLLECTION_NAMES) {
      const src = validateDocUpdateSource('demo', c);
      expect(() => parse(`(${src})`, { ecmaVersion: 5 })).not.toThrow();
    }
  });
});

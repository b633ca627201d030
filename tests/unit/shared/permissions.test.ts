/**
 * The permission table (src-shared/sync/permissions.ts): the generated validate_doc_update (ES5,
 * run here as CouchDB would run it) decides every write exactly as `checkWrite`, and `decide` /
 * `can` (for the UI) follow the same table. tests/sync/permissions-http.test.ts drives the table
 * over HTTP against a real server.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COLLECTION_NAMES, type CollectionName } from '../../../src-shared/model/schemas';
import { adminRole, memberRole, staffRole } from '../../../src-shared/sync/names';
import { can, checkWrite, decide, PERMISSIONS, permissionTableMarkdown, type WriteIdentity } from '../../../src-shared/sync/permissions';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateDocUpdateSource } from '../../../src-shared/sync/validate-doc-update';
import { makeDoc } from '../../sync/helpers/fixtures';

const P = 'demo';
const ctx = { staffId: 'staff-admin', deviceId: 'unit', now: new Date('2026-03-01T10:00:00Z') };
type Doc = Record<string, unknown>;
type Vdu = (newDoc: Doc, oldDoc: Doc | null, userCtx: { name: string; roles: string[] }, secObj: unknown) => void;
const vdus = new Map<CollectionName, Vdu>(
  COLLECTION_NAMES.map((c) => [c, new Function(`return ${validateDocUpdateSource(P, c)}`)() as Vdu]),
);

function runVdu(c: CollectionName, roles: string[], oldDoc: Doc | null, newDoc: Doc): { error: string; reason: string } | null {
  try {
    vdus.get(c)!(newDoc, oldDoc, { name: 'u', roles }, {});
    return null;
  } catch (e) {
    const x = e as Record<string, string>;
    const error = Object.keys(x)[0]!;
    return { error, reason: x[error]! };
  }
}

const couch = (c: CollectionName, id: string, values: Record<string, unknown>): Doc => {
  const { id: _id, ...rest } = makeDoc(c, id, values as never, ctx) as unknown as Doc;
  return { ...rest, _id };
};

const identities: { roles: string[]; who: WriteIdentity }[] = [
  { roles: ['_admin'], who: { practice: P, isServerAdmin: true, isMember: false, isAdmin: false, staffId: '' } },
  {
    roles: [memberRole(P), adminRole(P), staffRole(P, 'staff-admin')],
    who: { practice: P, isServerAdmin: false, isMember: true, isAdmin: true, staffId: 'staff-admin' },
  },
  {
    roles: [memberRole(P), staffRole(P, 'staff-alice')],
    who: { practice: P, isServerAdmin: false, isMember: true, isAdmin: false, staffId: 'staff-alice' },
  },
  { roles: [memberRole(P)], who: { practice: P, isServerAdmin: false, isMember: true, isAdmin: false, staffId: '' } },
  {
    roles: ['tutordesk-other', staffRole('other', 'staff-alice')],
    who: { practice: P, isServerAdmin: false, isMember: false, isAdmin: false, staffId: '' },
  },
];

const staffIds = ['', 'staff-alice', 'staff-bob', 'staff-admin'];
const docArb = (c: CollectionName) =>
  fc
    .record({
      owner1: fc.constantFrom(...staffIds),
      owner2: fc.constantFrom(...staffIds),
      status: fc.constantFrom('draft', 'issued', 'void'),
      kind: fc.constantFrom('invoice', 'credit_note'),
      total: fc.constantFrom(100, 200),
      voidedBy: fc.constantFrom('', 'cn-1'),
      payKind: fc.constantFrom(undefined, 'payment', 'refund', 'reversal'),
      reverses: fc.constantFrom(undefined, '1', 'other'),
      reason: fc.constantFrom(undefined, '', '  ', 'Bounced'),
      sources: fc.constantFrom(undefined, [100], [50, 50], [60]),
      revisions: fc.constantFrom(undefined, [], ['r1'], ['r1', 'r2'], ['r2']),
      family: fc.constantFrom('f1', 'f2'),
      method: fc.constantFrom('cash', 'card'),
      mergedInto: fc.constantFrom(undefined, '', 'x1', 'x2'),
    })
    .map((r) => {
      const v: Record<string, unknown> = {};
      if (c === 'lessons') Object.assign(v, { tutorId: r.owner1, start: '2026-03-02T16:00:00.000Z', durationMinutes: 60, timeZone: 'UTC' });
      if (c === 'notes') Object.assign(v, { authorId: r.owner1 });
      if (c === 'occurrences')
        Object.assign(v, { tutorId: r.owner1, lessonTutorId: r.owner2, lessonId: 'l', originalStart: '2026-03-02T16:00:00.000Z' });
      if (c === 'invoices')
        Object.assign(v, {
          status: r.status,
          kind: r.kind,
          total: r.total,
          voidedBy: r.voidedBy,
          number: 'INV-1',
          currency: 'GBP',
          familyId: r.family,
          lines: [{ id: 'l1', studentId: r.method === 'cash' ? 's1' : 's2', amount: r.total }],
        });
      if (c === 'payments') {
        const revision = (tag: string) => ({ amount: 1, date: '2026-03-01', method: 'cash', reference: tag, allocations: [], notes: '' });
        Object.assign(v, { amount: r.total, currency: 'GBP', familyId: r.family, method: r.method });
        if (r.payKind !== undefined) v.kind = r.payKind;
        if (r.reverses !== undefined) v.reverses = r.reverses;
        if (r.reason !== undefined) v.reason = r.reason;
        if (r.sources !== undefined) v.refundSources = r.sources.map((amount, i) => ({ paymentId: `p${i}`, amount }));
        if (r.revisions !== undefined) v.revisions = r.revisions.map(revision);
      }
      if ((c === 'families' || c === 'students') && r.mergedInto !== undefined) v.mergedInto = r.mergedInto;
      // A reversal is stored under reversal:<id>: both ids occur.
      return couch(c, c === 'payments' && r.reverses === '1' ? 'reversal:1' : 'doc-1', v);
    });

describe('the generated rules decide as checkWrite', () => {
  for (const c of COLLECTION_NAMES) {
    it(`${c}: every identity × create / change / delete`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...identities),
          fc.option(docArb(c), { nil: null }),
          docArb(c),
          fc.boolean(),
          (id, oldDoc, next, deleting) => {
            const newDoc = deleting ? { _id: 'doc-1', _deleted: true } : next;
            const expected = checkWrite(c, id.who, oldDoc, newDoc);
            const actual = runVdu(c, id.roles, oldDoc, newDoc);
            if (expected) expect(actual).toEqual(expected);
            else if (actual) expect(actual.reason).toMatch(/^Invalid /); // allowed by the table, refused by the schema only
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('design documents only for the server admin', () => {
    for (const id of identities.slice(1)) {
      expect(runVdu('students', id.roles, null, { _id: '_design/x', validate_doc_update: '' })?.reason ?? '').toMatch(
        /server admin|not a member/,
      );
    }
    expect(runVdu('students', ['_admin'], null, { _id: '_design/x' })).toBeNull();
  });
});

describe('decide / can for the UI', () => {
  it('follows the table for every role × collection × action', () => {
    for (const c of COLLECTION_NAMES) {
      for (const role of ['admin', 'tutor'] as const) {
        for (const action of ['create', 'change', 'delete'] as const) {
          expect(can(role, c, action), `${role} ${c} ${action}`).toBe(PERMISSIONS[c][role][action] !== 'none');
        }
      }
    }
  });

  it('the special cases', () => {
    expect(decide('tutor', 'payments', 'change')).toEqual({ allowed: false, reason: 'Only a practice admin may change payments.' });
    expect(can('tutor', 'payments', 'create')).toBe(true);
    expect(decide('tutor', 'closures', 'create').reason).toBe('Only a practice admin may change closures.');
    expect(can('tutor', 'lessons', 'change', { doc: { tutorId: 'staff-alice' }, staffId: 'staff-alice' })).toBe(true);
    expect(decide('tutor', 'lessons', 'change', { doc: { tutorId: 'staff-bob' }, staffId: 'staff-alice' }).reason).toBe(
      'A tutor may only change their own lessons.',
    );
    expect(can('tutor', 'occurrences', 'change', { doc: { tutorId: '', lessonTutorId: 'staff-alice' }, staffId: 'staff-alice' })).toBe(
      true,
    );
    expect(
      can('tutor', 'occurrences', 'change', { doc: { tutorId: 'staff-bob', lessonTutorId: 'staff-alice' }, staffId: 'staff-alice' }),
    ).toBe(false);
    expect(can('tutor', 'invoices', 'void', { doc: { status: 'issued' } })).toBe(false);
    expect(can('admin', 'invoices', 'void', { doc: { status: 'issued' } })).toBe(true);
    expect(can('admin', 'invoices', 'change', { doc: { status: 'issued', number: 'INV-1' } })).toBe(false);
    expect(can('tutor', 'invoices', 'issue', { doc: { status: 'draft' } })).toBe(true);
    expect(can('tutor', 'invoices', 'create', { doc: { kind: 'credit_note', status: 'issued' } })).toBe(false);
    expect(can('admin', 'staff', 'delete')).toBe(true);
    expect(can('tutor', 'staff', 'change')).toBe(false);
  });
});

describe('docs/security.md', () => {
  it('shows exactly the table in the code', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/security.md'), 'utf8');
    const table = /<!-- permission-table:start -->\n([\s\S]*?)\n<!-- permission-table:end -->/.exec(doc)?.[1];
    expect(table).toBe(permissionTableMarkdown());
  });
});

describe('payments, refunds, reversals and merges (PAYMENT_RULES, MERGE_RULES)', () => {
  const admin = identities[1]!;
  const tutor = identities[2]!;
  /** The same decision from checkWrite and the generated rules, then returned. */
  const both = (c: CollectionName, id: (typeof identities)[number], oldDoc: Doc | null, newDoc: Doc) => {
    const expected = checkWrite(c, id.who, oldDoc, newDoc);
    const actual = runVdu(c, id.roles, oldDoc, newDoc);
    expect(actual?.reason ?? null).toBe(expected?.reason ?? null);
    return expected?.reason ?? null;
  };
  const payment = couch('payments', 'p1', { familyId: 'f1', amount: 4500, currency: 'GBP', method: 'cash', date: '2026-03-02' });
  const reversal = couch('payments', 'reversal:p1', {
    familyId: 'f1',
    amount: 4500,
    currency: 'GBP',
    method: 'cash',
    date: '2026-03-05',
    kind: 'reversal',
    reverses: 'p1',
    reason: 'Cheque bounced',
  });
  const refund = couch('payments', 'r1', {
    familyId: 'f1',
    amount: 2000,
    currency: 'GBP',
    method: 'bank_transfer',
    date: '2026-03-05',
    kind: 'refund',
    reason: 'Overpaid',
    refundSources: [{ paymentId: 'p1', amount: 2000 }],
  });

  it('nobody but the server admin deletes a payment', () => {
    for (const id of [admin, tutor]) expect(both('payments', id, payment, { _id: 'p1', _deleted: true })).toMatch(/never deleted/);
    expect(both('payments', identities[0]!, payment, { _id: 'p1', _deleted: true })).toBeNull();
    expect(decide('admin', 'payments', 'delete').reason).toMatch(/never deleted: reverse it/);
  });

  it('refunds and reversals are an admin’s, and well formed', () => {
    expect(both('payments', tutor, null, payment)).toBeNull();
    expect(both('payments', tutor, null, reversal)).toBe('Only a practice admin may record refunds and reversals.');
    expect(both('payments', tutor, null, refund)).toBe('Only a practice admin may record refunds and reversals.');
    expect(both('payments', admin, null, reversal)).toBeNull();
    expect(both('payments', admin, null, refund)).toBeNull();
    expect(both('payments', admin, null, { ...reversal, _id: 'reversal:p2' })).toMatch(/stored as reversal:/);
    expect(both('payments', admin, null, { ...reversal, reason: '   ' })).toMatch(/give a reason/);
    expect(both('payments', admin, null, { ...refund, refundSources: [{ paymentId: 'p1', amount: 1999 }] })).toMatch(/add up/);
    expect(both('payments', admin, null, { ...refund, reason: '' })).toMatch(/add up/);
  });

  it('an edit keeps the kind, family and currency, and adds the replaced values to the history', () => {
    const revision = { amount: 4500, date: '2026-03-02', method: 'cash', reference: '', allocations: [], notes: '' };
    const r1 = { ...revision, revisedAt: '2026-03-03T10:00:00.000Z', revisedBy: 'a', deviceId: 'd1', reason: 'typo' };
    const r2 = { ...r1, revisedAt: '2026-03-03T11:00:00.000Z', deviceId: 'd2' };
    expect(both('payments', admin, payment, { ...payment, amount: 5000, revisions: [r1] })).toBeNull();
    expect(both('payments', admin, payment, { ...payment, amount: 5000 })).toBe(
      'An edited payment keeps the values it replaces in its history.',
    );
    expect(both('payments', admin, payment, { ...payment, familyId: 'f2', revisions: [r1] })).toMatch(/cannot be changed/);
    expect(
      both('payments', admin, payment, { ...payment, kind: 'refund', reason: 'x', refundSources: [{ paymentId: 'p0', amount: 4500 }] }),
    ).toMatch(/cannot be changed/);
    const edited = { ...payment, amount: 5000, revisions: [r1] };
    expect(both('payments', admin, edited, { ...edited, amount: 5100, revisions: [r2] })).toBe(
      "A payment's history of edits cannot be rewritten.",
    );
    // Two laptops' concurrent edits merged: both entries, oldest first.
    expect(both('payments', admin, edited, { ...edited, amount: 5100, revisions: [r1, r2] })).toBeNull();
    expect(both('payments', admin, { ...edited, revisions: [r2] }, { ...edited, amount: 5100, revisions: [r1, r2] })).toBeNull();
    // Only the allocations: applying credit, voiding an invoice it paid.
    expect(both('payments', admin, payment, { ...payment, allocations: [{ invoiceId: 'i1', amount: 4500 }] })).toBeNull();
    expect(both('payments', tutor, payment, { ...payment, allocations: [{ invoiceId: 'i1', amount: 4500 }] })).toBe(
      'Only a practice admin may change payments.',
    );
  });

  it('a merge is an admin’s, once, for good', () => {
    for (const c of ['families', 'students'] as const) {
      const rec = couch(c, 'x2', c === 'families' ? { name: 'Patel' } : { firstName: 'Aisha' });
      const merged = { ...rec, mergedInto: 'x1' };
      expect(both(c, tutor, rec, merged)).toBe(`Only a practice admin may merge ${c}.`);
      expect(both(c, admin, rec, merged)).toBeNull();
      expect(both(c, admin, merged, { ...merged, mergedInto: '' })).toBe('A merged record stays merged.');
      expect(both(c, admin, merged, { ...merged, mergedInto: 'x3' })).toBe('A merged record stays merged.');
      expect(both(c, tutor, merged, { ...merged, notes: 'seen' })).toBeNull();
    }
  });
});

describe('a merge re-points issued invoices and payments (admins only)', () => {
  const admin = identities[1]!;
  const tutor = identities[2]!;
  const both = (c: CollectionName, id: (typeof identities)[number], oldDoc: Doc, newDoc: Doc) => {
    const expected = checkWrite(c, id.who, oldDoc, newDoc);
    // Allowed by the rules, the generated function then checks the (here partial) document's schema.
    const actual = runVdu(c, id.roles, oldDoc, newDoc)?.reason ?? null;
    expect(actual === null || (expected === null && actual.startsWith('Invalid ')) ? null : actual).toBe(expected?.reason ?? null);
    return expected?.reason ?? null;
  };
  const issued = couch('invoices', 'i1', {
    familyId: 'f-dup',
    status: 'issued',
    number: 'INV-1',
    currency: 'GBP',
    total: 4500,
    lines: [{ id: 'l1', studentId: 's-dup', amount: 4500, description: 'Maths' }],
  });
  const moved = { ...issued, familyId: 'f-keep', lines: [{ id: 'l1', studentId: 's-keep', amount: 4500, description: 'Maths' }] };

  it('an issued invoice: the family and the lines’ student, nothing else', () => {
    expect(both('invoices', admin, issued, moved)).toBeNull();
    expect(both('invoices', tutor, issued, moved)).toMatch(/is issued and cannot be changed/);
    expect(both('invoices', admin, issued, { ...moved, total: 1 })).toMatch(/is issued and cannot be changed/);
    expect(
      both('invoices', admin, issued, { ...moved, lines: [{ id: 'l1', studentId: 's-keep', amount: 1, description: 'Maths' }] }),
    ).toMatch(/is issued and cannot be changed/);
  });

  it('a payment: its family alone', () => {
    const p = couch('payments', 'p1', { familyId: 'f-dup', amount: 4500, currency: 'GBP', method: 'cash', date: '2026-03-02' });
    expect(both('payments', admin, p, { ...p, familyId: 'f-keep' })).toBeNull();
    expect(both('payments', admin, p, { ...p, familyId: 'f-keep', currency: 'EUR' })).toMatch(/cannot be changed/);
    expect(both('payments', admin, p, { ...p, familyId: 'f-keep', notes: 'x' })).toMatch(/cannot be changed/);
    expect(both('payments', tutor, p, { ...p, familyId: 'f-keep' })).toBe('Only a practice admin may change payments.');
  });
});

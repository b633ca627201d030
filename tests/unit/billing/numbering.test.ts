import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { manualLine, newDraftValues } from '../../../src-shared/billing/drafts';
import { issueInvoice } from '../../../src-shared/billing/lifecycle';
import {
  chooseDeviceCode,
  createNumberAllocator,
  deriveDeviceCode,
  findDeviceCodeCollisions,
  findDuplicateNumbers,
  formatInvoiceNumber,
  normaliseDeviceCode,
} from '../../../src-shared/billing/numbering';
import { stampChange } from '../../../src-shared/model/meta';
import type { Invoice } from '../../../src-shared/model/types';
import { ctxAt, makeSettings } from './fixtures';

const settings = makeSettings({ billing: { invoicePrefix: 'INV-' } });

describe('number format', () => {
  it('is prefix-year-device-sequence, padded to 4 digits', () => {
    expect(formatInvoiceNumber('INV', '2026', 'K7Q', 42)).toBe('INV-2026-K7Q-0042');
    expect(formatInvoiceNumber('INV-', '2026', 'K7Q', 12345)).toBe('INV-2026-K7Q-12345');
    expect(formatInvoiceNumber('', '2026', 'A', 1)).toBe('2026-A-0001');
    expect(normaliseDeviceCode(' k7q ')).toBe('K7Q');
    expect(() => normaliseDeviceCode('K-7')).toThrow(/device code/);
  });

  it('device codes are 3 Crockford characters, deterministic, re-drawn when taken', () => {
    const code = deriveDeviceCode('laptop-uuid-1');
    expect(code).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{3}$/);
    expect(deriveDeviceCode('laptop-uuid-1')).toBe(code);
    expect(chooseDeviceCode('laptop-uuid-1', [])).toBe(code);
    // Another device already uses that code: draw the next candidate.
    const other = {
      id: 'x',
      number: `INV-2026-${code}-0001`,
      sequenceKey: `invoice|2026|${code}`,
      sequence: 1,
      issuedDeviceId: 'someone-else',
    };
    const chosen = chooseDeviceCode('laptop-uuid-1', [other]);
    expect(chosen).not.toBe(code);
    expect(chosen).toBe(deriveDeviceCode('laptop-uuid-1', 1));
    // A device that has already issued keeps its code.
    const mine = { ...other, issuedDeviceId: 'laptop-uuid-1', sequenceKey: 'invoice|2026|ZZZ' };
    expect(chooseDeviceCode('laptop-uuid-1', [mine, other])).toBe('ZZZ');
    expect(findDeviceCodeCollisions([other, { ...other, id: 'y', issuedDeviceId: 'third' }])).toEqual([
      { deviceCode: code, deviceIds: ['someone-else', 'third'] },
    ]);
  });

  it('separate series for credit notes and for each year', () => {
    const a = createNumberAllocator([{ sequenceKey: 'invoice|2026|AAA', sequence: 7 }]);
    expect(a.allocate({ kind: 'invoice', issueDate: '2026-12-31', deviceCode: 'AAA', invoicePrefix: 'INV' }).number).toBe(
      'INV-2026-AAA-0008',
    );
    expect(a.allocate({ kind: 'invoice', issueDate: '2027-01-01', deviceCode: 'AAA', invoicePrefix: 'INV' }).number).toBe(
      'INV-2027-AAA-0001',
    );
    expect(a.allocate({ kind: 'credit_note', issueDate: '2026-12-31', deviceCode: 'AAA', invoicePrefix: 'INV' }).number).toBe(
      'CN-2026-AAA-0001',
    );
    expect(a.allocate({ kind: 'invoice', issueDate: '2026-12-31', deviceCode: 'AAA', invoicePrefix: 'BILL' }).number).toBe(
      'BILL-2026-AAA-0009',
    ); // prefix change keeps the sequence
  });
});

/**
 * Several laptops issue invoices while offline and sync in arbitrary partial ways; at the end
 * every document is merged. Each laptop only knows the invoices in its own store.
 */
describe('numbering across offline devices', () => {
  type Action = { kind: 'issue'; device: number; dayStep: number } | { kind: 'sync'; from: number; to: number };
  const DEVICES = ['laptop-a-5f1c', 'laptop-b-93d2', 'desktop-c-11aa', 'tablet-d-7e0b'];

  it('the derived codes of the simulated devices differ (as they would after a first sync)', () => {
    expect(new Set(DEVICES.map((d) => deriveDeviceCode(d))).size).toBe(DEVICES.length);
  });

  it('property: no duplicate numbers after merging, and each device strictly increasing without gaps', () => {
    const actionArb: fc.Arbitrary<Action> = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('issue' as const),
          device: fc.integer({ min: 0, max: 3 }),
          dayStep: fc.integer({ min: 0, max: 40 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('sync' as const),
          from: fc.integer({ min: 0, max: 3 }),
          to: fc.integer({ min: 0, max: 3 }),
        }),
      },
    );
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 1, maxLength: 80 }), (actions) => {
        const stores = DEVICES.map(() => new Map<string, Invoice>());
        const codes = DEVICES.map(() => '');
        const day = DEVICES.map(() => Date.parse('2026-12-01T00:00:00Z')); // crosses into 2027
        const issuedInOrder = DEVICES.map(() => [] as Invoice[]);
        let n = 0;
        for (const a of actions) {
          if (a.kind === 'sync') {
            for (const [id, doc] of stores[a.from]!) if (!stores[a.to]!.has(id)) stores[a.to]!.set(id, doc);
            continue;
          }
          const dev = a.device;
          const store = stores[dev]!;
          if (!codes[dev]) codes[dev] = chooseDeviceCode(DEVICES[dev]!, store.values());
          day[dev] = day[dev]! + a.dayStep * 3_600_000;
          const now = new Date(day[dev]!);
          const ctx = ctxAt(now.toISOString(), DEVICES[dev]);
          const id = `inv-${++n}`;
          const draft = stampChange<Invoice>(
            undefined,
            newDraftValues({
              familyId: 'f1',
              settings,
              periodStart: '2026-11-01',
              periodEnd: '2026-11-30',
              lines: [manualLine({ kind: 'manual', description: 'Lesson', unitAmount: 4000 }, `${id}-l`)],
            }),
            ctx,
            () => id,
          );
          const issued = issueInvoice(draft, {
            issueDate: now.toISOString().slice(0, 10),
            deviceCode: codes[dev]!,
            invoices: store.values(),
            settings,
            ctx,
          });
          store.set(issued.id, issued);
          issuedInOrder[dev]!.push(issued);
        }
        const merged = new Map<string, Invoice>();
        for (const s of stores) for (const [id, doc] of s) merged.set(id, doc);
        expect(findDuplicateNumbers(merged.values())).toEqual([]);
        expect(findDeviceCodeCollisions(merged.values())).toEqual([]);
        issuedInOrder.forEach((list) => {
          const byYear = new Map<string, number[]>();
          for (const inv of list) {
            const year = inv.issueDate.slice(0, 4);
            expect(inv.number.startsWith(`INV-${year}-`)).toBe(true);
            byYear.set(year, [...(byYear.get(year) ?? []), inv.sequence]);
          }
          for (const seqs of byYear.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // 1, 2, 3… strictly increasing, no gaps
          // the printed number agrees with the structured sequence
          for (const inv of list) expect(inv.number.endsWith(String(inv.sequence).padStart(4, '0'))).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});

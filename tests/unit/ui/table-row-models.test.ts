/**
 * The data table's row models (src-renderer/src/ui/table-row-models.ts): filtering in one pass
 * and sorting once, then filtering the sorted rows, give exactly the rows and order of TanStack's
 * own filter-then-sort pipeline, for every sort direction, with `sortUndefined`, ties and filters; and the global
 * search matches every term against the row's one lower-case haystack.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  columnFilteringFeature,
  constructTable,
  createColumnHelper,
  createFilteredRowModel,
  createSortedRowModel,
  globalFilteringFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  type ColumnFiltersState,
  type SortingState,
} from '@tanstack/table-core';
import { storeReactivityBindings } from '@tanstack/table-core/store-reactivity-bindings';
import {
  canGlobalFilter,
  createFastFilteredRowModel,
  createPresortedRowModel,
  globalSearch,
  matchesTerms,
  searchTerms,
  rowSlot,
} from '../../../src-renderer/src/ui/table-row-models';

interface Row {
  id: string;
  name: string;
  rate: number | undefined;
  group: string;
  code: string | undefined;
  searchText: string;
}

const common = {
  columnFilteringFeature,
  globalFilteringFeature,
  rowSortingFeature,
  sortFns: { text: sortFn_text, basic: sortFn_basic, alphanumeric: sortFn_alphanumeric },
};
const byLength = (a: string | undefined, b: string | undefined) => (a?.length ?? -1) - (b?.length ?? -1);
/** The app's row models (as in ui/DataTable.tsx). */
const presorted = tableFeatures({ ...common, filteredRowModel: createFastFilteredRowModel(), sortedRowModel: createPresortedRowModel() });
/** TanStack's own. */
const usual = tableFeatures({ ...common, filteredRowModel: createFilteredRowModel(), sortedRowModel: createSortedRowModel() });
// constructTable (no React): TanStack's store-based reactivity.
const withReactivity = <F extends object>(features: F) => ({ ...features, coreReactivityFeature: storeReactivityBindings() });

function columnsFor() {
  const h = createColumnHelper<typeof presorted, Row>();
  return [
    h.accessor('name', { sortFn: 'text' }),
    h.accessor('rate', { sortFn: 'basic', sortUndefined: 'last' }),
    h.accessor('group', {
      sortFn: 'text',
      filterFn: ((row: { original: Row }, _id: string, v: string) => row.original.group === v) as never,
    }),
    // A sort function of the app's own (not made with constructSortFn): called with the rows.
    h.accessor('code', { sortFn: ((a: { original: Row }, b: { original: Row }) => byLength(a.original.code, b.original.code)) as never }),
    h.accessor('code', { id: 'codeAlnum', sortFn: 'alphanumeric', sortUndefined: 'first', invertSorting: true }),
    h.accessor('rate', { id: 'rateUp', sortFn: 'basic', sortUndefined: -1 }),
  ];
}

function tableOf(
  features: typeof presorted | typeof usual,
  data: Row[],
  state: { sorting: SortingState; columnFilters: ColumnFiltersState; globalFilter: string },
) {
  return constructTable({
    features: withReactivity(features),
    columns: columnsFor() as never,
    data,
    getRowId: (r: Row) => r.id,
    state,
    initialState: state,
    globalFilterFn: globalSearch as never,
    getColumnCanGlobalFilter: canGlobalFilter as never,
  } as never) as unknown as {
    getRowModel(): { rows: { id: string }[] };
    setSorting(s: SortingState): void;
    setGlobalFilter(v: string): void;
  };
}

const rowArb = fc.record({
  name: fc.constantFrom('Ann', 'ann', 'Bob', 'Cleo', 'cleo', 'Dan', ''),
  rate: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  group: fc.constantFrom('a', 'b', 'c'),
  extra: fc.constantFrom('piano', 'maths', 'violin'),
  code: fc.option(fc.constantFrom('a2', 'a10', 'A1', 'b', 'b01', ''), { nil: undefined }),
});

describe('presorted and fast filtered row models', () => {
  it('gives the same rows in the same order as filtering then sorting', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 40 }),
        fc.constantFrom<SortingState>(
          [],
          [{ id: 'name', desc: false }],
          [{ id: 'name', desc: true }],
          [{ id: 'rate', desc: false }],
          [{ id: 'rate', desc: true }],
          [
            { id: 'group', desc: false },
            { id: 'name', desc: true },
          ],
          [{ id: 'code', desc: false }],
          [{ id: 'code', desc: true }],
          [{ id: 'codeAlnum', desc: false }],
          [
            { id: 'codeAlnum', desc: true },
            { id: 'rateUp', desc: false },
          ],
          [
            { id: 'rateUp', desc: true },
            { id: 'group', desc: true },
            { id: 'code', desc: false },
          ],
        ),
        fc.constantFrom<ColumnFiltersState>([], [{ id: 'group', value: 'a' }], [{ id: 'group', value: 'c' }]),
        fc.constantFrom('', 'an', 'AN pia', 'o', 'zzz', '  cleo  '),
        (raw, sorting, columnFilters, globalFilter) => {
          const data = raw.map((r, i) => ({
            id: `r${i}`,
            name: r.name,
            rate: r.rate,
            group: r.group,
            code: r.code,
            searchText: `${r.name} ${r.extra}`.toLowerCase(),
          }));
          const state = { sorting, columnFilters, globalFilter };
          const ids = (t: ReturnType<typeof tableOf>) => t.getRowModel().rows.map((r) => r.id);
          expect(ids(tableOf(presorted, data, state))).toEqual(ids(tableOf(usual, data, state)));
        },
      ),
    );
  });

  it('sorts, filters and searches (a fixed example)', () => {
    const data = [
      { id: 'c', name: 'cleo', rate: 2, group: 'a', code: undefined, searchText: 'cleo piano' },
      { id: 'a', name: 'Ann', rate: undefined, group: 'a', code: undefined, searchText: 'ann maths' },
      { id: 'b', name: 'bob', rate: 1, group: 'b', code: undefined, searchText: 'bob piano' },
      { id: 'd', name: 'Dan', rate: 1, group: 'a', code: undefined, searchText: 'dan piano' },
    ];
    const ids = (sorting: SortingState, columnFilters: ColumnFiltersState, globalFilter: string) =>
      tableOf(presorted, data, { sorting, columnFilters, globalFilter })
        .getRowModel()
        .rows.map((r) => r.id)
        .join('');
    expect(ids([{ id: 'name', desc: false }], [], '')).toBe('abcd');
    expect(ids([{ id: 'name', desc: true }], [], '')).toBe('dcba');
    expect(ids([{ id: 'rate', desc: false }], [], '')).toBe('bdca');
    expect(ids([{ id: 'name', desc: false }], [{ id: 'group', value: 'a' }], '')).toBe('acd');
    expect(ids([{ id: 'name', desc: false }], [{ id: 'group', value: 'a' }], 'PIANO')).toBe('cd');
    expect(ids([{ id: 'name', desc: true }], [], 'o pia')).toBe('dcb');
    expect(ids([{ id: 'name', desc: true }], [], 'pia  LE')).toBe('c');
    // rowsById (built only when asked for) holds exactly the kept rows.
    const model = tableOf(presorted, data, {
      sorting: [{ id: 'name', desc: false }],
      columnFilters: [{ id: 'group', value: 'a' }],
      globalFilter: 'piano',
    }).getRowModel() as unknown as {
      rowsById: Record<string, { id: string }>;
    };
    expect(Object.keys(model.rowsById).sort()).toEqual(['c', 'd']);
    expect(model.rowsById.c!.id).toBe('c');
  });
});

describe('global search', () => {
  it('splits a query into lower-case terms once', () => {
    expect(searchTerms('  Ann  PIANO ')).toEqual(['ann', 'piano']);
    expect(searchTerms('')).toEqual([]);
    expect(searchTerms(undefined)).toEqual([]);
    expect(globalSearch.resolveFilterValue('Pi An')).toEqual(['pi', 'an']);
  });
  it('matches a row when its haystack contains every term, in any order', () => {
    expect(matchesTerms('ann smith piano', ['piano', 'ann'])).toBe(true);
    expect(matchesTerms('ann smith piano', ['piano', 'bob'])).toBe(false);
    expect(matchesTerms('anything', [])).toBe(true);
    const row = { original: { id: '1', searchText: 'ann smith piano' } };
    expect(globalSearch(row, 'name', ['smi', 'pia'])).toBe(true);
    expect(globalSearch(row, 'name', 'Smi  PIA')).toBe(true);
    expect(globalSearch(row, 'name', 'smi violin')).toBe(false);
  });
  it('takes part through one column only: the first with a value', () => {
    const leaf = [{ id: 'select' }, { id: 'name', accessorFn: () => '' }, { id: 'email', accessorFn: () => '' }];
    const table = { getAllLeafColumns: () => leaf };
    expect(leaf.map((c) => canGlobalFilter({ ...c, table }))).toEqual([false, true, false]);
  });
});

describe('rowSlot (the data table rows’ keys)', () => {
  it('never gives two rows of a window the same key, whatever the window and its scroll', () => {
    fc.assert(
      fc.property(fc.nat(20_000), fc.integer({ min: 1, max: 700 }), (first, size) => {
        const keys = Array.from({ length: size }, (_, i) => rowSlot(first + i, size));
        expect(new Set(keys).size).toBe(size);
      }),
    );
  });

  it('keeps a row’s key when the window scrolls by one row, so only one row is drawn anew', () => {
    const before = Array.from({ length: 30 }, (_, i) => rowSlot(100 + i, 30));
    const after = Array.from({ length: 30 }, (_, i) => rowSlot(101 + i, 30));
    expect(after.slice(0, 29)).toEqual(before.slice(1));
  });
});

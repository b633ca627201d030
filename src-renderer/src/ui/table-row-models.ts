/**
 * Row models and the global search of the app's data table (ui/DataTable.tsx), made for large
 * tables: 10,000 rows filtered on every keystroke.
 *
 * - `createPresortedRowModel`: TanStack's pipeline filters first and sorts the filtered rows, so
 *   every keystroke in a search box re-sorted up to 10,000 rows (about a third of the keystroke's
 *   time). This model sorts all rows once per sorting and data (TanStack's order: same sort
 *   functions, directions, `sortUndefined`, ties in data order, each row's value resolved once
 *   instead of on every comparison), then keeps that order and only drops the rows the filters
 *   removed: a keystroke costs one pass, no comparisons.
 * - `createFastFilteredRowModel`: TanStack's filters in one pass, without its per-row
 *   bookkeeping (two objects per row and a map of all kept rows on every keystroke).
 * - `globalSearch`: every row carries one precomputed lower-case `searchText`; the query is
 *   split into terms once per query (`resolveFilterValue`), not once per row and column, and a
 *   row matches when its text contains every term. `canGlobalFilter` makes one column (the first
 *   with a value) the global filter's column, so TanStack asks once per row instead of once per
 *   column for every row that does not match.
 */
import {
  createFilteredRowModel,
  createSortedRowModel,
  type Row,
  type RowData,
  type RowModel,
  type Table,
  type TableFeatures,
} from '@tanstack/react-table';

/** Rows carry a precomputed lower-case `searchText` so a keystroke filters 10,000 rows in a few ms. */
export interface SearchableRow {
  id: string;
  searchText: string;
}

/** The terms of a search: lower case, split on white space, empty ones dropped. */
export function searchTerms(query: unknown): string[] {
  return String(query ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
}

/** True when `text` (already lower case) contains every term. */
export function matchesTerms(text: string, terms: readonly string[]): boolean {
  for (const t of terms) if (!text.includes(t)) return false;
  return true;
}

/** TanStack global filter function over `searchText`; the query is resolved to terms once. */
export const globalSearch = Object.assign(
  (row: { original: unknown }, _columnId: string, terms: unknown): boolean =>
    matchesTerms((row.original as SearchableRow).searchText, Array.isArray(terms) ? (terms as string[]) : searchTerms(terms)),
  { resolveFilterValue: (value: unknown): string[] => searchTerms(value) },
);

interface GlobalFilterColumn {
  id: string;
  accessorFn?: unknown;
  table: { getAllLeafColumns(): { id: string; accessorFn?: unknown }[] };
}

/**
 * `getColumnCanGlobalFilter`: only the first column with a value takes part in the global
 * filter (globalSearch looks at the row's `searchText`, whatever the column).
 */
export function canGlobalFilter(column: GlobalFilterColumn): boolean {
  return column.table.getAllLeafColumns().find((c) => Boolean(c.accessorFn))?.id === column.id;
}

/**
 * A sorted row model (for the `sortedRowModel` slot of `tableFeatures`) that sorts the unfiltered
 * rows, memoised on the sorting state and the data, and filters that sorted list. Tables with
 * sub-rows (none in this app) get TanStack's usual model.
 */
export function createPresortedRowModel<TFeatures extends TableFeatures, TData extends RowData>(): (
  table: Table<TFeatures, TData>,
) => () => RowModel<TFeatures, TData> {
  const sortedModel = createSortedRowModel<TFeatures, TData>();
  return (table) => {
    const usual = sortedModel(table);
    const t = table as unknown as SortTable;
    let all: { core: RowModel<TFeatures, TData>; sorting: unknown; result: RowModel<TFeatures, TData> } | null = null;
    const sortAll = (core: RowModel<TFeatures, TData>): RowModel<TFeatures, TData> => {
      const sorting = t.atoms.sorting?.get();
      if (all && all.core === core && all.sorting === sorting) return all.result;
      const entries = sortEntries(t, sorting);
      const rows = entries.length ? sortRows(core.rows, entries) : null;
      const result = rows ? { rows, flatRows: rows, rowsById: core.rowsById } : core;
      all = { core, sorting, result };
      return result;
    };
    let last: { pre: RowModel<TFeatures, TData>; sorted: RowModel<TFeatures, TData>; result: RowModel<TFeatures, TData> } | null = null;
    return () => {
      const pre = table.getPreSortedRowModel();
      const core = table.getCoreRowModel();
      if (core.flatRows.length !== core.rows.length) return usual();
      const sorted = sortAll(core);
      if (pre === core) return sorted;
      if (last && last.pre === pre && last.sorted === sorted) return last.result;
      // Flat rows' `index` is their place in the data: one mark per kept row, then one pass.
      const kept = new Uint8Array(core.rows.length);
      for (const r of pre.rows) kept[r.index] = 1;
      const rows = sorted.rows.filter((r) => kept[r.index] === 1);
      const result = listModel(rows);
      last = { pre, sorted, result };
      return result;
    };
  };
}

type AnySortFn = ((rowA: unknown, rowB: unknown, columnId: string) => number) & {
  resolveDataValue?: (value: unknown) => unknown;
  sort?: (a: unknown, b: unknown, rowA: unknown, rowB: unknown, columnId: string) => number;
};
interface SortTable {
  atoms: { sorting?: { get(): { id: string; desc: boolean }[] | undefined } };
  getColumn(id: string):
    | {
        getCanSort?(): boolean;
        getSortFn?(): AnySortFn;
        columnDef: { sortUndefined?: false | -1 | 1 | 'first' | 'last'; invertSorting?: boolean };
      }
    | undefined;
}
interface SortEntry {
  id: string;
  desc: boolean;
  sortUndefined: false | -1 | 1 | 'first' | 'last' | undefined;
  invertSorting: boolean | undefined;
  fn: AnySortFn;
}

/** The sorting state's entries TanStack would apply (sortable columns only), with their functions. */
function sortEntries(table: SortTable, sorting: { id: string; desc: boolean }[] | undefined): SortEntry[] {
  const entries: SortEntry[] = [];
  for (const s of sorting ?? []) {
    const column = table.getColumn(s.id);
    const fn = column?.getCanSort?.() ? column.getSortFn?.() : undefined;
    if (!column || !fn) continue;
    entries.push({
      id: s.id,
      desc: s.desc,
      sortUndefined: column.columnDef.sortUndefined,
      invertSorting: column.columnDef.invertSorting,
      fn,
    });
  }
  return entries;
}

/**
 * TanStack's sort (its `compareRows`: `sortUndefined`, the sort function, direction, inversion,
 * then data order), with each row's value read and resolved once per column instead of twice per
 * comparison. TanStack's `text` sort lower-cases both values on every comparison: 10,000 rows
 * took about 130,000 comparisons and as many pairs of new strings (docs/speed.md). A function
 * made with `constructSortFn` (every built-in one) is called as `sort(resolvedA, resolvedB, …)`,
 * as it would call itself; any other is called with the rows.
 */
function sortRows<R extends { index: number; getValue(columnId: string): unknown }>(
  rows: readonly R[],
  entries: readonly SortEntry[],
): R[] {
  const n = rows.length;
  const raw = entries.map((e) => rows.map((r) => r.getValue(e.id)));
  const keys = entries.map((e, k) => (e.fn.sort && e.fn.resolveDataValue ? raw[k]!.map((v) => e.fn.resolveDataValue!(v)) : raw[k]!));
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      let s = 0;
      if (e.sortUndefined) {
        const ua = raw[k]![a] === undefined;
        const ub = raw[k]![b] === undefined;
        if (ua && ub) continue;
        if (ua || ub) {
          if (e.sortUndefined === 'first') return ua ? -1 : 1;
          if (e.sortUndefined === 'last') return ua ? 1 : -1;
          s = ua ? e.sortUndefined : -e.sortUndefined;
        }
      }
      if (s === 0) s = e.fn.sort ? e.fn.sort(keys[k]![a], keys[k]![b], rows[a], rows[b], e.id) : e.fn(rows[a], rows[b], e.id);
      if (s !== 0) {
        if (e.desc) s *= -1;
        if (e.invertSorting) s *= -1;
        return s;
      }
    }
    return rows[a]!.index - rows[b]!.index;
  });
  return order.map((i) => rows[i]!);
}

type AnyFilterFn = ((row: unknown, columnId: string, value: unknown, addMeta: (meta: unknown) => void) => boolean) & {
  resolveFilterValue?: (value: unknown) => unknown;
};
interface FilterColumn {
  id: string;
  getFilterFn?(): AnyFilterFn | undefined;
  getCanGlobalFilter?(): boolean;
}
interface FilterTable {
  atoms: { columnFilters?: { get(): { id: string; value: unknown }[] | undefined }; globalFilter?: { get(): unknown } };
  getColumn(id: string): FilterColumn | undefined;
  getAllLeafColumns(): FilterColumn[];
  getGlobalFilterFn?(): AnyFilterFn | undefined;
}

/** A row model whose `rowsById` is built only if someone asks for it (nothing in this app does). */
function listModel<TFeatures extends TableFeatures, TData extends RowData>(rows: Row<TFeatures, TData>[]): RowModel<TFeatures, TData> {
  let byId: Record<string, Row<TFeatures, TData>> | null = null;
  return {
    rows,
    flatRows: rows,
    get rowsById() {
      if (!byId) {
        byId = Object.create(null) as Record<string, Row<TFeatures, TData>>;
        for (const r of rows) byId[r.id] = r;
      }
      return byId;
    },
  };
}

/**
 * A filtered row model (for the `filteredRowModel` slot) with TanStack's filter semantics for
 * flat tables (every column filter must pass; with a global filter, at least one globally
 * filterable column must pass; filter values resolved once per change with
 * `resolveFilterValue`), in one pass over the rows in their order, without TanStack's per-row
 * bookkeeping (two objects per row and a map of every kept row on each keystroke). Tables with
 * sub-rows get TanStack's usual model.
 */
export function createFastFilteredRowModel<TFeatures extends TableFeatures, TData extends RowData>(): (
  table: Table<TFeatures, TData>,
) => () => RowModel<TFeatures, TData> {
  const filteredModel = createFilteredRowModel<TFeatures, TData>();
  return (table) => {
    const usual = filteredModel(table);
    const t = table as unknown as FilterTable;
    let last: {
      pre: RowModel<TFeatures, TData>;
      columnFilters: unknown;
      globalFilter: unknown;
      result: RowModel<TFeatures, TData>;
    } | null = null;
    return () => {
      const pre = table.getPreFilteredRowModel();
      if (pre.flatRows.length !== pre.rows.length) return usual();
      const columnFilters = t.atoms.columnFilters?.get();
      const globalFilter = t.atoms.globalFilter?.get();
      if (last && last.pre === pre && last.columnFilters === columnFilters && last.globalFilter === globalFilter) return last.result;
      const checks: { id: string; fn: AnyFilterFn; value: unknown }[] = [];
      for (const f of columnFilters ?? []) {
        const fn = t.getColumn(f.id)?.getFilterFn?.();
        if (fn) checks.push({ id: f.id, fn, value: fn.resolveFilterValue?.(f.value) ?? f.value });
      }
      const globals: { id: string; fn: AnyFilterFn; value: unknown }[] = [];
      const globalFn = globalFilter !== undefined && globalFilter !== null && globalFilter !== '' ? t.getGlobalFilterFn?.() : undefined;
      if (globalFn) {
        const value = globalFn.resolveFilterValue?.(globalFilter) ?? globalFilter;
        for (const c of t.getAllLeafColumns()) if (c.getCanGlobalFilter?.()) globals.push({ id: c.id, fn: globalFn, value });
      }
      let result = pre;
      if (checks.length || globals.length) {
        const noMeta = () => {};
        const rows = pre.rows.filter((row) => {
          for (const c of checks) if (!c.fn(row, c.id, c.value, noMeta)) return false;
          if (globals.length === 0) return true;
          for (const g of globals) if (g.fn(row, g.id, g.value, noMeta)) return true;
          return false;
        });
        result = listModel(rows);
      }
      last = { pre, columnFilters, globalFilter, result };
      return result;
    };
  };
}

/** A record a table leaves out because its row could not be built, and why. */
export interface SkippedRow {
  id: string;
  reason: string;
}

/**
 * One table row per record. A record whose row cannot be built (e.g. a money amount in a
 * currency Intl does not know) is left out and listed with its id and the reason, so one bad
 * record costs its row, not the table.
 */
export function rowsOf<T extends { id: string }, R>(records: readonly T[], build: (record: T) => R): { rows: R[]; skipped: SkippedRow[] } {
  const rows: R[] = [];
  const skipped: SkippedRow[] = [];
  for (const record of records) {
    try {
      rows.push(build(record));
    } catch (e) {
      skipped.push({ id: record.id, reason: (e as Error).message });
    }
  }
  return { rows, skipped };
}

/** More rows than any window shows at once (a 4K screen shows about 50, plus the overscan). */
const ROW_SLOTS = 512;

/**
 * The React key of the row drawn at `index`: rows are keyed by their place in a ring of slots,
 * not by record, so a keystroke that changes which records are shown rewrites the text of the
 * rows already in the DOM instead of removing and creating every row (about half of a keystroke's
 * script time at 10,000 students, docs/speed.md), and a scroll by one row moves one slot. A contiguous window of fewer than
 * ROW_SLOTS rows never repeats a key; a larger one falls back to the index.
 */
export function rowSlot(index: number, windowSize: number): number {
  return windowSize < ROW_SLOTS ? index % ROW_SLOTS : index;
}

/**
 * Row models and the global search of the app's data table (ui/DataTable.tsx), made for large
 * tables: 10,000 rows filtered on every keystroke.
 *
 * - `createPresortedRowModel`: TanStack's pipeline filters first and sorts the filtered rows, so
 *   every keystroke in a search box re-sorted up to 10,000 rows (about a third of the keystroke's
 *   time). This model sorts all rows once per sorting and data (TanStack's own sort: same sort
 *   functions, directions, `sortUndefined`, ties in data order), then keeps that order and only
 *   drops the rows the filters removed: a keystroke costs one pass, no comparisons.
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
    // TanStack's sorted model, fed the core (unfiltered) rows instead of the filtered ones.
    const overCore = Object.create(table, { getPreSortedRowModel: { value: () => table.getCoreRowModel() } }) as Table<TFeatures, TData>;
    const sortAll = sortedModel(overCore);
    const usual = sortedModel(table);
    let last: { pre: RowModel<TFeatures, TData>; sorted: RowModel<TFeatures, TData>; result: RowModel<TFeatures, TData> } | null = null;
    return () => {
      const pre = table.getPreSortedRowModel();
      const core = table.getCoreRowModel();
      if (core.flatRows.length !== core.rows.length) return usual();
      const sorted = sortAll();
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

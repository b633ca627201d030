/**
 * The app's data table: @tanstack/react-table v9 (sorting, global search, per-column filters,
 * column visibility) with row virtualisation by @tanstack/react-virtual, so 10,000 rows scroll
 * and filter smoothly. Semantic table markup with ARIA sort state and row counts.
 * Virtualisation needs the scroll box (.table-scroll) to have a bounded height: styles.css makes a
 * page holding a table exactly as tall as the content area. Unbounded, every row is rendered.
 */
import { useMemo, useRef, useState, type ReactNode } from 'react';
import {
  columnFilteringFeature,
  columnVisibilityFeature,
  filterFn_arrIncludes,
  filterFn_equalsString,
  globalFilteringFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
  type ColumnDef,
  type ColumnFiltersState,
  type SortingState,
  type ColumnVisibilityState as VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ErrorBoundary } from './ErrorBoundary';
import { Icon } from './Icon';
import {
  canGlobalFilter,
  createFastFilteredRowModel,
  createPresortedRowModel,
  globalSearch,
  rowSlot,
  type SearchableRow,
  type SkippedRow,
} from './table-row-models';
import { SkippedRecords } from './SkippedRecords';
import { titleCutText } from './cut-text';
import { countOf } from '../../../src-shared/locale/count';

export type { SearchableRow } from './table-row-models';

export const dataTableFeatures = tableFeatures({
  columnFilteringFeature,
  globalFilteringFeature,
  rowSortingFeature,
  columnVisibilityFeature,
  filteredRowModel: createFastFilteredRowModel(),
  // Sorted once per sorting and data; a keystroke only filters that order (table-row-models.ts).
  sortedRowModel: createPresortedRowModel(),
  filterFns: { equalsString: filterFn_equalsString, arrIncludes: filterFn_arrIncludes },
  sortFns: { alphanumeric: sortFn_alphanumeric, text: sortFn_text, basic: sortFn_basic },
});

export type Features = typeof dataTableFeatures;
export type TableColumn<Row extends object> = ColumnDef<Features, Row, any>;

export interface ColumnLayout {
  /** Base width in px. */
  width: number;
  /** Flex grow factor. */
  grow?: number;
  align?: 'left' | 'right';
  /** Flex shrink factor (default 1): a lower one keeps the column wider when the window is narrow. */
  shrink?: number;
  /** The narrowest the column gets (px): a date, an amount or a status pill is never cut. Text
   * columns shrink to 72 px and cut their text with an ellipsis, the whole text in a tooltip. */
  min?: number;
}

export interface DataTableProps<Row extends SearchableRow> {
  label: string;
  rows: Row[];
  columns: TableColumn<Row>[];
  layout: Record<string, ColumnLayout>;
  /** Column ids the user may hide/show, with their labels. */
  hideable: { id: string; label: string }[];
  initialSorting?: SortingState;
  initialVisibility?: VisibilityState;
  globalFilter: string;
  columnFilters: ColumnFiltersState;
  onRowOpen(row: Row): void;
  toolbar: ReactNode;
  emptyMessage: ReactNode;
  noun: [string, string];
  /** The practice locale, for the counts ("1,234 students"); absent = the browser's. */
  locale?: string;
  /** Records left out because their rows could not be built (rowsOf): listed above the table. */
  skipped?: readonly SkippedRow[];
}

/**
 * Rows drawn beyond each edge of the visible part, so a scroll or Tab shows drawn rows at once.
 * Fewer (3) were tried for the keystroke: no measurable gain (docs/speed.md).
 */
const OVERSCAN = 12;
export function DataTable<Row extends SearchableRow>(props: DataTableProps<Row>) {
  const [sorting, setSorting] = useState<SortingState>(props.initialSorting ?? []);
  const [columnVisibility, setColumnVisibility] = useState<VisibilityState>(props.initialVisibility ?? {});
  const [showColumns, setShowColumns] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);

  const table = useTable({
    features: dataTableFeatures,
    columns: props.columns,
    data: props.rows,
    getRowId: (row: Row) => row.id,
    state: { sorting, columnVisibility, globalFilter: props.globalFilter, columnFilters: props.columnFilters },
    onSortingChange: setSorting,
    onColumnVisibilityChange: setColumnVisibility,
    globalFilterFn: globalSearch as never,
    getColumnCanGlobalFilter: canGlobalFilter as never,
  });

  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 44,
    overscan: OVERSCAN,
  });
  const colStyle = useMemo(
    () => (id: string) => {
      const l = props.layout[id] ?? { width: 120 };
      return {
        flex: `${l.grow ?? 0} ${l.shrink ?? 1} ${l.width}px`,
        minWidth: l.min ?? Math.min(l.width, 72),
        justifyContent: l.align === 'right' ? 'flex-end' : undefined,
        textAlign: l.align === 'right' ? ('right' as const) : undefined,
      };
    },
    [props.layout],
  );
  // Below the columns' narrowest widths the table scrolls sideways instead of cutting figures.
  const visibleIds = table.getVisibleLeafColumns().map((c) => c.id);
  const tableMinWidth = visibleIds.reduce((sum, id) => {
    const l = props.layout[id] ?? { width: 120 };
    return sum + (l.min ?? Math.min(l.width, 72));
  }, 0);
  const total = props.rows.length;

  return (
    <div className="card table-card">
      <div className="table-tools">
        {props.toolbar}
        <span style={{ flex: 1 }} />
        <div className="rel">
          <button
            type="button"
            className="btn btn-sm"
            aria-expanded={showColumns}
            aria-haspopup="true"
            onClick={() => setShowColumns((v) => !v)}
          >
            <Icon name="columns" size={16} />
            Columns
          </button>
          {showColumns && (
            <div className="menu-pop" role="group" aria-label="Visible columns">
              {props.hideable.map((h) => {
                const col = table.getColumn(h.id);
                if (!col) return null;
                return (
                  <label key={h.id} className="checkbox">
                    <input type="checkbox" checked={col.getIsVisible()} onChange={() => col.toggleVisibility()} />
                    {h.label}
                  </label>
                );
              })}
            </div>
          )}
        </div>
      </div>
      {props.skipped && props.skipped.length > 0 && (
        <div className="table-skipped">
          <SkippedRecords records={props.skipped} noun={props.noun} where="in this table" />
        </div>
      )}
      <div className="table-scroll" ref={scrollRef}>
        <table
          className="data"
          aria-label={props.label}
          aria-rowcount={rows.length + 1}
          style={{ minWidth: tableMinWidth }}
          onMouseOver={titleCutText}
          onFocus={titleCutText}
        >
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id} aria-rowindex={1}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort();
                  return (
                    <th
                      key={header.id}
                      style={colStyle(header.column.id)}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : canSort ? 'none' : undefined}
                      scope="col"
                    >
                      {canSort ? (
                        <button type="button" onClick={header.column.getToggleSortingHandler()}>
                          <span className="cell-fit">
                            <table.FlexRender header={header} />
                          </span>
                          <Icon name={sorted === 'asc' ? 'up' : sorted === 'desc' ? 'down' : 'sort'} size={13} />
                        </button>
                      ) : (
                        <span className="cell-fit">
                          <table.FlexRender header={header} />
                        </span>
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item, _, items) => {
              const row = rows[item.index]!;
              // A record whose cells cannot be drawn is reported in its row; the other rows stay.
              return (
                <ErrorBoundary
                  key={rowSlot(item.index, items.length)}
                  resetKeys={[row.original]}
                  fallback={(error) => (
                    <tr aria-rowindex={item.index + 2} style={{ transform: `translateY(${item.start}px)` }}>
                      <td className="row-failure" role="alert">
                        Record {row.id} could not be shown: {error.message}
                      </td>
                    </tr>
                  )}
                >
                  <tr
                    aria-rowindex={item.index + 2}
                    tabIndex={0}
                    style={{ transform: `translateY(${item.start}px)` }}
                    onClick={() => props.onRowOpen(row.original)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') props.onRowOpen(row.original);
                    }}
                  >
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.column.id} style={colStyle(cell.column.id)}>
                        <span className="cell-fit">
                          <table.FlexRender cell={cell} />
                        </span>
                      </td>
                    ))}
                  </tr>
                </ErrorBoundary>
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && <div className="empty">{props.emptyMessage}</div>}
      </div>
      <div className="table-footer" aria-live="polite">
        <span>
          {rows.length === total
            ? countOf(total, { one: props.noun[0], other: props.noun[1] }, props.locale)
            : `Showing ${rows.length.toLocaleString(props.locale)} of ${total.toLocaleString(props.locale)} ${props.noun[1]}`}
        </span>
        <span className="muted">Click a row to open it</span>
      </div>
    </div>
  );
}

import type { HTMLAttributes, ReactNode } from 'react';
import { titleCutText } from './cut-text';

/** One column of a report table: its heading, its cell per row, and its cell in the totals row. */
export interface ReportColumn<R> {
  header: ReactNode;
  cell: (row: R) => ReactNode;
  /** Figures: right-aligned, tabular. */
  numeric?: boolean;
  /** A class of the column's body cells (or per row, e.g. to mark a figure). */
  className?: string | ((row: R) => string);
  /** Long text (an e-mail, a name): cut with an ellipsis when the card is narrow, the whole text in
   *  its tooltip, so the table never grows wider than its card. */
  cut?: boolean;
  /** The column's cell in the totals row (the first column's is the totals label). */
  total?: ReactNode;
}

/**
 * The table of a report (income, payroll, a ledger…): a fixed, small set of computed rows, all
 * rendered (unlike ui/DataTable.tsx, which sorts, searches and virtualises records). It says
 * itself when its rows are loading (`rows` null) or there are none, and can end with a totals
 * row and a note row (e.g. "… and 20 more").
 */
export function ReportTable<R>(props: {
  /** The table's accessible name. */
  label: string;
  columns: readonly ReportColumn<R>[];
  /** The rows; null while they load. */
  rows: readonly R[] | null;
  rowKey: (row: R, index: number) => string;
  loadingText?: ReactNode;
  emptyText?: ReactNode;
  /** The label of a totals row (footer); no totals row without it. */
  totalsLabel?: string;
  /** A full-width row after the rows. */
  note?: ReactNode;
  /** Attributes of a row's <tr> (e.g. clickable rows). */
  rowProps?: (row: R) => HTMLAttributes<HTMLTableRowElement>;
  /** In a box that scrolls when the table is tall. */
  scroll?: boolean;
  className?: string;
}) {
  const { columns, rows } = props;
  const message = (text: ReactNode) => (
    <tr>
      <td colSpan={columns.length} className="muted">
        {text}
      </td>
    </tr>
  );
  const table = (
    <table
      className={`report-table${props.className ? ` ${props.className}` : ''}`}
      aria-label={props.label}
      onMouseOver={titleCutText}
      onFocus={titleCutText}
    >
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col" className={c.numeric ? 'num' : undefined}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows === null && message(props.loadingText ?? 'Loading…')}
        {rows !== null && rows.length === 0 && props.emptyText !== undefined && message(props.emptyText)}
        {rows?.map((row, i) => (
          <tr key={props.rowKey(row, i)} {...props.rowProps?.(row)}>
            {columns.map((c, j) => (
              <td
                key={j}
                className={
                  [c.numeric ? 'num' : '', c.cut ? 'cut' : '', (typeof c.className === 'function' ? c.className(row) : c.className) ?? '']
                    .filter(Boolean)
                    .join(' ') || undefined
                }
              >
                {c.cut ? <span className="cell-cut">{c.cell(row)}</span> : c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
        {props.note !== undefined && props.note !== null && props.note !== false && message(props.note)}
      </tbody>
      {props.totalsLabel !== undefined && (
        <tfoot>
          <tr>
            <th scope="row">{props.totalsLabel}</th>
            {columns.slice(1).map((c, j) => (
              <td key={j} className={c.numeric ? 'num' : undefined}>
                {c.total}
              </td>
            ))}
          </tr>
        </tfoot>
      )}
    </table>
  );
  // A table wider than its card scrolls: the scroll box takes the focus, so keyboard users can scroll it.
  return props.scroll ? (
    <div className="report-scroll" tabIndex={0} role="region" aria-label={`${props.label} (scrolls sideways)`}>
      {table}
    </div>
  ) : (
    table
  );
}

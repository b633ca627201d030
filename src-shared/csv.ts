/**
 * CSV for every export and import: RFC 4180 via papaparse, UTF-8 with a BOM so Excel opens it
 * with the right encoding, CRLF line ends, and spreadsheet formula injection neutralised (a cell
 * that starts with = + - @ or a tab/CR gets a leading apostrophe, the OWASP recommendation).
 */
import Papa from 'papaparse';

export const UTF8_BOM = '\uFEFF';

/** Cells a spreadsheet would treat as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
}

/** Builds an RFC 4180 CSV document (with BOM) from rows and column definitions. */
export function toCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const data = rows.map((row) =>
    columns.map((c) => {
      const v = c.value(row);
      if (v === null || v === undefined) return '';
      // Numbers are written as they are (a negative amount is data, not a formula).
      if (typeof v === 'number') return String(v);
      return neutraliseFormula(String(v));
    }),
  );
  const body = Papa.unparse(
    { fields: columns.map((c) => neutraliseFormula(c.header)), data },
    { newline: '\r\n', quotes: false, escapeFormulae: false },
  );
  return `${UTF8_BOM}${body}\r\n`;
}

/** Reverses `neutraliseFormula` on import (our own exports, or files saved by a spreadsheet). */
export function unneutralise(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

export interface ParsedCsv {
  headers: string[];
  /** Data rows as records keyed by header, with the 1-based line number in the file. */
  rows: { line: number; values: Record<string, string> }[];
  /** Structural problems (unclosed quotes, …) with line numbers. */
  errors: { line: number; message: string }[];
}

/** Parses CSV text (BOM tolerated, , or ; delimiter detected) into header-keyed rows. */
export function parseCsv(text: string): ParsedCsv {
  const clean = text.startsWith(UTF8_BOM) ? text.slice(1) : text;
  const result = Papa.parse<string[]>(clean, { skipEmptyLines: 'greedy', delimitersToGuess: [',', ';', '\t'] });
  const [headerRow = [], ...dataRows] = result.data;
  const headers = headerRow.map((h) => h.trim());
  // Papa reports 0-based data row indexes; line numbers below assume one line per record, the
  // common case; multi-line quoted cells are counted by their newline characters.
  const rows: ParsedCsv['rows'] = [];
  let line = 2;
  for (const cells of dataRows) {
    const values: Record<string, string> = {};
    headers.forEach((h, i) => {
      values[h] = unneutralise((cells[i] ?? '').trim());
    });
    rows.push({ line, values });
    line += 1 + cells.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
  }
  // A one-column file has no delimiter to detect: that is not an error.
  const errors = result.errors
    .filter((e) => e.code !== 'UndetectableDelimiter')
    .map((e) => ({ line: (e.row ?? 0) + 2, message: e.message }));
  return { headers, rows, errors };
}

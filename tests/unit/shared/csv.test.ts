import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { parseCsv, toCsv, UTF8_BOM } from '../../../src-shared/csv';

describe('toCsv', () => {
  const rows = [
    { name: 'Ada, "the" first', note: '=HYPERLINK("http://evil")', amount: -1250 },
    { name: '@SUM(A1)', note: 'line1\nline2', amount: 0 },
    { name: '+44 20 7946 0000', note: '-2+3', amount: 7 },
  ];
  const csv = toCsv(rows, [
    { header: 'Name', value: (r) => r.name },
    { header: 'Note', value: (r) => r.note },
    { header: 'Amount', value: (r) => r.amount },
  ]);

  it('starts with a UTF-8 BOM and uses CRLF', () => {
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv).toContain('\r\n');
  });

  it('round-trips through an RFC 4180 parser with formulas neutralised', () => {
    const parsed = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data;
    expect(parsed[0]).toEqual(['Name', 'Note', 'Amount']);
    expect(parsed[1]).toEqual(['Ada, "the" first', `'=HYPERLINK("http://evil")`, '-1250']);
    expect(parsed[2]).toEqual([`'@SUM(A1)`, 'line1\nline2', '0']);
    expect(parsed[3]).toEqual([`'+44 20 7946 0000`, `'-2+3`, '7']);
  });
});

describe('parseCsv', () => {
  it('keys rows by header and reports line numbers, tolerating a BOM and semicolons', () => {
    const parsed = parseCsv(`${UTF8_BOM}First name;Last name\r\nAda;Lovelace\r\n"Multi\nLine";X\r\nAlan;Turing\r\n`);
    expect(parsed.headers).toEqual(['First name', 'Last name']);
    expect(parsed.rows.map((r) => [r.line, r.values['First name']])).toEqual([
      [2, 'Ada'],
      [3, 'Multi\nLine'],
      [5, 'Alan'],
    ]);
  });
});

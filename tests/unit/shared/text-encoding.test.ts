import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bomLengthFor, detectTextEncoding, isValidUtf8 } from '../../../src-shared/text-encoding';

const csv = 'First name,Last name,Family name\nZoë,Müller,Müller family\nJosé,Núñez,Núñez family\n';
const utf16 = (s: string, le: boolean) => {
  const b = Buffer.from(s, 'utf16le');
  if (!le) for (let i = 0; i < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1]!, b[i]!];
  return new Uint8Array(b);
};
const withBom = (bom: number[], b: Uint8Array) => new Uint8Array([...bom, ...b]);

describe('text encoding of an imported CSV', () => {
  it('tells UTF-8 (with and without a mark), UTF-16 (both orders, with and without a mark) and Windows-1252', () => {
    const cases: [Uint8Array, string, number][] = [
      [new Uint8Array(Buffer.from(csv, 'utf8')), 'utf-8', 0],
      [withBom([0xef, 0xbb, 0xbf], new Uint8Array(Buffer.from(csv, 'utf8'))), 'utf-8', 3],
      [withBom([0xff, 0xfe], utf16(csv, true)), 'utf-16le', 2],
      [withBom([0xfe, 0xff], utf16(csv, false)), 'utf-16be', 2],
      [utf16(csv, true), 'utf-16le', 0],
      [utf16(csv, false), 'utf-16be', 0],
      // Excel's "CSV" on Western European Windows: ë is 0xEB, ü 0xFC, é 0xE9, ñ 0xF1.
      [new Uint8Array(Buffer.from(csv, 'latin1')), 'windows-1252', 0],
      [new Uint8Array(Buffer.from('a,b\n1,2\n', 'ascii')), 'utf-8', 0],
    ];
    for (const [bytes, encoding, bom] of cases) {
      const d = detectTextEncoding(bytes);
      expect([d.encoding, d.bomLength]).toEqual([encoding, bom]);
      expect(bomLengthFor(bytes, d.encoding)).toBe(bom);
      // And the platform's decoder then gives the text back.
      const text = new TextDecoder(d.encoding).decode(bytes.subarray(bom));
      expect(text === csv || text === 'a,b\n1,2\n').toBe(true);
    }
  });

  it('isValidUtf8 agrees with a strict decoder on any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let strict = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          strict = false;
        }
        expect(isValidUtf8(bytes)).toBe(strict);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(isValidUtf8(new TextEncoder().encode(s))).toBe(true);
      }),
    );
  });
});

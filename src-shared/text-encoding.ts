/**
 * Which encoding a text file (a CSV) is in, among those spreadsheets write: UTF-8 (with or without
 * a byte order mark), UTF-16 (what Excel's "Unicode text" writes, with a BOM, or without one when
 * the zero bytes tell), and Windows-1252 (Excel's "CSV" on Western European Windows; a superset of
 * Latin-1 for printable text). Bytes that are valid UTF-8 are read as UTF-8; anything else that is
 * not UTF-16 is Windows-1252, which can decode every byte. Decoding itself is the platform's
 * TextDecoder (the caller's). Pure.
 */

export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];

export const ENCODING_LABELS: Record<TextEncodingName, string> = {
  'utf-8': 'Unicode (UTF-8)',
  'utf-16le': 'Unicode (UTF-16, little-endian)',
  'utf-16be': 'Unicode (UTF-16, big-endian)',
  'windows-1252': 'Western European (Windows-1252)',
};

export interface DetectedEncoding {
  encoding: TextEncodingName;
  /** Bytes of a byte order mark at the start, to skip. */
  bomLength: number;
  /** Why, for the person ("byte order mark", "valid UTF-8", …). */
  reason: string;
}

/** Whether `bytes` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    let extra: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [extra, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [extra, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [extra, min] = [3, 0x10000];
    else return false;
    let cp = b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return false;
    i += extra + 1;
  }
  return true;
}

export function detectTextEncoding(bytes: Uint8Array): DetectedEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3, reason: 'byte order mark' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2, reason: 'byte order mark' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2, reason: 'byte order mark' };
  // UTF-16 without a mark: text in Latin letters has a zero in every other byte.
  const sample = bytes.subarray(0, Math.min(bytes.length, 4096) & ~1);
  if (sample.length >= 4) {
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < sample.length; i += 2) {
      if (sample[i] === 0) evenZeros++;
      if (sample[i + 1] === 0) oddZeros++;
    }
    const pairs = sample.length / 2;
    if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return { encoding: 'utf-16le', bomLength: 0, reason: 'zero bytes of UTF-16' };
    if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return { encoding: 'utf-16be', bomLength: 0, reason: 'zero bytes of UTF-16' };
  }
  if (isValidUtf8(bytes)) return { encoding: 'utf-8', bomLength: 0, reason: 'valid UTF-8' };
  return { encoding: 'windows-1252', bomLength: 0, reason: 'not valid UTF-8' };
}

/** The length of the byte order mark of `encoding` at the start of `bytes` (0 when absent). */
export function bomLengthFor(bytes: Uint8Array, encoding: TextEncodingName): number {
  if (encoding === 'utf-8') return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (encoding === 'utf-16le') return bytes[0] === 0xff && bytes[1] === 0xfe ? 2 : 0;
  if (encoding === 'utf-16be') return bytes[0] === 0xfe && bytes[1] === 0xff ? 2 : 0;
  return 0;
}

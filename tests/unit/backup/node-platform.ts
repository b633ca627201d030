/** Web Crypto and strict encodings from Node, as the window has them (src-shared/backup BackupPlatform). */
import { webcrypto } from 'node:crypto';
import type { BackupPlatform } from '../../../src-shared/backup/backup-file';

export const nodeBackupPlatform: BackupPlatform = {
  subtle: webcrypto.subtle as unknown as BackupPlatform['subtle'],
  randomBytes: (n) => webcrypto.getRandomValues(new Uint8Array(n)),
  utf8Encode: (s) => new TextEncoder().encode(s),
  utf8Decode: (b) => new TextDecoder('utf-8', { fatal: true }).decode(b),
  base64Encode: (b) => Buffer.from(b).toString('base64'),
  base64Decode: (s) => {
    if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error('not base64');
    return new Uint8Array(Buffer.from(s, 'base64'));
  },
};

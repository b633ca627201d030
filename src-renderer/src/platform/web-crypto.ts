/** The window's Web Crypto and encodings, as the backup file needs them (src-shared/backup BackupPlatform). */
import type { BackupPlatform } from '../../../src-shared/backup/backup-file';

const CHUNK = 0x8000;

export const windowBackupPlatform: BackupPlatform = {
  subtle: crypto.subtle as unknown as BackupPlatform['subtle'],
  randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
  utf8Encode: (s) => new TextEncoder().encode(s),
  utf8Decode: (b) => new TextDecoder('utf-8', { fatal: true }).decode(b),
  base64Encode: (bytes) => {
    let binary = '';
    for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
    return btoa(binary);
  },
  base64Decode: (text) => {
    if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('Not base64');
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  },
};

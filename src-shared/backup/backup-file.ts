/**
 * The whole-practice backup file (issue 16; docs/backup.md): one JSON text holding a manifest and
 * the payload — every collection's documents and the device state needed to go on — optionally
 * encrypted with a passphrase. Pure, apart from the Web Crypto calls it is given
 * (`BackupPlatform`: the window's `crypto.subtle`, or Node's in tests and main).
 *
 * - The manifest (never encrypted) says what the file is: format and version, the app version
 *   that wrote it, when, each collection's schema version and document count, a SHA-256 of the
 *   payload, and how it is encrypted.
 * - Encryption: PBKDF2-SHA256 (600,000 iterations by default, a random 16-byte salt) derives an
 *   AES-256-GCM key; the payload is encrypted with a random 12-byte IV. A short known text
 *   encrypted with its own IV (`keyCheck`) tells a wrong passphrase from a damaged file.
 * - Reading refuses, with a specific `BackupError`, and before anything is restored: a file that
 *   is not a TutorDesk backup, one cut short, one whose content does not match its checksum, a
 *   missing or wrong passphrase, and a file or collection written by a newer TutorDesk.
 */
import { COLLECTION_NAMES, collectionSchemas, type CollectionName } from '../model/schemas';

export const BACKUP_FORMAT = 'tutordesk-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const DEFAULT_KDF_ITERATIONS = 600_000;
const KEY_CHECK_TEXT = 'tutordesk-backup-key-check';

type Doc = Record<string, unknown>;

/** Web Crypto and encodings, as the window and Node both have them. */
export interface BackupPlatform {
  subtle: {
    importKey(format: 'raw', keyData: Uint8Array, algorithm: 'PBKDF2', extractable: false, usages: ['deriveKey']): Promise<unknown>;
    deriveKey(
      algorithm: { name: 'PBKDF2'; salt: Uint8Array; iterations: number; hash: 'SHA-256' },
      baseKey: unknown,
      derived: { name: 'AES-GCM'; length: 256 },
      extractable: false,
      usages: ('encrypt' | 'decrypt')[],
    ): Promise<unknown>;
    encrypt(algorithm: { name: 'AES-GCM'; iv: Uint8Array }, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
    decrypt(algorithm: { name: 'AES-GCM'; iv: Uint8Array }, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
    digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>;
  };
  randomBytes(length: number): Uint8Array;
  /** UTF-8; `decode` throws on bytes that are not valid UTF-8. */
  utf8Encode(text: string): Uint8Array;
  utf8Decode(bytes: Uint8Array): string;
  /** Standard base64 with padding; `decode` throws on anything else. */
  base64Encode(bytes: Uint8Array): string;
  base64Decode(text: string): Uint8Array;
}

/** What a backup holds. */
export interface BackupData {
  /** Every document of every collection (deleted ones too: a restore must not resurrect them). */
  collections: Partial<Record<CollectionName, Doc[]>>;
  /** Device state needed to go on (device id, invoice number series, the practice's sync account without its password). */
  device: Record<string, unknown>;
}

export interface BackupEncryption {
  kdf: 'PBKDF2-SHA256';
  iterations: number;
  salt: string;
  cipher: 'AES-256-GCM';
  iv: string;
  keyCheck: { iv: string; data: string };
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  appVersion: string;
  createdAt: string;
  practiceName: string;
  schemaVersions: Partial<Record<CollectionName, number>>;
  counts: Partial<Record<CollectionName, number>>;
  /** SHA-256 (hex) of the payload's UTF-8 JSON, before encryption. */
  sha256: string;
  encryption: BackupEncryption | null;
}

export type BackupErrorCode =
  'not_a_backup' | 'truncated' | 'corrupt' | 'passphrase_required' | 'wrong_passphrase' | 'newer_version' | 'passphrase_too_short';

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export const MIN_PASSPHRASE_LENGTH = 8;

const hexOf = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function deriveKey(p: BackupPlatform, passphrase: string, salt: Uint8Array, iterations: number): Promise<unknown> {
  const base = await p.subtle.importKey('raw', p.utf8Encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return p.subtle.deriveKey({ name: 'PBKDF2', salt, iterations, hash: 'SHA-256' }, base, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

export interface CreateBackupOptions {
  appVersion: string;
  practiceName: string;
  now: Date;
  /** Encrypts the payload when given (at least MIN_PASSPHRASE_LENGTH characters). */
  passphrase?: string;
  iterations?: number;
}

/** The backup file's text. */
export async function createBackup(data: BackupData, o: CreateBackupOptions, p: BackupPlatform): Promise<string> {
  const plain = p.utf8Encode(JSON.stringify(data));
  const schemaVersions: Partial<Record<CollectionName, number>> = {};
  const counts: Partial<Record<CollectionName, number>> = {};
  for (const c of COLLECTION_NAMES) {
    const docs = data.collections[c];
    if (!docs) continue;
    schemaVersions[c] = collectionSchemas[c].version;
    counts[c] = docs.length;
  }
  let encryption: BackupEncryption | null = null;
  let payload: string;
  if (o.passphrase !== undefined) {
    if (o.passphrase.length < MIN_PASSPHRASE_LENGTH)
      throw new BackupError('passphrase_too_short', `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`);
    const iterations = o.iterations ?? DEFAULT_KDF_ITERATIONS;
    const salt = p.randomBytes(16);
    const iv = p.randomBytes(12);
    const checkIv = p.randomBytes(12);
    const key = await deriveKey(p, o.passphrase, salt, iterations);
    const sealed = await p.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain);
    const check = await p.subtle.encrypt({ name: 'AES-GCM', iv: checkIv }, key, p.utf8Encode(KEY_CHECK_TEXT));
    encryption = {
      kdf: 'PBKDF2-SHA256',
      iterations,
      salt: p.base64Encode(salt),
      cipher: 'AES-256-GCM',
      iv: p.base64Encode(iv),
      keyCheck: { iv: p.base64Encode(checkIv), data: p.base64Encode(new Uint8Array(check)) },
    };
    payload = p.base64Encode(new Uint8Array(sealed));
  } else {
    payload = p.base64Encode(plain);
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    appVersion: o.appVersion,
    createdAt: o.now.toISOString(),
    practiceName: o.practiceName,
    schemaVersions,
    counts,
    sha256: hexOf(await p.subtle.digest('SHA-256', plain)),
    encryption,
  };
  return `${JSON.stringify({ manifest, payload })}\n`;
}

/** The manifest alone (what Settings and the restore screen show before asking for a passphrase). */
export function readBackupManifest(text: string): BackupManifest {
  const trimmed = text.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    if (trimmed.startsWith(`{"manifest":{"format":"${BACKUP_FORMAT}"`))
      throw new BackupError('truncated', 'This backup file is incomplete: it was cut short while it was written or copied.');
    throw new BackupError('not_a_backup', 'This file is not a TutorDesk backup.');
  }
  const m = (parsed as { manifest?: Partial<BackupManifest> } | null)?.manifest;
  if (!m || m.format !== BACKUP_FORMAT || typeof (parsed as { payload?: unknown }).payload !== 'string')
    throw new BackupError('not_a_backup', 'This file is not a TutorDesk backup.');
  if (typeof m.formatVersion !== 'number' || m.formatVersion > BACKUP_FORMAT_VERSION)
    throw new BackupError(
      'newer_version',
      `This backup was made by a newer TutorDesk (${String(m.appVersion ?? 'unknown version')}). Update TutorDesk, then restore it.`,
    );
  for (const [c, v] of Object.entries(m.schemaVersions ?? {})) {
    const known = (collectionSchemas as Record<string, { version: number }>)[c];
    if (!known)
      throw new BackupError(
        'newer_version',
        `This backup holds ${c}, which this TutorDesk does not know. Update TutorDesk, then restore it.`,
      );
    if (typeof v !== 'number' || v > known.version)
      throw new BackupError(
        'newer_version',
        `This backup's ${c} were written by a newer TutorDesk (${String(m.appVersion ?? 'unknown version')}). Update TutorDesk, then restore it.`,
      );
  }
  return m as BackupManifest;
}

/** Reads and checks a backup file; throws BackupError before anything can be restored. */
export async function readBackup(
  text: string,
  o: { passphrase?: string },
  p: BackupPlatform,
): Promise<{ manifest: BackupManifest; data: BackupData }> {
  const manifest = readBackupManifest(text);
  const payloadText = (JSON.parse(text.trim()) as { payload: string }).payload;
  let sealed: Uint8Array;
  try {
    sealed = p.base64Decode(payloadText);
  } catch {
    throw new BackupError('corrupt', 'This backup file is damaged: its content cannot be read.');
  }
  let plain: Uint8Array;
  const enc = manifest.encryption;
  if (enc) {
    if (!o.passphrase) throw new BackupError('passphrase_required', 'This backup is protected by a passphrase: enter it to restore.');
    let key: unknown;
    try {
      key = await deriveKey(p, o.passphrase, p.base64Decode(enc.salt), enc.iterations);
      await p.subtle.decrypt({ name: 'AES-GCM', iv: p.base64Decode(enc.keyCheck.iv) }, key, p.base64Decode(enc.keyCheck.data));
    } catch {
      throw new BackupError('wrong_passphrase', 'The passphrase is not the one this backup was protected with.');
    }
    try {
      plain = new Uint8Array(await p.subtle.decrypt({ name: 'AES-GCM', iv: p.base64Decode(enc.iv) }, key, sealed));
    } catch {
      throw new BackupError('corrupt', 'This backup file is damaged: the passphrase is right but the content does not decrypt.');
    }
  } else {
    plain = sealed;
  }
  if (hexOf(await p.subtle.digest('SHA-256', plain)) !== manifest.sha256)
    throw new BackupError('corrupt', 'This backup file is damaged: its content does not match its checksum.');
  let data: BackupData;
  try {
    data = JSON.parse(p.utf8Decode(plain)) as BackupData;
  } catch {
    throw new BackupError('corrupt', 'This backup file is damaged: its content cannot be read.');
  }
  for (const c of Object.keys(manifest.counts) as CollectionName[]) {
    if ((data.collections[c]?.length ?? -1) !== manifest.counts[c])
      throw new BackupError('corrupt', `This backup file is damaged: its ${c} do not match the count in its manifest.`);
  }
  return { manifest, data };
}

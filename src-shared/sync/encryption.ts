/**
 * End-to-end encryption of a practice's personal fields (docs/sync.md "End-to-end encryption").
 *
 * When a practice turns it on, the laptops encrypt the fields listed in ENCRYPTED_FIELDS before a
 * record leaves for the server and decrypt them when it comes back; the server only ever holds
 * ciphertext for them. Everything the server rules must judge (ids, kinds, statuses, dates,
 * amounts, tutor and family links) stays clear. The laptops' own databases hold clear text, so
 * search, reports and exports work as before.
 *
 * - The data key: 64 random bytes, made once by the laptop that turns encryption on. It is stored
 *   on the server only wrapped: AES-256-GCM under a key derived from the practice passphrase with
 *   PBKDF2-SHA256 (600,000 iterations, a random salt), in the practice settings (`encryption`).
 *   Changing the passphrase wraps the same data key again, so no record has to be rewritten.
 * - A field: AES-SIV (RFC 5297, deterministic authenticated encryption, two 256-bit keys; built on
 *   @noble/ciphers' AES, aes-siv.ts) with the record's collection, id and field path as associated
 *   data. The same text in the same field of the same
 *   record always gives the same ciphertext, which is what lets the server rules still see that an
 *   issued invoice or a payment's history is unchanged; equal texts in different records or fields
 *   do not look alike. The ciphertext reveals the text's length. A ciphertext moved to another
 *   record or field does not decrypt.
 * - Stored as `~e1~` + base64url(ciphertext and tag). An empty text stays empty.
 *
 * Pure: no Electron, React or DOM (Web Crypto and encodings come in through `BackupPlatform`).
 */
import { AesSiv } from './aes-siv';
import type { BackupPlatform } from '../backup/backup-file';
import type { CollectionName } from '../model/schemas';

/** Fields encrypted per collection: `a.b` is a nested field, `a[].b` a field of each item of a list. */
export const ENCRYPTED_FIELDS: Readonly<Record<CollectionName, readonly string[]>> = {
  students: ['firstName', 'lastName', 'email', 'phone', 'gradeLevel', 'notes'],
  families: [
    'name',
    'contactName',
    'email',
    'phone',
    'address.line1',
    'address.line2',
    'address.city',
    'address.region',
    'address.postalCode',
    'notes',
  ],
  staff: ['name', 'email', 'phone'],
  settings: [],
  lessons: ['location', 'onlineUrl', 'notes'],
  occurrences: [],
  notes: [
    'title',
    'body',
    'covered',
    'homework',
    'nextSteps',
    'conflicts[].title',
    'conflicts[].body',
    'conflicts[].covered',
    'conflicts[].homework',
    'conflicts[].nextSteps',
  ],
  invoices: ['lines[].description', 'notes'],
  payments: ['reference', 'notes', 'reason', 'revisions[].reference', 'revisions[].notes', 'revisions[].reason'],
  billingclaims: [],
  closures: [],
  messages: ['to[].name', 'to[].address', 'subject', 'text', 'html', 'lastError'],
};

export const CIPHER_PREFIX = '~e1~';
/** What the server rules accept in an encrypted field instead of clear text. */
export const CIPHERTEXT_PATTERN = '^~e1~[A-Za-z0-9_-]{22,}$';
export const DEFAULT_KEY_ITERATIONS = 600_000;
export const MIN_PRACTICE_PASSPHRASE_LENGTH = 10;
const TAG_BYTES = 16;

/** The longest ciphertext of a text of at most `maxLength` UTF-16 units (3 UTF-8 bytes each at most). */
export function ciphertextMaxLength(maxLength: number): number {
  return CIPHER_PREFIX.length + Math.ceil(((maxLength * 3 + TAG_BYTES) * 4) / 3);
}

export const isCiphertext = (v: unknown): v is string => typeof v === 'string' && v.startsWith(CIPHER_PREFIX);

/** The practice's encryption settings as synced in `settings.encryption` (never the key itself). */
export interface PracticeEncryption {
  version: 1;
  /** Names the data key: a laptop's kept key is used only for the practice key it was made for. */
  keyId: string;
  cipher: 'AES-SIV-CMAC-512';
  kdf: 'PBKDF2-SHA256';
  iterations: number;
  salt: string;
  /** The data key, AES-256-GCM under the passphrase's key: base64 of iv and ciphertext. */
  wrappedKey: { iv: string; data: string };
  enabledAt: string;
  passphraseChangedAt: string;
}

export type EncryptionErrorCode = 'wrong_passphrase' | 'passphrase_too_short' | 'needs_passphrase' | 'undecryptable';

export class EncryptionError extends Error {
  constructor(
    readonly code: EncryptionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EncryptionError';
  }
}

async function passphraseKey(p: BackupPlatform, passphrase: string, salt: Uint8Array, iterations: number): Promise<unknown> {
  const base = await p.subtle.importKey('raw', p.utf8Encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return p.subtle.deriveKey({ name: 'PBKDF2', salt, iterations, hash: 'SHA-256' }, base, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PRACTICE_PASSPHRASE_LENGTH)
    throw new EncryptionError(
      'passphrase_too_short',
      `The practice passphrase needs at least ${MIN_PRACTICE_PASSPHRASE_LENGTH} characters.`,
    );
}

async function wrap(
  p: BackupPlatform,
  key: Uint8Array,
  passphrase: string,
  iterations: number,
): Promise<Pick<PracticeEncryption, 'salt' | 'iterations' | 'wrappedKey'>> {
  checkPassphrase(passphrase);
  const salt = p.randomBytes(16);
  const iv = p.randomBytes(12);
  const kek = await passphraseKey(p, passphrase, salt, iterations);
  const data = new Uint8Array(await p.subtle.encrypt({ name: 'AES-GCM', iv }, kek, key));
  return { salt: p.base64Encode(salt), iterations, wrappedKey: { iv: p.base64Encode(iv), data: p.base64Encode(data) } };
}

/** Turns encryption on: a new data key and its settings, wrapped under `passphrase`. */
export async function createPracticeEncryption(
  passphrase: string,
  p: BackupPlatform,
  o: { now: Date; iterations?: number },
): Promise<{ key: Uint8Array; settings: PracticeEncryption }> {
  checkPassphrase(passphrase);
  const key = p.randomBytes(64);
  const keyId = [...p.randomBytes(8)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const wrapped = await wrap(p, key, passphrase, o.iterations ?? DEFAULT_KEY_ITERATIONS);
  const at = o.now.toISOString();
  return {
    key,
    settings: { version: 1, keyId, cipher: 'AES-SIV-CMAC-512', kdf: 'PBKDF2-SHA256', ...wrapped, enabledAt: at, passphraseChangedAt: at },
  };
}

/** The data key, or EncryptionError('wrong_passphrase'). */
export async function unlockPracticeKey(settings: PracticeEncryption, passphrase: string, p: BackupPlatform): Promise<Uint8Array> {
  const kek = await passphraseKey(p, passphrase, p.base64Decode(settings.salt), settings.iterations);
  try {
    const key = new Uint8Array(
      await p.subtle.decrypt(
        { name: 'AES-GCM', iv: p.base64Decode(settings.wrappedKey.iv) },
        kek,
        p.base64Decode(settings.wrappedKey.data),
      ),
    );
    if (key.length !== 64) throw new Error('bad key length');
    return key;
  } catch {
    throw new EncryptionError('wrong_passphrase', 'That is not the practice passphrase. Check it with your practice admin.');
  }
}

/** New settings with the same data key wrapped under `newPassphrase` (after checking the current one). */
export async function changePracticePassphrase(
  settings: PracticeEncryption,
  current: string,
  newPassphrase: string,
  p: BackupPlatform,
  o: { now: Date; iterations?: number },
): Promise<PracticeEncryption> {
  checkPassphrase(newPassphrase);
  const key = await unlockPracticeKey(settings, current, p);
  const wrapped = await wrap(p, key, newPassphrase, o.iterations ?? settings.iterations);
  return { ...settings, ...wrapped, passphraseChangedAt: o.now.toISOString() };
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Map([...B64URL].map((c, i) => [c, i]));

function base64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!;
  }
  return out;
}

function fromBase64url(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const c of text) {
    const v = B64URL_INDEX.get(c);
    if (v === undefined) throw new Error('not base64url');
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

type Doc = Record<string, unknown>;

/** Applies `fn` to the string at `path` of `doc` (a copy where anything changed). */
function mapPath(doc: unknown, parts: readonly string[], fullPath: string, fn: (text: string, path: string) => string): unknown {
  if (parts.length === 0) return typeof doc === 'string' && doc !== '' ? fn(doc, fullPath) : doc;
  const [head, ...rest] = parts as [string, ...string[]];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return doc;
  const obj = doc as Doc;
  if (head.endsWith('[]')) {
    const name = head.slice(0, -2);
    const list = obj[name];
    if (!Array.isArray(list)) return doc;
    return { ...obj, [name]: list.map((item) => mapPath(item, rest, fullPath, fn)) };
  }
  if (!(head in obj)) return doc;
  return { ...obj, [head]: mapPath(obj[head], rest, fullPath, fn) };
}

function mapFields(collection: CollectionName, doc: Doc, fn: (text: string, path: string) => string): Doc {
  let out: unknown = doc;
  for (const path of ENCRYPTED_FIELDS[collection]) out = mapPath(out, path.split('.'), path, fn);
  return out as Doc;
}

/** Encrypts and decrypts the personal fields of records with the practice's data key. */
export class FieldCipher {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  private readonly siv: AesSiv;

  constructor(key: Uint8Array) {
    if (key.length !== 64) throw new Error('The practice key must be 64 bytes.');
    this.siv = new AesSiv(key);
  }

  private aad(collection: CollectionName, id: string, path: string): Uint8Array {
    return this.encoder.encode(`${collection}\u0000${id}\u0000${path}`);
  }

  encryptText(collection: CollectionName, id: string, path: string, text: string): string {
    if (isCiphertext(text)) return text;
    const sealed = this.siv.encrypt(this.aad(collection, id, path), this.encoder.encode(text));
    return CIPHER_PREFIX + base64url(sealed);
  }

  decryptText(collection: CollectionName, id: string, path: string, text: string): string {
    if (!isCiphertext(text)) return text;
    try {
      const opened = this.siv.decrypt(this.aad(collection, id, path), fromBase64url(text.slice(CIPHER_PREFIX.length)));
      return this.decoder.decode(opened);
    } catch {
      throw new EncryptionError(
        'undecryptable',
        `The ${path} of ${collection} record ${id} cannot be decrypted with this practice's key (it was encrypted with another key, or changed on the server).`,
      );
    }
  }

  /** The record with its personal fields encrypted (`id` or CouchDB's `_id` names it). */
  encryptDoc(collection: CollectionName, doc: Doc): Doc {
    const id = String(doc._id ?? doc.id);
    return mapFields(collection, doc, (text, path) => this.encryptText(collection, id, path, text));
  }

  decryptDoc(collection: CollectionName, doc: Doc): Doc {
    const id = String(doc._id ?? doc.id);
    return mapFields(collection, doc, (text, path) => this.decryptText(collection, id, path, text));
  }
}

/** Whether any personal field of the record is still clear text. */
export function hasClearFields(collection: CollectionName, doc: Doc): boolean {
  let clear = false;
  mapFields(collection, doc, (text) => {
    if (!isCiphertext(text)) clear = true;
    return text;
  });
  return clear;
}

/** Whether any personal field of the record is encrypted. */
export function hasEncryptedFields(collection: CollectionName, doc: Doc): boolean {
  let enc = false;
  mapFields(collection, doc, (text) => {
    if (isCiphertext(text)) enc = true;
    return text;
  });
  return enc;
}

/**
 * Sync credentials, kept only in the main process. The password is encrypted with Electron's
 * safeStorage (macOS Keychain, Windows DPAPI, Linux libsecret/kwallet) and written to a file in
 * userData; the plaintext password never touches the disk and never goes to the renderer.
 *
 * Policy when the OS offers no real protection:
 * - safeStorage.isEncryptionAvailable() === false → refuse to store the password (clear error).
 * - Linux with the 'basic_text' backend (no keyring running, e.g. a bare window manager) →
 *   allowed: Chromium encrypts with a fixed, well-known key, which is obfuscation, not protection.
 *   We accept it so such desktops can still sync, and report it (`protection() === 'basic-text'`,
 *   AppInfo.secureStorage === false) so the UI can warn the user.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SyncCredentialsSchema, type SyncAccount, type SyncCredentials } from '../src-shared/bridge';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
}

/** How well a stored password is protected on this machine. */
export type StorageProtection = 'os-keychain' | 'basic-text' | 'unavailable';

export function storageProtection(safeStorage: SafeStorageLike, platform: NodeJS.Platform): StorageProtection {
  if (!safeStorage.isEncryptionAvailable()) return 'unavailable';
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') return 'basic-text';
  }
  return 'os-keychain';
}

export class SecureStorageUnavailableError extends Error {
  constructor() {
    super(
      "This computer's secure credential storage (the OS keychain) is not available, so TutorDesk will not store the sync password. " +
        'On Linux, start a keyring service (GNOME Keyring or KWallet) and restart TutorDesk.',
    );
    this.name = 'SecureStorageUnavailableError';
  }
}

const StoredFileSchema = z.object({
  version: z.literal(1),
  serverUrl: z.string(),
  username: z.string(),
  practice: z.string(),
  password: z.object({ scheme: z.literal('safeStorage'), backend: z.string(), data: z.string() }),
});
type StoredFile = z.infer<typeof StoredFileSchema>;

/** Canonical server URL: no credentials, query or hash; no trailing slash after the path. */
export function normalizeServerUrl(raw: string): string {
  const u = new URL(raw);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('The server address must start with http:// or https://');
  if (u.username || u.password) {
    throw new Error('Put the username and password in their own fields, not in the server address.');
  }
  u.hash = '';
  u.search = '';
  return u.href.replace(/\/+$/, '');
}

export interface CredentialStoreOptions {
  /** e.g. join(app.getPath('userData'), 'sync-credentials.json') */
  file: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
}

export class CredentialStore {
  private readonly file: string;
  private readonly safeStorage: SafeStorageLike;
  private readonly platform: NodeJS.Platform;
  /** Decrypted credentials, cached after the first read (decrypting may prompt the keychain). */
  private cache: { creds: SyncCredentials | null; account: SyncAccount | null } | null = null;

  constructor(options: CredentialStoreOptions) {
    this.file = options.file;
    this.safeStorage = options.safeStorage;
    this.platform = options.platform ?? process.platform;
  }

  protection(): StorageProtection {
    return storageProtection(this.safeStorage, this.platform);
  }

  /** The account as the renderer may see it: never the password. */
  async getAccount(): Promise<SyncAccount | null> {
    return (await this.load()).account;
  }

  /** Full credentials including the password: for the main process only (sync-fetch.ts). */
  async getCredentials(): Promise<SyncCredentials | null> {
    return (await this.load()).creds;
  }

  async save(input: SyncCredentials): Promise<SyncAccount> {
    const creds = SyncCredentialsSchema.parse(input);
    const serverUrl = normalizeServerUrl(creds.serverUrl);
    const protection = this.protection();
    if (protection === 'unavailable') throw new SecureStorageUnavailableError();
    const encrypted = this.safeStorage.encryptString(creds.password);
    const stored: StoredFile = {
      version: 1,
      serverUrl,
      username: creds.username,
      practice: creds.practice,
      password: {
        scheme: 'safeStorage',
        backend: this.platform === 'linux' ? (this.safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : this.platform,
        data: encrypted.toString('base64'),
      },
    };
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(stored, null, 2), { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, this.file);
    const full = { ...creds, serverUrl };
    const account: SyncAccount = { serverUrl, username: creds.username, practice: creds.practice, hasPassword: true };
    this.cache = { creds: full, account };
    return account;
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
    this.cache = { creds: null, account: null };
  }

  private async load(): Promise<{ creds: SyncCredentials | null; account: SyncAccount | null }> {
    if (this.cache) return this.cache;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      this.cache = { creds: null, account: null };
      return this.cache;
    }
    let stored: StoredFile;
    try {
      stored = StoredFileSchema.parse(JSON.parse(text));
    } catch {
      // A corrupt file holds nothing usable; do not cache so a later save can replace it.
      return { creds: null, account: null };
    }
    let password: string | null = null;
    try {
      if (this.safeStorage.isEncryptionAvailable()) {
        password = this.safeStorage.decryptString(Buffer.from(stored.password.data, 'base64'));
      }
    } catch {
      password = null; // e.g. the keychain entry was reset: the user must enter the password again
    }
    const account: SyncAccount = {
      serverUrl: stored.serverUrl,
      username: stored.username,
      practice: stored.practice,
      hasPassword: password !== null && password.length > 0,
    };
    const creds = password ? { serverUrl: stored.serverUrl, username: stored.username, practice: stored.practice, password } : null;
    this.cache = { creds, account };
    return this.cache;
  }
}

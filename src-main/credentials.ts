/**
 * Sync credentials, kept only in the main process. The password is encrypted with Electron's
 * safeStorage (macOS Keychain, Windows DPAPI, Linux libsecret/kwallet) and written to a file in
 * userData; the plaintext password never touches the disk and never goes to the renderer.
 *
 * Policy when the OS offers no real protection:
 * - safeStorage.isEncryptionAvailable() === false → the password is not written anywhere: it is
 *   kept in memory in main for this session only (the user enters it again after a restart).
 * - Linux with the 'basic_text' backend (no keyring running, e.g. a bare window manager):
 *   Chromium encrypts with a fixed, well-known key, which is obfuscation, not protection. The
 *   password is stored only if the user explicitly opted in (`storeWithoutKeychain`, a choice
 *   the connection form shows with its explanation); otherwise it is kept for the session only.
 * `protection()` says which case applies (AppInfo.passwordStorage), and every account says how
 * its password is kept (`passwordKept`).
 *
 * An `http://` address to another computer is refused unless the user confirmed sending the
 * password unencrypted (`plaintextConfirmed`, checked by SyncCredentialsSchema); the
 * confirmation is stored with the account.
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

const StoredFileSchema = z.object({
  version: z.literal(1),
  serverUrl: z.string(),
  username: z.string(),
  practice: z.string(),
  plaintextConfirmed: z.boolean().optional(),
  /** The user opted in to storing the password with the `basic_text` backend. */
  storedWithoutKeychain: z.boolean().optional(),
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

  /** Full credentials including the password: for the main process only (sync-proxy.ts). */
  async getCredentials(): Promise<SyncCredentials | null> {
    return (await this.load()).creds;
  }

  /**
   * Whether a password saved now would be written to disk: with the OS keychain, or with the
   * `basic_text` backend when the user opted in; never without encryption.
   */
  willStore(storeWithoutKeychain: boolean | undefined): boolean {
    const protection = this.protection();
    return protection === 'os-keychain' || (protection === 'basic-text' && storeWithoutKeychain === true);
  }

  async save(input: SyncCredentials): Promise<SyncAccount> {
    const { storeWithoutKeychain, ...creds } = SyncCredentialsSchema.parse(input);
    const serverUrl = normalizeServerUrl(creds.serverUrl);
    const full: SyncCredentials = { ...creds, serverUrl };
    const base = {
      serverUrl,
      username: creds.username,
      practice: creds.practice,
      ...(creds.plaintextConfirmed ? { plaintextConfirmed: true } : {}),
    };
    if (!this.willStore(storeWithoutKeychain)) {
      // Session only: nothing on disk (an older stored password is removed, so a restart does
      // not bring back other credentials than the ones in use).
      await rm(this.file, { force: true });
      const account: SyncAccount = { ...base, hasPassword: true, passwordKept: 'session' };
      this.cache = { creds: full, account };
      return account;
    }
    const encrypted = this.safeStorage.encryptString(creds.password);
    const stored: StoredFile = {
      version: 1,
      ...base,
      ...(this.protection() === 'basic-text' ? { storedWithoutKeychain: true } : {}),
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
    const account: SyncAccount = { ...base, hasPassword: true, passwordKept: 'stored' };
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
      // A password obfuscated with `basic_text` without the user's opt-in (older versions stored
      // it silently) is not used: the user is asked again, with the choice.
      const optedOut = this.protection() === 'basic-text' && stored.storedWithoutKeychain !== true;
      if (this.safeStorage.isEncryptionAvailable() && !optedOut) {
        password = this.safeStorage.decryptString(Buffer.from(stored.password.data, 'base64'));
      }
    } catch {
      password = null; // e.g. the keychain entry was reset: the user must enter the password again
    }
    const confirmed = stored.plaintextConfirmed ? { plaintextConfirmed: true } : {};
    const account: SyncAccount = {
      serverUrl: stored.serverUrl,
      username: stored.username,
      practice: stored.practice,
      ...confirmed,
      hasPassword: password !== null && password.length > 0,
      passwordKept: 'stored',
    };
    const creds = password
      ? { serverUrl: stored.serverUrl, username: stored.username, practice: stored.practice, password, ...confirmed }
      : null;
    this.cache = { creds, account };
    return this.cache;
  }
}

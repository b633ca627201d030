/**
 * The practice's SMTP account, kept only in the main process like the sync account
 * (credentials.ts): the settings in a JSON file in userData, the password encrypted with Electron's
 * safeStorage, written atomically. The renderer gets a `MailAccount` (never the password).
 *
 * Password policy (the same as the sync password's, see credentials.ts):
 * - OS keychain available → the encrypted password is stored with the settings.
 * - Linux 'basic_text' backend → stored only with the user's explicit opt-in
 *   (`storeWithoutKeychain`), otherwise kept in memory for this session only.
 * - no encryption at all → session only.
 * In the session-only cases the settings (host, port, sender…) are still written, without the
 * password, so after a restart only the password has to be entered again.
 *
 * Saving without `password` keeps the password already kept, unless the server or the user name
 * changed: a password is never sent to another server than the one it was entered for.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SMTP_SECURITY, SmtpSettingsSchema, type MailAccount, type SmtpSettings } from '../../src-shared/mail/contract';
import { storageProtection, type SafeStorageLike, type StorageProtection } from '../credentials';

/** What the transport needs: the settings with the password in clear (main process only). */
export type SmtpConnectionSettings = Omit<SmtpSettings, 'password' | 'storeWithoutKeychain'> & { password: string };

const StoredFileSchema = z.object({
  version: z.literal(1),
  host: z.string(),
  port: z.number(),
  security: z.enum(SMTP_SECURITY),
  username: z.string(),
  fromName: z.string(),
  fromAddress: z.string(),
  replyTo: z.string(),
  /** The user opted in to storing the password with the `basic_text` backend. */
  storedWithoutKeychain: z.boolean().optional(),
  password: z.object({ scheme: z.literal('safeStorage'), backend: z.string(), data: z.string() }).optional(),
});
type StoredFile = z.infer<typeof StoredFileSchema>;

type PublicSettings = Omit<SmtpSettings, 'password' | 'storeWithoutKeychain'>;

interface Loaded {
  settings: PublicSettings;
  /** '' when none is kept. */
  password: string;
  kept: 'stored' | 'session' | null;
}

export interface MailAccountStoreOptions {
  /** e.g. join(app.getPath('userData'), 'mail-account.json') */
  file: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
}

export class MailAccountStore {
  private readonly file: string;
  private readonly safeStorage: SafeStorageLike;
  private readonly platform: NodeJS.Platform;
  /** Decrypted account, cached after the first read (decrypting may prompt the keychain). */
  private cache: { loaded: Loaded | null } | null = null;

  constructor(options: MailAccountStoreOptions) {
    this.file = options.file;
    this.safeStorage = options.safeStorage;
    this.platform = options.platform ?? process.platform;
  }

  protection(): StorageProtection {
    return storageProtection(this.safeStorage, this.platform);
  }

  /** Whether a password saved now would be written to disk (see credentials.ts `willStore`). */
  willStore(storeWithoutKeychain: boolean | undefined): boolean {
    const protection = this.protection();
    return protection === 'os-keychain' || (protection === 'basic-text' && storeWithoutKeychain === true);
  }

  /** The account as the renderer may see it: never the password. */
  async getAccount(): Promise<MailAccount | null> {
    const loaded = await this.load();
    return loaded ? toAccount(loaded) : null;
  }

  /** The settings with the password, for the transport (main process only). */
  async getConnectionSettings(): Promise<SmtpConnectionSettings | null> {
    const loaded = await this.load();
    return loaded ? { ...loaded.settings, password: loaded.password } : null;
  }

  async save(input: SmtpSettings): Promise<MailAccount> {
    const { password: given, storeWithoutKeychain, ...settings } = SmtpSettingsSchema.parse(input);
    const previous = await this.load();
    const sameLogin = previous !== null && previous.settings.host === settings.host && previous.settings.username === settings.username;
    const password = given ?? (sameLogin ? previous.password : '');
    let kept: Loaded['kept'] = null;
    let storedPassword: StoredFile['password'];
    if (password) {
      if (this.willStore(storeWithoutKeychain)) {
        storedPassword = {
          scheme: 'safeStorage',
          backend: this.platform === 'linux' ? (this.safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : this.platform,
          data: this.safeStorage.encryptString(password).toString('base64'),
        };
        kept = 'stored';
      } else {
        kept = 'session';
      }
    }
    const stored: StoredFile = {
      version: 1,
      ...settings,
      ...(storedPassword && this.protection() === 'basic-text' ? { storedWithoutKeychain: true } : {}),
      ...(storedPassword ? { password: storedPassword } : {}),
    };
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(stored, null, 2), { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, this.file);
    const loaded: Loaded = { settings, password, kept };
    this.cache = { loaded };
    return toAccount(loaded);
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
    this.cache = { loaded: null };
  }

  private async load(): Promise<Loaded | null> {
    if (this.cache) return this.cache.loaded;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      this.cache = { loaded: null };
      return null;
    }
    let stored: StoredFile;
    try {
      stored = StoredFileSchema.parse(JSON.parse(text));
    } catch {
      // A corrupt file holds nothing usable; not cached so a later save can replace it.
      return null;
    }
    const { version: _version, password: encrypted, storedWithoutKeychain, ...rest } = stored;
    const parsed = SmtpSettingsSchema.omit({ password: true, storeWithoutKeychain: true }).safeParse(rest);
    if (!parsed.success) return null;
    let password = '';
    if (encrypted) {
      try {
        // As for the sync password: a 'basic_text' password stored without the opt-in is not used.
        const optedOut = this.protection() === 'basic-text' && storedWithoutKeychain !== true;
        if (this.safeStorage.isEncryptionAvailable() && !optedOut) {
          password = this.safeStorage.decryptString(Buffer.from(encrypted.data, 'base64'));
        }
      } catch {
        password = ''; // e.g. the keychain entry was reset: the user enters the password again
      }
    }
    const loaded: Loaded = { settings: parsed.data, password, kept: password ? 'stored' : null };
    this.cache = { loaded };
    return loaded;
  }
}

function toAccount(loaded: Loaded): MailAccount {
  return {
    ...loaded.settings,
    hasPassword: loaded.password.length > 0,
    ...(loaded.kept ? { passwordKept: loaded.kept } : {}),
  };
}

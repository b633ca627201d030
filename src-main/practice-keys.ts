/**
 * Practice encryption keys (end-to-end encryption, docs/sync.md), kept by the main process like the
 * sync password (credentials.ts): encrypted with Electron's safeStorage in a file in userData when
 * the OS keychain protects it; otherwise in memory for this session only, so the passphrase is asked
 * again after a restart rather than the key lying on disk in the clear or merely obfuscated.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { PracticeKeySchema, type PracticeKey } from '../src-shared/bridge';
import { storageProtection, type SafeStorageLike } from './credentials';

const StoredSchema = z.object({
  version: z.literal(1),
  keys: z.record(z.string(), z.object({ keyId: z.string(), data: z.string() })),
});

export interface PracticeKeyStoreOptions {
  /** e.g. join(app.getPath('userData'), 'practice-keys.json') */
  file: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
}

export class PracticeKeyStore {
  private readonly session = new Map<string, PracticeKey>();

  constructor(private readonly o: PracticeKeyStoreOptions) {}

  private stores(): boolean {
    return storageProtection(this.o.safeStorage, this.o.platform ?? process.platform) === 'os-keychain';
  }

  private async read(): Promise<z.infer<typeof StoredSchema>> {
    try {
      return StoredSchema.parse(JSON.parse(await readFile(this.o.file, 'utf8')));
    } catch {
      return { version: 1, keys: {} };
    }
  }

  private async write(stored: z.infer<typeof StoredSchema>): Promise<void> {
    await mkdir(dirname(this.o.file), { recursive: true });
    const tmp = `${this.o.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(stored, null, 2), { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, this.o.file);
  }

  async keep(input: PracticeKey): Promise<'stored' | 'session'> {
    const key = PracticeKeySchema.parse(input);
    this.session.set(key.practice, key);
    const stored = await this.read();
    delete stored.keys[key.practice];
    if (!this.stores()) {
      await this.write(stored);
      return 'session';
    }
    stored.keys[key.practice] = { keyId: key.keyId, data: this.o.safeStorage.encryptString(key.key).toString('base64') };
    await this.write(stored);
    return 'stored';
  }

  async load(practice: string): Promise<PracticeKey | null> {
    const inMemory = this.session.get(practice);
    if (inMemory) return inMemory;
    if (!this.stores()) return null;
    const entry = (await this.read()).keys[practice];
    if (!entry) return null;
    try {
      const key = PracticeKeySchema.parse({
        practice,
        keyId: entry.keyId,
        key: this.o.safeStorage.decryptString(Buffer.from(entry.data, 'base64')),
      });
      this.session.set(practice, key);
      return key;
    } catch {
      return null; // e.g. the keychain entry was reset: the passphrase is asked again
    }
  }

  async forget(practice: string): Promise<void> {
    this.session.delete(practice);
    const stored = await this.read();
    if (stored.keys[practice]) {
      delete stored.keys[practice];
      await this.write(stored);
    }
  }
}

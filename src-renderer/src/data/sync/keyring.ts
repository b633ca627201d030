/**
 * The practice key on this laptop (end-to-end encryption, src-shared/sync/encryption.ts).
 *
 * It knows the practice's encryption settings (learned from the local settings record, and from
 * the server's at the start of each connection, so a laptop never sends clear text to a practice
 * that turned encryption on) and, once unlocked with the passphrase, the data key. The key is kept
 * by the host (`KeyVault`: the desktop app encrypts it with the OS keychain like the sync
 * password; the browser keeps it for this tab) and never in the local database.
 *
 * `codecFor(collection)` is what the push and pull handlers apply to every record:
 * - encryption off: records pass as they are;
 * - on and unlocked: personal fields encrypted on the way out, decrypted on the way in;
 * - on but locked (no passphrase entered yet): nothing is sent or taken in; the session stops with
 *   `needs-passphrase`, which the Sync screen turns into the passphrase prompt.
 */
import {
  EncryptionError,
  FieldCipher,
  hasEncryptedFields,
  unlockPracticeKey,
  type PracticeEncryption,
} from '../../../../src-shared/sync/encryption';
import type { BackupPlatform } from '../../../../src-shared/backup/backup-file';
import type { CollectionName } from '../../../../src-shared/model/schemas';
import type { CouchDoc } from './couchdb';
import { SyncError } from './errors';

/** Where the host keeps an unlocked practice key (bridge `sync.keepPracticeKey` and friends). */
export interface KeyVault {
  keep(practice: string, keyId: string, key: string): Promise<void>;
  load(practice: string): Promise<{ keyId: string; key: string } | null>;
  forget(practice: string): Promise<void>;
}

/** What the push and pull handlers apply to each record in CouchDB form. */
export interface DocCodec {
  encode(doc: CouchDoc): CouchDoc;
  decode(doc: CouchDoc): CouchDoc;
}

export const PLAIN_CODEC: DocCodec = { encode: (d) => d, decode: (d) => d };

export type KeyringState = 'off' | 'locked' | 'unlocked';

const needsPassphrase = () =>
  new SyncError(
    'needs-passphrase',
    'This practice encrypts its records end to end, and this laptop does not have the practice passphrase yet.',
  );

export class PracticeKeyring {
  private settings: PracticeEncryption | null = null;
  private cipher: FieldCipher | null = null;
  private keyId: string | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly practice: string,
    private readonly platform: BackupPlatform,
    private readonly vault: KeyVault | null,
  ) {}

  state(): KeyringState {
    if (!this.settings) return 'off';
    return this.cipher && this.keyId === this.settings.keyId ? 'unlocked' : 'locked';
  }

  encryption(): PracticeEncryption | null {
    return this.settings;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /**
   * The practice's encryption settings (from a settings record). A laptop that learned that
   * encryption is on never forgets it from a record that lacks it (an older copy).
   */
  async learn(settings: PracticeEncryption | null | undefined): Promise<void> {
    if (!settings) return;
    const before = this.state();
    if (this.settings?.keyId === settings.keyId && this.settings.passphraseChangedAt >= settings.passphraseChangedAt) return;
    this.settings = settings;
    if (this.keyId !== settings.keyId) await this.loadKept();
    if (this.state() !== before) this.changed();
  }

  private async loadKept(): Promise<void> {
    const kept = await this.vault?.load(this.practice).catch(() => null);
    if (kept && this.settings && kept.keyId === this.settings.keyId) this.useKey(this.platform.base64Decode(kept.key), kept.keyId);
  }

  private useKey(key: Uint8Array, keyId: string): void {
    this.cipher = new FieldCipher(key);
    this.keyId = keyId;
  }

  /** Unlocks with the passphrase (EncryptionError 'wrong_passphrase' when it is not the one) and keeps the key. */
  async unlock(passphrase: string): Promise<void> {
    if (!this.settings) throw new EncryptionError('needs_passphrase', 'This practice does not use end-to-end encryption.');
    const key = await unlockPracticeKey(this.settings, passphrase, this.platform);
    await this.adopt(this.settings, key);
  }

  /** Uses `key` for `settings` (the laptop that turned encryption on, or unlocked it) and keeps it. */
  async adopt(settings: PracticeEncryption, key: Uint8Array): Promise<void> {
    this.settings = settings;
    this.useKey(key, settings.keyId);
    await this.vault?.keep(this.practice, settings.keyId, this.platform.base64Encode(key));
    this.changed();
  }

  /** Throws the `needs-passphrase` sync error while the practice encrypts and this laptop has no key. */
  requireKey(): void {
    if (this.state() === 'locked') throw needsPassphrase();
  }

  /** Encrypts and decrypts a collection's records as the state says (see the file comment). */
  codecFor(collection: CollectionName): DocCodec {
    return {
      encode: (doc) => {
        const state = this.state();
        if (state === 'off') return doc;
        if (state === 'locked' || !this.cipher) throw needsPassphrase();
        return this.cipher.encryptDoc(collection, doc) as CouchDoc;
      },
      decode: (doc) => {
        if (this.cipher && this.state() === 'unlocked') return this.cipher.decryptDoc(collection, doc) as CouchDoc;
        if (hasEncryptedFields(collection, doc)) throw needsPassphrase();
        return doc;
      },
    };
  }
}

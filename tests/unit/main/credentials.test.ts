import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialStore, normalizeServerUrl, storageProtection, type SafeStorageLike } from '../../../src-main/credentials';

/** A stand-in for Electron's safeStorage: real AES-256-GCM with a key held in memory (the "keychain"). */
function fakeSafeStorage(opts: { available?: boolean; backend?: string } = {}) {
  const key = randomBytes(32);
  const s: SafeStorageLike & { available: boolean; encryptCalls: number } = {
    available: opts.available ?? true,
    encryptCalls: 0,
    isEncryptionAvailable() {
      return this.available;
    },
    encryptString(plain: string) {
      if (!this.available) throw new Error('Encryption is not available');
      this.encryptCalls++;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([Buffer.from('v10'), iv, c.getAuthTag(), body]);
    },
    decryptString(enc: Buffer) {
      if (enc.subarray(0, 3).toString() !== 'v10') throw new Error('bad header');
      const d = createDecipheriv('aes-256-gcm', key, enc.subarray(3, 15));
      d.setAuthTag(enc.subarray(15, 31));
      return Buffer.concat([d.update(enc.subarray(31)), d.final()]).toString('utf8');
    },
    ...(opts.backend ? { getSelectedStorageBackend: () => opts.backend! } : {}),
  };
  return s;
}

const PASSWORD = 'correct-horse-battery-staple-Ü€';
const creds = { serverUrl: 'https://couch.example.org/couchdb/', username: 'ana.tutor', password: PASSWORD, practice: 'demo' };

describe('CredentialStore', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'td-creds-'));
    file = join(dir, 'userData', 'sync-credentials.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('never writes the plaintext password to disk (in any common encoding)', async () => {
    const store = new CredentialStore({ file, safeStorage: fakeSafeStorage(), platform: 'darwin' });
    await store.save(creds);
    const raw = await readFile(file);
    for (const form of [
      Buffer.from(PASSWORD, 'utf8'),
      Buffer.from(PASSWORD, 'utf16le'),
      Buffer.from(Buffer.from(PASSWORD).toString('base64')),
      Buffer.from(Buffer.from(PASSWORD).toString('hex')),
      Buffer.from(JSON.stringify(PASSWORD).slice(1, -1)),
      Buffer.from(Buffer.from(`${creds.username}:${PASSWORD}`).toString('base64')),
    ]) {
      expect(raw.includes(form)).toBe(false);
    }
    // The rest of the account is there, readable.
    const json = JSON.parse(raw.toString('utf8'));
    expect(json).toMatchObject({ version: 1, serverUrl: 'https://couch.example.org/couchdb', username: 'ana.tutor', practice: 'demo' });
    expect(json.password.scheme).toBe('safeStorage');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o077).toBe(0);
    // no temp files left behind
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });

  it('getAccount never returns the password; credentials survive a restart', async () => {
    const safe = fakeSafeStorage();
    const account = await new CredentialStore({ file, safeStorage: safe, platform: 'win32' }).save(creds);
    expect(account).toEqual({
      serverUrl: 'https://couch.example.org/couchdb',
      username: 'ana.tutor',
      practice: 'demo',
      hasPassword: true,
      passwordKept: 'stored',
    });
    expect(JSON.stringify(account)).not.toContain(PASSWORD);

    const reopened = new CredentialStore({ file, safeStorage: safe, platform: 'win32' });
    const again = await reopened.getAccount();
    expect(again).toEqual(account);
    expect(Object.keys(again!)).not.toContain('password');
    expect((await reopened.getCredentials())?.password).toBe(PASSWORD);
  });

  it('encryption unavailable: the password is kept in memory for the session only, nothing is written', async () => {
    const safe = fakeSafeStorage({ available: false });
    const store = new CredentialStore({ file, safeStorage: safe, platform: 'linux' });
    expect(store.protection()).toBe('unavailable');
    // Even an opt-in does not store a password that cannot be encrypted at all.
    const account = await store.save({ ...creds, storeWithoutKeychain: true });
    expect(account).toMatchObject({ hasPassword: true, passwordKept: 'session' });
    expect(existsSync(file)).toBe(false);
    expect((await store.getCredentials())?.password).toBe(PASSWORD);
    // A restart (a new store over the same file) knows nothing.
    expect(await new CredentialStore({ file, safeStorage: safe, platform: 'linux' }).getAccount()).toBeNull();
  });

  it("Linux 'basic_text' backend without the opt-in: session only, nothing on disk, an older stored password is removed", async () => {
    const safe = fakeSafeStorage({ backend: 'basic_text' });
    const store = new CredentialStore({ file, safeStorage: safe, platform: 'linux' });
    expect(store.protection()).toBe('basic-text');
    expect(store.willStore(undefined)).toBe(false);
    const account = await store.save(creds);
    expect(account).toEqual({
      serverUrl: 'https://couch.example.org/couchdb',
      username: 'ana.tutor',
      practice: 'demo',
      hasPassword: true,
      passwordKept: 'session',
    });
    expect(safe.encryptCalls).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect((await store.getCredentials())?.password).toBe(PASSWORD);
    expect(await new CredentialStore({ file, safeStorage: safe, platform: 'linux' }).getAccount()).toBeNull();

    // Stored with the opt-in, then saved again without it: the file goes.
    await store.save({ ...creds, storeWithoutKeychain: true });
    expect(existsSync(file)).toBe(true);
    await store.save(creds);
    expect(existsSync(file)).toBe(false);
  });

  it("Linux 'basic_text' backend with the explicit opt-in: stored (obfuscated), and read back after a restart", async () => {
    const safe = fakeSafeStorage({ backend: 'basic_text' });
    const store = new CredentialStore({ file, safeStorage: safe, platform: 'linux' });
    const account = await store.save({ ...creds, storeWithoutKeychain: true });
    expect(account.passwordKept).toBe('stored');
    expect((await readFile(file)).includes(Buffer.from(PASSWORD))).toBe(false);
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    expect(onDisk.password.backend).toBe('basic_text');
    expect(onDisk.storedWithoutKeychain).toBe(true);
    expect(JSON.stringify(onDisk)).not.toContain('storeWithoutKeychain');
    const reopened = new CredentialStore({ file, safeStorage: safe, platform: 'linux' });
    expect((await reopened.getCredentials())?.password).toBe(PASSWORD);
    expect(storageProtection(fakeSafeStorage({ backend: 'gnome_libsecret' }), 'linux')).toBe('os-keychain');
    expect(storageProtection(fakeSafeStorage({ backend: 'kwallet6' }), 'linux')).toBe('os-keychain');
  });

  it("Linux 'basic_text': a password an older version stored without asking is not used (asked again)", async () => {
    const safe = fakeSafeStorage({ backend: 'basic_text' });
    await new CredentialStore({ file, safeStorage: safe, platform: 'linux' }).save({ ...creds, storeWithoutKeychain: true });
    const old = JSON.parse(await readFile(file, 'utf8'));
    delete old.storedWithoutKeychain;
    await writeFile(file, JSON.stringify(old));
    const reopened = new CredentialStore({ file, safeStorage: safe, platform: 'linux' });
    expect(await reopened.getAccount()).toMatchObject({ username: 'ana.tutor', hasPassword: false });
    expect(await reopened.getCredentials()).toBeNull();
  });

  it('with the OS keychain the opt-in changes nothing: stored', async () => {
    const store = new CredentialStore({ file, safeStorage: fakeSafeStorage({ backend: 'gnome_libsecret' }), platform: 'linux' });
    expect((await store.save(creds)).passwordKept).toBe('stored');
    expect(existsSync(file)).toBe(true);
  });

  it('http:// to another computer is refused unless confirmed; the confirmation is kept with the account', async () => {
    const safe = fakeSafeStorage();
    const store = new CredentialStore({ file, safeStorage: safe, platform: 'darwin' });
    const lan = { ...creds, serverUrl: 'http://192.168.1.20:5984' };
    await expect(store.save(lan)).rejects.toThrow(/unencrypted/);
    await expect(store.save({ ...lan, plaintextConfirmed: false })).rejects.toThrow(/Send my password unencrypted/);
    expect(existsSync(file)).toBe(false);
    const account = await store.save({ ...lan, plaintextConfirmed: true });
    expect(account.plaintextConfirmed).toBe(true);
    const reopened = new CredentialStore({ file, safeStorage: safe, platform: 'darwin' });
    expect(await reopened.getCredentials()).toMatchObject({ serverUrl: 'http://192.168.1.20:5984', plaintextConfirmed: true });
    // Loopback and https need no confirmation.
    await expect(store.save({ ...creds, serverUrl: 'http://127.0.0.1:5984' })).resolves.toMatchObject({ hasPassword: true });
    await expect(store.save({ ...creds, serverUrl: 'http://localhost:5984' })).resolves.toMatchObject({ hasPassword: true });
    await expect(store.save({ ...creds, serverUrl: 'http://[::1]:5984' })).resolves.toMatchObject({ hasPassword: true });
  });

  it('a password that can no longer be decrypted (keychain reset) reads as "no password"', async () => {
    await new CredentialStore({ file, safeStorage: fakeSafeStorage(), platform: 'darwin' }).save(creds);
    const otherKeychain = new CredentialStore({ file, safeStorage: fakeSafeStorage(), platform: 'darwin' });
    expect(await otherKeychain.getAccount()).toMatchObject({ username: 'ana.tutor', hasPassword: false });
    expect(await otherKeychain.getCredentials()).toBeNull();
  });

  it('clear() removes the file; a corrupt file reads as empty', async () => {
    const store = new CredentialStore({ file, safeStorage: fakeSafeStorage(), platform: 'darwin' });
    await store.save(creds);
    await store.clear();
    expect(existsSync(file)).toBe(false);
    expect(await store.getAccount()).toBeNull();
    await writeFile(file, '{not json');
    expect(await new CredentialStore({ file, safeStorage: fakeSafeStorage(), platform: 'darwin' }).getAccount()).toBeNull();
  });

  it('validates the credentials and refuses a password hidden in the server address', async () => {
    const store = new CredentialStore({ file, safeStorage: fakeSafeStorage(), platform: 'darwin' });
    await expect(store.save({ ...creds, serverUrl: 'https://ana:pw@couch.example.org' })).rejects.toThrow(/own fields/);
    await expect(store.save({ ...creds, practice: 'Not Valid' })).rejects.toThrow();
    expect(existsSync(file)).toBe(false);
  });

  it('normalizes server addresses', () => {
    expect(normalizeServerUrl('https://couch.example.org/')).toBe('https://couch.example.org');
    expect(normalizeServerUrl('http://127.0.0.1:5984/prefix//?x=1#y')).toBe('http://127.0.0.1:5984/prefix');
    expect(() => normalizeServerUrl('file:///etc')).toThrow();
  });
});

describe('PracticeKeyStore (end-to-end encryption keys)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'td-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const key = { practice: 'demo', keyId: '0123456789abcdef', key: Buffer.alloc(64, 7).toString('base64') };

  it('keeps a key encrypted with the OS keychain across restarts, and forgets it', async () => {
    const { PracticeKeyStore } = await import('../../../src-main/practice-keys');
    const safe = fakeSafeStorage();
    const file = join(dir, 'practice-keys.json');
    expect(await new PracticeKeyStore({ file, safeStorage: safe, platform: 'darwin' }).keep(key)).toBe('stored');
    expect(await readFile(file, 'utf8')).not.toContain(key.key);
    const again = new PracticeKeyStore({ file, safeStorage: safe, platform: 'darwin' });
    expect(await again.load('demo')).toEqual(key);
    await again.forget('demo');
    expect(await new PracticeKeyStore({ file, safeStorage: safe, platform: 'darwin' }).load('demo')).toBeNull();
  });

  it('without a real keychain keeps the key for this session only, and refuses malformed keys', async () => {
    const { PracticeKeyStore } = await import('../../../src-main/practice-keys');
    const safe = fakeSafeStorage({ backend: 'basic_text' });
    const file = join(dir, 'practice-keys.json');
    const store = new PracticeKeyStore({ file, safeStorage: safe, platform: 'linux' });
    expect(await store.keep(key)).toBe('session');
    expect(await store.load('demo')).toEqual(key);
    expect(await readFile(file, 'utf8')).not.toContain(key.key);
    expect(await new PracticeKeyStore({ file, safeStorage: safe, platform: 'linux' }).load('demo')).toBeNull();
    await expect(store.keep({ ...key, key: 'short' })).rejects.toThrow();
  });
});

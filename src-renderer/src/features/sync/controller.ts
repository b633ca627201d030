/**
 * The sync feature's one long-lived object per database: it reads the saved account at start-up
 * and starts replication when there is one, connects and disconnects from the settings screen,
 * runs "Test connection" and "Sync now" (also from the menu), and publishes a snapshot for the
 * top-bar indicator and the sync screen (`useSyncExternalStore`).
 *
 * Credentials go only through the host bridge (`getBridge().sync`): in the desktop app the main
 * process keeps them encrypted with the OS keychain and adds the password to every request; the
 * browser build's bridge keeps them in memory until the tab closes. They are never written to
 * RxDB, localStorage or anything else in the renderer. Replication HTTP always goes through
 * `bridge.sync.fetch`, in both builds, and the network state comes from the bridge's online
 * events (`bridgeOnlineSource`): the data layer's sync client is given both.
 */
import type { AppInfo, SyncAccount, SyncCredentials, TutorBridge } from '../../../../src-shared/bridge';
import { COLLECTION_NAMES, type CollectionName } from '../../../../src-shared/model/schemas';
import type { TutorDatabase } from '../../data';
import {
  checkPracticeRules,
  startSync,
  testConnection,
  type ConnectionTestResult,
  type OnlineSource,
  type PracticeRulesCheck,
  type SyncHandle,
  type SyncErrorKind,
  type SyncStatus,
} from '../../data';
import { getBridge } from '../../platform/bridge';
import { windowBackupPlatform } from '../../platform/web-crypto';
import { PracticeKeyring, type KeyringState, type KeyVault } from '../../data';
import { PRACTICE_SETTINGS_ID } from '../../../../src-shared/model/types';
import { changePracticePassphrase, createPracticeEncryption, type PracticeEncryption } from '../../../../src-shared/sync/encryption';
import { REFUSE_TO_CONNECT, cleanConnectionForm, sameAccount, type ConnectionForm, type SyncPhase } from './describe';

export interface SyncSnapshot {
  phase: SyncPhase;
  account: SyncAccount | null;
  /** The replication status while `phase === 'on'`, else null. */
  status: SyncStatus | null;
  platform: 'electron' | 'browser' | null;
  /** The desktop app's credentials are protected by the OS keychain. */
  secureStorage: boolean;
  /** How the host would keep a password (AppInfo.passwordStorage); null until known. */
  passwordStorage: AppInfo['passwordStorage'] | null;
  /** A connect / disconnect / test is running. */
  busy: '' | 'test' | 'connect' | 'disconnect';
  /** End-to-end encryption on this laptop (data/sync/keyring.ts); 'off' until the practice turns it on. */
  encryption: KeyringState;
  /** The practice's encryption settings (never the key), when on. */
  encryptionSettings: PracticeEncryption | null;
}

export type ConnectOutcome = ConnectionTestResult & { started: boolean };

/** Online state from the host bridge (Electron's `net.isOnline` and online events, or the browser's). */
export function bridgeOnlineSource(bridge: Pick<TutorBridge, 'isOnline' | 'onEvent'>): OnlineSource {
  return {
    isOnline: () => bridge.isOnline(),
    subscribe: (listener) => bridge.onEvent((e) => e.type === 'online-changed' && listener(Boolean(e.online))),
  };
}

type Listener = () => void;

export class SyncController {
  private snapshot: SyncSnapshot = {
    phase: 'loading',
    account: null,
    status: null,
    platform: null,
    secureStorage: false,
    passwordStorage: null,
    busy: '',
    encryption: 'off',
    encryptionSettings: null,
  };
  private keyring: PracticeKeyring | null = null;
  private keyringSubs: (() => void)[] = [];
  private readonly listeners = new Set<Listener>();
  private handle: SyncHandle | null = null;
  private starting: Promise<void> | null = null;
  private initialised: Promise<void> | null = null;
  private unsubscribeMenu: (() => void) | null = null;
  private generation = 0;

  constructor(
    private readonly db: TutorDatabase,
    private readonly bridge: TutorBridge = getBridge(),
    private readonly options: { collections?: readonly CollectionName[] } = {},
  ) {}

  // ---- store -------------------------------------------------------------------------------
  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getSnapshot = (): SyncSnapshot => this.snapshot;
  private set(patch: Partial<SyncSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  // ---- start-up ------------------------------------------------------------------------------
  /** Reads the saved account and starts syncing when there is one. Safe to call many times. */
  init(): Promise<void> {
    if (!this.initialised) {
      this.initialised = (async () => {
        this.unsubscribeMenu = this.bridge.onEvent((e) => {
          if (e.type === 'menu' && e.command === 'sync-now') void this.syncNow();
        });
        const [info, account] = await Promise.all([
          this.bridge.appInfo().catch(() => null),
          this.bridge.sync.getAccount().catch(() => null),
        ]);
        this.set({
          platform: info?.platform ?? null,
          secureStorage: info?.secureStorage ?? false,
          passwordStorage: info?.passwordStorage ?? null,
          account,
        });
        if (account && account.hasPassword) await this.start(account);
        else this.set({ phase: account ? 'needs-password' : 'off' });
      })().catch((e: unknown) => {
        console.error('Sync could not start', e);
        this.set({ phase: 'off' });
      });
    }
    return this.initialised;
  }

  private identityApplied = false;

  /**
   * A computer nobody has claimed yet ("I am" empty in Settings) records its changes as the staff
   * member the server links to the sync user (role tutordesk-<p>-staff:<id>).
   */
  private async adoptIdentity(staffId: string): Promise<void> {
    try {
      const device = (await this.db.getLocal<{ deviceId: string; meStaffId: string }>('device'))?.toJSON().data;
      if (device && !device.meStaffId) await this.db.upsertLocal('device', { ...device, meStaffId: staffId });
    } catch (e) {
      console.error('Could not record who uses this computer', e);
    }
  }

  private pendingStatus: SyncStatus | null = null;
  private statusTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Publishes a replication status to the UI. A first sync reports every document received; the
   * UI is re-rendered at most every 150 ms for such count-only changes, at once for a new state.
   */
  private publishStatus(status: SyncStatus): void {
    if (status.identity?.staffId && !this.identityApplied) {
      this.identityApplied = true;
      void this.adoptIdentity(status.identity.staffId);
    }
    const shown = this.snapshot.status;
    const urgent =
      !shown ||
      shown.state !== status.state ||
      shown.error?.kind !== status.error?.kind ||
      shown.conflicts !== status.conflicts ||
      shown.quarantined !== status.quarantined;
    if (urgent) {
      if (this.statusTimer) clearTimeout(this.statusTimer);
      this.statusTimer = null;
      this.pendingStatus = null;
      this.set({ status });
      return;
    }
    this.pendingStatus = status;
    if (!this.statusTimer) {
      this.statusTimer = setTimeout(() => {
        this.statusTimer = null;
        const s = this.pendingStatus;
        this.pendingStatus = null;
        if (s) this.set({ status: s });
      }, 150);
    }
  }

  /** Requests to the sync server go through the host, which adds the stored credentials. */
  private readonly request = (req: Parameters<TutorBridge['sync']['fetch']>[0]) => this.bridge.sync.fetch(req);

  private async start(account: SyncAccount): Promise<void> {
    await this.stopHandle();
    const gen = ++this.generation;
    this.identityApplied = false;
    this.set({ phase: 'on', account, status: null });
    const keyring = this.keyringFor(account.practice);
    const run = (async () => {
      const handle = await startSync({
        keyring,
        db: this.db,
        serverUrl: account.serverUrl,
        practice: account.practice,
        request: this.request,
        online: bridgeOnlineSource(this.bridge),
        ...(this.options.collections ? { collections: this.options.collections } : {}),
        onStatus: (status) => {
          if (gen === this.generation) this.publishStatus(status);
        },
      });
      if (gen !== this.generation) {
        await handle.stop();
        return;
      }
      this.handle = handle;
      this.set({ status: handle.status() });
    })();
    const tracked: Promise<void> = run.finally(() => {
      if (this.starting === tracked) this.starting = null;
    });
    this.starting = tracked;
    await run;
  }

  /** The practice key of this laptop: kept by the host, learned from the local practice settings. */
  private keyringFor(practice: string): PracticeKeyring {
    if (this.keyring?.practice === practice) return this.keyring;
    for (const off of this.keyringSubs.splice(0)) off();
    const bridge = this.bridge;
    const vault: KeyVault = {
      keep: async (p, keyId, key) => void (await bridge.sync.keepPracticeKey({ practice: p, keyId, key })),
      load: async (p) => {
        const kept = await bridge.sync.loadPracticeKey(p);
        return kept ? { keyId: kept.keyId, key: kept.key } : null;
      },
      forget: (p) => bridge.sync.forgetPracticeKey(p),
    };
    const keyring = new PracticeKeyring(practice, windowBackupPlatform, vault);
    this.keyring = keyring;
    const publish = () => this.set({ encryption: keyring.state(), encryptionSettings: keyring.encryption() });
    this.keyringSubs.push(keyring.onChange(publish));
    const sub = this.db.settings.findOne(PRACTICE_SETTINGS_ID).$.subscribe((doc) => {
      void keyring.learn((doc?.toJSON() as { encryption?: PracticeEncryption } | undefined)?.encryption).then(publish);
    });
    this.keyringSubs.push(() => sub.unsubscribe());
    return keyring;
  }

  /** Unlocks the practice key on this laptop with the passphrase, then syncs (EncryptionError when wrong). */
  async unlockEncryption(passphrase: string): Promise<void> {
    if (!this.keyring) throw new Error('Connect this computer to the practice first.');
    await this.keyring.unlock(passphrase);
    await this.syncNow();
  }

  /**
   * Turns end-to-end encryption on (a practice admin): a new practice key, wrapped under the
   * passphrase, saved in the practice settings (`save`), then every record the server still holds
   * in clear is written again encrypted. Returns how many were.
   */
  async enableEncryption(
    passphrase: string,
    save: (encryption: PracticeEncryption) => Promise<unknown>,
  ): Promise<{ written: number; remaining: number }> {
    if (!this.keyring || !this.handle) throw new Error('Connect this computer to the practice first.');
    if (this.keyring.state() !== 'off') throw new Error('This practice already encrypts its records.');
    const { key, settings } = await createPracticeEncryption(passphrase, windowBackupPlatform, { now: new Date() });
    await this.keyring.adopt(settings, key);
    await save(settings);
    await this.handle.syncNow({ timeoutMs: 30_000 });
    return this.handle.encryptServerRecords();
  }

  /** A new passphrase for the same practice key (the current one is checked first). */
  async changeEncryptionPassphrase(
    current: string,
    next: string,
    save: (encryption: PracticeEncryption) => Promise<unknown>,
  ): Promise<void> {
    const settings = this.keyring?.encryption();
    if (!this.keyring || !settings) throw new Error('This practice does not encrypt its records.');
    const changed = await changePracticePassphrase(settings, current, next, windowBackupPlatform, { now: new Date() });
    await save(changed);
    await this.keyring.learn(changed);
    if (this.handle) await this.handle.syncNow({ timeoutMs: 30_000 });
  }

  private async stopHandle(): Promise<void> {
    this.generation++;
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    this.pendingStatus = null;
    if (this.starting) await this.starting.catch(() => undefined);
    const h = this.handle;
    this.handle = null;
    if (h) await h.stop().catch(() => undefined);
  }

  // ---- actions --------------------------------------------------------------------------------

  /** Polls and pushes now; starts the sync again after an error that stopped it. */
  async syncNow(): Promise<SyncStatus | null> {
    await this.init();
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.handle) return this.handle.syncNow({ timeoutMs: 30_000 });
    const account = this.snapshot.account;
    if (account?.hasPassword) {
      await this.start(account);
      return this.snapshot.status;
    }
    return null;
  }

  async retryQuarantined(collection: CollectionName, docId: string): Promise<boolean> {
    if (!this.handle) return false;
    await this.handle.retryQuarantined(collection, docId);
    return true;
  }

  /**
   * "Test connection". With an empty password and the saved account's details, the saved
   * credentials are tested. Otherwise the details have to be handed to the host first (only
   * it makes requests): a running sync is stopped, the credentials are saved, tested, and
   * removed again unless this computer was already connected (then they replace the old ones
   * and the sync restarts with them; a failure shows in the status).
   */
  async test(input: ConnectionForm): Promise<ConnectionTestResult> {
    await this.init();
    const form = cleanConnectionForm(input);
    this.set({ busy: 'test' });
    try {
      const saved = this.snapshot.account;
      if (!form.password && saved?.hasPassword && sameAccount(form, saved)) {
        return await testConnection({
          serverUrl: saved.serverUrl,
          practice: saved.practice,
          request: this.request,
          ...this.collectionsOption(),
        });
      }
      const wasConnected = saved !== null;
      await this.stopHandle();
      let account: SyncAccount;
      try {
        account = await this.bridge.sync.saveCredentials(form as SyncCredentials);
      } catch (e) {
        if (wasConnected && saved?.hasPassword) await this.start(saved);
        return { ok: false, kind: 'not-configured', message: hostError(e), action: 'Correct the details and try again.' };
      }
      const result = await testConnection({
        serverUrl: account.serverUrl,
        practice: account.practice,
        request: this.request,
        ...this.collectionsOption(),
      });
      if (!wasConnected) {
        await this.bridge.sync.clearCredentials();
        this.set({ phase: 'off', account: null, status: null });
      } else {
        // The new details replaced the old ones: sync with them (a failure shows in the status).
        await this.start(account);
      }
      return result;
    } finally {
      this.set({ busy: '' });
    }
  }

  /**
   * "Connect": saves the credentials through the host, tests them, and starts syncing. Details
   * the server rejects (wrong password, not a member, practice missing, TLS) are not kept. When
   * the server merely cannot be reached now, the account is kept and sync starts: it connects by
   * itself when the server is back.
   */
  async connect(input: ConnectionForm): Promise<ConnectOutcome> {
    return this.connectWith(input, (kind) => REFUSE_TO_CONNECT.has(kind));
  }

  /**
   * "Join an existing practice" (the first-run screen): like Connect, but the details are kept
   * and the sync started only when the test succeeds, whatever went wrong (an unreachable server
   * included): the person is there to receive the practice now. Nothing is written before: the
   * sync starts on an empty database, so the first thing it does is pull the practice.
   */
  async join(input: ConnectionForm): Promise<ConnectOutcome> {
    return this.connectWith(input, () => true);
  }

  private async connectWith(input: ConnectionForm, refuse: (kind: SyncErrorKind) => boolean): Promise<ConnectOutcome> {
    await this.init();
    const form = cleanConnectionForm(input);
    this.set({ busy: 'connect' });
    try {
      const saved = this.snapshot.account;
      await this.stopHandle();
      let account: SyncAccount;
      if (!form.password && saved?.hasPassword && sameAccount(form, saved)) {
        account = saved;
      } else {
        try {
          account = await this.bridge.sync.saveCredentials(form as SyncCredentials);
        } catch (e) {
          if (saved?.hasPassword) await this.start(saved);
          return { ok: false, kind: 'not-configured', message: hostError(e), action: 'Correct the details and try again.', started: false };
        }
      }
      const result = await testConnection({
        serverUrl: account.serverUrl,
        practice: account.practice,
        request: this.request,
        ...this.collectionsOption(),
      });
      if (!result.ok && refuse(result.kind)) {
        await this.bridge.sync.clearCredentials();
        this.set({ phase: 'off', account: null, status: null });
        return { ...result, started: false };
      }
      await this.start(account);
      return { ...result, started: true };
    } finally {
      this.set({ busy: '' });
    }
  }

  /** Compares the practice's rules (and `_security` where readable) on the server with this version's (a practice admin's check). */
  async checkRules(practice: string): Promise<PracticeRulesCheck> {
    return checkPracticeRules(this.request, practice, this.collectionsOption().collections ?? COLLECTION_NAMES);
  }

  /** "Disconnect": stops syncing and forgets the credentials. Local data stays. */
  async disconnect(): Promise<void> {
    this.set({ busy: 'disconnect' });
    try {
      await this.stopHandle();
      await this.bridge.sync.clearCredentials();
      this.set({ phase: 'off', account: null, status: null });
    } finally {
      this.set({ busy: '' });
    }
  }

  /** Stops syncing (the app is closing, or tests). */
  async dispose(): Promise<void> {
    this.unsubscribeMenu?.();
    await this.stopHandle();
  }

  /** The running replication (tests and benchmarks). */
  get running(): SyncHandle | null {
    return this.handle;
  }

  private collectionsOption(): { collections?: readonly CollectionName[] } {
    return this.options.collections ? { collections: this.options.collections } : {};
  }
}

function hostError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // Electron wraps errors of ipcMain handlers: "Error invoking remote method '…': Error: <message>".
  return m.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}

const controllers = new WeakMap<TutorDatabase, SyncController>();

/** The controller of a database (one per app). */
export function syncControllerFor(db: TutorDatabase): SyncController {
  let c = controllers.get(db);
  if (!c) {
    c = new SyncController(db);
    controllers.set(db, c);
  }
  return c;
}

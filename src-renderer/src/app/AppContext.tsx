import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MangoQuery, RxCollection } from 'rxdb';
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { CollectionName } from '../../../src-shared/model/schemas';
import { PRACTICE_SETTINGS_ID, type PracticeSettings, type Staff } from '../../../src-shared/model/types';
import type { TutorDatabase } from '../data';
import { localDoc$ } from '../data';
import { saveDoc, watchCollection, type DocOf, type ValuesOf } from '../data';
import { foregroundLoad, whenStarted } from './startup';
import {
  resolvePracticeLocale,
  practiceFormat,
  type PracticeFormat,
  type ResolvedLocale,
} from '../../../src-shared/locale/practice-locale';
import { decide, type Action, type Decision, type InvoiceAction, type PracticeRole } from '../../../src-shared/sync/permissions';

/** Device-local facts, stored as an RxDB local document: never replicated. */
export interface DeviceInfo {
  deviceId: string;
  meStaffId: string;
}

export interface AppServices {
  db: TutorDatabase;
  device: DeviceInfo;
  /**
   * The practice settings, with `locale` RESOLVED (docs/billing.md "One locale for the
   * practice"): the locale the practice chose, or, when it chose none (`''`), the system's
   * languages put in the practice's country. Every screen and export formats with it.
   */
  settings: PracticeSettings | null;
  /** What the practice stored in `settings.locale` ('' = follow the system): for the Settings form only. */
  chosenLocale: string;
  /** Where the resolved locale comes from. */
  localeSource: ResolvedLocale['source'];
  /** The practice's formatters (`practiceFormat` of the resolved locale, zone and currency). */
  format: PracticeFormat;
  me: Staff | null;
  ctx(): ChangeContext;
  save<C extends CollectionName>(collection: C, id: string | undefined, values: Partial<ValuesOf<C>>): Promise<DocOf<C>>;
  setMe(staffId: string): Promise<void>;
}

const Ctx = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApp outside AppProvider');
  return v;
}

/** The system's languages, most preferred first (the browser's, which Electron takes from the OS). */
export function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

/** The locale a practice with no settings yet would get (before the welcome screen). */
function systemLocale(): string {
  return resolvePracticeLocale({ systemLanguages: systemLanguages() }).locale;
}

export async function loadDevice(db: TutorDatabase): Promise<DeviceInfo> {
  const existing = await db.getLocal<DeviceInfo>('device');
  if (existing) return existing.toJSON().data as DeviceInfo;
  const device: DeviceInfo = { deviceId: crypto.randomUUID(), meStaffId: '' };
  await db.upsertLocal('device', device);
  return device;
}

export function AppProvider({ db, initialDevice, children }: { db: TutorDatabase; initialDevice: DeviceInfo; children: ReactNode }) {
  const [device, setDevice] = useState(initialDevice);
  const [settings, setSettings] = useState<PracticeSettings | null>(null);
  const [settingsLoaded, setSettingsLoaded] = useState(false);
  const [me, setMeDoc] = useState<Staff | null>(null);

  useEffect(() => {
    const sub = db.settings.findOne(PRACTICE_SETTINGS_ID).$.subscribe((doc) => {
      setSettings(doc ? (doc.toJSON() as PracticeSettings) : null);
      setSettingsLoaded(true);
    });
    return () => sub.unsubscribe();
  }, [db]);

  useEffect(() => {
    const sub = localDoc$(db, 'device').subscribe((d) => {
      if (d) setDevice(d.toJSON().data as DeviceInfo);
    });
    return () => sub.unsubscribe();
  }, [db]);

  useEffect(() => {
    if (!device.meStaffId) {
      setMeDoc(null);
      return;
    }
    const sub = db.staff.findOne(device.meStaffId).$.subscribe((doc) => setMeDoc(doc ? (doc.toJSON() as Staff) : null));
    return () => sub.unsubscribe();
  }, [db, device.meStaffId]);

  const resolved = useMemo(() => {
    if (!settings) return null;
    const r = resolvePracticeLocale({
      chosen: settings.locale,
      systemLanguages: systemLanguages(),
      currency: settings.currency,
      timeZone: settings.timeZone,
    });
    return { ...r, settings: r.locale === settings.locale ? settings : { ...settings, locale: r.locale } };
  }, [settings]);

  const services = useMemo<AppServices>(() => {
    const ctx = (): ChangeContext => ({ staffId: device.meStaffId || 'unknown', deviceId: device.deviceId, now: new Date() });
    return {
      db,
      device,
      settings: resolved?.settings ?? null,
      chosenLocale: settings?.locale ?? '',
      localeSource: resolved?.source ?? 'default',
      format: resolved
        ? practiceFormat(resolved.locale, resolved.settings.timeZone, resolved.settings.currency)
        : practiceFormat(systemLocale(), 'UTC', 'GBP'),
      me,
      ctx,
      save: (collection, id, values) => saveDoc(db, collection, id, values, ctx()),
      setMe: async (staffId) => {
        await db.upsertLocal('device', { ...device, meStaffId: staffId });
      },
    };
  }, [db, device, settings, resolved, me]);

  if (!settingsLoaded) return null;
  return <Ctx.Provider value={services}>{children}</Ctx.Provider>;
}

export interface Permissions {
  /** The role the permission table applies to on this computer. */
  role: PracticeRole;
  /** The staff record of this computer's user ('' when none is chosen). */
  staffId: string;
  /** The table's answer (src-shared/sync/permissions.ts `decide`), with the reason to show when not allowed. */
  decide(collection: CollectionName, action: Action | InvoiceAction, doc?: object | null): Decision;
}

/**
 * What this computer's user may do, from the same permission table the server rules are generated
 * from. The role is the one of the staff record chosen in Settings → This computer ("I am"; the
 * sync connection picks it from the server's staff link): a tutor gets the tutor column; an
 * administrator, or nobody chosen yet (a practice only on this computer: its owner), the admin
 * column. The server decides by the user's server roles whatever the UI shows.
 */
export function rolePermissions(me: Pick<Staff, 'id' | 'role'> | null): Permissions {
  const role: PracticeRole = me?.role === 'tutor' ? 'tutor' : 'admin';
  const staffId = me?.id ?? '';
  return {
    role,
    staffId,
    decide: (collection, action, doc) =>
      decide(role, collection, action, { doc: (doc ?? null) as Record<string, unknown> | null, staffId }),
  };
}

export function usePermissions(): Permissions {
  const { me } = useApp();
  return useMemo(() => rolePermissions(me), [me]);
}

/**
 * Some seconds after the opened screen has painted, when the page is idle: a mirror that started
 * from a snapshot checks it against the storage then (data/collection-mirror.ts), not while the
 * user's first clicks and keystrokes need the thread.
 */
const VERIFY_AFTER_MS = 5_000;
let afterStartUpPromise: Promise<void> | null = null;
function afterStartUp(): Promise<void> {
  afterStartUpPromise ??= whenStarted()
    .then(() => new Promise<void>((resolve) => setTimeout(resolve, VERIFY_AFTER_MS)))
    .then(
      () =>
        new Promise<void>((resolve) =>
          typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: VERIFY_AFTER_MS }) : resolve(),
        ),
    );
  return afterStartUpPromise;
}

/**
 * Live query: re-renders when the result changes. Returns plain JSON documents and whether the
 * first result has arrived. Until every mounted screen's first results are painted, background
 * start-up work waits (app/startup.ts).
 */
export function useLiveQuery<C extends CollectionName>(
  collection: C,
  query: MangoQuery<DocOf<C>> = {},
  deps: unknown[] = [],
  /**
   * False: do not query yet (stays loading). A screen that needs two large collections reads
   * them one after the other: two RxDB queries over IndexedDB at once take longer than both in
   * turn (10,000 students and their families: ~1.4 s at once, ~0.95 s in turn).
   */
  enabled = true,
): { docs: DocOf<C>[]; loading: boolean } {
  const { db } = useApp();
  const [state, setState] = useState<{ docs: DocOf<C>[]; loading: boolean }>({ docs: [], loading: true });
  useEffect(() => {
    // Waiting to start is part of loading the screen (app/startup.ts).
    if (!enabled) return foregroundLoad();
    // Background start-up work waits for this first result (app/startup.ts).
    const loaded = foregroundLoad();
    // A whole collection starts from its snapshot when it has one (data/snapshots.ts).
    if (Object.keys(query).length === 0) {
      const stop = watchCollection<DocOf<C>>(
        db,
        db.collections[collection] as unknown as RxCollection,
        (docs) => {
          setState({ docs, loading: false });
          loaded();
        },
        { verifyAfter: afterStartUp() },
      );
      return () => {
        stop();
        loaded();
      };
    }
    const coll = db.collections[collection] as unknown as {
      find(q: unknown): { $: { subscribe(cb: (docs: { toJSON(): unknown }[]) => void): { unsubscribe(): void } } };
    };
    const sub = coll.find(query).$.subscribe((docs) => {
      setState({ docs: docs.map((d) => d.toJSON() as DocOf<C>), loading: false });
      loaded();
    });
    return () => {
      sub.unsubscribe();
      loaded();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [db, collection, enabled, ...deps]);
  return state;
}

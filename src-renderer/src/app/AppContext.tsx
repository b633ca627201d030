import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MangoQuery } from 'rxdb';
import type { ChangeContext } from '../../../src-shared/model/meta';
import type { CollectionName } from '../../../src-shared/model/schemas';
import { PRACTICE_SETTINGS_ID, type PracticeSettings, type Staff } from '../../../src-shared/model/types';
import type { TutorDatabase } from '../data';
import { localDoc$ } from '../data';
import { saveDoc, type DocOf, type ValuesOf } from '../data';
import { foregroundLoad } from './startup';

/** Device-local facts, stored as an RxDB local document: never replicated. */
export interface DeviceInfo {
  deviceId: string;
  meStaffId: string;
}

export interface AppServices {
  db: TutorDatabase;
  device: DeviceInfo;
  settings: PracticeSettings | null;
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

  const services = useMemo<AppServices>(() => {
    const ctx = (): ChangeContext => ({ staffId: device.meStaffId || 'unknown', deviceId: device.deviceId, now: new Date() });
    return {
      db,
      device,
      settings,
      me,
      ctx,
      save: (collection, id, values) => saveDoc(db, collection, id, values, ctx()),
      setMe: async (staffId) => {
        await db.upsertLocal('device', { ...device, meStaffId: staffId });
      },
    };
  }, [db, device, settings, me]);

  if (!settingsLoaded) return null;
  return <Ctx.Provider value={services}>{children}</Ctx.Provider>;
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
    const coll = db.collections[collection] as unknown as { find(q: unknown): { $: { subscribe(cb: (docs: { toJSON(): unknown }[]) => void): { unsubscribe(): void } } } };
    // Background start-up work waits for this first result (app/startup.ts).
    const loaded = foregroundLoad();
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

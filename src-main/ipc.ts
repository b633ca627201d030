/**
 * The IPC side of the bridge: one `ipcMain.handle` per TutorBridge method (channel names from
 * src-shared/bridge.ts IPC). Every call is checked twice before it reaches a service:
 * 1. the sender must be the top frame of one of our windows, showing our app page;
 * 2. the arguments must match the bridge's zod schemas (otherwise the call is rejected with an
 *    error naming the channel and each invalid field).
 */
import { z } from 'zod';
import {
  AutoBackupNameSchema,
  AutoBackupRequestSchema,
  ExternalUrlSchema,
  IPC,
  NotificationRequestSchema,
  OpenFileRequestSchema,
  PdfRequestSchema,
  SaveFileRequestSchema,
  SavePdfBatchRequestSchema,
  SavePdfRequestSchema,
  SyncCredentialsSchema,
  SyncFetchRequestSchema,
  PracticeKeySchema,
  PracticeIdSchema,
  type HostEvent,
  type TutorBridge,
} from '../src-shared/bridge';
import { OutgoingMailSchema, SmtpSettingsSchema, TestMailRequestSchema } from '../src-shared/mail/contract';
import type { AppUrlPolicy } from './app-url';
import { isSafeExternalUrl } from './security';

/** What the handlers delegate to: the bridge minus the event subscription. */
export type HostServices = Omit<TutorBridge, 'onEvent'>;

export interface IpcEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export class IpcRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcRefusedError';
  }
}

/**
 * Accepts only the top frame of an allowed webContents (our main window) whose URL is the app
 * page. A frame that navigated away (blocked anyway), an iframe or any other window is refused.
 */
export function createSenderCheck(policy: AppUrlPolicy, isOurWebContents: (id: number) => boolean) {
  return (event: IpcEventLike): boolean => {
    const frame = event.senderFrame;
    if (!frame) return false;
    if (frame.parent !== null && frame.parent !== undefined) return false;
    return isOurWebContents(event.sender.id) && policy.isAppPage(frame.url);
  };
}

const SafeExternalUrl = ExternalUrlSchema.refine(isSafeExternalUrl, 'This link cannot be opened');
const none = z.tuple([]);
const one = <T extends z.ZodType>(schema: T) => z.tuple([schema]);

type Route = { args: z.ZodType<unknown[]>; call: (services: HostServices, args: never[]) => unknown };
const route = <A extends unknown[]>(args: z.ZodType<A>, call: (services: HostServices, args: A) => unknown): Route =>
  ({ args, call }) as unknown as Route;

/** The table of channels: argument schema and the service each one calls. */
export const ROUTES: Record<Exclude<keyof typeof IPC, 'event'>, Route> = {
  appInfo: route(none, (s) => s.appInfo()),
  saveFile: route(one(SaveFileRequestSchema), (s, [r]) => s.saveFile(r)),
  openFile: route(one(OpenFileRequestSchema), (s, [r]) => s.openFile(r)),
  renderPdf: route(one(PdfRequestSchema), (s, [r]) => s.renderPdf(r)),
  savePdf: route(one(SavePdfRequestSchema), (s, [r]) => s.savePdf(r)),
  savePdfBatch: route(one(SavePdfBatchRequestSchema), (s, [r]) => s.savePdfBatch(r)),
  notify: route(one(NotificationRequestSchema), (s, [r]) => s.notify(r)),
  openExternal: route(one(SafeExternalUrl), (s, [u]) => s.openExternal(u)),
  isOnline: route(none, (s) => s.isOnline()),
  syncGetAccount: route(none, (s) => s.sync.getAccount()),
  syncSaveCredentials: route(one(SyncCredentialsSchema), (s, [c]) => s.sync.saveCredentials(c)),
  syncClearCredentials: route(none, (s) => s.sync.clearCredentials()),
  syncFetch: route(one(SyncFetchRequestSchema), (s, [r]) => s.sync.fetch(r)),
  syncKeepPracticeKey: route(one(PracticeKeySchema), (s, [k]) => s.sync.keepPracticeKey(k)),
  syncLoadPracticeKey: route(one(PracticeIdSchema), (s, [p]) => s.sync.loadPracticeKey(p)),
  syncForgetPracticeKey: route(one(PracticeIdSchema), (s, [p]) => s.sync.forgetPracticeKey(p)),
  backupsSaveAutomatic: route(one(AutoBackupRequestSchema), (s, [r]) => s.backups.saveAutomatic(r)),
  backupsListAutomatic: route(none, (s) => s.backups.listAutomatic()),
  backupsReadAutomatic: route(one(AutoBackupNameSchema), (s, [n]) => s.backups.readAutomatic(n)),
  mailAvailable: route(none, (s) => s.mail.available()),
  mailGetAccount: route(none, (s) => s.mail.getAccount()),
  mailSaveAccount: route(one(SmtpSettingsSchema), (s, [a]) => s.mail.saveAccount(a)),
  mailClearAccount: route(none, (s) => s.mail.clearAccount()),
  mailSendTest: route(one(TestMailRequestSchema), (s, [r]) => s.mail.sendTest(r)),
  mailSend: route(one(OutgoingMailSchema), (s, [m]) => s.mail.send(m)),
};

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      // Tuple index 0 is the single argument: show paths relative to it.
      const path = i.path.slice(i.path[0] === 0 ? 1 : 0).join('.');
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** Registers every handler; returns a function that removes them again. */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  services: HostServices,
  isTrustedSender: (event: IpcEventLike) => boolean,
): () => void {
  const channels: string[] = [];
  for (const [method, r] of Object.entries(ROUTES) as Array<[keyof typeof ROUTES, Route]>) {
    const channel = IPC[method];
    channels.push(channel);
    ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event)) throw new IpcRefusedError(`Refused ${channel}: the request does not come from the TutorDesk window.`);
      const parsed = r.args.safeParse(args);
      if (!parsed.success) throw new IpcRefusedError(`Invalid request for ${channel}: ${describeIssues(parsed.error)}`);
      return r.call(services, parsed.data as never[]);
    });
  }
  return () => {
    for (const c of channels) ipcMain.removeHandler(c);
  };
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, event: HostEvent): void;
}

/** Sends a HostEvent to the renderer (no-op when the window is gone). */
export function sendHostEvent(target: EventTarget | null | undefined, event: HostEvent): void {
  if (target && !target.isDestroyed()) target.send(IPC.event, event);
}

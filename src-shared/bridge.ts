/**
 * The one contract between the renderer and its host. Two implementations:
 * - src-main/preload.ts (Electron: IPC to the main process, which validates every payload with
 *   the schemas below), and
 * - src-renderer/src/platform/browser-bridge.ts (a plain browser: downloads instead of save
 *   dialogs, the Notification API, window.print for PDFs, …).
 * The renderer reaches the host only through `window.tutordesk` typed as `TutorBridge`.
 */
import { z } from 'zod';
import type { SyncFetchRequest, SyncFetchResponse } from './sync/http-contract';
import { checkTransport } from './sync/transport';
import type { MailAccount, MailSendResult, OutgoingMail, SmtpSettings, TestMailResult } from './mail/contract';

export const FileFilterSchema = z.object({
  name: z.string().min(1).max(100),
  extensions: z
    .array(z.string().regex(/^[a-z0-9]{1,10}$/i))
    .min(1)
    .max(10),
});
export type FileFilter = z.infer<typeof FileFilterSchema>;

const fileName = z
  .string()
  .min(1)
  .max(200)
  .refine((n) => !/[\\/:*?"<>|\u0000-\u001f]/.test(n), 'A file name may not contain / \\ : * ? " < > | or control characters');

export const SaveFileRequestSchema = z.object({
  suggestedName: fileName,
  filters: z.array(FileFilterSchema).max(10),
  /** Text content (UTF-8) or base64 for binary content. */
  content: z.string().max(200 * 1024 * 1024),
  encoding: z.enum(['utf8', 'base64']),
  mimeType: z.string().max(100),
});
export type SaveFileRequest = z.infer<typeof SaveFileRequestSchema>;

export type SaveFileResult = { saved: true; location: string } | { saved: false };

export const OpenFileRequestSchema = z.object({
  filters: z.array(FileFilterSchema).max(10),
  /** Refuse files larger than this many bytes. */
  maxBytes: z
    .number()
    .int()
    .positive()
    .max(100 * 1024 * 1024),
  /**
   * 'bytes': the file's bytes, base64 (`bytes`), for text whose encoding the caller detects (a CSV
   * from Excel may be Windows-1252 or UTF-16). Default 'text': decoded as UTF-8.
   */
  read: z.enum(['text', 'bytes']).optional(),
});
export type OpenFileRequest = z.infer<typeof OpenFileRequestSchema>;
export type OpenFileResult = { opened: true; name: string; text: string; bytes?: string } | { opened: false; error?: string };

export const PdfRequestSchema = z.object({
  html: z
    .string()
    .min(1)
    .max(50 * 1024 * 1024),
  pageSize: z.enum(['A4', 'Letter']),
  landscape: z.boolean(),
});
export type PdfRequest = z.infer<typeof PdfRequestSchema>;

export const SavePdfRequestSchema = PdfRequestSchema.extend({ suggestedName: fileName });
export type SavePdfRequest = z.infer<typeof SavePdfRequestSchema>;

export const SavePdfBatchRequestSchema = z.object({
  pageSize: z.enum(['A4', 'Letter']),
  files: z
    .array(
      z.object({
        name: fileName,
        html: z
          .string()
          .min(1)
          .max(50 * 1024 * 1024),
      }),
    )
    .min(1)
    .max(5000),
});
export type SavePdfBatchRequest = z.infer<typeof SavePdfBatchRequestSchema>;
export type SavePdfBatchResult = { saved: true; folder: string; count: number } | { saved: false };

export const NotificationRequestSchema = z.object({
  title: z.string().min(1).max(200),
  body: z.string().max(1000),
  /** An app route to open when the notification is clicked, e.g. '/schedule?date=2026-11-24'. */
  route: z.string().max(500).regex(/^\//).optional(),
});
export type NotificationRequest = z.infer<typeof NotificationRequestSchema>;

export const ExternalUrlSchema = z
  .string()
  .max(2000)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'https:' || p === 'http:' || p === 'mailto:' || p === 'tel:';
    } catch {
      return false;
    }
  }, 'Only http(s), mailto: and tel: links can be opened');

/** Sync credentials: handled only by the host; never stored in the renderer's database. */
export const SyncCredentialsSchema = z
  .object({
    serverUrl: z
      .string()
      .max(2000)
      .refine((u) => {
        try {
          const p = new URL(u).protocol;
          return p === 'https:' || p === 'http:';
        } catch {
          return false;
        }
      }, 'The server address must start with http:// or https://'),
    username: z.string().min(1).max(200),
    password: z.string().min(1).max(1000),
    practice: z.string().regex(/^[a-z][a-z0-9_-]{0,50}$/, 'A practice id uses lower-case letters, digits, - and _'),
    /**
     * The user ticked "Send my password unencrypted" for an `http://` address to another computer
     * (sync/transport.ts). Without it such an address is refused here, at the IPC boundary.
     */
    plaintextConfirmed: z.boolean().optional(),
    /**
     * Store the password although this computer can only obfuscate it (Linux `basic_text`
     * safeStorage backend). Without it the password is kept in memory for this session only.
     */
    storeWithoutKeychain: z.boolean().optional(),
  })
  .superRefine((c, ctx) => {
    const refusal = checkTransport(c.serverUrl, c.plaintextConfirmed);
    if (refusal) ctx.addIssue({ code: 'custom', path: ['serverUrl'], message: refusal });
  });
export type SyncCredentials = z.infer<typeof SyncCredentialsSchema>;

/** A practice's end-to-end encryption key as the host keeps it (src-shared/sync/encryption.ts). */
export const PracticeKeySchema = z.object({
  practice: z.string().regex(/^[a-z][a-z0-9_-]{0,50}$/),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** The 64-byte data key, base64. */
  key: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});
export type PracticeKey = z.infer<typeof PracticeKeySchema>;
export const PracticeIdSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,50}$/);
/**
 * The account as the renderer sees it (never the password). `passwordKept`: 'stored' on disk
 * (encrypted), 'session' in the host's memory until the app closes.
 */
export type SyncAccount = Omit<SyncCredentials, 'password' | 'storeWithoutKeychain'> & {
  hasPassword: boolean;
  passwordKept?: 'stored' | 'session';
};

/** Automatic backups (desktop only): files named after their instant, in the app's data folder. */
export const AUTO_BACKUP_NAME_RE = /^auto-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.tutordesk-backup$/;
export const AutoBackupRequestSchema = z.object({
  content: z
    .string()
    .min(1)
    .max(200 * 1024 * 1024),
  createdAt: z.string().datetime(),
});
export type AutoBackupRequest = z.infer<typeof AutoBackupRequestSchema>;
export const AutoBackupNameSchema = z.string().regex(AUTO_BACKUP_NAME_RE, 'Not the name of an automatic backup');
export interface AutoBackupInfo {
  name: string;
  createdAt: string;
  bytes: number;
}
export interface AutoBackupResult {
  saved: AutoBackupInfo;
  /** The older backups the rotation removed. */
  removed: string[];
}

/** Sync HTTP (`sync.fetch`): one contract for both hosts, in sync/http-contract.ts. */
export { SyncFetchRequestSchema, type SyncFetchRequest, type SyncFetchResponse } from './sync/http-contract';
export type HostEvent =
  { type: 'online-changed'; online: boolean } | { type: 'menu'; command: MenuCommand } | { type: 'navigate'; route: string };

export const MENU_COMMANDS = ['new-student', 'new-family', 'new-lesson', 'find', 'settings', 'sync-now', 'go-today'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface AppInfo {
  name: string;
  version: string;
  platform: 'electron' | 'browser';
  os: string;
  /** Whether credentials are protected by the OS keychain (Electron safeStorage). */
  secureStorage: boolean;
  /**
   * How a sync password would be kept: 'os-keychain' (encrypted by the OS), 'basic-text' (Linux
   * without a keyring: only obfuscated, stored only if the user opts in), 'unavailable' (no
   * encryption at all: session only), 'session' (the browser: in memory until the tab closes).
   */
  passwordStorage?: 'os-keychain' | 'basic-text' | 'unavailable' | 'session';
}

export interface TutorBridge {
  appInfo(): Promise<AppInfo>;
  saveFile(req: SaveFileRequest): Promise<SaveFileResult>;
  openFile(req: OpenFileRequest): Promise<OpenFileResult>;
  /** Renders HTML to a PDF and returns it base64-encoded (for previews and tests). */
  renderPdf(req: PdfRequest): Promise<string>;
  savePdf(req: SavePdfRequest): Promise<SaveFileResult>;
  savePdfBatch(req: SavePdfBatchRequest): Promise<SavePdfBatchResult>;
  notify(req: NotificationRequest): Promise<void>;
  openExternal(url: string): Promise<void>;
  isOnline(): Promise<boolean>;
  sync: {
    getAccount(): Promise<SyncAccount | null>;
    saveCredentials(creds: SyncCredentials): Promise<SyncAccount>;
    clearCredentials(): Promise<void>;
    fetch(req: SyncFetchRequest): Promise<SyncFetchResponse>;
    /**
     * The practice's end-to-end encryption key, once unlocked with the passphrase: the desktop app
     * keeps it encrypted with the OS keychain (like the sync password; for this session only where
     * the OS offers no protection), the browser for this tab. Never in the renderer's database.
     */
    keepPracticeKey(key: PracticeKey): Promise<'stored' | 'session'>;
    loadPracticeKey(practice: string): Promise<PracticeKey | null>;
    forgetPracticeKey(practice: string): Promise<void>;
  };
  /**
   * Automatic backups, kept by the desktop app in its data folder with a rotation (docs/backup.md).
   * The browser has no folder of its own: its implementation refuses with a message saying so.
   */
  backups: {
    saveAutomatic(req: AutoBackupRequest): Promise<AutoBackupResult>;
    listAutomatic(): Promise<AutoBackupInfo[]>;
    readAutomatic(name: string): Promise<string>;
  };
  /**
   * E-mail through the practice's own SMTP account (src-shared/mail/contract.ts, docs/email.md).
   * The desktop app sends; the browser cannot (its implementation says so: `available` false).
   */
  mail: {
    /** False in the browser: sending needs the desktop app. */
    available(): Promise<boolean>;
    getAccount(): Promise<MailAccount | null>;
    saveAccount(settings: SmtpSettings): Promise<MailAccount>;
    clearAccount(): Promise<void>;
    /** Sends a short test message to `to` and says exactly what went wrong if it fails. */
    sendTest(req: { to: string }): Promise<TestMailResult>;
    /** Sends one outbox message; the same `id` is never sent twice. */
    send(mail: OutgoingMail): Promise<MailSendResult>;
  };
  /** Subscribes to host events; returns an unsubscribe function. */
  onEvent(listener: (event: HostEvent) => void): () => void;
}

/** IPC channel names: one per bridge method (in their own zod-free module for the preload). */
export { IPC } from './ipc-channels';

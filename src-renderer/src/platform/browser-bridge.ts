/**
 * The TutorBridge for a plain browser (how the UI is tested end to end in Chromium, and a
 * fallback for a web build): downloads instead of save dialogs, a file input instead of the open
 * dialog, the Notification API, the browser's print dialog for PDFs. Sync credentials are kept
 * in memory only for the life of the tab (never in IndexedDB or localStorage); see docs/sync.md.
 *
 * Sync HTTP (`browserSyncFetch`) follows the same contract as the desktop app's main process
 * (src-shared/sync/http-contract.ts): allowed headers only, paths inside the configured server,
 * and a request that gets no answer comes back as status 0 with an error code and a sentence a
 * person can act on. A browser reports every such failure as "Failed to fetch"; this tells apart
 * what it can: offline (the browser's online flag), timeout (our own timer), CORS not set up for
 * this page's address (a `no-cors` probe of the server root gets an answer, so the server is
 * there but refuses to share its answers with this origin), and unreachable (the probe fails
 * too: server down, wrong address, or, for https, a certificate this browser does not trust —
 * a page cannot tell those apart). Where the runtime attaches error codes (Node, in tests), TLS
 * and the other causes are named exactly, as in main.
 */
import type {
  HostEvent,
  OpenFileRequest,
  OpenFileResult,
  SaveFileRequest,
  SaveFileResult,
  SyncAccount,
  SyncCredentials,
  SyncFetchRequest,
  SyncFetchResponse,
  TutorBridge,
} from '../../../src-shared/bridge';
import { ExternalUrlSchema, PracticeKeySchema, SyncCredentialsSchema, type PracticeKey } from '../../../src-shared/bridge';
import {
  HIDDEN_RESPONSE_HEADERS,
  SyncFetchRequestSchema,
  allowedRequestHeaders,
  basicAuthHeader,
  describeNetworkError,
  networkFailure,
  resolveSyncUrl,
} from '../../../src-shared/sync/http-contract';

import { MAIL_NEEDS_DESKTOP } from '../../../src-shared/mail/contract';
export { MAIL_NEEDS_DESKTOP };
const NO_AUTOMATIC_BACKUPS = 'Automatic backups need the TutorDesk desktop app; in the browser, use “Back up now” in Settings.';
import { checkTransport } from '../../../src-shared/sync/transport';

export type FetchFn = (input: URL, init?: RequestInit) => Promise<Response>;

export interface BrowserSyncEnv {
  fetch?: FetchFn;
  /** The browser's online flag (navigator.onLine). */
  isOnline?: () => boolean;
  /** This page's origin, named in the CORS advice. */
  origin?: string;
  /** A request with no complete answer after this long fails as a timeout. Default 60 s. */
  timeoutMs?: number;
}

class RequestTimeout extends Error {}

/**
 * One sync request with basic auth from the given credentials (see the file comment for how
 * failures are told apart).
 */
export async function browserSyncFetch(
  creds: Pick<SyncCredentials, 'serverUrl' | 'username' | 'password' | 'plaintextConfirmed'> | null,
  raw: SyncFetchRequest,
  env: BrowserSyncEnv = {},
): Promise<SyncFetchResponse> {
  const req = SyncFetchRequestSchema.parse(raw);
  if (!creds) return networkFailure('not-configured', 'No sync account is set up on this computer.');
  const refusal = checkTransport(creds.serverUrl, creds.plaintextConfirmed);
  if (refusal) return networkFailure('not-configured', refusal);
  const url = resolveSyncUrl(creds.serverUrl, req.path);
  const doFetch: FetchFn = env.fetch ?? ((i, n) => globalThis.fetch(i, n));
  const timeoutMs = env.timeoutMs ?? 60_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RequestTimeout()), timeoutMs);
  try {
    const res = await doFetch(url, {
      method: req.method,
      headers: { ...allowedRequestHeaders(req.headers), authorization: basicAuthHeader(creds.username, creds.password) },
      body: req.body ?? null,
      credentials: 'omit',
      signal: controller.signal,
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!HIDDEN_RESPONSE_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
    });
    return { status: res.status, statusText: res.statusText, headers, body: req.method === 'HEAD' ? '' : await res.text() };
  } catch (e) {
    if (controller.signal.aborted && controller.signal.reason instanceof RequestTimeout) {
      return networkFailure('timeout', `${url.host} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    }
    if (env.isOnline && !env.isOnline()) return networkFailure('offline', 'This computer is offline.');
    const known = describeNetworkError(e, url);
    if (known.code !== 'network') return networkFailure(known.code, known.statusText);
    return networkFailure(...(await probe(doFetch, creds.serverUrl, url, env.origin)));
  } finally {
    clearTimeout(timer);
  }
}

/** After a fetch failed without a cause: does the server answer at all (a `no-cors` request, which CORS does not stop)? */
async function probe(
  doFetch: FetchFn,
  serverUrl: string,
  url: URL,
  origin: string | undefined,
): Promise<Parameters<typeof networkFailure>> {
  const root = resolveSyncUrl(serverUrl, '/');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    await doFetch(root, { mode: 'no-cors', credentials: 'omit', signal: controller.signal });
    const page = origin ?? 'this page';
    return [
      'cors',
      `The server at ${url.origin} answers, but does not allow ${page} to read its answers: CORS is not set up for this address. To allow it: npm run server:setup -- --url ${url.origin} --admin <name:password> --practice <id> --cors ${page}`,
    ];
  } catch {
    const tls = url.protocol === 'https:' ? ', or its certificate is not trusted by this browser (open the address in a tab to see)' : '';
    return ['unreachable', `${url.host} cannot be reached: the server is not running, the address is wrong${tls}.`];
  } finally {
    clearTimeout(timer);
  }
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function printHtml(html: string): Promise<void> {
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.style.position = 'fixed';
    frame.style.width = '0';
    frame.style.height = '0';
    frame.style.border = '0';
    frame.setAttribute('aria-hidden', 'true');
    frame.srcdoc = html;
    frame.onload = () => {
      frame.contentWindow?.print();
      setTimeout(() => {
        frame.remove();
        resolve();
      }, 1000);
    };
    document.body.appendChild(frame);
  });
}

export function createBrowserBridge(): TutorBridge {
  const listeners = new Set<(e: HostEvent) => void>();
  let credentials: SyncCredentials | null = null;
  const practiceKeys = new Map<string, PracticeKey>();
  const emit = (e: HostEvent) => listeners.forEach((l) => l(e));
  window.addEventListener('online', () => emit({ type: 'online-changed', online: true }));
  window.addEventListener('offline', () => emit({ type: 'online-changed', online: false }));

  return {
    async appInfo() {
      return {
        name: 'TutorDesk',
        version: __APP_VERSION__,
        platform: 'browser',
        os: navigator.platform,
        secureStorage: false,
        passwordStorage: 'session',
      };
    },
    async saveFile(req: SaveFileRequest): Promise<SaveFileResult> {
      const blob =
        req.encoding === 'base64'
          ? new Blob([base64ToBytes(req.content)], { type: req.mimeType })
          : new Blob([req.content], { type: `${req.mimeType};charset=utf-8` });
      download(req.suggestedName, blob);
      return { saved: true, location: `Downloads/${req.suggestedName}` };
    },
    openFile(req: OpenFileRequest): Promise<OpenFileResult> {
      return new Promise((resolve) => {
        const input = document.createElement('input');
        input.type = 'file';
        input.accept = req.filters.flatMap((f) => f.extensions.map((e) => `.${e}`)).join(',');
        input.style.display = 'none';
        input.setAttribute('aria-label', 'Choose a file');
        input.dataset.testid = 'bridge-file-input';
        input.addEventListener('change', async () => {
          const file = input.files?.[0];
          input.remove();
          if (!file) return resolve({ opened: false });
          if (file.size > req.maxBytes) {
            return resolve({ opened: false, error: `${file.name} is too large (${Math.ceil(file.size / 1024 / 1024)} MB)` });
          }
          if (req.read === 'bytes')
            return resolve({ opened: true, name: file.name, text: '', bytes: bytesToBase64(new Uint8Array(await file.arrayBuffer())) });
          resolve({ opened: true, name: file.name, text: await file.text() });
        });
        input.addEventListener('cancel', () => {
          input.remove();
          resolve({ opened: false });
        });
        document.body.appendChild(input);
        input.click();
      });
    },
    async renderPdf() {
      throw new Error('Making a PDF file needs the TutorDesk desktop app. In the browser, use Print and choose "Save as PDF".');
    },
    async savePdf(req) {
      await printHtml(req.html);
      return { saved: false };
    },
    async savePdfBatch(req) {
      for (const f of req.files) {
        download(f.name.replace(/\.pdf$/i, '.html'), new Blob([f.html], { type: 'text/html;charset=utf-8' }));
      }
      return { saved: true, folder: 'Downloads', count: req.files.length };
    },
    async notify(req) {
      if (!('Notification' in window)) return;
      if (Notification.permission === 'default') await Notification.requestPermission();
      if (Notification.permission !== 'granted') return;
      const n = new Notification(req.title, { body: req.body });
      n.onclick = () => {
        window.focus();
        if (req.route) emit({ type: 'navigate', route: req.route });
      };
    },
    async openExternal(url) {
      const checked = ExternalUrlSchema.parse(url);
      window.open(checked, '_blank', 'noopener,noreferrer');
    },
    async isOnline() {
      return navigator.onLine;
    },
    sync: {
      // The browser build keeps a practice key for this tab only, like the password.
      async keepPracticeKey(key) {
        const parsed = PracticeKeySchema.parse(key);
        practiceKeys.set(parsed.practice, parsed);
        return 'session';
      },
      async loadPracticeKey(practice) {
        return practiceKeys.get(practice) ?? null;
      },
      async forgetPracticeKey(practice) {
        practiceKeys.delete(practice);
      },
      async getAccount(): Promise<SyncAccount | null> {
        if (!credentials) return null;
        const { password: _pw, storeWithoutKeychain: _s, ...rest } = credentials;
        return { ...rest, hasPassword: true, passwordKept: 'session' };
      },
      async saveCredentials(creds) {
        // The same validation as main's IPC boundary (an unconfirmed http:// address to another
        // computer is refused); the password stays in this tab's memory whatever was asked.
        credentials = SyncCredentialsSchema.parse(creds);
        const { password: _pw, storeWithoutKeychain: _s, ...rest } = credentials;
        return { ...rest, hasPassword: true, passwordKept: 'session' };
      },
      async clearCredentials() {
        credentials = null;
      },
      fetch(raw: SyncFetchRequest): Promise<SyncFetchResponse> {
        return browserSyncFetch(credentials, raw, { isOnline: () => navigator.onLine, origin: location.origin });
      },
    },
    // A web page has no folder of its own to keep backups in: "Back up now" downloads one instead.
    backups: {
      async saveAutomatic() {
        throw new Error(NO_AUTOMATIC_BACKUPS);
      },
      async listAutomatic() {
        return [];
      },
      async readAutomatic() {
        throw new Error(NO_AUTOMATIC_BACKUPS);
      },
    },
    mail: {
      async available() {
        return false;
      },
      async getAccount() {
        return null;
      },
      async saveAccount() {
        throw new Error(MAIL_NEEDS_DESKTOP);
      },
      async clearAccount() {},
      async sendTest() {
        return { ok: false, kind: 'not-configured', reason: MAIL_NEEDS_DESKTOP, retryable: false };
      },
      async send() {
        return { status: 'failed', kind: 'not-configured', reason: MAIL_NEEDS_DESKTOP, retryable: true };
      },
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

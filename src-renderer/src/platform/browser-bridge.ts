/**
 * The TutorBridge for a plain browser (how the UI is tested end to end in Chromium, and a
 * fallback for a web build): downloads instead of save dialogs, a file input instead of the open
 * dialog, the Notification API, the browser's print dialog for PDFs. Sync credentials are kept
 * in memory only for the life of the tab (never in IndexedDB or localStorage); see docs/sync.md.
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
import { ExternalUrlSchema, SyncCredentialsSchema, SyncFetchRequestSchema } from '../../../src-shared/bridge';

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
  const emit = (e: HostEvent) => listeners.forEach((l) => l(e));
  window.addEventListener('online', () => emit({ type: 'online-changed', online: true }));
  window.addEventListener('offline', () => emit({ type: 'online-changed', online: false }));

  return {
    async appInfo() {
      return { name: 'TutorDesk', version: __APP_VERSION__, platform: 'browser', os: navigator.platform, secureStorage: false };
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
      async getAccount(): Promise<SyncAccount | null> {
        if (!credentials) return null;
        const { password: _pw, ...rest } = credentials;
        return { ...rest, hasPassword: true };
      },
      async saveCredentials(creds) {
        credentials = SyncCredentialsSchema.parse(creds);
        const { password: _pw, ...rest } = credentials;
        return { ...rest, hasPassword: true };
      },
      async clearCredentials() {
        credentials = null;
      },
      async fetch(raw: SyncFetchRequest): Promise<SyncFetchResponse> {
        const req = SyncFetchRequestSchema.parse(raw);
        if (!credentials) return { status: 0, statusText: 'No sync account is set up', headers: {}, body: '' };
        // Keep a path prefix of the server address (e.g. https://host/couch/ behind a proxy).
        const base = credentials.serverUrl.endsWith('/') ? credentials.serverUrl : `${credentials.serverUrl}/`;
        const url = new URL(req.path.replace(/^\/+/, ''), base);
        const headers = new Headers(req.headers);
        headers.set('Authorization', `Basic ${btoa(unescape(encodeURIComponent(`${credentials.username}:${credentials.password}`)))}`);
        try {
          const res = await fetch(url, { method: req.method, headers, body: req.body ?? null });
          const out: Record<string, string> = {};
          res.headers.forEach((v, k) => (out[k] = v));
          return { status: res.status, statusText: res.statusText, headers: out, body: await res.text() };
        } catch (e) {
          return { status: 0, statusText: `The server could not be reached (${(e as Error).message})`, headers: {}, body: '' };
        }
      },
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

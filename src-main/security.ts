/**
 * Window hardening: web preferences, the Content-Security-Policy header, navigation and
 * new-window handlers, external links and permissions. Pure functions and small installers that
 * take their Electron objects as parameters (unit-tested with fakes in tests/unit/main).
 */
import type { WebPreferences } from 'electron';
import { ExternalUrlSchema } from '../src-shared/bridge';
import type { AppUrlPolicy } from './app-url';

/** webPreferences of every window that shows app UI. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}

/**
 * The Content-Security-Policy of the app page. Production is strict: scripts only from the app
 * itself, no eval, no inline scripts, no network except the app (replication HTTP goes through
 * main, see sync-proxy.ts). Development adds the Vite dev server (its origin and HMR websocket)
 * and 'unsafe-inline' scripts for the React Fast Refresh preamble that Vite injects inline.
 */
export function buildCsp(opts: { devServerOrigin: string | null }): string {
  const dev = opts.devServerOrigin;
  const devWs = dev ? dev.replace(/^http/, 'ws') : null;
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'", dev] : ["'self'"]],
    // React and the table/virtualiser set inline style attributes.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', dev && devWs ? ["'self'", dev, devWs] : ["'self'"]],
    ['media-src', ["'self'"]],
    ['worker-src', ["'self'"]],
    ['frame-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

type HeaderMap = Record<string, string[] | string>;
export interface HeadersReceivedDetails {
  url: string;
  responseHeaders?: HeaderMap;
}
export interface WebRequestLike {
  onHeadersReceived(
    listener: (details: HeadersReceivedDetails, callback: (response: { responseHeaders?: HeaderMap }) => void) => void,
  ): void;
}

/** Adds the CSP header to every response of the app (replacing any CSP the server sent). */
export function installCsp(webRequest: WebRequestLike, policy: AppUrlPolicy, csp: string): void {
  webRequest.onHeadersReceived((details, callback) => {
    if (!policy.isAppResource(details.url)) {
      callback({});
      return;
    }
    const headers: HeaderMap = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
      const lower = k.toLowerCase();
      if (lower === 'content-security-policy' || lower === 'content-security-policy-report-only') continue;
      headers[k] = v;
    }
    headers['Content-Security-Policy'] = [csp];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
}

/** An http(s)/mailto/tel link that may be handed to the OS (no embedded credentials). */
export function isSafeExternalUrl(url: string): boolean {
  if (!ExternalUrlSchema.safeParse(url).success) return false;
  const u = new URL(url);
  if (u.username || u.password) return false;
  if ((u.protocol === 'http:' || u.protocol === 'https:') && !u.hostname) return false;
  return true;
}

export type OpenExternal = (url: string) => Promise<void> | void;

/** Routes a link the app may not show itself to the OS browser, if it is safe; else drops it. */
function routeExternal(url: string, openExternal: OpenExternal): void {
  if (!isSafeExternalUrl(url)) return;
  void Promise.resolve()
    .then(() => openExternal(url))
    .catch(() => undefined);
}

export interface PreventableEvent {
  preventDefault(): void;
}

/** `will-navigate` / `will-redirect`: only the app page itself; external links go to the OS. */
export function createNavigationGuard(policy: AppUrlPolicy, openExternal: OpenExternal) {
  return (event: PreventableEvent, url: string): void => {
    if (policy.isAppPage(url)) return;
    event.preventDefault();
    routeExternal(url, openExternal);
  };
}

/** `setWindowOpenHandler`: never a new Electron window; safe links open in the OS browser. */
export function createWindowOpenHandler(openExternal: OpenExternal) {
  return (details: { url: string }): { action: 'deny' } => {
    routeExternal(details.url, openExternal);
    return { action: 'deny' };
  };
}

/** Permissions granted to the app page; everything else (camera, geolocation, …) is denied. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'clipboard-sanitized-write']);

export interface PermissionSessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (webContents: unknown, permission: string, requestingOrigin: string, details: { requestingUrl?: string }) => boolean,
  ): void;
}

export function permissionAllowed(policy: AppUrlPolicy, permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && typeof requestingUrl === 'string' && policy.isAppPage(requestingUrl);
}

export function installPermissionHandlers(session: PermissionSessionLike, policy: AppUrlPolicy): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(permissionAllowed(policy, permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_wc, permission, _origin, details) => permissionAllowed(policy, permission, details.requestingUrl));
}

export interface HardenableWebContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** Applied to every webContents the app creates (app.on('web-contents-created')). */
export function hardenWebContents(contents: HardenableWebContents, policy: AppUrlPolicy, openExternal: OpenExternal): void {
  const guard = createNavigationGuard(policy, openExternal);
  contents.on('will-navigate', guard);
  contents.on('will-redirect', (event, url) => {
    if (!policy.isAppPage(url) && !policy.isAppResource(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(createWindowOpenHandler(openExternal));
}

/**
 * Which URLs are "ours": the renderer page (the Vite dev server in development, the built
 * out/renderer/index.html in production) and its resources. Everything else is foreign.
 * Pure: no Electron import, unit-tested in Node.
 */
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface AppUrlPolicy {
  /** What the main window loads. */
  readonly entry: { kind: 'url'; url: string } | { kind: 'file'; path: string };
  /** The dev server origin (http://localhost:5173), or null in production. */
  readonly devServerOrigin: string | null;
  /** True for the app page itself (any hash / query), the only frame allowed to use the bridge. */
  isAppPage(url: string): boolean;
  /** True for the app page and the files it loads (scripts, styles, images of out/renderer). */
  isAppResource(url: string): boolean;
}

export interface AppUrlOptions {
  /** process.env.ELECTRON_RENDERER_URL (set by `electron-vite dev`); ignored when not http(s). */
  devServerUrl?: string | undefined;
  /** Absolute path of out/renderer/index.html. */
  rendererIndexFile: string;
  /** Defaults to process.platform; Windows and macOS file systems compare case-insensitively. */
  platform?: NodeJS.Platform;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function createAppUrlPolicy(options: AppUrlOptions): AppUrlPolicy {
  const platform = options.platform ?? process.platform;
  const dev = options.devServerUrl ? parse(options.devServerUrl) : null;
  const devOk = dev !== null && (dev.protocol === 'http:' || dev.protocol === 'https:');

  if (devOk && dev) {
    const origin = dev.origin;
    const pagePath = dev.pathname === '' ? '/' : dev.pathname;
    const samePage = (u: URL): boolean =>
      u.origin === origin && (u.pathname === pagePath || (pagePath === '/' && u.pathname === '/index.html'));
    return {
      entry: { kind: 'url', url: dev.href },
      devServerOrigin: origin,
      isAppPage(url) {
        const u = parse(url);
        return u !== null && samePage(u);
      },
      isAppResource(url) {
        const u = parse(url);
        return u !== null && u.origin === origin;
      },
    };
  }

  const indexFile = resolve(options.rendererIndexFile);
  const rendererDir = dirname(indexFile);
  const fold = (p: string): string => (platform === 'win32' || platform === 'darwin' ? p.toLowerCase() : p);
  const filePathOf = (url: string): string | null => {
    const u = parse(url);
    if (!u || u.protocol !== 'file:') return null;
    try {
      // Drop query and hash: the SPA may route with the hash.
      u.hash = '';
      u.search = '';
      return resolve(fileURLToPath(u));
    } catch {
      return null;
    }
  };
  return {
    entry: { kind: 'file', path: indexFile },
    devServerOrigin: null,
    isAppPage(url) {
      const p = filePathOf(url);
      return p !== null && fold(p) === fold(indexFile);
    },
    isAppResource(url) {
      const p = filePathOf(url);
      return p !== null && (fold(p) === fold(indexFile) || fold(p).startsWith(fold(rendererDir + sep)));
    },
  };
}

/** file:// URL of a path (exported for tests and for loading the production page). */
export const fileUrl = (path: string): string => pathToFileURL(path).href;

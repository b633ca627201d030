#!/usr/bin/env node
/**
 * `prestart` / `predev` / `predist`: makes sure Electron's binary for this machine is there
 * before `electron-vite dev` starts the app, and when it cannot be had says in two lines what
 * failed and what to do, instead of Electron's bare stack trace.
 *
 * Plain JavaScript (no tsx): it runs right after `npm install`, before anything else.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** Node 22.12 is what Electron 45's installer needs (its package.json `engines`). */
export const MIN_NODE = [22, 12, 0];

/** Whether `version` ("v20.20.2") is at least `min`. */
export function nodeAtLeast(version, min = MIN_NODE) {
  const parts = version
    .replace(/^v/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i];
  }
  return true;
}

/** What to tell the user, from the installer's exit status and error output (pure). */
export function explainFailure(stderr, env = process.env) {
  const text = String(stderr);
  const proxy = env.HTTPS_PROXY || env.https_proxy || env.npm_config_https_proxy || '';
  const mirror = env.ELECTRON_MIRROR || env.npm_config_electron_mirror || '';
  let what = "Electron's download failed";
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(text)) what += " (the download server's name could not be resolved: no internet or DNS?)";
  else if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|socket hang up|network/i.test(text))
    what += ' (no connection to the download server)';
  else if (/checksum|sha256/i.test(text)) what += ' (the downloaded file did not match its checksum)';
  else if (/\b(403|404)\b/.test(text)) what += ` (the server refused it${mirror ? `; ELECTRON_MIRROR is ${mirror}` : ''})`;
  const hints = [
    proxy ? `check the proxy ${proxy}` : 'behind a proxy set HTTPS_PROXY',
    'or set ELECTRON_MIRROR to a reachable mirror',
    'then run npm start again; to try the UI in a browser instead: npm run build:web && npx vite preview --config vite.renderer.config.ts',
  ];
  return [`TutorDesk: ${what}.`, `What to do: connect to the internet (${hints[0]} ${hints[1]}), ${hints[2]}.`];
}

function main() {
  if (!nodeAtLeast(process.version)) {
    console.error(`TutorDesk: the desktop app needs Node.js 22.12 or newer to install Electron; this is Node ${process.version}.`);
    console.error(
      'What to do: install Node.js 22 LTS (https://nodejs.org) and run npm install && npm start again; the tests (npm test) also run on Node 20.',
    );
    process.exit(1);
  }
  let electronDir;
  try {
    electronDir = dirname(require.resolve('electron/package.json'));
  } catch {
    console.error('TutorDesk: Electron is not installed in node_modules.');
    console.error('What to do: run npm install first, then npm start.');
    process.exit(1);
  }
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  const installed = existsSync(join(electronDir, 'path.txt')) && existsSync(join(electronDir, 'dist', 'version'));
  if (
    installed &&
    readFileSync(join(electronDir, 'dist', 'version'), 'utf8')
      .replace(/^v/, '')
      .trim() === version
  )
    return;
  console.log(`Downloading Electron ${version} for this machine (first start only)…`);
  const res = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (res.status === 0) return;
  const [first, second] = explainFailure(`${res.stderr ?? ''} ${res.error?.message ?? ''}`);
  console.error(first);
  console.error(second);
  if (process.env.TUTORDESK_DEBUG) console.error(res.stderr);
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

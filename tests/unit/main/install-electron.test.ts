/**
 * `npm start`'s prestart (scripts/install-electron.mjs): a Node that is too old, and an Electron
 * download that fails, are each explained in two lines instead of Electron's bare stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without types
import { explainFailure, nodeAtLeast } from '../../../scripts/install-electron.mjs';

const script = join(import.meta.dirname, '../../../scripts/install-electron.mjs');

describe('install-electron (prestart)', () => {
  it('compares Node versions against 22.12', () => {
    expect(nodeAtLeast('v20.20.2')).toBe(false);
    expect(nodeAtLeast('v22.11.9')).toBe(false);
    expect(nodeAtLeast('v22.12.0')).toBe(true);
    expect(nodeAtLeast('v24.1.0')).toBe(true);
  });

  it.runIf(!nodeAtLeast(process.version))('on this Node (older than 22.12) says which Node is needed, in two lines, and exits 1', () => {
    const res = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('Node.js 22.12 or newer');
    expect(lines[0]).toContain(process.version);
    expect(lines[1]).toMatch(/^What to do: install Node.js 22/);
  });

  it("explains a failed download from Electron's own installer (closed mirror on loopback)", () => {
    const electronDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const env = {
      ...process.env,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      electron_config_cache: mkdtempSync(join(tmpdir(), 'electron-cache-')),
    };
    const res = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8', env, timeout: 30_000 });
    // Already installed (a developer's machine with the binary) exits 0 without downloading.
    if (res.status === 0) return;
    const [first, second] = explainFailure(res.stderr, env) as [string, string];
    expect(first).toBe("TutorDesk: Electron's download failed (no connection to the download server).");
    expect(second).toContain('HTTPS_PROXY');
    expect(second).toContain('ELECTRON_MIRROR');
    expect(second).toContain('npm run build:web');
  });

  it('names a checksum failure and a refused mirror', () => {
    expect(explainFailure('Error: Generated checksum for "electron.zip" did not match expected checksum.', {})[0]).toContain('checksum');
    expect(explainFailure('HTTPError: Response code 404 (Not Found)', { ELECTRON_MIRROR: 'https://mirror.example/' })[0]).toContain(
      'ELECTRON_MIRROR is https://mirror.example/',
    );
  });
});

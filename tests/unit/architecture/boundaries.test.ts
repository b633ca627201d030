import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

/**
 * The rooms of lint/rooms.js really hold: for every room, a small in-memory file is linted with
 * the project's own configuration, and each forbidden import (or global) is reported while an
 * allowed one is not. The per-runtime type checks are probed the same way with tsc.
 */
const eslint = new ESLint({ cwd: process.cwd() });
// The table itself (plain JavaScript, type-checked with the lint configuration: tsconfig.node.json).
const { ROOMS } = (await import(pathToFileURL(resolve('lint/rooms.js')).href)) as { ROOMS: { name: string }[] };

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'rooms/imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

/** Lints `import … from spec` in `file`; the number of boundary problems. */
async function importing(file: string, spec: string, what = '{ x }'): Promise<number> {
  return (
    await problems(file, `import ${what} from '${spec}';\nexport const y = [${what.replace(/[{}]|type /g, '').replace(/\* as /, '')}];`)
  ).length;
}

const R = 'src-renderer/src';

/** Per room: a file in it, imports it must refuse, imports it must accept. */
const CASES: { room: string; file: string; refused: string[]; allowed: string[] }[] = [
  {
    room: 'shared',
    file: 'src-shared/billing/x.ts',
    refused: [
      'electron',
      'react',
      'react-dom',
      'node:fs',
      'fs',
      'rxdb/plugins/storage-dexie',
      '../../src-renderer/src/app/App',
      '../../src-main/menu',
      'recharts',
    ],
    allowed: ['zod', 'luxon', '../model/types', '../money'],
  },
  {
    room: 'preload',
    file: 'src-main/preload.ts',
    refused: ['../src-main/menu', './menu', 'node:fs', 'zod', '../src-renderer/src/data'],
    allowed: ['../src-shared/ipc-channels', '../src-shared/bridge'],
  },
  {
    room: 'main',
    file: 'src-main/x.ts',
    refused: ['react', '../src-renderer/src/app/App', '../src-renderer/src/data', 'rxdb', 'luxon'],
    allowed: ['electron', 'node:fs', 'fs', 'zod', './menu', '../src-shared/bridge'],
  },
  {
    room: 'renderer entry',
    file: `${R}/main.tsx`,
    refused: ['electron', './data/repo', './features/billing', './features/billing/InvoicesScreen', 'node:fs'],
    allowed: ['react', 'react-dom/client', './app/App', './data', './ui/Toast', './testing/install'],
  },
  {
    room: 'app',
    file: `${R}/app/x.ts`,
    refused: [
      'electron',
      '../data/repo',
      '../features/billing/InvoicesScreen',
      '../testing/install',
      '../platform/browser-bridge',
      'luxon',
      '../../../src-main/menu',
    ],
    allowed: ['react', '../features/billing', '../data', '../ui/Icon', '../platform/bridge', './router', '../../../src-shared/model/types'],
  },
  {
    room: 'features',
    file: `${R}/features/students/x.ts`,
    refused: [
      '../billing/BillingFields',
      '../attendance/queries',
      '../../app/App',
      '../../app/features',
      '../../data/repo',
      '../../data/sync/client',
      '../../platform/browser-bridge',
      '../../testing/install',
      'electron',
      'rxdb',
      'dexie',
      'node:path',
    ],
    allowed: [
      '../billing',
      '../attendance/index',
      './StudentForm',
      '../../app/AppContext',
      '../../app/registry',
      '../../data',
      '../../ui/DataTable',
      '../../platform/bridge',
      'react',
      'luxon',
      '../../../../src-shared/money',
    ],
  },
  {
    room: 'ui',
    file: `${R}/ui/x.tsx`,
    refused: ['../data', '../app/AppContext', '../features/billing', '../platform/bridge', 'rxdb', 'luxon'],
    allowed: ['react', './Icon', '@tanstack/react-table', '../../../src-shared/money'],
  },
  {
    room: 'platform',
    file: `${R}/platform/x.ts`,
    refused: ['../data', '../app/AppContext', '../ui/Icon', 'react', 'electron'],
    allowed: ['./bridge', '../../../src-shared/bridge'],
  },
  {
    room: 'data',
    file: `${R}/data/x.ts`,
    refused: ['react', '../app/AppContext', '../ui/Icon', '../features/sync', '../platform/bridge', 'electron', 'luxon', 'node:fs'],
    allowed: [
      'rxdb',
      'rxdb/plugins/storage-dexie',
      'dexie',
      'rxjs',
      './repo',
      './sync/client',
      './generated/validators.js',
      '../../../src-shared/model/schemas',
    ],
  },
  {
    room: 'testing',
    file: `${R}/testing/x.ts`,
    refused: ['electron', 'node:fs', '../../../src-main/menu', 'dexie'],
    allowed: ['../features/billing/documents', '../data', '../app/registry', 'luxon'],
  },
];

describe('rooms (lint/rooms.js)', () => {
  it('every room of the table is tested here', () => {
    expect(CASES.map((c) => c.room).sort()).toEqual(ROOMS.map((r) => r.name).sort());
  });

  for (const c of CASES) {
    it(`the ${c.room} room refuses what it may not import and accepts what it may`, async () => {
      for (const spec of c.refused) expect(await importing(c.file, spec), `${c.file} importing ${spec}`).toBe(1);
      for (const spec of c.allowed) expect(await importing(c.file, spec), `${c.file} importing ${spec}`).toBe(0);
    });
  }

  it('type-only packages: types yes, values no', async () => {
    expect(await importing(`${R}/features/students/x.ts`, 'rxdb', '{ type RxDocument }')).toBe(0);
    expect(await importing(`${R}/features/students/x.ts`, 'rxdb', '{ createRxDatabase }')).toBe(1);
    expect(await importing('src-shared/x.ts', 'rxdb', '{ type RxJsonSchema }')).toBe(0);
    expect(await importing('src-shared/x.ts', 'rxdb', '{ createRxDatabase }')).toBe(1);
  });

  it('the preload may take only contextBridge and ipcRenderer from electron', async () => {
    expect(await importing('src-main/preload.ts', 'electron', '{ contextBridge, ipcRenderer }')).toBe(0);
    expect(await importing('src-main/preload.ts', 'electron', '{ shell }')).toBe(1);
    expect(await importing('src-main/preload.ts', 'electron', '* as electron')).toBe(1);
  });

  it('re-exports and dynamic imports are checked too', async () => {
    expect(await problems(`${R}/features/students/x.ts`, "export { BillingFields } from '../billing/BillingFields';")).toHaveLength(1);
    expect(await problems(`${R}/features/students/x.ts`, "export * from '../../data/repo';")).toHaveLength(1);
    expect(await problems(`${R}/app/x.ts`, "export const load = () => import('../testing/install');")).toHaveLength(1);
  });

  it('a source file outside every room is reported', async () => {
    expect(await problems(`${R}/stray.ts`, 'export const a = 1;')).toEqual(['This file is in no room of lint/rooms.js: add it to one.']);
  });

  it('globals: no Node in the renderer, src-shared or the preload; no window in main or src-shared', async () => {
    for (const file of [`${R}/features/students/x.ts`, `${R}/data/x.ts`, `${R}/ui/x.tsx`, 'src-shared/x.ts', 'src-main/preload.ts']) {
      expect(await problems(file, 'export const b = Buffer.from("x");'), file).toHaveLength(1);
      expect(await problems(file, 'export const e = process.env;'), file).toHaveLength(1);
    }
    expect(await problems('src-main/x.ts', 'export const e = process.env;')).toEqual([]);
    expect(await problems('src-main/x.ts', 'export const w = window.innerWidth;')).toHaveLength(1);
    expect(await problems('src-shared/x.ts', 'export const w = window.innerWidth;')).toHaveLength(1);
    expect(await problems(`${R}/ui/x.tsx`, 'export const w = window.innerWidth;')).toEqual([]);
  });
});

describe('type environments (tsconfig.*.json)', () => {
  /** Type-checks `code` as a file of `dir` with `config`; the compiler's output. */
  function typecheck(config: string, dir: string, code: string): string {
    const tmp = mkdtempSync(join(dir, '.typecheck-probe-'));
    try {
      writeFileSync(join(tmp, 'probe.ts'), code);
      // A project that extends the real one and holds only the probe file.
      const project = join(tmp, 'tsconfig.json');
      writeFileSync(
        project,
        JSON.stringify({ extends: relative(tmp, config), compilerOptions: { composite: false, noEmit: true }, include: ['probe.ts'] }),
      );
      try {
        execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { encoding: 'utf8' });
        return '';
      } catch (e) {
        return String((e as { stdout?: string }).stdout);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  it('the renderer has the DOM but not Node: Buffer and process do not compile', () => {
    expect(typecheck('tsconfig.web.json', `${R}/features`, 'export const a = Buffer.from("x");')).toContain("Cannot find name 'Buffer'");
    expect(typecheck('tsconfig.web.json', `${R}/features`, 'export const e = process.env;')).toContain("Cannot find name 'process'");
    expect(typecheck('tsconfig.web.json', `${R}/features`, 'export const w = document.title;')).toBe('');
  }, 60_000);

  it('src-shared has neither the DOM nor Node', () => {
    expect(typecheck('tsconfig.shared.json', 'src-shared', 'export const w = document.title;')).toContain("Cannot find name 'document'");
    expect(typecheck('tsconfig.shared.json', 'src-shared', 'export const a = Buffer.from("x");')).toContain("Cannot find name 'Buffer'");
    expect(typecheck('tsconfig.shared.json', 'src-shared', 'export const n: number = Math.max(1, 2);')).toBe('');
  }, 60_000);

  it('main has Node but not the DOM', () => {
    expect(typecheck('tsconfig.node.json', 'src-main', 'export const a = Buffer.from("x");')).toBe('');
    expect(typecheck('tsconfig.node.json', 'src-main', 'export const w = document.title;')).toContain("Cannot find name 'document'");
  }, 60_000);
});

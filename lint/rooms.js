// @ts-check
/**
 * The rooms of TutorDesk: every source file belongs to exactly one room (the first whose `files`
 * match), and a room may import only what its row allows. This table is the one statement of the
 * rule; `lint/import-rooms.js` enforces it (an allow-list per folder, in the spirit of VS Code's
 * code-import-patterns) and eslint.config.js derives each room's globals from `runtime`.
 * docs/architecture.md draws it; tests/unit/architecture/boundaries.test.ts proves each row
 * rejects a forbidden import.
 *
 * In `paths`, a relative import is resolved to its repo-relative path without extension, and
 * `x/index` counts as `x`. So `src-renderer/src/data` is the data layer's entry and
 * `src-renderer/src/data/**` everything inside it. `<unit>` is the importing file's own unit
 * (its feature folder). `packages` are npm packages (globs allowed: `rxdb/plugins/*`), an object
 * value lists the only names that may be imported; `typePackages` may be imported for types only;
 * `node: true` allows Node's built-ins.
 *
 * @typedef {{
 *   name: string,
 *   about: string,
 *   files: string[],
 *   runtime: 'shared' | 'node' | 'sandbox' | 'browser' | 'dom-free',
 *   unit?: string,
 *   paths: string[],
 *   packages?: (string | Record<string, string[]>)[],
 *   typePackages?: string[],
 *   node?: boolean,
 * }} Room
 */

const R = 'src-renderer/src';

/** What the shell offers features: services and live queries, routing, start-up order, the registry. */
export const APP_CONTRACTS = ['AppContext', 'router', 'startup', 'registry', 'queries'].map((f) => `${R}/app/${f}`);

/** @type {Room[]} */
export const ROOMS = [
  {
    name: 'shared',
    about: 'Domain rules, schemas, the bridge contract: pure TypeScript for both runtimes.',
    files: ['src-shared/**'],
    runtime: 'shared',
    paths: ['src-shared/**'],
    packages: ['zod', 'luxon', 'rrule', 'papaparse', 'minisearch', '@noble/ciphers/aes.js', 'ical-generator', 'timezones-ical-library'],
    typePackages: ['rxdb'],
  },
  {
    name: 'preload',
    about: 'The sandboxed preload: exposes the bridge with contextBridge over ipcRenderer, nothing else.',
    files: ['src-main/preload.ts'],
    runtime: 'sandbox',
    paths: ['src-shared/**'],
    packages: [{ electron: ['contextBridge', 'ipcRenderer', 'IpcRendererEvent'] }],
  },
  {
    name: 'main',
    about: "Electron's main process.",
    files: ['src-main/**'],
    runtime: 'node',
    paths: ['src-main/**', 'src-shared/**', 'resources/**'],
    packages: ['electron', 'zod', 'nodemailer'],
    node: true,
  },
  {
    name: 'renderer entry',
    about: 'main.tsx: opens the database, combines the features, mounts the shell (and, in the test build only, the test hooks).',
    files: [`${R}/main.tsx`],
    runtime: 'browser',
    paths: [`${R}/app/**`, `${R}/data`, `${R}/ui/**`, `${R}/styles.css`, `${R}/testing/install`],
    packages: ['react', 'react-dom/client'],
  },
  {
    name: 'app',
    about: 'The shell (layout, routing, the error boundary) and the contracts features plug into.',
    files: [`${R}/app/**`],
    runtime: 'browser',
    paths: [`${R}/app/**`, `${R}/features/*`, `${R}/data`, `${R}/ui/**`, `${R}/platform/bridge`, 'src-shared/**'],
    packages: ['react'],
    typePackages: ['rxdb'],
  },
  {
    name: 'features',
    about: 'One folder per feature; another feature only through its index.ts (its manifest and what it offers).',
    files: [`${R}/features/**`],
    runtime: 'browser',
    unit: `${R}/features/*`,
    paths: [
      '<unit>/**',
      `${R}/features/*`,
      ...APP_CONTRACTS,
      `${R}/data`,
      `${R}/ui/**`,
      `${R}/platform/bridge`,
      `${R}/platform/web-crypto`,
      'src-shared/**',
    ],
    packages: ['react', 'luxon', '@tanstack/react-table', 'recharts'],
    typePackages: ['rxdb', 'rxjs'],
  },
  {
    name: 'ui',
    about: 'Shared UI pieces: dialogs, fields, tables, alerts, icons. No data, no features.',
    files: [`${R}/ui/**`],
    runtime: 'browser',
    paths: [`${R}/ui/**`, 'src-shared/**'],
    packages: ['react', '@tanstack/react-table', '@tanstack/react-virtual'],
  },
  {
    name: 'platform',
    about: 'The host behind the bridge contract: the preload’s bridge, or the browser bridge.',
    files: [`${R}/platform/**`],
    runtime: 'browser',
    paths: [`${R}/platform/**`, 'src-shared/**'],
  },
  {
    name: 'data',
    about: 'The DOM-free data layer: RxDB over Dexie, the write path, the sync client. One entry: data/index.ts.',
    files: [`${R}/data/**`],
    runtime: 'dom-free',
    paths: [`${R}/data/**`, 'src-shared/**'],
    packages: ['rxdb', 'rxdb/plugins/*', 'dexie', 'rxjs'],
  },
  {
    name: 'testing',
    about: 'Test and benchmark hooks: in the test build only (main.tsx, behind __TEST_HOOKS__); may reach anything of the renderer.',
    files: [`${R}/testing/**`],
    runtime: 'browser',
    paths: [`${R}/**`, 'src-shared/**'],
    packages: ['react', 'luxon'],
    typePackages: ['rxdb', 'rxjs'],
  },
];

/** Folders whose every file must be in a room. */
export const ROOM_ROOTS = ['src-shared/', 'src-main/', 'src-renderer/'];

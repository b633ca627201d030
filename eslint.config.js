// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import prettierOff from 'eslint-config-prettier';
import { createRule } from './lint/import-rooms.js';
import { ROOMS, ROOM_ROOTS } from './lint/rooms.js';

/**
 * Code is kept by where it runs and what it is for (docs/architecture.md, "Rooms"). The rooms and
 * what each may import are one table, lint/rooms.js, enforced by the local rule `rooms/imports`.
 * Each room also gets the globals of its runtime, and the globals of the other runtime are
 * refused by name (typescript-eslint turns `no-undef` off for TypeScript, so listing globals alone
 * would not stop `Buffer` in renderer code; the type checks do too: tsconfig.web.json has no Node
 * types, tsconfig.shared.json neither Node types nor the DOM).
 */
const rooms = { rules: { imports: createRule({ rooms: ROOMS, roots: ROOM_ROOTS }) } };

const nodeOnly = Object.keys(globals.node).filter((g) => !(g in globals.browser));
/** The window's globals code outside the renderer is most likely to reach for (the type checks refuse the rest of the DOM). */
const DOM_IN_SHARED = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB', 'location'];
const code = (/** @type {string} */ glob) => (glob.endsWith('**') ? `${glob}/*.{ts,tsx}` : glob);
/** @returns {import('eslint').Linter.RuleEntry} */
const refuse = (/** @type {string[]} */ names, /** @type {string} */ where) => [
  'error',
  ...names.map((name) => ({ name, message: `${name} is not available in ${where}.` })),
];

/** Per runtime: the globals a room's code has, and those refused by name. */
const RUNTIMES = {
  shared: { globals: globals.es2021, refused: refuse([...DOM_IN_SHARED, ...nodeOnly], 'src-shared (it runs in the window and in Node)') },
  browser: { globals: globals.browser, refused: refuse(nodeOnly, 'the renderer (a browser window)') },
  // The data layer runs in the window but is kept DOM-free: what it needs of the host (sync
  // requests, the network state) is injected by the features that start it.
  'dom-free': {
    globals: globals.browser,
    refused: refuse(
      [...DOM_IN_SHARED.filter((g) => g !== 'indexedDB'), ...nodeOnly],
      'the data layer (it is DOM-free: the host is injected)',
    ),
  },
  sandbox: { globals: globals.browser, refused: refuse(nodeOnly, 'the preload by its rule (it exposes the bridge and nothing else)') },
  node: { globals: globals.node, refused: refuse(DOM_IN_SHARED, "Electron's main process (it has no window)") },
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'src-renderer/src/data/generated/**',
      'out/**',
      'out-e2e/**',
      'dist/**',
      'test-results/**',
      'playwright-report/**',
      '.tmp/**',
      'screenshots/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Scripts, tests and configuration run in Node (tests also drive pages: page.evaluate).
    languageOptions: { globals: { ...globals.node } },
    plugins: { rooms },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-control-regex': 'off',
      'rooms/imports': 'error',
    },
  },
  // A file is in the first room that matches it (as for `rooms/imports`).
  ...ROOMS.map((room, i) => ({
    files: room.files.map(code),
    ignores: ROOMS.slice(0, i).flatMap((r) => r.files.map(code)),
    languageOptions: { globals: { ...RUNTIMES[room.runtime].globals } },
    rules: { 'no-restricted-globals': RUNTIMES[room.runtime].refused },
  })),
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    // Counts are written through one wording table (src-shared/locale/wording.ts) and
    // Intl.PluralRules, never as a hand-made `n === 1 ? 'lesson' : 'lessons'`.
    files: ['src-renderer/**/*.{ts,tsx}', 'src-shared/**/*.ts', 'src-main/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ConditionalExpression[test.operator='==='][test.right.value=1]:matches([consequent.type='TemplateLiteral'], [consequent.value=/[a-z]/i], [alternate.type='TemplateLiteral'], [alternate.value=/[a-z]/i])",
          message: 'Write a count with countOf / formOf and a noun or verb of src-shared/locale/wording.ts, not n === 1 ? … : ….',
        },
      ],
    },
  },
  // Layout is Prettier's (.prettierrc.json, checked by `npm run lint`): no eslint rule argues with it.
  prettierOff,
);

// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The import-boundary rules keep code where it runs (docs/architecture.md):
 * - src-shared: pure TypeScript, no Electron, React, DOM or Node built-ins, nothing from the
 *   other two layers (its tsconfig.shared.json also has no DOM library, so DOM globals fail
 *   the type check);
 * - src-renderer and src-main: may import src-shared, never each other.
 */
const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'url', 'worker_threads'];
const nodeBuiltinPatterns = [{ group: ['node:*', ...NODE_BUILTINS, ...NODE_BUILTINS.map((m) => `${m}/*`)], message: 'Node built-ins do not belong here.' }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'src-renderer/src/data/generated/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', '.tmp/**', 'screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src-shared must not import Electron.' },
            { name: 'react', message: 'src-shared must not import React.' },
            { name: 'react-dom', message: 'src-shared must not import React.' },
          ],
          patterns: [
            { group: ['**/src-main/**', '**/src-renderer/**'], message: 'src-shared must not import from src-main or src-renderer.' },
            { group: ['@tanstack/react-*', 'react/*', 'react-dom/*', 'rxdb/plugins/storage-dexie'], message: 'No UI or browser storage in src-shared.' },
            ...nodeBuiltinPatterns,
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB', 'location'],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches the host only through the bridge (src-shared/bridge.ts).' }],
          patterns: [
            { group: ['**/src-main/**'], message: 'src-renderer must not import from src-main: use the bridge contract in src-shared.' },
            { group: ['**/data/*'], message: 'Import the data layer through its entry (src-renderer/src/data/index.ts).' },
            ...nodeBuiltinPatterns,
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'react', message: 'The main process has no UI code.' }],
          patterns: [{ group: ['**/src-renderer/**'], message: 'src-main must not import from src-renderer.' }],
        },
      ],
    },
  },
);

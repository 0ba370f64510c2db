// ESLint flat config. The import boundaries (docs/ARCHITECTURE.md's "Folders and boundaries") live in
// eslint.boundaries.js.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

import { TESTS, importBoundaries } from './eslint.boundaries.js';

export default defineConfig(
  {
    name: 'emberflow/ignores',
    ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'bench/out/', '.vite/', '.venv/'],
  },

  js.configs.recommended,
  ...tseslint.configs.recommended,

  {
    name: 'emberflow/globals',
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    name: 'emberflow/node-files',
    files: ['*.{js,mjs,cjs,ts}', 'scripts/**', 'bench/**', '.ci/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    name: 'emberflow/executor-worker-globals',
    files: ['src/executor/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.worker } },
  },
  {
    name: 'emberflow/tests',
    files: [...TESTS, 'e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // Tests poke at internals and at `window` from page.evaluate.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },

  {
    ...reactHooks.configs.flat.recommended,
    name: 'emberflow/react-hooks',
    files: ['src/ui/**/*.{ts,tsx}'],
  },

  // ---- import boundaries (docs/ARCHITECTURE.md) -------------------------------------------------------------
  ...importBoundaries,
);

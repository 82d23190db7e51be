// Lint rules that keep Conveyor honest: no floating promises anywhere, and
// workflow code that stays deterministic (Temporal replays it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.conveyor/**', 'eslint.config.js', 'src/tasks/resolve-hooks.mjs', 'src/cli/bin.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The dashboard's browser modules: plain ES modules served as they are (no build step).
    files: ['src/dashboard/public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'module',
      parserOptions: { projectService: false, project: false, program: null },
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'history', 'navigator', 'fetch', 'EventSource', 'URL', 'URLSearchParams', 'Element', 'console',
          'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'requestAnimationFrame', 'addEventListener', 'confirm'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Tests read JSON response bodies field by field; typing each one would add nothing.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code, and the pure DAG modules it runs (definition.ts, zod, is for the API only).
    files: ['src/workflows/**/*.ts', 'src/dag/**/*.ts'],
    ignores: ['src/dag/definition.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'Workflows may only `import type` from activities.' },
            { group: ['zod'], message: 'zod is not for workflow code (its schemas are checked before a run starts).' },
            { group: ['pg', 'kysely', 'express', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '**/db/**', '**/api/**'], message: 'No I/O modules in workflow code.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'process', message: 'No process in workflow code.' }, { name: 'fetch', message: 'No I/O in workflow code.' }],
    },
  },
);

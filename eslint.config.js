import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'test-results/', 'db/migrations/', '.*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // process.env is read in core/config.ts only (and by test/bench harnesses).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through core/config.ts.' }],
    },
  },
  {
    files: ['core/config.ts', 'test/**', 'bench/**', 'vitest.config.ts', 'drizzle.config.ts', 'admin/web/vite.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);

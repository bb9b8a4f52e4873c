import { defineConfig } from 'vitest/config';

/**
 * Four projects: pure unit tests; database tests on embedded PGlite; the same database
 * tests plus the concurrency tests (*.pg.test.ts) on the real PostgreSQL server; the panel in
 * Chromium (test/browser, PGlite in-process, the built panel). TEST_BACKENDS=pglite (or
 * postgres) runs one backend only; TEST_BROWSER=0 skips the browser.
 */
const backends = (process.env.TEST_BACKENDS ?? 'pglite,postgres').split(',').map((s) => s.trim());
const common = { setupFiles: ['test/support/setup.ts'], testTimeout: 30_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.db.test.ts', 'test/**/*.pg.test.ts', 'test/browser/**', 'node_modules/**'],
        },
      },
      ...(backends.includes('pglite')
        ? [
            {
              test: {
                ...common,
                name: 'pglite',
                include: ['test/**/*.db.test.ts'],
                globalSetup: ['test/support/global-pglite.ts'],
              },
            },
          ]
        : []),
      ...(backends.includes('postgres')
        ? [
            {
              test: {
                ...common,
                name: 'postgres',
                include: ['test/**/*.db.test.ts', 'test/**/*.pg.test.ts'],
                globalSetup: ['test/support/global-postgres.ts'],
              },
            },
          ]
        : []),
      ...(process.env.TEST_BROWSER !== '0'
        ? [
            {
              test: {
                ...common,
                name: 'browser',
                include: ['test/browser/**/*.test.ts'],
                globalSetup: ['test/support/global-pglite.ts', 'test/support/global-browser.ts'],
                testTimeout: 120_000,
                hookTimeout: 180_000,
              },
            },
          ]
        : []),
    ],
  },
});

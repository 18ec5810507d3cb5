// Tests: `unit` (pure code, no database) and `integration` (real database — embedded PGlite, or
// PostgreSQL+PostGIS when DATABASE_URL is set — plus browser e2e in Debian's Chromium).
// Integration workers share one database each (cloned from a migrated, seeded template), so
// files run with isolate: false and tests create their own uniquely named data.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));
/** The web's alias for the code it shares with the server (as in vite.config.ts), for web/src under test. */
const alias = { '@shared': path.resolve(root, 'api/shared') };
/**
 * DRIPLINE_TEST_BROWSER=0 leaves the browser tests (web/e2e) out of a run. CI runs them once, on
 * PostgreSQL, and the rest of the suite on both databases (.ci/run, decision 0039); `npm test`
 * alone runs everything.
 */
const browser = process.env.DRIPLINE_TEST_BROWSER !== '0';

export default defineConfig({
  test: {
    teardownTimeout: 30_000,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['gis/**/*.test.ts', 'api/shared/**/*.test.ts', 'api/queries/**/*.test.ts', 'seeds/**/*.test.ts', 'web/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['api/**/*.test.ts', 'migrations/**/*.test.ts', ...(browser ? ['web/e2e/**/*.test.ts'] : [])],
          exclude: ['api/shared/**', 'api/queries/**'],
          globalSetup: ['api/test/global-setup.ts'],
          pool: 'forks',
          isolate: false,
          maxWorkers: 2,
          // Generous: CI machines are shared; speed is measured by `npm run bench`, not here.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // expect.poll waits up to 15 s (default 1 s): a page answering a search under a full
          // parallel suite on 2 cores can take longer than a second.
          expect: { poll: { timeout: 15_000 } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

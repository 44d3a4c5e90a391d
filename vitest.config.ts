import { defineConfig } from 'vitest/config';

const twentyMinutes = 20 * 60 * 1000;

/**
 * The end-to-end projects share one packed tarball and one installed workspace under test/.work
 * (made once, by the global setup or by scripts/test.ts), and each boots servers and runs
 * installs: within a project one file at a time.
 */
const e2e = {
  globalSetup: ['test/e2e/global-setup.ts'],
  testTimeout: twentyMinutes,
  hookTimeout: twentyMinutes,
  fileParallelism: false,
  // within a file, tests marked concurrent run two at a time: the machine has two cores
  maxConcurrency: 2,
  // a state a test waits for can take seconds while the other lane loads the machine
  expect: { poll: { timeout: 5000 } },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // the generator in memory (unit) and the built CLI as a child process (cli)
          include: ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts'],
          // a CLI test starts node a few times; on a busy 2-core machine that can take seconds
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: ['test/e2e/apps.test.ts'],
          ...e2e,
        },
      },
      {
        test: {
          // every option set's own checks: `npm test` runs them in a vitest process of their own,
          // beside the one that runs the other projects (scripts/test.ts). Two at a time: an
          // app's own suite waits more than it computes (about 66 CPU seconds in 127)
          name: 'e2e-apps',
          include: ['test/e2e/apps.test.ts'],
          ...e2e,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

const twentyMinutes = 20 * 60 * 1000;

/**
 * The end-to-end projects share one packed tarball and one installed workspace under test/.work
 * (the global setup makes it once for both), and each boots servers and runs installs: within
 * a project one file at a time. Projects run side by side, so the apps' checks (the longest
 * file) run beside the other files.
 */
const e2e = {
  globalSetup: ['test/e2e/global-setup.ts'],
  testTimeout: twentyMinutes,
  hookTimeout: twentyMinutes,
  fileParallelism: false,
  // within a file, tests marked concurrent run two at a time: the machine has two cores
  maxConcurrency: 2,
};

export default defineConfig({
  test: {
    // one file of each project at a time, the three projects side by side (vitest's default
    // is one worker fewer than the cores: here one, which ran the projects one after another)
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          // the generator in memory (unit) and the built CLI as a child process (cli)
          include: ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts'],
          // a CLI test starts node a few times; on a busy 2-core machine that can take seconds
          testTimeout: 20_000,
          hookTimeout: 20_000,
          maxWorkers: 1,
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
          // every option set's own checks, in a lane of their own beside the other e2e files
          name: 'e2e-apps',
          include: ['test/e2e/apps.test.ts'],
          ...e2e,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

const twentyMinutes = 20 * 60 * 1000;

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
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: twentyMinutes,
          hookTimeout: twentyMinutes,
          // the files share one packed tarball and one installed workspace under test/.work,
          // and each boots servers and runs installs: one file at a time
          fileParallelism: false,
          // within a file, tests marked concurrent run two at a time: the machine has two cores
          maxConcurrency: 2,
        },
      },
    ],
  },
});

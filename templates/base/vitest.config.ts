import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // each file starts its own server on a free port; files run side by side
    testTimeout: 20_000,
  },
});

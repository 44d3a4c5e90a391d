import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // builds dist/ when a source is newer, for the tests that run the server as `npm start` does
    globalSetup: ['test/global-setup.ts'],
    // each file starts its own server on a free port; files run side by side, and share one
    // copy of the modules they import (each test builds its own server and context from them)
    isolate: false,
    testTimeout: 20_000,
    // a state a test waits for (a reconnect, a drained stream) can take seconds on a busy
    // machine: expect.poll gives up after 5 s instead of 1 (it passes as soon as it holds)
    expect: { poll: { timeout: 5000 } },
  },
});

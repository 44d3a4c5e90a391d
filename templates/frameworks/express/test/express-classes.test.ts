import { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

let server: RunningServer;
beforeAll(async () => {
  server = await start();
});
afterAll(() => server.close());

// a request whose prototype changed makes every later request of the process slower
// (src/perf/express-classes.ts)
it('Express never changes the prototype of a request or a response', async () => {
  const setPrototypeOf = Object.setPrototypeOf.bind(Object);
  // each time Express sets the prototype of a request or a response: whether it changed
  const changes: boolean[] = [];
  const spy = vi.spyOn(Object, 'setPrototypeOf').mockImplementation((target, proto) => {
    if (target instanceof IncomingMessage || target instanceof ServerResponse) {
      changes.push(Object.getPrototypeOf(target) !== proto);
    }
    return setPrototypeOf(target, proto);
  });
  try {
    for (const path of ['/health', '/ready', '/missing']) {
      const response = await fetch(new URL(path, server.url));
      await response.arrayBuffer();
    }
  } finally {
    spy.mockRestore();
  }
  // Express sets both on every request it routes, to the same prototype each time
  expect(changes).toEqual(Array<boolean>(6).fill(false));
});

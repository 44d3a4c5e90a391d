import type { RunningServer } from '../src/server.js';

/** the server runs its jobs itself; stopping waits for them, as its shutdown does */
export async function runJobs(server: RunningServer) {
  return { stop: () => server.context.jobs.close() };
}

// Cluster mode (WORK-3) and worker recycling (WORK-4) of the built app under load: autocannon
// on loopback keeps ten connections busy while a worker is killed, recycled, or the whole
// cluster is stopped with SIGTERM.

import autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { appDir, boot, type BootedApp } from '../helpers/e2e.js';
import { defaultSetIds, onePer, optionSets } from './sets.js';

/** each framework's default app */
const sets = onePer(
  optionSets.filter((set) => defaultSetIds.has(set.id)),
  ({ framework }) => framework,
);

const connections = 10;

interface LogLine {
  msg: string;
  worker?: number;
  code?: number | null;
}

const logLines = (app: BootedApp): LogLine[] =>
  app
    .output()
    .split('\n')
    // the last line may still be on its way
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as LogLine);

/** the pids of the workers the primary saw serve, in order */
const serving = (app: BootedApp) =>
  logLines(app)
    .filter((line) => line.msg.startsWith('worker serving'))
    .map((line) => line.worker);

async function until(app: BootedApp, what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}:\n${app.output()}`);
    await sleep(50);
  }
}

/** a cluster of two workers, both serving */
async function bootCluster(dir: string, env: Record<string, string> = {}): Promise<BootedApp> {
  const app = await boot(dir, {
    WEB_CONCURRENCY: '2',
    // autocannon sends its next request on a socket whatever `Connection: close` said, and Node
    // answers every request past MAX_REQUESTS_PER_SOCKET on that socket with 503 (its
    // documented behaviour, for clients that ignore the close): the count would measure
    // autocannon, not the cluster
    MAX_REQUESTS_PER_SOCKET: '0',
    ...env,
  });
  await until(app, 'two workers serving', () => serving(app).length >= 2);
  return app;
}

/**
 * Loads /health while `during` runs, and `afterMs` more (a client a stopped worker dropped has
 * reconnected by then); resolves to the failures by kind
 */
async function underLoad(url: string, during: () => Promise<unknown>, afterMs = 0) {
  const failures = new Map<string, number>();
  const count = (what: string) => failures.set(what, (failures.get(what) ?? 0) + 1);
  let finished!: (result: autocannon.Result) => void;
  const done = new Promise<autocannon.Result>((resolve) => (finished = resolve));
  // the duration is a bound: the load stops once `during` is over
  const run = autocannon({ url: `${url}/health`, connections, duration: 30 }, (_, result) =>
    finished(result),
  );
  run.on('reqError', (error: NodeJS.ErrnoException) => count(error.code ?? error.message));
  // what a failed answer said, asked again once the first one is seen: which part of the
  // stack answered (its headers and body) is what the count alone cannot tell
  let sample: Promise<string> | undefined;
  run.on('response', (_client: unknown, status: number) => {
    if (status === 200) return;
    count(String(status));
    sample ??= fetch(`${url}/health`).then(
      async (res) =>
        `${res.status} ${JSON.stringify(Object.fromEntries(res.headers))} ${await res.text()}`,
      (error: unknown) => String(error),
    );
  });
  try {
    await during();
    await sleep(afterMs);
  } finally {
    run.stop();
  }
  const result = await done;
  return { failures, requests: result.requests.total, sample: await sample };
}

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);

  it('WORK-3: a worker killed under load is replaced; only requests it had in flight fail', async () => {
    const app = await bootCluster(dir);
    try {
      const { failures, requests, sample } = await underLoad(
        app.url,
        async () => {
          await sleep(1000);
          const [victim] = serving(app);
          process.kill(victim ?? 0, 'SIGKILL');
          await until(app, 'a replacement serving', () => serving(app).length >= 3);
        },
        1000,
      );
      // autocannon sends one request at a time per connection: the dead worker held at most
      // one per connection it had
      const failed = [...failures.values()].reduce((sum, n) => sum + n, 0);
      const seen = `${JSON.stringify(Object.fromEntries(failures))}; asked again: ${sample}`;
      expect(failed, `${seen}\n${app.output()}`).toBeLessThanOrEqual(connections);
      expect(requests).toBeGreaterThan(1000);
      expect(logLines(app).some((line) => line.msg === 'worker died')).toBe(true);
    } finally {
      app.process.kill('SIGKILL');
      await app.process;
    }
  });

  it('WORK-4: recycling after MAX_REQUESTS_PER_WORKER under load fails no request', async () => {
    const app = await bootCluster(dir, {
      MAX_REQUESTS_PER_WORKER: '2000',
      MAX_REQUESTS_JITTER: '0',
    });
    try {
      const { failures } = await underLoad(
        app.url,
        () =>
          until(app, 'a worker replaced', () =>
            logLines(app).some((line) => line.msg === 'worker replaced and exited'),
          ),
        1000,
      );
      expect(Object.fromEntries(failures)).toEqual({});
      expect(logLines(app).some((line) => line.msg === 'worker died')).toBe(false);
    } finally {
      app.process.kill('SIGKILL');
      await app.process;
    }
  });

  it('WORK-3, RUN-2: SIGTERM under load drains both workers and exits 0', async () => {
    const app = await bootCluster(dir);
    // until the cluster has exited
    const { failures } = await underLoad(app.url, async () => {
      await sleep(1000);
      app.process.kill('SIGTERM');
      await app.process;
    });
    const result = await app.process;
    expect(result.exitCode, app.output()).toBe(0);
    // once no worker listens a new connection is refused, which is not a sent request
    failures.delete('ECONNREFUSED');
    // no request sent fails: the workers stop listening together before closing a connection
    expect(Object.fromEntries(failures)).toEqual({});
    // both drained and exited by themselves
    const exits = logLines(app).filter((line) => line.msg === 'worker exited');
    expect(exits.map((line) => line.code)).toEqual([0, 0]);
  });
});

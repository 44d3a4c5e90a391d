import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { testEnv } from './env.js';
import { freePort } from './net.js';

interface LogLine {
  pid: number;
  msg: string;
  worker?: number;
  code?: number | null;
  reason?: string;
}

interface Cluster {
  url: string;
  primary: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** what the primary and the workers logged, as JSON lines */
  lines: LogLine[];
  output(): string;
  /** the pids of the workers the primary saw serve, in order */
  serving(): (number | undefined)[];
  /** resolves once `condition` holds, fails after `timeoutMs` or if the primary exits */
  until(what: string, condition: () => boolean, timeoutMs?: number): Promise<void>;
}

const running: Cluster[] = [];
afterEach(async () => {
  for (const cluster of running.splice(0)) {
    if (cluster.primary.exitCode === null && cluster.primary.signalCode === null) {
      cluster.primary.kill('SIGKILL');
      await cluster.exited;
    }
  }
});

/** the built app as `npm start` runs it (dist/, which test/global-setup.ts builds), in a cluster */
async function startCluster(settings: Record<string, string> = {}): Promise<Cluster> {
  const port = await freePort();
  const child: ChildProcess = spawn('node', ['--enable-source-maps', 'dist/main.js'], {
    env: {
      ...process.env,
      ...testEnv(),
      PORT: String(port),
      LOG_LEVEL: 'info',
      WEB_CONCURRENCY: '2',
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines: LogLine[] = [];
  let output = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      output += `${line}\n`;
      if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const cluster: Cluster = {
    url: `http://127.0.0.1:${port}`,
    primary: child,
    exited,
    lines,
    output: () => output,
    serving: () =>
      lines.filter((line) => line.msg.startsWith('worker serving')).map((line) => line.worker),
    async until(what: string, condition: () => boolean, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`never saw ${what}:\n${output}`);
        await sleep(50);
      }
    },
  };
  running.push(cluster);
  return cluster;
}

/** the pids of the workers that answered these requests, one new connection each */
async function answeringPids(cluster: Cluster, count: number) {
  const before = cluster.lines.length;
  // a path no route has: answered 404 by a worker, and logged with its pid
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${cluster.url}/cluster-probe`, { headers: { connection: 'close' } });
    await res.arrayBuffer();
  }
  await cluster.until(
    `${count} request lines`,
    () =>
      cluster.lines.slice(before).filter((line) => line.msg === 'request completed').length >=
      count,
  );
  return new Set(
    cluster.lines
      .slice(before)
      .filter((line) => line.msg === 'request completed')
      .map((line) => line.pid),
  );
}

/**
 * Loads /health while `during` runs, and `afterMs` more (a client a stopped worker dropped has
 * reconnected by then); resolves to the failures, by error code or status
 */
function load(url: string, during: () => Promise<unknown>, afterMs = 0) {
  const failures = new Map<string, number>();
  const count = (what: string) => failures.set(what, (failures.get(what) ?? 0) + 1);
  let finished!: () => void;
  const ended = new Promise<void>((resolve) => (finished = resolve));
  // the duration is a bound: the load stops once `during` is over
  const run = autocannon({ url: `${url}/health`, connections: 10, duration: 30 }, () => finished());
  run.on('reqError', (error: NodeJS.ErrnoException) => count(error.code ?? error.message));
  run.on('response', (_client: unknown, status: number) => {
    if (status !== 200) count(String(status));
  });
  return {
    failures,
    done: (async () => {
      try {
        await during();
        await sleep(afterMs);
      } finally {
        run.stop();
        await ended;
      }
    })(),
  };
}

describe('cluster', () => {
  it('WORK-3: WEB_CONCURRENCY=2 serves from two worker processes, not the primary', async () => {
    const cluster = await startCluster();
    await cluster.until('two workers serving', () => cluster.serving().length === 2);
    const pids = await answeringPids(cluster, 20);
    expect([...pids].sort()).toEqual([...cluster.serving()].sort());
    expect(pids.has(cluster.primary.pid ?? 0)).toBe(false);
  }, 60_000);

  it('WORK-3: the first worker starts alone, the second once it serves', async () => {
    const cluster = await startCluster();
    await cluster.until('two workers serving', () => cluster.serving().length === 2);
    const steps = cluster.lines
      .filter((line) => line.msg === 'worker started' || line.msg === 'worker serving')
      .map((line) => line.msg);
    expect(steps).toEqual(['worker started', 'worker serving', 'worker started', 'worker serving']);
  }, 60_000);

  it('WORK-3, RUN-3: a wrong setting is printed once, by the primary, which exits 1', async () => {
    // the first worker was forked before the settings were read: it must neither print the
    // error again nor serve
    const cluster = await startCluster({ SHUTDOWN_TIMEOUT_MS: 'soon' });
    const [code] = await cluster.exited;
    expect(code).toBe(1);
    expect(cluster.output().match(/Invalid setting SHUTDOWN_TIMEOUT_MS="soon"/g)).toHaveLength(1);
    expect(cluster.lines).toEqual([]);
  }, 60_000);

  it('WORK-3: a worker killed is replaced by a new one that serves', async () => {
    const cluster = await startCluster();
    await cluster.until('two workers serving', () => cluster.serving().length === 2);
    const [killed, kept] = cluster.serving();
    process.kill(killed ?? 0, 'SIGKILL');
    await cluster.until('a third worker serving', () => cluster.serving().length === 3);
    const replacement = cluster.serving()[2];
    expect(cluster.lines.some((line) => line.msg === 'worker died' && line.worker === killed)).toBe(
      true,
    );
    const pids = await answeringPids(cluster, 20);
    expect([...pids].sort()).toEqual([kept, replacement].sort());
  }, 60_000);

  it('WORK-4: a worker past MAX_REQUESTS_PER_WORKER is replaced under load, no request failing', async () => {
    const cluster = await startCluster({
      MAX_REQUESTS_PER_WORKER: '2000',
      MAX_REQUESTS_JITTER: '0',
    });
    await cluster.until('two workers serving', () => cluster.serving().length === 2);
    const run = load(
      cluster.url,
      () =>
        cluster.until('a worker replaced', () =>
          cluster.lines.some((line) => line.msg === 'worker replaced and exited'),
        ),
      1000,
    );
    await run.done;
    expect(Object.fromEntries(run.failures)).toEqual({});
    // the new one started serving before the old one drained
    const replacing = cluster.lines.findIndex((line) => line.msg.includes('the one it replaces'));
    const exited = cluster.lines.findIndex((line) => line.msg === 'worker replaced and exited');
    expect(replacing).toBeGreaterThan(-1);
    expect(exited).toBeGreaterThan(replacing);
    expect(cluster.lines.some((line) => line.msg === 'worker died')).toBe(false);
  }, 60_000);

  it('WORK-4: a worker above MAX_WORKER_RSS_MB is replaced, its replacement serving first', async () => {
    // every worker is above 1 MiB: the first memory check replaces one
    const cluster = await startCluster({ MAX_WORKER_RSS_MB: '1', WORKER_RSS_CHECK_MS: '200' });
    await cluster.until('a worker replaced', () =>
      cluster.lines.some((line) => line.msg === 'worker replaced and exited'),
    );
    const asked = cluster.lines.find((line) => line.msg.startsWith('worker to be replaced'));
    expect(asked?.reason).toMatch(/^resident memory \d+ MiB$/);
    const replacing = cluster.lines.findIndex((line) => line.msg.includes('the one it replaces'));
    const exited = cluster.lines.findIndex((line) => line.msg === 'worker replaced and exited');
    expect(exited).toBeGreaterThan(replacing);
  }, 60_000);

  it('WORK-3: SIGTERM under load drains every worker and exits 0', async () => {
    const cluster = await startCluster();
    await cluster.until('two workers serving', () => cluster.serving().length === 2);
    // until the cluster has exited: once the listener is gone a new connection is refused,
    // which is not a sent request
    const run = load(cluster.url, async () => {
      await sleep(1000);
      cluster.primary.kill('SIGTERM');
      await cluster.exited;
    });
    await run.done;
    run.failures.delete('ECONNREFUSED');
    // no request sent fails: no worker closes a connection before every one stopped listening,
    // so no client reconnects to a worker about to stop and is reset with its listener
    expect(Object.fromEntries(run.failures)).toEqual({});
    const [code] = await cluster.exited;
    expect(code, cluster.output()).toBe(0);
    const exits = cluster.lines.filter((line) => line.msg === 'worker exited');
    expect(exits.map((line) => line.code)).toEqual([0, 0]);
  }, 60_000);

  it('WORK-3: workers that die at start in a loop make the primary give up and exit 1', async () => {
    // the port is taken, so every worker fails to listen
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const cluster = await startCluster({ PORT: String(port) });
      const [code] = await cluster.exited;
      expect(code).toBe(1);
      expect(cluster.output()).toMatch(/workers keep dying: \d+ died within 60 s.*giving up/);
      expect(cluster.output()).toContain('the port is in use');
    } finally {
      taken.close();
    }
  }, 60_000);
});

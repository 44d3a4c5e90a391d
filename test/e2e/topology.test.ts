// The scale-out topology that compose.yaml and deploy/kubernetes/ describe, as processes on
// loopback and without containers (RUN-4, WORK-1, CACHE-3, OBS-1): for each framework's all-on
// app, nginx from its generated nginx.conf in front of two instances of the built app (one
// process each, as in a pod), `npm run worker` running the jobs they queue, the shared Redis and
// PostgreSQL, and an OTLP/HTTP receiver standing in for the collector. Requests go through
// nginx; which instance answered one is read from the instances' own request logs (OBS-6).

import { execa, type ResultPromise } from 'execa';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appDir,
  boot,
  removeKeys,
  sharedServices,
  tracingPreload,
  type BootedApp,
} from '../helpers/e2e.js';
import { finishedJob, postJob } from '../helpers/jobs.js';
import { waitUntilAnswering } from '../helpers/net.js';
import { nginxInFront, type Proxied } from '../helpers/nginx.js';
import {
  isIncoming,
  otlpReceiver,
  queryOf,
  type OtlpReceiver,
  type Span,
} from '../helpers/otlp.js';
import { allOnSetIds, optionSets } from './sets.js';

const sets = optionSets.filter((set) => allOnSetIds.has(set.id));

// each test's own bound; starting or stopping the whole topology has its own
const testMs = 60_000;
const topologyMs = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LogLine {
  pid: number;
  msg: string;
  req?: { method: string; url: string };
  cache?: string;
  job?: string;
}

/** the JSON lines (pino) in a process's output; anything else, or a line half written, is skipped */
function logLines(output: string): LogLine[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** the request log lines of an instance (OBS-6) for URLs containing `marker` */
const answered = (app: BootedApp, marker: string) =>
  logLines(app.output()).filter(
    (line) => line.msg === 'request completed' && line.req?.url.includes(marker),
  );

/** polls `condition` every 50 ms for at most `ms`; whether it came true */
async function until(condition: () => boolean, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGTERM to the process `pid` and, after 10 s, SIGKILL; resolves once `exited` has */
async function stop(pid: number | undefined, exited: Promise<unknown>): Promise<void> {
  if (pid === undefined) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // gone already
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface JobWorker {
  /** the worker's node process: npm, the child we spawn, only waits for it */
  pid: number;
  process: ResultPromise;
  output(): string;
}

/**
 * `npm run worker`, as compose.yaml's worker service and the worker Deployment run it (the
 * preload, then dist/worker.js), once it says it takes jobs. Its node process's pid comes from
 * its log lines: a supervisor's SIGTERM goes to that process, not to npm.
 */
async function startWorker(dir: string, env: Record<string, string>): Promise<JobWorker> {
  const child = execa('npm', ['run', 'worker'], { cwd: dir, env, reject: false, all: true });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const running = () => logLines(output).find((line) => line.msg === 'job worker running');
  const started = await until(() => running() !== undefined || child.exitCode !== null, 30_000);
  const line = running();
  if (started && line) return { pid: line.pid, process: child, output: () => output };
  const pid = logLines(output)[0]?.pid ?? child.pid;
  await stop(pid, child);
  throw new Error(`the job worker did not start within 30 s:\n${output}`);
}

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);
  // keys of this run's own in the shared Redis: two runs, or two tests, never meet
  const prefix = `e2e-topology-${randomUUID()}`;
  const instances = ['a', 'b'];
  const apps: BootedApp[] = [];
  let otlp: OtlpReceiver | undefined;
  let proxy: Proxied | undefined;
  let worker: JobWorker | undefined;
  let env: Record<string, string> = {};

  /** what started, for a test that runs after beforeAll succeeded */
  const topology = () => {
    if (!otlp || !proxy || !worker || apps.length !== 2) throw new Error('not started');
    return { otlp, proxy, worker };
  };

  beforeAll(async () => {
    const { cache, db, jobs, tracing, proxy: front } = set.answers;
    const needed = { cache: 'tiered', db: 'postgres', jobs: 'bullmq', tracing: 'otlp' };
    expect({ cache, db, jobs, tracing, proxy: front }).toEqual({ ...needed, proxy: 'nginx' });

    otlp = await otlpReceiver();
    env = {
      ...sharedServices,
      CACHE_PREFIX: `${prefix}-cache`,
      JOBS_PREFIX: `${prefix}-jobs`,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      // batches go out every 100 ms rather than every 5 s
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'info',
    };
    // one after the other, so that a failed start leaves no instance unknown to afterAll
    for (const name of instances) {
      apps.push(
        await boot(dir, {
          ...env,
          NODE_OPTIONS: tracingPreload,
          // how a collector tells replicas apart (in Kubernetes, the pod's name)
          OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${name}`,
        }),
      );
    }
    proxy = await nginxInFront(
      dir,
      apps.map((app) => Number(new URL(app.url).port)),
    );
    // no WEB_CONCURRENCY, as neither compose.yaml nor the ConfigMap give the worker one
    worker = await startWorker(dir, {
      ...env,
      OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=worker',
    });
  }, topologyMs);

  afterAll(async () => {
    await proxy?.stop();
    await Promise.all([
      ...apps.map((app) => stop(app.process.pid, app.process)),
      worker && stop(worker.pid, worker.process),
    ]);
    await otlp?.close();
    await removeKeys(`${prefix}-cache`);
    await removeKeys(`${prefix}-jobs`);
  }, topologyMs);

  it(
    'RUN-1: each instance is ready on the shared Redis and PostgreSQL',
    async () => {
      for (const app of apps) {
        // warm-up and the first connections: /health answers before /ready does
        expect(await waitUntilAnswering(`${app.url}/ready`, { timeoutMs: 15_000 })).toBe(true);
        const ready = (await (await fetch(`${app.url}/ready`)).json()) as {
          status: string;
          checks: Record<string, { status: string }>;
        };
        expect(ready.status).toBe('ready');
        for (const dependency of ['cache', 'db', 'jobs']) {
          expect(ready.checks[dependency]?.status, dependency).toBe('up');
        }
      }
    },
    testMs,
  );

  it(
    'RUN-4: nginx spreads the requests over both instances',
    async () => {
      const { proxy } = topology();
      const marker = `spread-${randomUUID()}`;
      const paths = Array.from({ length: 20 }, (_, i) => `/api/tiny?${marker}=${i}`);
      const statuses: number[] = [];
      // four at a time, over as many connections to nginx: it balances requests, not clients
      const client = async () => {
        for (let path = paths.shift(); path; path = paths.shift()) {
          const res = await fetch(`${proxy.url}${path}`);
          statuses.push(res.status);
          await res.arrayBuffer();
        }
      };
      await Promise.all([client(), client(), client(), client()]);
      expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));

      // a line is logged as its response ends: the last ones may still be on their way
      const counts = () => apps.map((app) => answered(app, marker).length);
      await until(() => counts().reduce((sum, n) => sum + n) === 20);
      const [onA = 0, onB = 0] = counts();
      expect(onA + onB).toBe(20);
      // round-robin: each nginx worker alternates, so each instance has about half
      expect(onA).toBeGreaterThanOrEqual(5);
      expect(onB).toBeGreaterThanOrEqual(5);
    },
    testMs,
  );

  it(
    'CACHE-3, CACHE-12: an item one instance loads into the cache is a HIT on the other',
    async () => {
      const { proxy } = topology();
      const path = '/api/items/777';
      const outcomes: (string | null)[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${proxy.url}${path}`);
        expect(res.status).toBe(200);
        outcomes.push(res.headers.get('x-cache'));
        await res.arrayBuffer();
      }
      expect(outcomes).toEqual(['MISS', 'HIT', 'HIT', 'HIT', 'HIT', 'HIT']);

      const logged = () => apps.map((app) => answered(app, path).map((line) => line.cache));
      await until(() => logged().flat().length === 6);
      const [onA = [], onB = []] = logged();
      expect([...onA, ...onB].filter((outcome) => outcome === 'MISS')).toHaveLength(1);
      // the instance that did not load the item answered it too, every time from the cache
      const other = onA.includes('MISS') ? onB : onA;
      expect(other.length).toBeGreaterThan(0);
      expect(new Set(other)).toEqual(new Set(['HIT']));
    },
    testMs,
  );

  it(
    'WORK-1: a job posted through nginx runs on the worker process, and both instances report it done',
    async () => {
      const { proxy, worker } = topology();
      const { id, location } = await postJob(proxy.url, 1000);
      expect(location).toBe(`/api/jobs/${encodeURIComponent(id)}`);
      const done = await finishedJob(proxy.url, id);
      expect(done).toMatchObject({ id, state: 'done', result: { rounds: 1000 } });
      for (const app of apps) {
        const res = await fetch(`${app.url}${location}`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual(done);
      }

      const ran = (output: string) =>
        logLines(output).some((line) => line.msg === 'job done' && line.job === id);
      expect(await until(() => ran(worker.output()))).toBe(true);
      // the instances only queue: neither ran it
      expect(apps.map((app) => ran(app.output()))).toEqual([false, false]);
    },
    testMs,
  );

  it(
    'OBS-1: the spans of both instances and of the job worker reach the collector',
    async () => {
      const { otlp, proxy, worker } = topology();
      const marker = `traced-${randomUUID()}`;
      for (let i = 0; i < 6; i++) {
        await (await fetch(`${proxy.url}/api/tiny?${marker}=${i}`)).arrayBuffer();
      }
      const { id } = await postJob(proxy.url, 1000);
      expect(await finishedJob(proxy.url, id)).toMatchObject({ state: 'done' });

      const requests = () =>
        otlp.spans.filter((span) => isIncoming(span) && queryOf(span).includes(marker));
      // OBS-3: the job's own span, made where it ran
      const jobSpans = () =>
        otlp.spans.filter((span) => span.name === 'job hash' && span.attributes['job.id'] === id);
      await until(() => requests().length >= 6 && jobSpans().length > 0);

      const instanceOf = (span: Span) => span.resource['service.instance.id'];
      const pidOf = (span: Span) => Number(span.resource['process.pid']);
      expect(requests()).toHaveLength(6);
      for (const [i, app] of apps.entries()) {
        // each instance exported a span for every request its log says it answered
        const spans = requests().filter((span) => instanceOf(span) === instances[i]);
        expect(spans.length).toBeGreaterThan(0);
        expect(spans).toHaveLength(answered(app, marker).length);
        expect(new Set(spans.map(pidOf))).toEqual(new Set([app.process.pid]));
      }
      const [job] = jobSpans();
      expect(job && instanceOf(job)).toBe('worker');
      expect(job && pidOf(job)).toBe(worker.pid);
    },
    testMs,
  );
  it(
    'RUN-2, OBS-1: a job worker stopped with SIGTERM sends the spans it still holds',
    async () => {
      const { otlp, proxy } = topology();
      // this worker's batches would go out only after ten minutes: its span can only come
      // from the flush at shutdown
      const first = worker;
      worker = undefined;
      await stop(first?.pid, first?.process ?? Promise.resolve());
      worker = await startWorker(dir, {
        ...env,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=worker-2',
      });
      const { id } = await postJob(proxy.url, 1000);
      expect(await finishedJob(proxy.url, id)).toMatchObject({ state: 'done' });
      const jobSpans = () =>
        otlp.spans.filter((span) => span.name === 'job hash' && span.attributes['job.id'] === id);
      expect(jobSpans()).toEqual([]);

      const stopped = worker;
      worker = undefined;
      await stop(stopped.pid, stopped.process);
      expect(await until(() => jobSpans().length > 0, 5000), stopped.output()).toBe(true);
      expect(jobSpans()[0]?.resource['service.instance.id']).toBe('worker-2');
    },
    testMs,
  );
});

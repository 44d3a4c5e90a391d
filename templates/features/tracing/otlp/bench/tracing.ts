import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootApp, cpuSeconds, measure, seconds, type Booted, type Row } from './lib.js';

// the preload `npm start` loads; without it the app runs with tracing off
const preload = ['--import', './dist/perf/tracing/register.js'];

/**
 * An OTLP/HTTP receiver on loopback that takes every export and throws it away; it answers any
 * other request with `{}`, which makes it an upstream for /api/upstream too.
 */
async function discardingCollector(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/traces')
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      else res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/v1/traces' ? '' : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

const rounds = 3;

/** the servers' medians of each round, and their CPU time over all rounds, per request */
function combine(scenario: string, measured: Row[], cpu: number | undefined): Row {
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? 0;
  const requests = measured.reduce((sum, row) => sum + row.requests, 0);
  return {
    scenario,
    requestsPerSecond: median(measured.map((row) => row.requestsPerSecond)),
    p50: median(measured.map((row) => row.p50)),
    p99: median(measured.map((row) => row.p99)),
    requests,
    ...(cpu === undefined ? {} : { cpuUs: (cpu / requests) * 1e6 }),
  };
}

/**
 * OBS-1, OBS-4: what tracing costs. The same route with tracing off (no preload), on with every
 * trace kept, and on with one in a hundred kept (nearly every request unsampled), exporting to
 * a local collector that throws the spans away. The three servers run side by side and are
 * loaded in turn, in rounds, so that whatever else the machine does falls on all three; each
 * row says how many µs of CPU time a request costs its server beyond the one without tracing.
 */
export async function tracingRows(path: string): Promise<Row[]> {
  const collector = await discardingCollector();
  const servers: Booted[] = [];
  try {
    const upstream = { UPSTREAM_URL: `${collector.url}/upstream` };
    const traced = (sampler: string, ratio: string) => ({
      ...upstream,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_TRACES_SAMPLER: sampler,
      OTEL_TRACES_SAMPLER_ARG: ratio,
    });
    const variants = [
      { scenario: `${path}: tracing off`, env: upstream, flags: [] },
      { scenario: `${path}: tracing on, all kept`, env: traced('always_on', '1'), flags: preload },
      {
        scenario: `${path}: tracing on, 1% kept`,
        env: traced('parentbased_traceidratio', '0.01'),
        flags: preload,
      },
    ];
    for (const { env, flags } of variants) servers.push(await bootApp(env, flags));
    const measured = variants.map((): Row[] => []);
    const cpu = variants.map((): number | undefined => 0);
    const duration = Math.max(1, Math.round(seconds / rounds));
    for (const server of servers) {
      // the JIT, and the pools' first connections
      await measure('warm-up', { url: `${server.url}${path}`, duration: 1 });
    }
    for (let round = 0; round < rounds; round++) {
      for (const [index, server] of servers.entries()) {
        const { scenario } = variants[index] ?? { scenario: '' };
        const before = cpuSeconds(server.pid);
        const row = await measure(scenario, { url: `${server.url}${path}`, duration });
        const after = cpuSeconds(server.pid);
        measured[index]?.push(row);
        const used = before === undefined || after === undefined ? undefined : after - before;
        cpu[index] = used === undefined ? undefined : (cpu[index] ?? 0) + used;
      }
    }
    const [off, ...on] = variants.map(({ scenario }, index) =>
      combine(scenario, measured[index] ?? [], cpu[index]),
    );
    if (!off) return [];
    return [off, ...on.map((row) => ({ ...row, versus: off.scenario }))];
  } finally {
    for (const server of servers) await server.stop();
    collector.close();
  }
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootApp, measure, type Row } from './lib.js';

// the preload `npm start` loads; without it the app runs with tracing off
const preload = ['--import', './dist/perf/tracing/register.js'];

/**
 * An OTLP/HTTP receiver on loopback that takes every export and throws it away; it answers any
 * other request with `{}`, which makes it an upstream for /api/upstream too.
 */
async function discardingCollector(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function load(
  scenario: string,
  path: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<Row> {
  const app = await bootApp(env, nodeFlags);
  try {
    return await measure(scenario, { url: `${app.url}${path}` });
  } finally {
    await app.stop();
  }
}

/**
 * OBS-1, OBS-4: what tracing costs. The same route with tracing off (no preload), then on with
 * every trace kept, then with one in ten kept, each exported to a local collector.
 */
export async function tracingRows(path: string): Promise<Row[]> {
  const collector = await discardingCollector();
  try {
    const upstream = { UPSTREAM_URL: `${collector.url}/upstream` };
    const traced = (sampler: string, ratio: string) => ({
      ...upstream,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_TRACES_SAMPLER: sampler,
      OTEL_TRACES_SAMPLER_ARG: ratio,
    });
    const off = await load(`${path}: tracing off`, path, upstream);
    const all = await load(
      `${path}: tracing on, all kept`,
      path,
      traced('always_on', '1'),
      preload,
    );
    const tenth = await load(
      `${path}: tracing on, 10% kept`,
      path,
      traced('parentbased_traceidratio', '0.1'),
      preload,
    );
    return [off, { ...all, versus: off.scenario }, { ...tenth, versus: off.scenario }];
  } finally {
    collector.close();
  }
}

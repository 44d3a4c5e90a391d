// every dependency version a generated project uses, in one place. A feature names packages as
// `PackageName`, so a typo is a compile error. Each Node.js line (`--node`) gets the newest
// versions whose `engines` accept it: a package whose newest major leaves a line out has a
// column per line, checked with `npm view PKG@VERSION engines` (recorded in
// test/fixtures/engines.json, which a unit test holds these columns to).

import type { NodeLine } from './options.js';

/** one version for every line, or one per line */
type Version = string | Readonly<Record<NodeLine, string>>;

/** the same version on 22, 24 and 26, another on 20 */
const from22 = (on20: string, on22: string) =>
  ({ '20': on20, '22': on22, '24': on22, '26': on22 }) as const;

export const versions = {
  // runtime
  '@fastify/accept-negotiator': '^2.1.2',
  '@fastify/compress': '^9.2.0',
  '@fastify/send': '^4.2.1',
  '@hono/node-server': '^2.1.8',
  'close-with-grace': '^2.5.0',
  compression: '^1.8.1',
  express: '^5.3.0',
  fastify: '^5.12.8',
  'fastify-plugin': '^6.0.1',
  hono: '^4.13.19',
  ioredis: '^5.9.2',
  'lru-cache': '^11.5.3',
  'on-headers': '^1.1.0',
  pino: '^10.4.0',
  valibot: '^1.5.0',
  vary: '^1.1.2',
  // database (POOL-1..4). PGlite pinned to the build pglite-socket depends on: one copy, not two
  '@electric-sql/pglite': '0.5.14',
  '@electric-sql/pglite-socket': '0.2.17',
  pg: '^8.23.1',
  // outbound HTTP (POOL-5..7): undici 8 needs Node.js 22.19, cockatiel 4 needs 22
  cockatiel: from22('^3.2.1', '^4.0.0'),
  undici: from22('^7.30.2', '^8.14.0'),
  // worker threads (WORK-2)
  piscina: '^5.3.2',
  // background jobs (WORK-1): p-queue 10 needs Node.js 22, 9 takes 20; bullmq runs on the
  // ioredis pinned above (its optional peer)
  bullmq: '^6.7.0',
  'p-queue': from22('^9.3.5', '^10.0.0'),
  // tracing (OBS-1..4): the 0.223 line (core 2) is the last for Node.js 20; the 0.301 line
  // (core 3) needs 22.15. Each SDK line takes its own minor of the API as a peer
  // (0.223: < 1.10, 0.301: 1.10), so the API is held to that minor
  '@fastify/otel': '^0.21.2',
  '@opentelemetry/api': from22('~1.9.0', '~1.10.0'),
  '@opentelemetry/core': from22('^2.12.0', '^3.1.1'),
  '@opentelemetry/exporter-trace-otlp-proto': from22('^0.223.0', '^0.301.2'),
  '@opentelemetry/instrumentation-express': from22('^0.71.1', '^0.72.0'),
  '@opentelemetry/instrumentation-ioredis': from22('^0.71.0', '^0.72.0'),
  '@opentelemetry/instrumentation-undici': from22('^0.33.0', '^0.34.0'),
  '@opentelemetry/sdk-node': from22('^0.223.0', '^0.301.2'),
  // the samplers: sdk-node re-exports them (as `tracing`) only up to 0.223
  '@opentelemetry/sdk-trace': from22('^2.12.0', '^3.1.1'),
  'import-in-the-middle': '^3.6.0',
  // development
  '@eslint/js': '^9.39.1',
  '@types/express': '^5.0.6',
  '@types/autocannon': '^7.12.7',
  '@types/pg': '^8.23.1',
  '@types/compression': '^1.8.1',
  '@types/on-headers': '^1.0.4',
  '@types/vary': '^1.1.3',
  autocannon: '^8.0.0',
  // the line's own types: a project for 20 cannot call what only 24 has
  '@types/node': { '20': '^20.19.8', '22': '^22.20.7', '24': '^24.19.4', '26': '^26.6.11' },
  eslint: '^9.39.1',
  globals: '^16.5.0',
  'pino-pretty': '^13.2.0',
  prettier: '^3.10.1',
  // reads the app's OTLP exports in its tracing test
  protobufjs: '^8.8.1',
  tsx: '^4.23.15',
  typescript: '~5.9.3',
  'typescript-eslint': '^8.48.0',
  vitest: '^4.1.12',
} as const satisfies Record<string, Version>;

export type PackageName = keyof typeof versions;

/** the version of `name` a project for this Node.js line depends on */
export function versionOf(name: PackageName, line: NodeLine): string {
  const version: Version = versions[name];
  return typeof version === 'string' ? version : version[line];
}

/**
 * Packages a project does not name itself, held below the newest release its dependency's range
 * allows on a line whose engines that release leaves out, through the manager's `overrides`
 * (pnpm: `pnpm.overrides`, yarn: `resolutions`), where the project depends on `via`: fastify 5
 * takes any light-my-request 6, and 6.8 needs cookie 2, which needs Node.js 22 (an install with
 * `--engine-strict` on 20 fails, and a plain one warns). 6.6.0 takes cookie 1 (Node.js 18).
 */
export const heldBack: Partial<
  Record<NodeLine, Record<string, { version: string; via: PackageName }>>
> = {
  '20': { 'light-my-request': { version: '6.6.0', via: 'fastify' } },
};

/**
 * RUN-4: per Node.js line, what a project declares (`engines` in package.json: the newest floor
 * its dependencies' engines set), the release its Dockerfile runs (the line's latest, inside
 * that range; a test checks it), and the ECMAScript its TypeScript compiles for and types
 * (`target` and `lib` in tsconfig.json: the newest the line runs in full that TypeScript 5.9
 * knows, ES2024 since Node.js 22).
 */
export const node = {
  '20': { engines: '>=20.19.0', image: 'node:20.20.2-slim', target: 'ES2023' },
  // undici 8 needs 22.19, OpenTelemetry's 0.301 line 22.15
  '22': { engines: '>=22.19.0', image: 'node:22.23.5-slim', target: 'ES2024' },
  '24': { engines: '>=24.0.0', image: 'node:24.22.3-slim', target: 'ES2024' },
  '26': { engines: '>=26.0.0', image: 'node:26.12.1-slim', target: 'ES2024' },
} as const satisfies Record<NodeLine, { engines: string; image: string; target: string }>;

/**
 * RUN-4: the images of compose.yaml's services, each pinned to a release line (pin a digest when
 * you build: `redis:7.4-alpine@sha256:...`)
 */
export const images = {
  redis: 'redis:7.4-alpine',
  postgres: 'postgres:17-alpine',
  otelCollector: 'otel/opentelemetry-collector:0.128.0',
  // nginx with ngx_brotli's static module, which the official nginx image lacks
  nginxBase: 'debian:12-slim',
} as const;

/**
 * The package managers a project can be made with besides npm, pinned in its `packageManager`
 * field so that corepack (or the manager itself) runs this release for everyone: pnpm 11 needs
 * Node.js 22, so the 10 line
 */
export const packageManagerVersions = { pnpm: '10.34.8', yarn: '4.18.1' } as const;

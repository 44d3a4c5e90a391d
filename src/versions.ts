// every dependency version a generated project uses, in one place. A feature names packages as
// `PackageName`, so a typo is a compile error. Versions accept Node.js >= 20.19.

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
  vary: '^1.1.2',
  zod: '^4.6.7',
  // database (POOL-1..4). PGlite pinned to the build pglite-socket depends on: one copy, not two
  '@electric-sql/pglite': '0.5.14',
  '@electric-sql/pglite-socket': '0.2.17',
  pg: '^8.23.1',
  // outbound HTTP (POOL-5..7); undici 8 and cockatiel 4 need Node.js 22
  cockatiel: '^3.2.1',
  undici: '^7.30.2',
  // worker threads (WORK-2)
  piscina: '^5.3.2',
  // background jobs (WORK-1): p-queue 10 needs Node.js 22, 9 takes 20; bullmq runs on the
  // ioredis pinned above (its optional peer)
  bullmq: '^6.7.0',
  'p-queue': '^9.3.5',
  // tracing (OBS-1..4): the 0.223 line is the last for Node.js 20
  '@fastify/otel': '^0.21.2',
  '@opentelemetry/api': '^1.9.0',
  '@opentelemetry/core': '^2.12.0',
  '@opentelemetry/exporter-trace-otlp-proto': '^0.223.0',
  '@opentelemetry/instrumentation-express': '^0.71.1',
  '@opentelemetry/instrumentation-http': '^0.223.0',
  '@opentelemetry/instrumentation-ioredis': '^0.71.0',
  '@opentelemetry/instrumentation-pg': '^0.76.0',
  '@opentelemetry/instrumentation-undici': '^0.33.0',
  '@opentelemetry/sdk-node': '^0.223.0',
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
  '@types/node': '^20.19.8',
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
} as const;

export type PackageName = keyof typeof versions;

/**
 * RUN-4: the Node.js a project declares (`engines` in package.json) and the release its
 * Dockerfile runs, kept together so they move together; a test checks that the image's release
 * satisfies the range. The image is a maintained LTS line inside the range, not its floor.
 */
export const node = { engines: '>=20.19', image: 'node:22.23.3-slim' } as const;

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

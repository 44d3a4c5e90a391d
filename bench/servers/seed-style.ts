// "Seed-style": the catalog route as the source articles teach it. Fastify with
// @fastify/compress, the data cached in a Map, but every request serializes it again, hashes
// it for an ETag (md5) and compresses it again (brotli quality 4). The generated app does
// those three once, when its cache entry is filled: this server shows what that saves.
//
// Fastify and @fastify/compress come from the generated fastify app (BENCH_APP_DIR), so the
// generator itself needs neither: the types below are the little of their API used here.
// SEED_PAGE_FILE is the app's own JSON for page SEED_PAGE.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { constants } from 'node:zlib';

interface SeedRequest {
  query: { page?: string };
  headers: Record<string, string | string[] | undefined>;
}
interface SeedReply {
  code(status: number): SeedReply;
  header(name: string, value: string): SeedReply;
  type(contentType: string): SeedReply;
  send(body?: unknown): SeedReply;
}
interface FastifyApp {
  register(plugin: unknown, options: object): PromiseLike<unknown>;
  get(
    path: string,
    handler: (request: SeedRequest, reply: SeedReply) => Promise<SeedReply>,
  ): unknown;
  listen(options: { port: number; host?: string }): Promise<string>;
}

const fromApp = createRequire(join(String(process.env['BENCH_APP_DIR']), 'package.json'));
const fastify = fromApp('fastify') as () => FastifyApp;
const compress: unknown = fromApp('@fastify/compress');

/** the cache: page number → the parsed catalog page */
const catalog = new Map<number, unknown>([
  [
    Number(process.env['SEED_PAGE']),
    JSON.parse(readFileSync(String(process.env['SEED_PAGE_FILE']), 'utf8')),
  ],
]);

const app = fastify();
await app.register(compress, {
  encodings: ['br', 'gzip'],
  brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
});

app.get('/api/catalog', async (request, reply) => {
  const page = catalog.get(Number(request.query.page ?? 1));
  if (page === undefined) return reply.code(404).send({ error: 'no such page' });
  // the per-request work the generated app avoids: serialize, hash, (then) compress
  const json = JSON.stringify(page);
  const etag = `"${createHash('md5').update(json).digest('hex')}"`;
  reply.header('etag', etag).header('cache-control', 'public, max-age=3600');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(json);
});

await app.listen({ port: Number(process.env['PORT']), host: process.env['HOST'] });

import type { Answers } from '../options.js';
import type { PackageName } from '../versions.js';
import { redisDeploy, redisTestService, redisUrl } from './redis.js';
import type { Contribution, EnvVar, Feature } from './types.js';

type Backend = Answers['cache'];
const shared = (backend: Backend) => backend === 'redis' || backend === 'tiered';

const packages: Record<Backend, PackageName[]> = {
  none: [],
  memory: ['lru-cache'],
  redis: ['lru-cache', 'ioredis', 'cockatiel'],
  tiered: ['lru-cache', 'ioredis', 'cockatiel'],
};

const commonEnv: EnvVar[] = [
  {
    name: 'CACHE_TTL_SECONDS',
    schema: 'int(1, 86_400)',
    default: 60,
    doc: 'How long a cached value is fresh, unless its kind has its own TTL (CACHE-9)',
  },
  {
    name: 'CACHE_GRACE_SECONDS',
    schema: 'int(0, 86_400)',
    default: 30,
    doc: 'How long after that a stale value is served while one request refreshes it (CACHE-13)',
  },
  {
    name: 'CACHE_ITEMS_TTL_SECONDS',
    schema: 'int(1, 86_400)',
    doc: 'TTL of /api/items entries; CACHE_TTL_SECONDS when unset (CACHE-9)',
  },
  {
    name: 'CACHE_CATALOG_TTL_SECONDS',
    schema: 'int(1, 86_400)',
    doc: 'TTL of /api/catalog pages; CACHE_TTL_SECONDS when unset (CACHE-9)',
  },
  {
    name: 'CACHE_PREFIX',
    schema: 'prefix()',
    doc: 'Prefix of every cache key; the package name when unset',
  },
  {
    name: 'CACHE_KEY_VERSION',
    schema: 'int(1, 1_000_000)',
    default: 1,
    doc: 'Raise it when a cached shape changes: every old key is ignored at once (CACHE-7)',
  },
  {
    name: 'CACHE_MAX_ENTRIES',
    schema: 'int(1, 10_000_000)',
    default: 10_000,
    doc: 'Most entries kept in memory (CACHE-1)',
  },
  {
    name: 'CACHE_MAX_BYTES',
    schema: 'int(1024, 17_179_869_184)',
    default: 64 * 1024 * 1024,
    doc: 'Most bytes kept in memory (CACHE-1)',
  },
  {
    name: 'CACHE_WARM_UP',
    schema: 'idList',
    doc: 'Item ids loaded at start, before /ready turns 200 (CACHE-10)',
  },
  {
    name: 'ITEM_LOAD_MS',
    schema: 'int(0, 60_000)',
    default: 50,
    doc: 'How long the sample data source takes per read: what a cache hit saves',
  },
];

const sharedEnv: EnvVar[] = [
  {
    name: 'CACHE_WAIT_MS',
    schema: 'int(0, 60_000)',
    default: 250,
    doc: 'Longest a request waits for Redis in all (read, lock, write) before it goes on without the cache (CACHE-14)',
  },
  {
    name: 'REDIS_COMMAND_TIMEOUT_MS',
    schema: 'int(10, 60_000)',
    default: 250,
    doc: 'Longest wait for one Redis command; after a timeout, Redis is not called for a second (CACHE-14)',
  },
  {
    name: 'CACHE_LOCK_TTL_MS',
    schema: 'int(100, 600_000)',
    default: 10_000,
    doc: 'How long one loader may hold a key across instances (CACHE-12)',
  },
  {
    name: 'CACHE_LOCK_WAIT_MS',
    schema: 'int(0, 600_000)',
    default: 2000,
    doc: "How long other instances wait for that loader's value before loading it too (CACHE-12)",
  },
];

const tieredEnv: EnvVar[] = [
  {
    name: 'CACHE_L1_TTL_SECONDS',
    schema: 'int(1, 86_400)',
    default: 10,
    doc: 'Longest life of an entry in the in-memory tier, a bound if an invalidation is missed (CACHE-3)',
  },
];

function configImports(backend: Backend): string[] {
  return [
    "import { cacheSettings } from './settings/cache.js';",
    "import { idList, itemsSettings } from './settings/items.js';",
    ...(shared(backend) ? ["import { redisCacheSettings } from './settings/cache-redis.js';"] : []),
    ...(backend === 'tiered'
      ? ["import { tieredCacheSettings } from './settings/cache-tiered.js';"]
      : []),
  ];
}

/** the cache's settings: the common ones, then those of its backend, which take precedence */
function configSection(backend: Backend): string {
  const parts = [
    'cacheSettings(e, appName)',
    ...(shared(backend) ? ['redisCacheSettings(e)'] : []),
    ...(backend === 'tiered' ? ['tieredCacheSettings(e)'] : []),
  ];
  const items = 'items: itemsSettings(e),';
  if (parts.length === 1) return `cache: ${parts[0]},\n${items}`;
  return ['cache: {', ...parts.map((part) => `  ...${part},`), '},', items].join('\n');
}

function readmeSection(backend: Backend): string {
  const where = {
    none: '',
    memory: 'in this process (an LRU bounded by `CACHE_MAX_ENTRIES` and `CACHE_MAX_BYTES`)',
    redis: 'in Redis at `REDIS_URL`, shared by every instance (in memory when it is unset)',
    tiered:
      'in memory in front of Redis at `REDIS_URL`; a write on one instance empties the memory tier of every instance',
  }[backend];
  const lines = [
    '## Cache',
    '',
    `Values are cached ${where}. Cached routes send \`X-Cache\`: \`MISS\` when the request ran`,
    'the loader, `HIT` when it was served from the cache (also after waiting for another',
    "request's load), `STALE` when a value past its TTL was served within `CACHE_GRACE_SECONDS`",
    'while one request refreshes it. They send `ETag`, `Last-Modified` and `Cache-Control`, made',
    'once when the entry is filled, and answer 304 to `If-None-Match` / `If-Modified-Since`.',
    '',
    shared(backend)
      ? [
          'Concurrent misses of a key run the loader once across every instance (a Redis lock). If Redis is unreachable or stops answering, a request waits for it at most `CACHE_WAIT_MS` in all, and after a timeout Redis is not called for a second (a circuit breaker, then a probe). The app keeps answering from the loader, logs the change once, reports the cache as `degraded` on `/ready` (still 200: without its cache the app is slower, not broken), and caches again when Redis is back.',
          '',
          "The sample keeps its edited items in the same Redis, so meanwhile an item that is not cached answers 503 with `Retry-After` rather than the original in place of an edit, and a `PUT` answers 503 and writes nothing. A `PUT` that answers 200 is written and its old entry is gone from every instance's cache.",
        ].join('\n')
      : 'Concurrent misses of a key run the loader once.',
    '',
    'In code: `memoize(cache, fn, { namespace, ttlMs, graceMs })` and `invalidate(fn, ...args)`',
    "in `src/perf/cache/memoize.ts`; the sample routes' use of them is in `src/items/service.ts`.",
  ];
  return `\n${lines.join('\n')}`;
}

/** OBS-2: what the tracing test checks of the cache's routes, and the Redis client's spans */
function tracing(backend: Backend): Contribution {
  const scopes = shared(backend) ? 'ioredis' : '';
  return {
    to: 'tracing',
    dependencies: shared(backend) ? ['@opentelemetry/instrumentation-ioredis'] : [],
    slots: {
      'tracing.imports': shared(backend)
        ? ["import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';"]
        : [],
      'tracing.instrumentations': shared(backend)
        ? ['new IORedisInstrumentation({ requireParentSpan: true }),']
        : [],
      'tracing.routes': [
        ...(shared(backend) ? ["const ioredis = '@opentelemetry/instrumentation-ioredis';"] : []),
        `routes.push({ path: '/api/items/2', scopes: [${scopes}] });`,
        // CACHE-8: a PUT invalidates the entry once its body is read
        `bodyRoutes.push({ path: '/api/items/4', scopes: [${scopes}], body: { name: 'Renamed' } });`,
        // CACHE-15: a cache with an in-process tier answers hits before the framework
        ...(backend === 'memory' || backend === 'tiered'
          ? ["frontRoutes.push({ path: '/api/items/3', route: '/api/items/:id' });"]
          : []),
      ],
    },
  };
}

/** CACHE-1..14, HTTP-1..5: the cache, its backends, and the sample routes that use it */
export const cache: Feature = {
  id: 'cache',
  applies: (answers) => answers.cache !== 'none',
  layers: (answers) => [
    'features/cache/common',
    ...(shared(answers.cache) ? ['features/cache/redis-common'] : []),
    `features/cache/${answers.cache}`,
    `features/cache/${answers.framework}`,
  ],
  dependencies: (answers) => packages[answers.cache],
  env: (answers) => [
    ...commonEnv,
    ...(shared(answers.cache) ? [redisUrl(answers), ...sharedEnv] : []),
    ...(answers.cache === 'tiered' ? tieredEnv : []),
  ],
  slots: (answers) => ({
    'config.imports': configImports(answers.cache),
    'config.sections': [configSection(answers.cache)],
    'context.imports': [
      "import type { ItemService } from './items/service.js';",
      "import type { Cache } from './perf/cache/cache.js';",
      "import type { FrontCache } from './perf/cache/front.js';",
      "import { setupCache } from './setup/cache.js';",
      "import { setupItems } from './setup/items.js';",
    ],
    'context.fields': [
      'cache: Cache;',
      'items: ItemService;',
      '/** CACHE-15: the front tier, when the cache has an in-process tier */',
      'frontCache: FrontCache | undefined;',
    ],
    'context.create': [
      'const { cache, rows } = await setupCache(config, logger, lifecycle);',
      'const { items, frontCache } = setupItems(config, cache, rows, lifecycle);',
    ],
    'context.values': ['cache,', 'items,', 'frontCache,', 'front: frontCache?.serve,'],
    'readme.routes': [
      '| `GET /api/items/:id` | item 1..1000 (about 2 KB of JSON), memoized by id; 404 outside that range |',
      '| `PUT /api/items/:id` | replaces fields of the item, invalidating its cached entry first; takes back what GET returned (`id` must match, `updatedAt` is ignored), and with `revision` writes only if the item is still at it, else 409; 503 if not written |',
      '| `GET /api/catalog?page=N&lang=xx` | a page of about 20 KB, cached whole by page, language (or `Accept-Language`) and auth state |',
      '| `GET /api/tiny` | JSON under 200 bytes |',
    ],
    'readme.sections': [readmeSection(answers.cache)],
    'bench.imports': ["import { cacheRows } from './cache.js';"],
    'bench.suites': ['rows.push(...(await cacheRows()));'],
    'test.env': shared(answers.cache) ? ['CACHE_PREFIX: `test-${crypto.randomUUID()}`,'] : [],
  }),
  testServices: (answers) => (shared(answers.cache) ? [redisTestService] : []),
  // RUN-4: Redis beside the app in compose.yaml
  deploy: (answers) => (shared(answers.cache) ? redisDeploy : {}),
  contributes: (answers) => [
    tracing(answers.cache),
    {
      to: 'profiling',
      slots: {
        'profile.paths': [
          "'/api/items/1': 'a cache hit',",
          "'/api/catalog?page=1': 'a 20 KB cached page',",
        ],
      },
    },
  ],
  wiring: {
    fastify: {
      'app.imports': ["import { itemRoutes } from './routes/items.js';"],
      'app.routes': ['await app.register(itemRoutes, { items: context.items });'],
    },
    express: {
      'app.imports': ["import { itemRoutes } from './routes/items.js';"],
      'app.routes': ['app.use(itemRoutes(context.items));'],
    },
    hono: {
      'app.imports': ["import { itemRoutes } from './routes/items.js';"],
      'app.routes': ["app.route('/', itemRoutes(context.items));"],
    },
  },
};

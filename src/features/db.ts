import type { Answers } from '../options.js';
import { images } from '../versions.js';
import type { EnvVar, Feature } from './types.js';

const env: EnvVar[] = [
  {
    name: 'DATABASE_URL',
    schema: 'postgresUrl',
    doc: 'PostgreSQL to use, like postgres://user:pass@host:5432/db; unset runs an embedded PGlite in PGLITE_DIR (POOL-4)',
    secret: true,
  },
  {
    name: 'PGLITE_DIR',
    schema: 'v.string()',
    default: './data/pglite',
    doc: 'Folder of the embedded Postgres used when DATABASE_URL is unset (POOL-4)',
  },
  {
    name: 'DB_POOL_MAX',
    schema: 'int(1, 1000)',
    default: 10,
    doc: 'Most connections the pool opens; requests beyond that wait for a free one (POOL-1)',
  },
  {
    name: 'DB_CONNECT_TIMEOUT_MS',
    schema: 'int(100, 60_000)',
    default: 2000,
    doc: 'Longest wait for a connection, new or from the pool, before the request fails (POOL-1)',
  },
  {
    name: 'DB_IDLE_TIMEOUT_MS',
    schema: 'int(1000, 3_600_000)',
    default: 10_000,
    doc: 'An idle connection is closed after this long (POOL-1)',
  },
  {
    name: 'DB_MAX_LIFETIME_SECONDS',
    schema: 'int(0, 86_400)',
    default: 1800,
    doc: 'A connection is replaced after this long, so load spreads after a failover; 0 keeps it (POOL-1)',
  },
  {
    name: 'DB_STATEMENT_TIMEOUT_MS',
    schema: 'int(0, 3_600_000)',
    default: 5000,
    doc: 'PostgreSQL cancels a statement that runs longer; 0 for no limit (POOL-1)',
  },
  {
    name: 'DB_SLOW_QUERY_MS',
    schema: 'int(0, 3_600_000)',
    default: 200,
    doc: 'Queries slower than this are logged with their text and duration, never their values (POOL-3)',
  },
];

const readmeSection = [
  '',
  '## Database',
  '',
  'One `pg.Pool` for the whole app (`src/perf/db/database.ts`): at most `DB_POOL_MAX`',
  'connections, a wait for one bounded by `DB_CONNECT_TIMEOUT_MS`, idle ones closed, each',
  'replaced after `DB_MAX_LIFETIME_SECONDS`, TCP keep-alive, and a server-side',
  '`statement_timeout`. A connection that drops is removed from the pool without crashing',
  'the process, and a read that lost its connection mid-way runs once more on a fresh one.',
  '`/ready` checks the pool. Queries slower than `DB_SLOW_QUERY_MS` are logged with their SQL',
  'text and duration; parameter values never reach the log.',
  '',
  'Without `DATABASE_URL` the same code runs on an embedded Postgres',
  '([PGlite](https://pglite.dev)) kept in `PGLITE_DIR`, so `npm run dev` needs no database',
  'server. Its first start creates that folder, which takes a few seconds (PGlite runs',
  '`initdb` in WebAssembly); later starts open it faster. The server starts listening once it',
  'is open. A second instance started beside it keeps its data in memory, and says so. Set',
  '`DATABASE_URL` in production.',
  '',
  'The app creates and seeds the sample table `items` at start when it is absent',
  '(`src/db/items.ts`).',
].join('\n');

/** POOL-1..4: one pg.Pool, embedded PGlite without DATABASE_URL, and the sample `items` route */
export const db: Feature = {
  id: 'db',
  applies: (answers: Answers) => answers.db === 'postgres',
  callsWithSpan: true,
  layers: (answers) => ['features/db/common', `features/db/${answers.framework}`],
  dependencies: () => ['pg', '@electric-sql/pglite', '@electric-sql/pglite-socket'],
  devDependencies: () => ['@types/pg'],
  env: () => env,
  gitignore: ['data/'],
  slots: () => ({
    'config.imports': ["import { dbSettings, postgresUrl } from './settings/db.js';"],
    'config.sections': ['db: dbSettings(e, appName),'],
    'context.imports': [
      "import type { DbItems } from './db/items.js';",
      "import type { Database } from './perf/db/database.js';",
      "import { setupDb } from './setup/db.js';",
    ],
    'context.fields': ['db: Database;', 'dbItems: DbItems;'],
    // PGLITE_DIR's default is inside it, for the embedded database
    'docker.writable': ['RUN install -d -o node -g node data'],
    'context.create': ['const { db, dbItems } = await setupDb(config, logger, lifecycle);'],
    'context.values': ['db,', 'dbItems,'],
    'readme.routes': [
      '| `GET /api/db/items/:id` | a row of table `items` (1..1000) through the pool; 404 when absent, 503 while the database is unreachable |',
    ],
    'readme.sections': [readmeSection],
  }),
  // the app runs on PGlite without DATABASE_URL, but the tests check the pool on a real server
  testServices: () => [
    {
      name: 'PostgreSQL',
      variable: 'DATABASE_URL',
      url: 'postgres://postgres@127.0.0.1:5432/test',
      defaultPort: 5432,
      start: 'pg_ctl start',
      readme: [
        'The tests need a database `test` there that the user `postgres` opens without a password',
        '(`createdb -U postgres test` on a server of your own), or one in Docker:',
        `\`docker run -d -p 127.0.0.1:5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test ${images.postgres}\`.`,
        'The app itself runs without it, on the embedded PGlite (see Database below): the tests check the',
        'pool on a real server.',
      ].join(' '),
    },
  ],
  // RUN-4: PostgreSQL beside the app in compose.yaml
  deploy: () => ({
    services: {
      postgres: {
        template: 'compose/postgres.yaml.hbs',
        appWaitsFor: 'service_healthy',
        volumes: ['postgres-data'],
      },
    },
    settings: { DATABASE_URL: 'postgres://app:${POSTGRES_PASSWORD:-app}@postgres:5432/app' },
  }),
  // OBS-2: what the tracing test checks of the route (the query's span is Database's own,
  // perf/db/database.ts); OBS-5: the route is one `npm run profile` loads
  contributes: () => [
    {
      to: 'tracing',
      slots: {
        'tracing.routes': [
          "routes.push({ path: '/api/db/items/1', scopes: ['pg'], span: 'db-items.get' });",
        ],
      },
    },
    {
      to: 'profiling',
      slots: { 'profile.paths': ["'/api/db/items/1': 'a query through the pool',"] },
    },
  ],
  wiring: {
    fastify: {
      'app.imports': ["import { dbItemRoutes } from './routes/db-items.js';"],
      'app.routes': ['await app.register(dbItemRoutes, { dbItems: context.dbItems });'],
    },
    express: {
      'app.imports': ["import { dbItemRoutes } from './routes/db-items.js';"],
      'app.routes': ['app.use(dbItemRoutes(context.dbItems));'],
    },
    hono: {
      'app.imports': ["import { dbItemRoutes } from './routes/db-items.js';"],
      'app.routes': ["app.route('/', dbItemRoutes(context.dbItems));"],
    },
  },
};

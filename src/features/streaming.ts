import type { Answers } from '../options.js';
import type { EnvVar, Feature } from './types.js';

const behindNginx = (answers: Answers) => answers.proxy === 'nginx';
const compressed = (answers: Answers) => answers.compression !== 'none';

const env = (answers: Answers): EnvVar[] => [
  {
    name: 'FILES_DIR',
    schema: 'v.string()',
    default: './files',
    doc: 'Folder that GET /files/:name serves; made with a few samples when absent or empty (STREAM-1)',
  },
  {
    name: 'ASSETS_DIR',
    schema: 'v.string()',
    default: './public',
    doc: 'Folder that GET /assets/:name serves; hashed names are cached for a year (HTTP-4)',
  },
  {
    name: 'EVENTS_INTERVAL_MS',
    schema: 'int(10, 3_600_000)',
    default: 1000,
    doc: 'Time between two events of GET /api/events (STREAM-4)',
  },
  ...(behindNginx(answers)
    ? [
        {
          name: 'FILES_ACCEL_PREFIX',
          schema: 'urlPrefix',
          default: '/_files/',
          doc: "nginx's internal location that sends a download once the app has allowed it (STREAM-5)",
        },
      ]
    : []),
];

/** the downloads' setup, given what compression and a proxy in front add to them */
function contextCreate(answers: Answers): string {
  const options = [
    ...(compressed(answers)
      ? [
          '  siblings: { codings: config.compression.codings, choose: chooseCoding },',
          '  compressible: config.compression.inApp ? isCompressible : undefined,',
        ]
      : []),
    ...(behindNginx(answers) ? ['  accelPrefix: config.streaming.accelPrefix,'] : []),
  ];
  const call = 'const { files, assets, streams } = await setupStreaming(config, logger';
  if (options.length === 0) return `${call});`;
  return [
    ...(compressed(answers)
      ? [
          '// HTTP-4: precompressed siblings are chosen by the negotiation of compression; HTTP-5:',
          '// what the app compresses per request varies on Accept-Encoding, its 304s too',
        ]
      : []),
    `${call}, {`,
    ...options,
    '});',
  ].join('\n');
}

const readmeSection = (answers: Answers) =>
  [
    '',
    '## Downloads and streams',
    '',
    '`GET /files/:name` streams a file of `FILES_DIR` from disk, never reading it whole. It',
    'sends `Accept-Ranges`, a weak `ETag` and `Last-Modified`, answers `If-None-Match` /',
    '`If-Modified-Since` with 304, `If-Match` / `If-Unmodified-Since` with 412, one range with',
    '206 and `Content-Range`, a range past the end or a malformed one with 416, and honours',
    '`If-Range` (a stale validator gets the whole file). Several ranges: overlapping or',
    'adjacent ones are merged; if one is left it is a 206, otherwise the whole file goes out',
    'once with 200, so no request makes the server send more than the file.',
    '',
    'A name is one file directly in the folder. A path, `..`, a backslash, NUL or a control',
    'character answers 400; a dotfile, a missing file, and a symlink that leads out of the',
    'folder answer 404.',
    '',
    '`GET /assets/:name` serves `ASSETS_DIR` the same way. A hashed name (`app.3f2a1b9c.css`) is',
    'sent with `Cache-Control: public, max-age=31536000, immutable`; other names are revalidated.',
    ...(compressed(answers)
      ? [
          'When `name.br` or `name.gz` sits next to a file, it is sent to a client that takes that',
          'coding, with no compression work (`npm run build` makes them for `public/`).',
        ]
      : []),
    '',
    '`GET /api/stream?count=N` writes N NDJSON lines and `GET /api/events` one server-sent event',
    'per `EVENTS_INTERVAL_MS`; each piece is made only when the client has taken the last one,',
    'and the work stops when the client goes away. At shutdown, streams still open are cut after',
    '`DRAIN_TIMEOUT_MS`; `EventSource` reconnects by itself and resumes with `Last-Event-ID`.',
    ...(behindNginx(answers)
      ? [
          '',
          'Behind the generated `nginx.conf`, nginx asks for downloads with `X-Sendfile-Type:',
          'X-Accel-Redirect`: the app checks the name and the path, then answers with',
          '`X-Accel-Redirect: FILES_ACCEL_PREFIX/name` and nginx sends the file itself (STREAM-5).',
        ]
      : []),
  ].join('\n');

/** STREAM-1..6, HTTP-4: downloads, static assets, and NDJSON / server-sent event streams */
export const streaming: Feature = {
  id: 'streaming',
  applies: (answers) => answers.streaming,
  layers: (answers) => ['features/streaming/common', `features/streaming/${answers.framework}`],
  dependencies: () => ['@fastify/send'],
  env,
  // FILES_DIR is data the app makes and users add to, not source
  gitignore: ['/files/'],
  slots: (answers) => ({
    'config.imports': [
      "import { streamingSettings } from './settings/streaming.js';",
      ...(behindNginx(answers)
        ? ["import { accelSettings, urlPrefix } from './settings/accel.js';"]
        : []),
    ],
    'config.sections': [
      behindNginx(answers)
        ? 'streaming: {\n  ...streamingSettings(e),\n  ...accelSettings(e),\n},'
        : 'streaming: streamingSettings(e),',
    ],
    'context.imports': [
      ...(compressed(answers)
        ? ["import { chooseCoding, isCompressible } from './perf/compression.js';"]
        : []),
      "import type { FileStore } from './perf/files.js';",
      "import type { SampleStreams } from './perf/streams.js';",
      "import { setupStreaming } from './setup/streaming.js';",
    ],
    'context.fields': ['files: FileStore;', 'assets: FileStore;', 'streams: SampleStreams;'],
    // FILES_DIR's default: the app puts its samples in it at the first start
    'docker.writable': ['RUN install -d -o node -g node files'],
    'context.create': [contextCreate(answers)],
    'context.values': ['files,', 'assets,', 'streams,'],
    'readme.routes': [
      '| `GET /files/:name` | a file of `FILES_DIR`, streamed, with ranges (206/416) and conditional requests (304) |',
      '| `GET /assets/:name` | a file of `ASSETS_DIR`; hashed names are immutable for a year |',
      '| `GET /api/stream?count=N` | N lines of NDJSON (default 100, at most 100000), written as the client reads |',
      '| `GET /api/events` | server-sent events, one per `EVENTS_INTERVAL_MS`, until the client leaves |',
    ],
    'readme.sections': [readmeSection(answers)],
  }),
  wiring: {
    fastify: {
      'app.imports': [
        "import { fileRoutes } from './routes/files.js';",
        "import { streamRoutes } from './routes/streams.js';",
      ],
      'app.routes': [
        'await app.register(fileRoutes, { files: context.files, assets: context.assets });',
        'await app.register(streamRoutes, { streams: context.streams });',
      ],
    },
    express: {
      'app.imports': [
        "import { fileRoutes } from './routes/files.js';",
        "import { streamRoutes } from './routes/streams.js';",
      ],
      'app.routes': [
        'app.use(fileRoutes(context.files, context.assets));',
        'app.use(streamRoutes(context.streams));',
      ],
    },
    hono: {
      'app.imports': [
        "import { fileRoutes } from './routes/files.js';",
        "import { streamRoutes } from './routes/streams.js';",
      ],
      'app.routes': [
        "app.route('/', fileRoutes(context.files, context.assets));",
        "app.route('/', streamRoutes(context.streams));",
      ],
    },
  },
};

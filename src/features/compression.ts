import type { Answers } from '../options.js';
import type { EnvVar, Feature } from './types.js';

type Compression = Exclude<Answers['compression'], 'none'>;

const codings: Record<Compression, string[]> = { br: ['br', 'gzip'], gzip: ['gzip'] };
const behindNginx = (answers: Answers) => answers.proxy === 'nginx';
const cached = (answers: Answers) => answers.cache !== 'none';

function env(answers: Answers): EnvVar[] {
  const offered = codings[answers.compression as Compression];
  return [
    {
      name: 'COMPRESSION_CODINGS',
      schema: 'codingList',
      default: offered,
      doc: 'Content codings offered, preferred first: br,gzip or one of them (COMP-1)',
    },
    {
      name: 'COMPRESS_IN_APP',
      schema: 'flag()',
      default: !behindNginx(answers),
      doc: 'Compress dynamic answers in the app; false when a proxy in front does it (COMP-5)',
    },
    {
      name: 'COMPRESSION_MIN_BYTES',
      schema: 'int(0, 1_073_741_824)',
      default: 1024,
      doc: 'Answers smaller than this go out uncompressed (COMP-2)',
    },
    {
      name: 'COMPRESSION_BROTLI_QUALITY',
      schema: 'int(0, 11)',
      default: 4,
      doc: 'Brotli quality of per-request compression; stored forms always get 11 (COMP-1, COMP-4)',
    },
    {
      name: 'COMPRESSION_GZIP_LEVEL',
      schema: 'int(1, 9)',
      default: 6,
      doc: 'Gzip level of per-request compression; stored forms always get 9 (COMP-1, COMP-4)',
    },
  ];
}

const readmeSection = (answers: Answers) =>
  [
    '',
    '## Compression',
    '',
    "Answers go out in the coding the client's `Accept-Encoding` prefers, q-values included,",
    `among ${codings[answers.compression as Compression].join(', ')} (\`COMPRESSION_CODINGS\`; \`*\` is read as gzip), with \`Vary: Accept-Encoding\`.`,
    'Only text, JSON, JavaScript, CSS, SVG and XML of at least `COMPRESSION_MIN_BYTES` are',
    'compressed; never images, video, archives, octet-stream, server-sent events, or a 206',
    '(its range counts bytes of the plain body).',
    ...(cached(answers)
      ? [
          '',
          'A cached answer is compressed once, when its entry is filled: its br and gzip forms are',
          'made at the best ratio on the thread pool and stored beside it, so a hit sends stored',
          'bytes and compresses nothing (COMP-4). Each coding has its own `ETag`.',
        ]
      : []),
    '',
    behindNginx(answers)
      ? [
          'With `COMPRESS_IN_APP=false` (the default here) the app leaves per-request compression',
          'to nginx; cached answers and precompressed files still go out compressed, since they',
          'cost nothing (COMP-5).',
        ].join('\n')
      : 'Behind a proxy that compresses, set `COMPRESS_IN_APP=false` (COMP-5).',
  ].join('\n');

const wiring = (plugin: string, imports: string[]) => ({
  'app.imports': imports,
  'app.plugins': [`if (config.compression.inApp) ${plugin};`],
});

/** COMP-1..5: negotiated br / gzip, size and type rules, and cached answers compressed once */
export const compression: Feature = {
  id: 'compression',
  applies: (answers) => answers.compression !== 'none',
  layers: (answers) => [
    'features/compression/common',
    // Express takes the node:http middleware as it is, Hono wraps it in a plugin; Fastify has
    // its own (@fastify/compress)
    ...(answers.framework === 'fastify' ? [] : ['features/compression/middleware']),
    ...(answers.framework === 'express' ? [] : [`features/compression/${answers.framework}`]),
  ],
  dependencies: (answers) => [
    '@fastify/accept-negotiator',
    ...(answers.framework === 'fastify'
      ? (['@fastify/compress', 'fastify-plugin'] as const)
      : (['compression', 'on-headers', 'vary'] as const)),
  ],
  devDependencies: (answers) =>
    answers.framework === 'fastify'
      ? []
      : ['@types/compression', '@types/on-headers', '@types/vary'],
  // HTTP-4: `name.br` / `name.gz` beside each text asset, made once per build
  scripts: () => ({ postbuild: 'node dist/precompress.js public' }),
  gitignore: ['/public/**/*.br', '/public/**/*.gz'],
  env,
  slots: (answers) => ({
    'config.imports': [
      "import { codingList, compressionSettings } from './settings/compression.js';",
    ],
    'config.sections': ['compression: compressionSettings(e),'],
    'readme.sections': [readmeSection(answers)],
  }),
  contributes: () => [
    // COMP-4: the cache's fills make the compressed forms; its test and bench rows check them
    {
      to: 'cache',
      layers: ['features/compression/with-cache'],
      slots: {
        'context.imports': ["import { createResponseEncoder } from './perf/compression.js';"],
        'context.create': [
          '// COMP-4: cached answers are stored with their compressed forms, made once per fill',
          'items.compressOnce(createResponseEncoder(config.compression));',
        ],
        'bench.imports': ["import { compressionRows } from './compression.js';"],
        'bench.suites': ['rows.push(...(await compressionRows()));'],
      },
    },
    // the test of compressed downloads and streams
    { to: 'streaming', layers: ['features/compression/with-streaming'] },
  ],
  wiring: {
    fastify: wiring('await app.register(compression, config.compression)', [
      "import { compression } from './plugins/compression.js';",
    ]),
    express: wiring('app.use(compressResponses(config.compression))', [
      "import { compressResponses } from './perf/compress-responses.js';",
    ]),
    hono: wiring('app.use(compression(config.compression))', [
      "import { compression } from './plugins/compression.js';",
    ]),
  },
};

import type { Feature } from './types.js';

const readmeSection = [
  '',
  '## Profiling',
  '',
  '`npm run profile` builds the app, runs it as `npm start` does under the V8 CPU profiler,',
  'loads the sample routes (or the ones given: `npm run profile -- /api/your/route`) with',
  'autocannon, and prints where the `.cpuprofile` was written, in `profiles/`. Open it in',
  'Chrome DevTools (Performance, "Load profile") or at https://www.speedscope.app. With',
  '`SERVER_TIMING=true` every response carries a `Server-Timing` header with the time spent',
  'in the database, in upstream calls, and in the app as a whole.',
].join('\n');

/** OBS-5: `npm run profile`, and an optional Server-Timing header */
export const profiling: Feature = {
  id: 'profiling',
  applies: () => true,
  layers: () => ['features/profiling'],
  scripts: () => ({ profile: 'npm run build && tsx bench/profile.ts' }),
  gitignore: ['profiles/'],
  env: () => [
    {
      name: 'SERVER_TIMING',
      schema: 'flag()',
      default: false,
      doc: 'true adds a Server-Timing header (time in the database, upstream calls, the app) to every response (OBS-5)',
    },
  ],
  // the routes `npm run profile` loads by default come from the options that add them
  slots: () => ({
    'config.sections': ['// OBS-5\nserverTiming: e.SERVER_TIMING,'],
    'readme.sections': [readmeSection],
  }),
  wiring: {
    fastify: {
      'app.imports': ["import { withServerTiming } from './perf/server-timing.js';"],
      'app.plugins': [
        [
          'if (config.serverTiming) {',
          "  app.addHook('onRequest', (_request, reply, done) => withServerTiming(reply.raw, done));",
          '}',
        ].join('\n'),
      ],
    },
    express: {
      'app.imports': ["import { withServerTiming } from './perf/server-timing.js';"],
      'app.plugins': [
        'if (config.serverTiming) app.use((_req, res, next) => withServerTiming(res, next));',
      ],
    },
    hono: {
      'app.imports': ["import { withServerTiming } from './perf/server-timing.js';"],
      'app.plugins': [
        'if (config.serverTiming) app.use((c, next) => withServerTiming(c.env.outgoing, next));',
      ],
    },
  },
};

import type { Answers } from '../options.js';
import type { Feature } from './types.js';

const brotli = (answers: Answers) => answers.compression === 'br';
const compressed = (answers: Answers) => answers.compression !== 'none';

// Debian 12 packages ngx_brotli's static module (libnginx-mod-http-brotli-static); the
// official nginx image does not, and there the line goes, with brotli_static below
const modules = [
  '',
  '# COMP-5: brotli_static, from ngx_brotli (Debian: apt-get install libnginx-mod-http-brotli-static)',
  'load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;',
].join('\n');

const gzip = [
  '',
  '# COMP-5: per-request compression happens here (the app runs with COMPRESS_IN_APP=false);',
  '# answers the app sends already compressed (cached ones, COMP-4) pass through as they are',
  'gzip on;',
  'gzip_comp_level 5;',
  'gzip_min_length 1024;',
  'gzip_proxied any;',
  'gzip_vary on;',
  'gzip_types application/json application/x-ndjson application/javascript text/css text/plain',
  '           text/xml application/xml image/svg+xml;',
].join('\n');

const assetCacheControl = [
  '',
  '# HTTP-4: a hashed name (app.3f2a1b9c.css) never changes content',
  'map $uri $asset_cache_control {',
  '  "~[.-](?=[A-Za-z0-9_]*[0-9A-Z])[A-Za-z0-9_]{8,}\\.\\w+$" "public, max-age=31536000, immutable";',
  '  default "public, no-cache";',
  '}',
].join('\n');

function precompressed(answers: Answers): string[] {
  if (!compressed(answers)) return [];
  return ['gzip_static on;', ...(brotli(answers) ? ['brotli_static on;'] : [])];
}

const proxied = (...extra: string[]) =>
  [
    'proxy_pass http://app;',
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
    'proxy_set_header Host $host;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    ...extra,
  ].map((line) => `  ${line}`);

function locations(answers: Answers): string {
  const statics = precompressed(answers).map((line) => `  ${line}`);
  return [
    '',
    '# STREAM-5: the app checks each download (name, path, and whatever access rule you add),',
    '# then hands the transfer to nginx with X-Accel-Redirect: sendfile, ranges and validators',
    '# from here, and the app is free at once',
    'location /files/ {',
    ...proxied('proxy_set_header X-Sendfile-Type X-Accel-Redirect;'),
    '}',
    '',
    '# FILES_ACCEL_PREFIX; reachable only through X-Accel-Redirect. The alias is FILES_DIR.',
    '# nginx makes this answer, so it says nosniff itself, as the app does on every answer',
    'location /_files/ {',
    '  internal;',
    '  alias files/;',
    ...statics,
    '  add_header X-Content-Type-Options nosniff;',
    '}',
    '',
    '# HTTP-4: assets straight from ASSETS_DIR, with their precompressed siblings',
    'location /assets/ {',
    '  alias public/;',
    ...statics,
    '  add_header Cache-Control $asset_cache_control;',
    '  add_header X-Content-Type-Options nosniff;',
    '}',
    '',
    '# STREAM-4: events go out as they come, however long the stream lasts',
    'location = /api/events {',
    ...proxied('proxy_buffering off;', 'proxy_read_timeout 1h;'),
    '}',
  ].join('\n');
}

const readmeSection = (answers: Answers) =>
  [
    '',
    '## nginx in front',
    '',
    '`nginx.conf` puts nginx on port 8080 in front of the app (127.0.0.1:3000). `npm run nginx`',
    'starts it with the project folder as its prefix (state in `.nginx/`); `nginx -t -p "$PWD"',
    '-c nginx.conf` checks it. It keeps a pool of kept-alive connections to the app (CONN-1)',
    ...(compressed(answers)
      ? [
          'and compresses at the proxy (COMP-5): gzip per request, and `gzip_static`',
          brotli(answers)
            ? '/ `brotli_static` for files with precompressed siblings. `brotli_static` comes from'
            : 'for files with precompressed siblings.',
          ...(brotli(answers)
            ? [
                "ngx_brotli's static module: on Debian 12 `apt-get install nginx",
                'libnginx-mod-http-brotli-static`; where it is missing, delete the `load_module` line',
                'and the `brotli_static` lines.',
              ]
            : []),
        ]
      : ['.']),
    ...(answers.streaming
      ? [
          '',
          'Downloads are checked by the app and sent by nginx (STREAM-5): nginx adds',
          '`X-Sendfile-Type: X-Accel-Redirect` to requests for `/files/`, the app answers with',
          '`X-Accel-Redirect: /_files/name`, and nginx serves that internal location from `files/`',
          '(keep its `alias` equal to `FILES_DIR`). Assets under `/assets/` come straight from',
          '`public/`.',
        ]
      : []),
  ].join('\n');

/** COMP-5, STREAM-5: a generated nginx.conf in front of the app */
export const proxy: Feature = {
  id: 'proxy',
  applies: (answers) => answers.proxy === 'nginx',
  layers: () => ['features/proxy/common'],
  scripts: () => ({ nginx: 'mkdir -p .nginx && nginx -p "$PWD" -c nginx.conf -e stderr' }),
  gitignore: ['/.nginx/'],
  slots: (answers) => ({
    'nginx.modules': brotli(answers) ? [modules] : [],
    'nginx.http': compressed(answers) ? [gzip] : [],
    'readme.sections': [readmeSection(answers)],
  }),
  // RUN-4: nginx in compose.yaml, in the app's network namespace (its upstream is 127.0.0.1);
  // with downloads, the app's files/ in a volume both mount
  deploy: (answers) => ({
    services: {
      nginx: {
        template: 'features/proxy/compose/nginx.yaml.hbs',
        volumes: answers.streaming ? ['files'] : [],
      },
    },
    ports: ['8080:8080'],
    mounts: answers.streaming ? ['files:/app/files'] : [],
  }),
  // STREAM-5: downloads sent by nginx once the app allows them, assets straight from disk
  contributes: (answers) => [
    {
      to: 'streaming',
      layers: ['features/proxy/with-streaming'],
      slots: { 'nginx.http': [assetCacheControl], 'nginx.locations': [locations(answers)] },
    },
  ],
};

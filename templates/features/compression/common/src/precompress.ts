import { readdir, stat, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

// HTTP-4: `node dist/precompress.js [folder]` (run by `npm run build`) writes `name.br` and
// `name.gz` beside each text asset of the folder (default ./public), at the best ratio: paid
// once per build, and the server then sends them with no compression work at all.

const folder = process.argv[2] ?? 'public';
const textAsset = /\.(?:css|js|mjs|json|svg|html|txt|xml|map)$/;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const forms = {
  '.br': (body: Buffer) =>
    brotli(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY },
    }),
  '.gz': (body: Buffer) => gzip(body, { level: zlib.constants.Z_BEST_COMPRESSION }),
};

async function isUpToDate(source: string, target: string): Promise<boolean> {
  const [from, to] = await Promise.all([stat(source), stat(target).catch(() => undefined)]);
  return to !== undefined && to.mtimeMs >= from.mtimeMs;
}

const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
let written = 0;
for (const entry of entries) {
  if (!entry.isFile() || !textAsset.test(entry.name)) continue;
  const source = join(entry.parentPath, entry.name);
  const body = await readFile(source);
  for (const [suffix, compress] of Object.entries(forms)) {
    if (await isUpToDate(source, source + suffix)) continue;
    const compressed = await compress(body);
    // a form no smaller than the file is useless: clients would get more bytes, not fewer
    if (compressed.byteLength >= body.byteLength) continue;
    await writeFile(source + suffix, compressed);
    written += 1;
  }
}
console.log(`precompress: ${written} file(s) written in ${folder}`);

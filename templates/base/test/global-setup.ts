// Some tests run the built server as `npm start` does: build it once before the run, and only
// when a source is newer than the build (a fresh clone, an edit since the last build).

import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** the newest modification time under `path`, 0 when it does not exist */
async function newest(path: string): Promise<number> {
  const own = await stat(path).catch(() => undefined);
  if (!own?.isDirectory()) return own?.mtimeMs ?? 0;
  const entries = await readdir(path, { recursive: true });
  const files = await Promise.all(entries.map((entry) => stat(join(path, entry))));
  return Math.max(own.mtimeMs, ...files.map((file) => file.mtimeMs));
}

export default async function setup(): Promise<void> {
  const built = await stat('dist/main.js').then(
    (file) => file.mtimeMs,
    () => 0,
  );
  const changed = Math.max(...(await Promise.all(inputs.map(newest))));
  if (changed > built) await promisify(execFile)('npm', ['run', 'build']);
}

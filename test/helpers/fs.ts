// temporary folders and a byte-exact picture of a folder, to prove nothing was written or lost

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** a fresh folder under the OS temp dir; `cleanup` removes it */
export async function tempDir(prefix = 'cpa-test-'): Promise<{
  path: string;
  cleanup: () => Promise<void>;
}> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Every entry under `dir`, hidden ones included, as `path/` for a folder and
 * `path sha256` for a file, sorted; two equal pictures mean nothing was added, removed or changed.
 */
export async function pictureOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const lines = await Promise.all(
    entries.map(async (entry) => {
      const full = join(entry.parentPath, entry.name);
      const path = relative(dir, full).split(sep).join('/');
      if (entry.isDirectory()) return `${path}/`;
      const hash = createHash('sha256')
        .update(await readFile(full))
        .digest('hex');
      return `${path} ${hash}`;
    }),
  );
  return lines.sort();
}

/** the paths of files under `dir`, relative and sorted */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

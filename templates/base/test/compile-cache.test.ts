import { mkdtemp, readdir, rm } from 'node:fs/promises';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runScript } from './helpers.js';

const { enableCompileCache } = module as { enableCompileCache?: unknown };
const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

it.skipIf(enableCompileCache === undefined)(
  'start-up: the built server caches the code it compiles, in the temp folder by default (Node.js 22.1+)',
  async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'compile-cache-'));
    folders.push(cacheDir);
    // the script's arguments, in turn: what main.ts loads first, and a module loaded after it
    const modules = ['dist/perf/compile-cache.js', 'dist/config.js'];
    const script = `
      import module from 'node:module';
      for (const url of process.argv.slice(1)) await import(url);
      console.log(module.getCompileCacheDir());
    `;
    // NODE_COMPILE_CACHE alone turns the cache on: here it is unset, so the cache goes to the
    // temp folder only when the code turns it on
    const stdout = await runScript(script, modules, {
      ...process.env,
      NODE_COMPILE_CACHE: undefined,
      TMPDIR: cacheDir,
    });
    expect(stdout.trim().startsWith(cacheDir)).toBe(true);
    // written when the process exits: a folder per Node.js version, a file per module
    const written = await readdir(cacheDir, { recursive: true, withFileTypes: true });
    expect(written.filter((entry) => entry.isFile()).length).toBeGreaterThan(1);
  },
);

// `npm pack` from a fresh clone, where no dist/ was ever built, ships the CLI: the package's
// prepack script builds it.

import { execa } from 'execa';
import { cp, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';

it('npm pack --dry-run in a clone without dist/ lists dist/src/cli.js', async () => {
  const clone = await tempDir('cpa-pack-');
  try {
    const { files } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
      files: string[];
    };
    // what a clone has that the package is made from; dist/ is what the pack must build
    const sources = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts'];
    for (const entry of [...sources, ...files.filter((f) => !f.startsWith('dist'))])
      await cp(join(repoRoot, entry), join(clone.path, entry), { recursive: true });
    await symlink(join(repoRoot, 'node_modules'), join(clone.path, 'node_modules'));

    // npm runs prepack on --dry-run too; its output goes to stderr, the JSON to stdout
    const { stdout } = await execa('npm', ['pack', '--dry-run', '--json'], { cwd: clone.path });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    expect(packed?.files.map((f) => f.path)).toContain('dist/src/cli.js');
  } finally {
    await clone.cleanup();
  }
}, 120_000);

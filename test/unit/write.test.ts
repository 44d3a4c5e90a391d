import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import { readVerbatim } from '../../src/render/templates.js';
import { Tree, type TreeFile } from '../../src/tree.js';
import {
  clashes,
  fitBesideUserFiles,
  readmeBeside,
  targetState,
  writeTree,
} from '../../src/write.js';
import { filesUnder, pictureOf, tempDir } from '../helpers/fs.js';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: root, cleanup } = await tempDir('cpa-write-'));
});
afterEach(() => cleanup());

function sampleTree(): Tree {
  const tree = new Tree();
  tree.add('package.json', '{ "name": "api" }\n', 'base');
  tree.add('src/app.ts', 'export const app = 1;\n', 'framework');
  tree.add('src/perf/deep/cache.ts', 'export const cache = 2;\n', 'cache');
  tree.add('.gitignore', 'node_modules/\n', 'base');
  return tree;
}

async function expectTreeWritten(tree: Tree, dir: string): Promise<void> {
  for (const file of tree.files())
    expect(
      (await readFile(join(dir, file.path))).equals(Buffer.from(file.content)),
      file.path,
    ).toBe(true);
}

/** staging folders are written beside the target: `.<name>.perf-app-<hex>` */
async function stagingLeftIn(parent: string): Promise<string[]> {
  return (await readdir(parent)).filter((entry) => entry.includes('.perf-app-'));
}

describe('targetState', () => {
  it('is missing for a path that does not exist', async () => {
    expect(await targetState(join(root, 'nope'))).toBe('missing');
  });

  it('is empty for a folder with nothing in it', async () => {
    expect(await targetState(root)).toBe('empty');
  });

  it('is git-only for a folder that holds only .git', async () => {
    await mkdir(join(root, '.git', 'objects'), { recursive: true });
    expect(await targetState(root)).toBe('git-only');
  });

  it('is not-empty for a folder with any other entry, hidden ones included', async () => {
    await writeFile(join(root, '.env'), 'A=1\n');
    expect(await targetState(root)).toBe('not-empty');
    await mkdir(join(root, '.git'));
    expect(await targetState(root)).toBe('not-empty');
  });

  it('throws a CliError for a path that is a file', async () => {
    const file = join(root, 'api');
    await writeFile(file, 'not a folder');
    await expect(targetState(file)).rejects.toThrow(CliError);
    await expect(targetState(file)).rejects.toThrow(
      `${file} exists and is a file, not a directory.`,
    );
  });
});

describe('clashes', () => {
  it('names the files whose content differs, not the identical or absent ones', async () => {
    const tree = sampleTree();
    await writeFile(join(root, 'package.json'), '{ "name": "mine" }\n');
    await writeFile(join(root, '.gitignore'), 'node_modules/\n');
    expect(await clashes(tree, root)).toEqual(['package.json']);
  });
});

describe('fitBesideUserFiles', () => {
  const withReadme = () => {
    const tree = sampleTree();
    tree.add('README.md', '# api\n', 'base');
    return tree;
  };

  it("moves the project's README beside a README.md of the user's, and says so", async () => {
    const tree = withReadme();
    await writeFile(join(root, 'README.md'), '# mine\n');
    expect(await fitBesideUserFiles(tree, root)).toEqual({ clashes: [], readmeMoved: true });
    expect(tree.has('README.md')).toBe(false);
    expect(tree.get(readmeBeside)).toMatchObject({ content: '# api\n', owner: 'base' });
  });

  it('leaves the README in place when the user has none, or the same one', async () => {
    const tree = withReadme();
    expect(await fitBesideUserFiles(tree, root)).toEqual({ clashes: [], readmeMoved: false });
    await writeFile(join(root, 'README.md'), '# api\n');
    expect(await fitBesideUserFiles(tree, root)).toEqual({ clashes: [], readmeMoved: false });
    expect(tree.has('README.md')).toBe(true);
  });

  it("still names every other clash, and a file of the user's at the README's new path", async () => {
    const tree = withReadme();
    await writeFile(join(root, 'README.md'), '# mine\n');
    await writeFile(join(root, readmeBeside), 'mine too\n');
    await writeFile(join(root, 'package.json'), '{}\n');
    expect(await fitBesideUserFiles(tree, root)).toEqual({
      clashes: [readmeBeside, 'package.json'],
      readmeMoved: true,
    });
  });
});

describe('writeTree', () => {
  it('copies a file that is not UTF-8 text as its bytes, from template to project', async () => {
    // a PNG's first bytes, then bytes that UTF-8 decoding would replace with U+FFFD
    const bytes = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0x80,
    ]);
    const template = join(root, 'logo.png');
    await writeFile(template, bytes);
    const text = join(root, 'notes.txt');
    await writeFile(text, 'plain text, é\n');
    expect(readVerbatim(text)).toBe('plain text, é\n');
    const tree = new Tree();
    tree.add('public/logo.png', readVerbatim(template), 'streaming');
    const dir = join(root, 'api');
    await writeTree(tree, dir);
    expect((await readFile(join(dir, 'public/logo.png'))).equals(bytes)).toBe(true);
    expect(await clashes(tree, dir)).toEqual([]);
  });

  it('creates a missing target, with missing parents, holding exactly the tree', async () => {
    const dir = join(root, 'nested', 'api');
    const tree = sampleTree();
    await writeTree(tree, dir);
    expect(await filesUnder(dir)).toEqual(tree.files().map((f) => f.path));
    await expectTreeWritten(tree, dir);
    expect(await stagingLeftIn(join(root, 'nested'))).toEqual([]);
  });

  it('writes a pending file once it is ready, and adds it to the tree', async () => {
    const dir = join(root, 'api');
    const tree = sampleTree();
    let ready!: (file: TreeFile) => void;
    const pending = new Promise<TreeFile>((resolve) => {
      ready = resolve;
    });
    const writing = writeTree(tree, dir, pending);
    // the other files are in the staging folder, the target not yet made
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(dir)).toBe(false);
    ready({ path: 'late.bin', content: Buffer.from([0xff, 0x00]), owner: 'base' });
    await writing;
    expect(tree.get('late.bin')?.owner).toBe('base');
    expect(await filesUnder(dir)).toEqual(tree.files().map((f) => f.path));
    await expectTreeWritten(tree, dir);
    expect(await stagingLeftIn(root)).toEqual([]);
  });

  it('writes nothing when the pending file fails, and leaves no staging folder', async () => {
    const dir = join(root, 'api');
    const before = await pictureOf(root);
    await expect(
      writeTree(sampleTree(), dir, Promise.reject(new Error('deflate failed'))),
    ).rejects.toThrow('deflate failed');
    expect(existsSync(dir)).toBe(false);
    expect(await pictureOf(root)).toEqual(before);
  });

  it('fills an empty target', async () => {
    const dir = join(root, 'api');
    await mkdir(dir);
    const tree = sampleTree();
    await writeTree(tree, dir);
    expect(await filesUnder(dir)).toEqual(tree.files().map((f) => f.path));
    await expectTreeWritten(tree, dir);
    expect(await stagingLeftIn(root)).toEqual([]);
  });

  it('writes beside a .git folder and keeps it as it was', async () => {
    const dir = join(root, 'api');
    await mkdir(join(dir, '.git'), { recursive: true });
    await writeFile(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const tree = sampleTree();
    await writeTree(tree, dir);
    await expectTreeWritten(tree, dir);
    expect(await readFile(join(dir, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(await stagingLeftIn(root)).toEqual([]);
  });

  it("writes beside the user's files when no path clashes, leaving theirs untouched", async () => {
    const dir = join(root, 'api');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'notes.md'), 'mine\n');
    await writeFile(join(dir, 'src', 'mine.ts'), 'export {};\n');
    const tree = sampleTree();
    await writeTree(tree, dir);
    await expectTreeWritten(tree, dir);
    expect(await readFile(join(dir, 'notes.md'), 'utf8')).toBe('mine\n');
    expect(await readFile(join(dir, 'src', 'mine.ts'), 'utf8')).toBe('export {};\n');
    expect(await stagingLeftIn(root)).toEqual([]);
  });

  it('does not count a file with identical content as a clash', async () => {
    const dir = join(root, 'api');
    const tree = sampleTree();
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'src', 'app.ts'), contentOf(tree, 'src/app.ts'));
    await writeFile(join(dir, 'notes.md'), 'mine\n');
    await writeTree(tree, dir);
    await expectTreeWritten(tree, dir);
    expect(await readFile(join(dir, 'notes.md'), 'utf8')).toBe('mine\n');
  });

  it("refuses a clashing file with a CliError: the user's file untouched, nothing written, no staging left", async () => {
    const dir = join(root, 'api');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), '{ "name": "mine" }\n');
    const before = await pictureOf(root);

    const error = await writeTree(sampleTree(), dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toBe(
      `${dir} already has different content in: package.json`,
    );
    expect((error as CliError).hint).toMatch(/^Nothing was written\./);
    expect(await pictureOf(root)).toEqual(before);
    expect(existsSync(join(dir, 'src'))).toBe(false);
    expect(await stagingLeftIn(root)).toEqual([]);
  });

  it('names every clashing file', async () => {
    const dir = join(root, 'api');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'package.json'), '{}\n');
    await writeFile(join(dir, 'src', 'app.ts'), '// mine\n');
    await expect(writeTree(sampleTree(), dir)).rejects.toThrow(
      `${dir} already has different files at: package.json, src/app.ts`,
    );
  });

  it("refuses a folder of the user's where the project has a file, writing nothing", async () => {
    const dir = join(root, 'api');
    await mkdir(join(dir, 'package.json'), { recursive: true });
    const before = await pictureOf(root);
    await expect(writeTree(sampleTree(), dir)).rejects.toThrow(CliError);
    expect(await pictureOf(root)).toEqual(before);
  });

  it("refuses a file of the user's where the project needs a folder, writing nothing", async () => {
    const dir = join(root, 'api');
    await mkdir(dir);
    await writeFile(join(dir, 'src'), 'a file named src\n');
    const before = await pictureOf(root);
    await expect(writeTree(sampleTree(), dir)).rejects.toThrow(CliError);
    expect(await pictureOf(root)).toEqual(before);
  });

  it('leaves no SIGINT listener behind, whether it succeeds or fails', async () => {
    const listeners = process.listenerCount('SIGINT');
    await writeTree(sampleTree(), join(root, 'ok'));
    await mkdir(join(root, 'clash'));
    await writeFile(join(root, 'clash', 'package.json'), 'x');
    await writeTree(sampleTree(), join(root, 'clash')).catch(() => undefined);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });
});

function contentOf(tree: Tree, path: string): string {
  const file = tree.get(path);
  if (!file) throw new Error(`no ${path}`);
  if (typeof file.content !== 'string') throw new Error(`${path} is not text`);
  return file.content;
}

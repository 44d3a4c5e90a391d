import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  basePath,
  buildManifest,
  deflateBase,
  hashContent,
  manifestPath,
  readBase,
  readManifest,
  type Manifest,
} from '../../src/manifest.js';
import { generate } from '../../src/generate.js';
import { defaultAnswers, optionKeys, specOf } from '../../src/options.js';
import { Tree } from '../../src/tree.js';
import { coveringSets, contentOf, generateOnce } from '../helpers/answers.js';
import { repoRoot } from '../helpers/cli.js';
import { validate } from '../helpers/json-schema.js';

const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const schema = JSON.parse(
  readFileSync(join(repoRoot, 'schema/perf-app.schema.json'), 'utf8'),
) as Record<string, unknown>;

describe('hashContent', () => {
  it('is sha256- and the base64 SHA-256 of the UTF-8 bytes', () => {
    expect(hashContent('')).toBe('sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    const text = 'héllo\n';
    expect(hashContent(text)).toBe(
      `sha256-${createHash('sha256').update(Buffer.from(text, 'utf8')).digest('base64')}`,
    );
    expect(hashContent('a')).not.toBe(hashContent('a\n'));
  });
});

describe('buildManifest', () => {
  it('lists every file of the tree but itself, in path order', () => {
    const tree = new Tree();
    tree.add('src/b.ts', 'b', 'framework');
    tree.add(manifestPath, '{}', 'base');
    tree.add('a.txt', 'a', 'base');
    const manifest = buildManifest(tree, 'manifest-app', defaultAnswers());
    expect(Object.keys(manifest.files)).toEqual(['a.txt', 'src/b.ts']);
    expect(manifest.files['src/b.ts']).toEqual({ feature: 'framework', hash: hashContent('b') });
  });
});

describe.each(coveringSets())('.perf-app.json for $id', ({ answers }) => {
  const read = async () => {
    const tree = await generateOnce('manifest-app', answers);
    return { tree, manifest: JSON.parse(contentOf(tree, manifestPath)) as Manifest };
  };

  it('names its schema, the generator and the answers', async () => {
    const { manifest } = await read();
    expect(manifest.$schema).toBe(
      `https://unpkg.com/${rootPackage.name}@${rootPackage.version}/schema/perf-app.schema.json`,
    );
    expect(manifest.generator).toEqual({ name: rootPackage.name, version: rootPackage.version });
    expect(manifest.answers).toEqual(answers);
  });

  it('records the owner and hash of every other file, and not itself or the base', async () => {
    const { tree, manifest } = await read();
    const others = tree.files().filter((f) => f.path !== manifestPath && f.path !== basePath);
    expect(Object.keys(manifest.files)).toEqual(others.map((f) => f.path));
    expect(manifest.files).not.toHaveProperty([manifestPath]);
    expect(manifest.files).not.toHaveProperty([basePath]);
    for (const file of others) {
      expect(manifest.files[file.path], file.path).toEqual({
        feature: file.owner,
        hash: hashContent(file.content),
      });
    }
  });

  it('keeps every generated file as written in the base, bytes as bytes', async () => {
    const { tree } = await read();
    const dir = await mkdtemp(join(tmpdir(), 'cpa-base-'));
    try {
      await writeFile(join(dir, basePath), tree.get(basePath)?.content ?? '');
      const base = await readBase(dir);
      const generated = tree.files().filter((f) => f.path !== manifestPath && f.path !== basePath);
      expect([...(base?.keys() ?? [])]).toEqual(generated.map((f) => f.path));
      for (const file of generated) expect(base?.get(file.path), file.path).toEqual(file.content);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('is the same base, byte for byte, when deflated in the thread pool as create does', async () => {
    const { tree } = await read();
    const deferred = await generate('manifest-app', answers, [], 'npm', { withBase: false });
    expect(deferred.has(basePath)).toBe(false);
    expect(contentOf(deferred, manifestPath)).toBe(contentOf(tree, manifestPath));
    const file = await deflateBase(deferred);
    expect(file.path).toBe(basePath);
    expect(file.owner).toBe('base');
    expect(Buffer.compare(file.content as Buffer, tree.get(basePath)?.content as Buffer)).toBe(0);
  });

  it('is owned by base and ends with a newline', async () => {
    const { tree } = await read();
    expect(tree.get(manifestPath)?.owner).toBe('base');
    expect(contentOf(tree, manifestPath).endsWith('}\n')).toBe(true);
  });

  it('conforms to schema/perf-app.schema.json', async () => {
    const { manifest } = await read();
    expect(validate(schema, manifest)).toEqual([]);
  });
});

describe('schema/perf-app.schema.json', () => {
  it('describes every option of the option model, with its values', () => {
    const answers = (schema['properties'] as Record<string, Record<string, unknown>>)['answers'];
    const properties = answers?.['properties'] as Record<
      string,
      { enum?: string[]; type?: string }
    >;
    expect(Object.keys(properties)).toEqual(optionKeys);
    for (const key of optionKeys) {
      const spec = specOf(key);
      if (spec.kind === 'toggle') expect(properties[key], key).toEqual({ type: 'boolean' });
      else
        expect(properties[key]?.enum?.toSorted(), key).toEqual(
          spec.choices.map((c) => c.value).toSorted(),
        );
    }
  });

  it('rejects what a manifest must not be, so the check above can fail', async () => {
    const tree = await generateOnce('manifest-app', defaultAnswers());
    const good = JSON.parse(contentOf(tree, manifestPath)) as Manifest;
    const [first] = Object.keys(good.files);
    if (first === undefined) throw new Error('the manifest lists no files');
    expect(validate(schema, { ...good, generator: { name: 'other', version: '1' } })).not.toEqual(
      [],
    );
    expect(
      validate(schema, { ...good, files: { [first]: { feature: 'base', hash: 'md5-x' } } }),
    ).not.toEqual([]);
    expect(validate(schema, { ...good, answers: { framework: 'koa' } })).not.toEqual([]);
    const withoutFiles: Partial<Manifest> = { ...good };
    delete withoutFiles.files;
    expect(validate(schema, withoutFiles)).not.toEqual([]);
  });
});

describe('a manifest made before --node existed', () => {
  it('stands for Node.js 20, what those projects were made for, not the default line', async () => {
    const tree = await generateOnce('manifest-app', { ...defaultAnswers(), node: '26' });
    const manifest = JSON.parse(contentOf(tree, manifestPath)) as Manifest;
    const answers: Partial<Manifest['answers']> = { ...manifest.answers };
    delete answers.node;
    const root = await mkdtemp(join(tmpdir(), 'cpa-manifest-'));
    try {
      await writeFile(join(root, manifestPath), JSON.stringify({ ...manifest, answers }));
      expect((await readManifest(root)).answers.node).toBe('20');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

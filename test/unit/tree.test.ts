import { describe, expect, it } from 'vitest';
import { Tree } from '../../src/tree.js';

describe('Tree', () => {
  it('holds each added file with its content and owner', () => {
    const tree = new Tree();
    tree.add('src/app.ts', 'export {};\n', 'framework');
    expect(tree.size).toBe(1);
    expect(tree.has('src/app.ts')).toBe(true);
    expect(tree.has('src/main.ts')).toBe(false);
    expect(tree.get('src/app.ts')).toEqual({
      path: 'src/app.ts',
      content: 'export {};\n',
      owner: 'framework',
    });
    expect(tree.get('nope')).toBeUndefined();
  });

  it('throws when a second feature writes a path, naming both owners and the path', () => {
    const tree = new Tree();
    tree.add('src/config.ts', 'first', 'base');
    expect(() => tree.add('src/config.ts', 'second', 'cache')).toThrow(
      'cache and base both write src/config.ts',
    );
    expect(tree.get('src/config.ts')?.content).toBe('first');
    expect(tree.size).toBe(1);
  });

  it('throws even when the same feature writes a path twice with the same content', () => {
    const tree = new Tree();
    tree.add('a.ts', 'x', 'base');
    expect(() => tree.add('a.ts', 'x', 'base')).toThrow(/both write a\.ts/);
  });

  it('lists files sorted by path, by code unit, whatever the order they were added in', () => {
    const tree = new Tree();
    for (const path of ['src/z.ts', 'README.md', '.gitignore', 'src/a.ts', 'Dockerfile', 'a.ts'])
      tree.add(path, '', 'base');
    expect(tree.files().map((f) => f.path)).toEqual([
      '.gitignore',
      'Dockerfile',
      'README.md',
      'a.ts',
      'src/a.ts',
      'src/z.ts',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { alignTables, sortImports } from '../../src/render.js';

describe('sortImports', () => {
  it('orders built-ins, packages, then relative paths, each by module', () => {
    const text = [
      "import { b } from './b.js';",
      "import { z } from 'zod';",
      "import { a } from './a.js';",
      "import { readFile } from 'node:fs/promises';",
      '',
      'export const x = 1;',
    ].join('\n');
    expect(sortImports(text).split('\n').slice(0, 4)).toEqual([
      "import { readFile } from 'node:fs/promises';",
      "import { z } from 'zod';",
      "import { a } from './a.js';",
      "import { b } from './b.js';",
    ]);
  });

  it('leaves a file alone when an import spans several lines', () => {
    const text = "import { b } from './b.js';\nimport {\n  a,\n} from './a.js';\n";
    expect(sortImports(text)).toBe(text);
  });
});

describe('alignTables', () => {
  it('pads every cell to its column, as prettier does', () => {
    const text = '| a | long header |\n| --- | --- |\n| wider cell | x |\n\nafter';
    expect(alignTables(text)).toBe(
      '| a          | long header |\n| ---------- | ----------- |\n| wider cell | x           |\n\nafter',
    );
  });

  it('keeps an escaped pipe inside its cell', () => {
    expect(alignTables('| a \\| b | c |\n| --- | --- |')).toBe(
      '| a \\| b | c   |\n| ------ | --- |',
    );
  });
});

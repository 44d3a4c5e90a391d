import { describe, expect, it } from 'vitest';
import { envSchemaLine, envSpelling, schemaImports } from '../../src/render/env.js';
import { alignTables, sortImports } from '../../src/render/tidy.js';

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

  it('makes the imports of one module one, a type-only one included', () => {
    const text = [
      "import { createEncoder } from './perf/compression.js';",
      "import type { Config } from './config.js';",
      "import { chooseCoding } from './perf/compression.js';",
      "import type { Coding } from './perf/compression.js';",
      "import type { Env } from './config.js';",
      '',
    ].join('\n');
    expect(sortImports(text).split('\n')).toEqual([
      "import type { Config, Env } from './config.js';",
      "import { createEncoder, chooseCoding, type Coding } from './perf/compression.js';",
      '',
    ]);
  });

  it('keeps two imports of a module apart when one would pass the print width', () => {
    const names = Array.from({ length: 12 }, (_, index) => `name${index}`);
    const text = [
      `import { ${names.slice(0, 6).join(', ')} } from './a-module-with-a-long-name.js';`,
      `import { ${names.slice(6).join(', ')} } from './a-module-with-a-long-name.js';`,
    ].join('\n');
    expect(sortImports(text)).toBe(text);
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

describe('a default of a setting', () => {
  it('is spelled as the environment spells it in .env.example', () => {
    expect(envSpelling(['br', 'gzip'])).toBe('br,gzip');
    expect(envSpelling(64 * 1024 * 1024)).toBe('67108864');
    expect(envSpelling(false)).toBe('false');
    expect(envSpelling('0.0.0.0')).toBe('0.0.0.0');
  });

  it("is given to the setting's schema in src/config.ts as the environment spells it", () => {
    const doc = 'Size';
    expect(envSchemaLine({ name: 'SIZE', schema: 'int(1, 9)', default: 64, doc })).toBe(
      "// Size\nSIZE: v.optional(int(1, 9), '64'),",
    );
    expect(
      envSchemaLine({ name: 'CODINGS', schema: 'codingList', default: ['br', 'gzip'], doc }),
    ).toBe("// Size\nCODINGS: v.optional(codingList, 'br,gzip'),");
    expect(envSchemaLine({ name: 'URL', schema: 'url()', doc })).toBe(
      '// Size\nURL: v.optional(url()),',
    );
  });

  it('makes config.ts import the shared schemas its settings use, and no other', () => {
    const doc = 'A setting';
    expect(schemaImports([{ name: 'PORT', schema: 'int(0, 65535)', default: 3000, doc }])).toEqual(
      [],
    );
    expect(
      schemaImports([
        { name: 'ON', schema: 'flag()', default: false, doc },
        { name: 'URL', schema: 'url()', doc },
        { name: 'DATABASE_URL', schema: 'postgresUrl', doc },
      ]),
    ).toEqual(["import { flag, url } from './settings/schemas.js';"]);
    expect(
      schemaImports([
        { name: 'RATIO', schema: 'share()', doc },
        { name: 'KEYS', schema: 'prefix()', doc },
        { name: 'URLS', schema: 'v.array(url())', doc },
      ]),
    ).toEqual(["import { prefix, share, url } from './settings/schemas.js';"]);
  });

  it('takes a call of the name itself for a shared schema, not a longer name or a method', () => {
    const doc = 'A setting';
    expect(
      schemaImports([
        { name: 'A', schema: 'postgresurl()', doc },
        { name: 'B', schema: 'v.url()', doc },
        { name: 'C', schema: 'reflag()', doc },
        { name: 'D', schema: 'share', doc },
      ]),
    ).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { mergeJson, mergeLineSet, mergeText } from '../../src/regenerate/merge.js';

const labels = { ours: 'yours', theirs: 'create-perf-app 0.2.0' };

describe('mergeText', () => {
  const base = 'one\ntwo\nthree\nfour\n';

  it("keeps the user's change and takes the generator's elsewhere", () => {
    const ours = 'one\nTWO\nthree\nfour\n';
    const theirs = 'one\ntwo\nthree\nFOUR\n';
    expect(mergeText(ours, base, theirs, labels)).toEqual({
      content: 'one\nTWO\nthree\nFOUR\n',
      conflict: false,
    });
  });

  it('marks a line both changed, with labels, and says so', () => {
    const { content, conflict } = mergeText(
      'one\nmine\nthree\nfour\n',
      base,
      'one\nnew\nthree\nfour\n',
      labels,
    );
    expect(conflict).toBe(true);
    expect(content).toBe(
      'one\n<<<<<<< yours\nmine\n=======\nnew\n>>>>>>> create-perf-app 0.2.0\nthree\nfour\n',
    );
  });

  it('takes the same change on both sides once', () => {
    const same = 'one\n2\nthree\nfour\n';
    expect(mergeText(same, base, same, labels)).toEqual({ content: same, conflict: false });
  });

  it('gives a CRLF file back with CRLF, and a line ending is not a change', () => {
    const ours = 'one\r\nTWO\r\nthree\r\nfour\r\n';
    const theirs = 'one\ntwo\nthree\nFOUR\n';
    expect(mergeText(ours, base, theirs, labels)).toEqual({
      content: 'one\r\nTWO\r\nthree\r\nFOUR\r\n',
      conflict: false,
    });
    // only the endings differ from the base: the generator's change is taken, in CRLF
    expect(mergeText(base.replaceAll('\n', '\r\n'), base, theirs, labels).content).toBe(
      theirs.replaceAll('\n', '\r\n'),
    );
  });
});

describe('mergeJson', () => {
  const pkg = (extra: object) => `${JSON.stringify({ name: 'api', ...extra }, null, 2)}\n`;

  it("keeps the user's dependencies and scripts and takes the generator's", () => {
    const base = pkg({ scripts: { build: 'tsc' }, dependencies: { pino: '^10.0.0' } });
    const ours = pkg({
      scripts: { build: 'tsc', seed: 'tsx seed.ts' },
      dependencies: { pino: '^10.0.0', zod: '^4.0.0' },
    });
    const theirs = pkg({
      scripts: { build: 'tsc -p tsconfig.build.json' },
      dependencies: { pino: '^10.4.0', piscina: '^5.3.2' },
    });
    const { content, conflict } = mergeJson(ours, base, theirs, labels);
    expect(conflict).toBe(false);
    expect(JSON.parse(content)).toEqual({
      name: 'api',
      scripts: { build: 'tsc -p tsconfig.build.json', seed: 'tsx seed.ts' },
      dependencies: { pino: '^10.4.0', zod: '^4.0.0', piscina: '^5.3.2' },
    });
  });

  it('drops what the generator drops, unless the user changed it', () => {
    const base = pkg({ dependencies: { undici: '^7.0.0', cockatiel: '^3.0.0' } });
    const ours = pkg({ dependencies: { undici: '^7.1.0', cockatiel: '^3.0.0' } });
    const theirs = pkg({ dependencies: {} });
    expect(JSON.parse(mergeJson(ours, base, theirs, labels).content)).toEqual({
      name: 'api',
      dependencies: { undici: '^7.1.0' },
    });
  });

  it('falls back to a text merge with markers when both changed one key', () => {
    const base = pkg({ version: '1.0.0' });
    const { content, conflict } = mergeJson(
      pkg({ version: '1.1.0' }),
      base,
      pkg({ version: '2.0.0' }),
      labels,
    );
    expect(conflict).toBe(true);
    expect(content).toContain('<<<<<<< yours\n  "version": "1.1.0"\n=======');
  });
});

describe('mergeLineSet', () => {
  it('keeps lines of the user, drops and adds what the generator does', () => {
    const base = 'node_modules/\ndist/\n/.nginx/\n';
    const ours = 'node_modules/\ndist/\n/.nginx/\n.idea/\n';
    const theirs = 'node_modules/\ndist/\n/files/\n';
    expect(mergeLineSet(ours, base, theirs).content).toBe(
      'node_modules/\ndist/\n/files/\n.idea/\n',
    );
  });

  it("takes a setting's new default unless the user changed the line; never doubles it", () => {
    const base = '# port\nPORT=3000\n# level\nLOG_LEVEL=info\n';
    const ours = '# port\nPORT=8080\n# level\nLOG_LEVEL=info\nMY_KEY=1\n';
    const theirs = '# port\nPORT=3001\n# level\nLOG_LEVEL=warn\n# threads\nWORKER_THREADS=\n';
    expect(mergeLineSet(ours, base, theirs).content).toBe(
      '# port\nPORT=8080\n# level\nLOG_LEVEL=warn\n# threads\nWORKER_THREADS=\nMY_KEY=1\n',
    );
  });
});

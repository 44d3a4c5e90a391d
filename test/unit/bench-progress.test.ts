// `npm run bench` in a generated project takes minutes: each row says it is done on stderr as
// it is measured (the table still comes on stdout at the end). bench/lib.ts is copied into
// every project as it is, so the template itself is loaded here and measures a local server.

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { defaultAnswers } from '../../src/options.js';
import { templatesDir } from '../../src/paths.js';
import { contentOf, generateOnce } from '../helpers/answers.js';

const libPath = join(templatesDir, 'base/bench/lib.ts');

/** what the test uses of bench/lib.ts */
interface BenchLib {
  measure(
    scenario: string,
    options: { url: string; duration: number; connections: number },
  ): Promise<{ scenario: string; requestsPerSecond: number }>;
}

const server = createServer((_req, res) => res.end('ok'));
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => server.close());

it('the project gets bench/lib.ts as it is in templates/', async () => {
  const tree = await generateOnce('bench-app', defaultAnswers());
  expect(contentOf(tree, 'bench/lib.ts')).toBe(await readFile(libPath, 'utf8'));
});

it('RUN-5: measure writes one line to stderr when its row is measured, and nothing to stdout', async () => {
  const { measure } = (await import(libPath)) as BenchLib;
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const stdout = vi.spyOn(process.stdout, 'write');
  try {
    const row = await measure('GET /health', { url, duration: 1, connections: 2 });
    expect(row.requestsPerSecond).toBeGreaterThan(0);
    expect(stderr.mock.calls.map(([chunk]) => String(chunk))).toEqual([
      `bench: GET /health ... ${row.requestsPerSecond} req/s\n`,
    ]);
    expect(stdout).not.toHaveBeenCalled();
  } finally {
    stderr.mockRestore();
    stdout.mockRestore();
  }
});

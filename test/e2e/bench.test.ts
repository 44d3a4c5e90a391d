// RUN-5: `npm run bench` in a generated app runs and prints its table. The figures themselves
// are for people to read side by side; here only that every row was measured.

import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { appDir } from '../helpers/e2e.js';
import { optionSets } from './sets.js';

const withCache = optionSets.filter((set) => set.answers.cache !== 'none');
// one app per cache backend is enough: the bench code is the same for every framework
const sample = [...new Map(withCache.map((set) => [set.answers.cache, set])).values()];

describe.each(sample)('$id', (set) => {
  it('RUN-5: npm run bench prints one process and two workers (WORK-3), miss, hit, 304 and the bare node:http floor, each row on stderr as it is measured', async () => {
    const result = await execa('npm', ['run', 'bench'], {
      cwd: appDir(set),
      env: { BENCH_SECONDS: '1', BENCH_CONNECTIONS: '10', REDIS_URL: 'redis://127.0.0.1:6379' },
      reject: false,
      all: true,
    });
    expect(result.exitCode, result.all).toBe(0);
    for (const row of [
      'GET /health',
      'GET /health, 2 workers',
      'items: miss',
      'items: hit',
      'items: 304',
      'bare node:http',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^${row}.*\\s\\d+\\s+\\d+\\s+\\d+`, 'm'));
      // and a line as the row was measured, on stderr: the run takes minutes
      expect(result.stderr).toMatch(new RegExp(`^bench: ${row}.* \\.\\.\\. \\d+ req/s$`, 'm'));
    }
    expect(result.stdout).not.toMatch(/^bench: /m);
    expect(result.stdout).toMatch(/x bare node:http, same bytes/);
  });
});

// OBS-5: `npm run profile` in a generated app builds it, loads it under the V8 CPU profiler and
// says where the profile went; the profile is a real one.

import { execa } from 'execa';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDir } from '../helpers/e2e.js';
import { optionSets } from './sets.js';

/** per framework, the set with the most routes to load (and the tracing preload, if any) */
const sets = [
  ...new Map(
    optionSets
      .map((set) => {
        const { db, cache, tracing } = set.answers;
        return {
          set,
          weight: Number(db !== 'none') + Number(cache !== 'none') + Number(tracing !== 'none'),
        };
      })
      .sort((a, b) => a.weight - b.weight)
      .map(({ set }) => [set.answers.framework, set] as const),
  ).values(),
];

interface CpuProfile {
  nodes: { callFrame: { functionName: string; url: string } }[];
  samples: number[];
  startTime: number;
  endTime: number;
}

describe.each(sets)('$id', (set) => {
  it('OBS-5: npm run profile writes a CPU profile of a load run and says where', async () => {
    const dir = appDir(set);
    await rm(join(dir, 'profiles'), { recursive: true, force: true });
    const result = await execa('npm', ['run', 'profile'], {
      cwd: dir,
      env: {
        BENCH_SECONDS: '1',
        BENCH_CONNECTIONS: '10',
        DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
        REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      },
      reject: false,
      all: true,
    });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toMatch(/^GET \/health\s+\d+/m);
    const written = /CPU profile written to (\S+\.cpuprofile)/.exec(result.stdout)?.[1];
    expect(written, result.stdout).toBeDefined();

    const profile = JSON.parse(await readFile(join(dir, written ?? ''), 'utf8')) as CpuProfile;
    expect(profile.samples.length).toBeGreaterThan(100);
    expect(profile.endTime).toBeGreaterThan(profile.startTime);
    // the app's own code is in it, not only Node's
    const files = new Set(profile.nodes.map((node) => node.callFrame.url));
    expect([...files].some((url) => url.includes('/dist/'))).toBe(true);
  });
});

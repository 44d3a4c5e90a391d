// `npm test`, after build, lint and tsc: every vitest project, in two lanes side by side. The
// end-to-end workspace is made once here, then one vitest process runs the unit tests and the
// end-to-end files, another the apps' own checks (test/e2e/apps.test.ts, the longest file).
// One vitest process with both e2e projects ran them one after the other (vitest 4 schedules a
// project that runs its files one at a time after the others), which took ten minutes more.

import { execa } from 'execa';
import { setTimeout as sleep } from 'node:timers/promises';
import { prepareOnce, teardown } from '../test/e2e/global-setup.js';

const lanes = [
  { name: 'unit+e2e', projects: ['unit', 'e2e'] },
  { name: 'apps', projects: ['e2e-apps'] },
];

/** each line of a lane's output, with the lane's name in front once both lanes print */
function pipe(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) {
  let partial = '';
  stream?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
  stream?.on('end', () => partial && out.write(`[${name}] ${partial}\n`));
}

const started = Date.now();
await prepareOnce();
const runs = lanes.map(async ({ name, projects }, index) => {
  // the second lane a moment later, so that the two do not load vitest on the same core at once
  await sleep(index * 2000);
  const run = execa(
    'npx',
    ['vitest', 'run', ...projects.flatMap((project) => ['--project', project])],
    {
      // the workspace is ready: the lanes' global setup only checks it
      env: { E2E_PREPARED: '1', FORCE_COLOR: process.env['FORCE_COLOR'] ?? '0' },
      reject: false,
      stdin: 'ignore',
    },
  );
  pipe(name, run.stdout, process.stdout);
  pipe(name, run.stderr, process.stderr);
  const { exitCode } = await run;
  console.log(
    `[${name}] exited ${String(exitCode)} after ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return exitCode ?? 1;
});
const codes = await Promise.all(runs);
await teardown();
process.exitCode = codes.every((code) => code === 0) ? 0 : 1;

import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freePort } from './net.js';

const answers = (url: string) =>
  fetch(url).then(
    (res) => res.ok,
    () => false,
  );

async function untilAnswering(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    if (await answers(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

describe('scripts under a supervisor', () => {
  // `npm start` runs dist/, which test/global-setup.ts has built
  it('RUN-2: SIGTERM to `npm start` stops the server, and npm exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/health`;
    const npm = spawn('npm', ['start'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        SHUTDOWN_DELAY_MS: '0',
        WEB_CONCURRENCY: '1',
      },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => npm.on('exit', resolve));
    await untilAnswering(url, npm);
    // what a supervisor does: signal the process it started, and only that one
    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    // nothing left behind still serving
    expect(await answers(url)).toBe(false);
  }, 60_000);
});

// nginx on loopback from a generated app's own nginx.conf (`--proxy nginx`), for the
// end-to-end suite (nginx.test.ts, topology.test.ts).

import { execa, type ResultPromise } from 'execa';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, waitUntilAnswering } from './net.js';

// running as root, nginx would hand its workers to `nobody`, who may not read the app's folder
const asUser = process.getuid?.() === 0 ? ' user root;' : '';

/** `text` with `from` replaced, failing when the generated file no longer has it */
function rewrite(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the generated nginx.conf has no "${from}"`);
  return text.replace(from, to);
}

export interface Proxied {
  url: string;
  /** stops nginx by its master's pid and removes its file */
  stop(): Promise<void>;
}

/**
 * nginx with the app's generated nginx.conf in front of the instances listening on `appPorts`:
 * its listening port moved to a free one, its upstream listing every instance (nginx balances
 * requests over them round-robin) and its pid file its own, so two runs never share one. The
 * rest is the generated file as a user runs it (`npm run nginx`): prefix the app's folder.
 */
export async function nginxInFront(dir: string, appPorts: number[]): Promise<Proxied> {
  const port = await freePort();
  const name = `e2e-${port}`;
  let conf = await readFile(join(dir, 'nginx.conf'), 'utf8');
  conf = rewrite(conf, 'listen 8080;', `listen 127.0.0.1:${port};`);
  conf = rewrite(
    conf,
    'server 127.0.0.1:3000;',
    appPorts.map((appPort) => `server 127.0.0.1:${appPort};`).join('\n    '),
  );
  conf = rewrite(conf, 'pid .nginx/nginx.pid;', `pid .nginx/${name}.pid;`);
  await mkdir(join(dir, '.nginx'), { recursive: true });
  const file = join(dir, '.nginx', `${name}.conf`);
  await writeFile(file, conf);
  const child: ResultPromise = execa(
    'nginx',
    ['-p', dir, '-c', `.nginx/${name}.conf`, '-e', 'stderr', '-g', `daemon off;${asUser}`],
    { reject: false, all: true },
  );
  let output = '';
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    // SIGQUIT: nginx's graceful stop; after 5 s SIGTERM, its fast stop, which also ends the
    // workers (SIGKILL to the master would leave them running)
    child.kill('SIGQUIT');
    const timer = setTimeout(() => child.kill('SIGTERM'), 5000);
    await child;
    clearTimeout(timer);
    await rm(file, { force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const up = await waitUntilAnswering(`${url}/health`, {
    timeoutMs: 10_000,
    check: () => {
      if (child.exitCode !== null) throw new Error(`nginx exited at start:\n${output}`);
    },
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (!up) {
    await stop();
    throw new Error(`nginx did not answer /health within 10 s:\n${output}`);
  }
  return { url, stop };
}

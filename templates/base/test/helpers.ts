import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { testEnv } from './env.js';

/**
 * Starts the whole app on a free loopback port, as `npm start` would, with `env` on top.
 * Log lines go to `onLog` when given, else nowhere.
 */
export async function start(
  env: Record<string, string> = {},
  onLog?: (line: string) => void,
): Promise<RunningServer> {
  const config = loadConfig({ ...testEnv(), ...env });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) onLog?.(line);
      done();
    },
  });
  return startServer(config, pino({ level: onLog ? config.logLevel : 'silent' }, sink));
}

/**
 * Runs `script`, an ES module, in a Node.js process of its own (Node.js keeps one module cache
 * per process, which other tests fill), with the file URLs of the built `modules` (such as
 * `dist/config.js`) as its arguments; resolves to what it printed.
 */
export async function runScript(
  script: string,
  modules: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const urls = modules.map((path) => pathToFileURL(resolve(path)).href);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script, ...urls],
    { env },
  );
  return stdout;
}

import { Writable } from 'node:stream';
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

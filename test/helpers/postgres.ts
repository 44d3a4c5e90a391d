import { execa, type ResultPromise } from 'execa';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from './net.js';

export interface ThrowAwayPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  start(): Promise<void>;
  /** a fast shutdown (SIGINT): sessions are cut, as in a restart or a failover */
  stop(): Promise<void>;
  /** its data folder, once stopped */
  remove(): Promise<void>;
}

/**
 * A PostgreSQL server of our own on a free port, started and stopped by its pid: the shared one
 * on 5432 stays up. As root, it runs as the postgres user (initdb refuses root). `cpus`: the
 * CPUs it and every backend it forks run on (`taskset -c`), so that a benchmark keeps the
 * database off the server's core.
 */
export async function throwAwayPostgres({
  cpus,
}: { cpus?: string } = {}): Promise<ThrowAwayPostgres> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'throw-away-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = async (flag: string) => Number((await execa('id', [flag, 'postgres'])).stdout);
    await chown(dir, await id('-u'), await id('-g'));
  }
  const prefix = [
    ...(cpus === undefined ? [] : ['taskset', '-c', cpus]),
    ...(asRoot ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'] : []),
  ];
  const run = (command: string, args: string[]) => {
    const [first, ...rest] = [...prefix, command, ...args];
    return execa(first ?? command, rest);
  };
  await run('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  let server: ResultPromise | undefined;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const answers = () =>
    execa('pg_isready', ['-h', '127.0.0.1', '-p', String(port)], { reject: false }).then(
      (result) => result.exitCode === 0,
    );
  return {
    url,
    async start() {
      server = run('postgres', [
        ...['-D', dir, '-p', String(port), '-k', dir],
        ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
      ]);
      server.catch(() => undefined);
      await until(answers, 30_000, `postgres on port ${port} answering`);
    },
    async stop() {
      server?.kill('SIGINT');
      await server?.catch(() => undefined);
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

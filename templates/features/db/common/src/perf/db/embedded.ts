import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from 'pino';

export interface EmbeddedPostgres {
  /** a postgres:// URL for the pool */
  url: string;
  close(): Promise<void>;
}

/**
 * POOL-4: Postgres in this process, for a machine with no database server. PGlite (Postgres
 * compiled to WebAssembly) keeps its files in `dir`, and a socket on loopback speaks the
 * Postgres protocol to it, so the pool and every query run exactly as they do on a server.
 */
export async function startEmbedded(
  dir: string,
  maxConnections: number,
  logger: Logger,
): Promise<EmbeddedPostgres> {
  const path = resolve(dir);
  await mkdir(path, { recursive: true });
  // two processes on one folder would corrupt it: a second one keeps its data in memory
  const unlock = await lockFolder(`${path}.lock`);
  if (!unlock) {
    logger.warn(
      { dir: path },
      'db: another instance is using the embedded Postgres folder; this one keeps its data in memory until it exits',
    );
  }
  const firstStart = !unlock || !existsSync(join(path, 'PG_VERSION'));
  logger.warn(
    { dir: path },
    firstStart
      ? 'db: DATABASE_URL is not set; creating an embedded Postgres (PGlite): the first start takes a few seconds'
      : 'db: DATABASE_URL is not set; opening the embedded Postgres (PGlite)',
  );
  const started = performance.now();
  const db = await PGlite.create(unlock ? path : 'memory://');
  // PGlite runs one statement at a time: the socket queues what the pool's connections send
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  logger.info({ ms: Math.round(performance.now() - started) }, 'db: embedded Postgres is open');
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async close() {
      await server.stop();
      await db.close();
      await unlock?.();
    },
  };
}

/**
 * Takes the lock file for this process and returns how to release it, or undefined when a live
 * process holds it. A lock left by a process that is gone is taken over.
 */
async function lockFolder(lockPath: string): Promise<(() => Promise<void>) | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lockPath, String(process.pid), { flag: 'wx' });
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(lockPath, 'utf8').catch(() => ''));
    if (holder && isAlive(holder)) return undefined;
    await rm(lockPath, { force: true });
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

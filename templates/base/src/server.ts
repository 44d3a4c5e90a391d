import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { createContext, type AppContext } from './context.js';
import { isShedding } from './perf/http-server.js';

/** what each framework's `buildApp` returns: a configured server, not yet listening */
export interface HttpApp {
  server: Server;
  /** stops accepting, lets in-flight requests finish, then resolves */
  close(): Promise<void>;
}

export interface RunningServer {
  url: string;
  context: AppContext;
  /** the node:http server it listens with */
  http: Server;
  /** `delayMs`: how long to keep serving once /ready answers 503 (SHUTDOWN_DELAY_MS) */
  close(delayMs?: number): Promise<void>;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const context = await createContext(config, logger);
  const app = await buildApp(context);
  // WORK-5: an instance shedding load stays ready, and says so: taking it out of the pool
  // takes seconds, by which time the others carry its share and may be overloaded too
  context.readiness.add('load', async () => (isShedding(app.server) ? 'degraded' : 'ok'));
  try {
    await listen(app.server, config);
  } catch (error) {
    await context.close();
    throw error;
  }
  await context.start();
  context.readiness.markStarted();

  const { address, port } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    context,
    http: app.server,
    // RUN-2: fail readiness first and keep serving while load balancers notice, then drain
    // requests, then close what they used
    async close(delayMs = config.shutdownDelayMs) {
      context.readiness.markDraining();
      await setTimeout(delayMs);
      await app.close();
      await context.close();
    },
  };
}

/** a port in use, or an address not on this machine: said in one line, not a stack */
export class ListenError extends Error {
  override name = 'ListenError';
}

const listenProblems: Record<string, string> = {
  EADDRINUSE: 'the port is in use; stop what uses it or set PORT',
  EACCES: 'not allowed to use the port; set PORT above 1023',
  EADDRNOTAVAIL: 'the address is not on this machine; set HOST',
};

function listen(server: Server, { port, host }: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const problem = listenProblems[error.code ?? ''];
      if (!problem) return reject(error);
      reject(new ListenError(`Cannot listen on ${host}:${port}: ${problem}`, { cause: error }));
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

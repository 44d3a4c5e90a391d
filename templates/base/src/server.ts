import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { createContext, type AppContext } from './context.js';

/** what each framework's `buildApp` returns: a configured server, not yet listening */
export interface HttpApp {
  server: Server;
  /** stops accepting, lets in-flight requests finish, then resolves */
  close(): Promise<void>;
}

export interface RunningServer {
  url: string;
  context: AppContext;
  close(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const context = await createContext(config, logger);
  const app = await buildApp(context);
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(config.port, config.host, () => {
      app.server.off('error', reject);
      resolve();
    });
  });
  await context.start();
  context.readiness.markStarted();

  const { address, port } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    context,
    // RUN-2: fail readiness first, then drain requests, then close what they used
    async close() {
      context.readiness.markDraining();
      await app.close();
      await context.close();
    },
  };
}

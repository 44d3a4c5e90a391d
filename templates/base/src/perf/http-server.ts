import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { logRequests } from './logger.js';

/** answers a request before any framework sees it and returns true, or returns false */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The node:http server every framework runs on, so that connection handling is the same
 * whichever framework answers the request. A request `front` answers (the response cache's
 * front tier, CACHE-15) never reaches the framework.
 */
export function createHttpServer(
  listener: RequestListener,
  http: Config['http'],
  logger: Logger,
  front?: FrontHandler,
): Server {
  const logRequest = logRequests(logger);
  const drain: Drain = { draining: false, sockets: new Set(), busy: new Set() };
  // time-outs are checked every second instead of Node's default 30, so a bound means what it says
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    logRequest(req, res);
    trackRequest(drain, req.socket, res);
    // CONN-2: refuse a declared body over the limit before any framework reads it
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > http.bodyLimitBytes) {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: `Request body is over ${http.bodyLimitBytes} bytes` }));
      return;
    }
    if (front?.(req, res)) return;
    listener(req, res);
  });
  // CONN-1: keep idle sockets open longer than the load balancer does (60 s on most), so it
  // never sends a request on a socket the app is closing; headers get one second more.
  server.keepAliveTimeout = http.keepAliveTimeoutMs;
  server.headersTimeout = http.headersTimeoutMs;
  // CONN-2: a request that takes longer is cut off; a socket is recycled after so many
  // requests, which also spreads long-lived clients over new instances.
  server.requestTimeout = http.requestTimeoutMs;
  server.maxRequestsPerSocket = http.maxRequestsPerSocket;
  server.on('connection', (socket: Socket) => {
    drain.sockets.add(socket);
    socket.once('close', () => drain.sockets.delete(socket));
  });
  drains.set(server, drain);
  return server;
}

interface Drain {
  draining: boolean;
  sockets: Set<Socket>;
  /** sockets with a response under way */
  busy: Set<Socket>;
}

const drains = new WeakMap<Server, Drain>();

function trackRequest(drain: Drain, socket: Socket, res: ServerResponse): void {
  drain.busy.add(socket);
  // while draining, a keep-alive client is told to go elsewhere for its next request
  if (drain.draining) res.setHeader('connection', 'close');
  res.once('close', () => {
    drain.busy.delete(socket);
    if (drain.draining) socket.end();
  });
}

/**
 * RUN-2: stops accepting connections and resolves once every in-flight request has been
 * answered. Idle keep-alive sockets, and sockets that never sent a request (Node's own
 * closeIdleConnections leaves those open), are closed at once, busy ones as soon as their
 * response is sent. After `timeoutMs` whatever is left is cut off.
 */
export function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  const drain = drains.get(server);
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close((error) => {
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve();
    });
    if (!drain) return server.closeIdleConnections();
    drain.draining = true;
    for (const socket of drain.sockets) if (!drain.busy.has(socket)) socket.destroy();
  });
}

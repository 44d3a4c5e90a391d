import type {
  IncomingMessage,
  OutgoingHttpHeader,
  OutgoingHttpHeaders,
  RequestListener,
  Server,
  ServerResponse,
} from 'node:http';
import { Server as NetServer } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { Drain } from './drain.js';
import { LoadShedder } from './load-shedding.js';
import { logRequests } from './logger.js';
import { checkRequest, readChunkedBody } from './request-limits.js';

/**
 * Start-up: an `import` of node:http reads every export of it, and three of them (WebSocket,
 * MessageEvent, CloseEvent) load undici, fetch's implementation, which a server never needs:
 * about 50 ms of a worker's start on Node.js 22 and later (nodejs/node#57649). The module as
 * `require` gives it loads nothing more.
 */
export const nodeHttp = process.getBuiltinModule('node:http');

/** answers a request before any framework sees it and returns true, or returns false */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** what runs around the framework, given by the app's context (context.ts) */
export interface RequestHooks {
  /** answers what it can before the framework does (the response cache's front tier) */
  front?: FrontHandler;
  /**
   * wraps the server's whole handling of a request, front tier and refusals included: the
   * request's span when the project traces (OBS-2)
   */
  traceRequests?: (listener: RequestListener) => RequestListener;
}

const drains = new WeakMap<Server, Drain>();
const drainGates = new WeakMap<Server, () => Promise<void>>();
const shedders = new WeakMap<Server, LoadShedder>();

type Headers = OutgoingHttpHeaders | OutgoingHttpHeader[];
const sniffing = 'x-content-type-options';

/**
 * Every answer tells browsers to take it as the type it declares, never guess (a file that
 * looks like HTML would run as a page): `X-Content-Type-Options: nosniff`. Fastify and Hono
 * hand `writeHead` their headers in one object, and a header set with `setHeader` before that
 * makes Node merge the object key by key (7% of a Hono /health, 3% of Fastify's); so the
 * header joins the object the framework made for this one answer, and an answer without one
 * gets a `setHeader`. The front tier's header objects carry it already, so a hit only looks.
 */
export class Response extends nodeHttp.ServerResponse {
  override writeHead(status: number, reason?: string | Headers, headers?: Headers): this {
    const given = typeof reason === 'string' ? headers : reason;
    if (given !== undefined && !Array.isArray(given)) {
      const set = given[sniffing] ?? given['X-Content-Type-Options'] ?? this.getHeader(sniffing);
      if (set === undefined) given[sniffing] = 'nosniff';
    } else if (!this.hasHeader(sniffing)) {
      this.setHeader(sniffing, 'nosniff');
    }
    return typeof reason === 'string'
      ? super.writeHead(status, reason, headers)
      : super.writeHead(status, reason);
  }
}

/** the classes the server makes each request and response from, for a framework that has its own */
export interface ServerClasses {
  IncomingMessage: typeof nodeHttp.IncomingMessage;
  /** a subclass of `Response`, so that it sends nosniff too */
  ServerResponse: typeof Response;
}

/**
 * The node:http server every framework runs on, so that connection handling is the same
 * whichever framework answers the request. A request `front` answers (the response cache's
 * front tier, CACHE-15) never reaches the framework, nor does one refused under overload
 * (WORK-5).
 */
export function createHttpServer(
  listener: RequestListener,
  http: Config['http'],
  logger: Logger,
  { front, traceRequests = (handle) => handle }: RequestHooks = {},
  classes: ServerClasses = { IncomingMessage: nodeHttp.IncomingMessage, ServerResponse: Response },
): Server {
  const logRequest = logRequests(logger);
  const drain = new Drain();
  const shedder = new LoadShedder(http.loadShedding, logger);
  const dispatch = (req: IncomingMessage, res: ServerResponse) => {
    if (front?.(req, res)) return;
    // WORK-5: after the front tier, whose hit costs about what a refusal does, so cached
    // answers go on under overload; the framework's work is what is refused
    if (shedder.shedding && shedder.refuse(req, res)) return;
    listener(req, res);
  };
  const server = nodeHttp.createServer(
    {
      // nosniff on every answer, at no cost to the framework's own header handling
      ...classes,
      // time-outs are checked every second instead of Node's default 30, so a bound means what it says
      connectionsCheckingInterval: 1000,
      // CONN-1: keep idle sockets open longer than the load balancer does (60 s on most), so it
      // never sends a request on a socket the app is closing
      keepAliveTimeout: http.keepAliveTimeoutMs,
      // CONN-2: given here rather than set afterwards, so that Node checks them
      // (headersTimeout <= requestTimeout): a slow body is cut at requestTimeout
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
    },
    traceRequests((req, res) => {
      // RUN-2: a request sent on a socket we already closed our side of has nobody to answer
      // it; it is read and dropped, so closing never resets the connection
      if (drain.draining && req.socket.writableEnded) return;
      logRequest(req, res);
      drain.track(res);
      // CONN-2: bodies over the limit, bodies where none is taken, two Host headers
      const check = checkRequest(req, res, http.bodyLimitBytes);
      if (check === 'ok') dispatch(req, res);
      else if (check === 'chunked') readChunkedBody(req, res, http.bodyLimitBytes, dispatch);
    }),
  );
  // CONN-2: a socket is recycled after so many requests, which also spreads long-lived
  // clients over new instances
  server.maxRequestsPerSocket = http.maxRequestsPerSocket;
  server.on('connection', (socket) => drain.add(socket));
  server.on('listening', () => shedder.start());
  server.on('close', () => shedder.stop());
  drains.set(server, drain);
  shedders.set(server, shedder);
  return server;
}

/** WORK-5: whether the server is refusing requests because its event loop is overloaded */
export function isShedding(server: Server): boolean {
  return shedders.get(server)?.shedding ?? false;
}

/**
 * WORK-3: makes `closeGracefully` wait for `gate` between closing the listener and closing the
 * first connection. A cluster's workers stop listening together this way: a connection closed
 * by one worker while another still listened would reconnect to that one, be queued in the
 * primary, and be reset when that one stopped listening in turn.
 */
export function holdDrain(server: Server, gate: () => Promise<void>): void {
  drainGates.set(server, gate);
}

/**
 * RUN-2: stops accepting connections and resolves once every connection is closed, without
 * resetting one: each keep-alive socket's next response says `Connection: close`, a socket
 * is only closed between requests, and what a client sent before it saw the close is read
 * and dropped. After `timeoutMs` whatever is left is cut off.
 */
export function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  const drain = drains.get(server);
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    const done = (error?: Error) => {
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve();
    };
    if (!drain) {
      server.close(done);
      return;
    }
    // After the poll phase, so that connections waiting to be accepted are taken and drained
    // rather than reset with the listening socket; and before the first socket is closed, so
    // that a client reconnecting at once is refused, not queued and then reset.
    setImmediate(() => {
      // http.Server#close would also destroy every idle keep-alive socket at once, while the
      // next request of one may be on its way: stop listening only, and let the drain close them
      NetServer.prototype.close.call(server, done);
      const gate = drainGates.get(server);
      if (gate) void gate().finally(() => drain.start());
      else drain.start();
    });
  });
}

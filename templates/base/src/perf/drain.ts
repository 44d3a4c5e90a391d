import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Once draining starts, how long an idle keep-alive socket is kept for a request its client
 * may already have sent: any round trip a load balancer has is far shorter.
 */
const idleGraceMs = 250;
/** how long a socket we closed our side of is still read from, for what its client sent */
const lingerMs = 2000;

/**
 * RUN-2: closes keep-alive connections at shutdown without resetting a request a client
 * already sent. Closing an idle socket at once (what `server.close()` does) races the
 * client's next request, which may already be in the kernel's buffer; so while draining:
 *
 * - every response says `Connection: close`, so a client knows to go elsewhere;
 * - a socket is closed only between requests: an idle one after a short grace period in
 *   which a request already on its way would have arrived;
 * - closing ends our side and keeps reading (nginx's lingering close): what a client that
 *   ignores `Connection: close` sends is read and dropped, since closing a socket with unread
 *   data makes the kernel send a reset, which can also destroy the answer it has not read.
 */
export class Drain {
  #draining = false;
  readonly #sockets = new Set<Socket>();
  /** sockets with a response under way */
  readonly #busy = new Set<Socket>();
  /** one listener for every response, rather than a closure per request */
  readonly #responseClosed: (this: ServerResponse) => void;

  constructor() {
    const release = (socket: Socket) => this.#release(socket);
    this.#responseClosed = function () {
      release(this.req.socket);
    };
  }

  get draining(): boolean {
    return this.#draining;
  }

  add(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    if (this.#draining) this.#closeWhenIdle(socket);
  }

  /** every request: nothing to do until the drain starts, which asks Node what is under way */
  track(res: ServerResponse): void {
    if (!this.#draining) return;
    // a keep-alive client is told to go elsewhere for its next request
    res.setHeader('connection', 'close');
    this.#watch(res);
  }

  #watch(res: ServerResponse): void {
    this.#busy.add(res.req.socket);
    res.on('close', this.#responseClosed);
  }

  start(): void {
    this.#draining = true;
    for (const socket of this.#sockets) {
      const res = responseOf(socket);
      if (res && !res.writableFinished) this.#watch(res);
      this.#closeWhenIdle(socket);
    }
  }

  #release(socket: Socket): void {
    this.#busy.delete(socket);
    // a response that started before draining kept its socket open: close it now it is idle
    if (this.#draining) this.#closeWhenIdle(socket);
  }

  #closeWhenIdle(socket: Socket): void {
    // Node closes a socket after a `Connection: close` response with destroySoon(): linger instead
    socket.destroySoon = closeLingering;
    if (this.#busy.has(socket) || socket.writableEnded) return;
    setTimeout(() => {
      // after the poll phase, so a request already in the kernel's buffer is read first
      setImmediate(() => {
        if (!this.#busy.has(socket)) socket.destroySoon();
      });
    }, idleGraceMs);
  }
}

function closeLingering(this: Socket): void {
  if (this.writableEnded) return;
  this.end();
  setTimeout(() => this.destroy(), lingerMs).unref();
}

/**
 * The response a socket is sending, if any: Node's own `closeIdleConnections` reads the same
 * field. Asking it when the drain starts spares every request before it a Set and a listener.
 */
function responseOf(socket: Socket): ServerResponse | undefined {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

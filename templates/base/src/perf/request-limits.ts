import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

// methods that carry no content in any route here (RFC 9110 gives it no meaning, or forbids
// it): a body sent with one is refused rather than read and thrown away
const bodiless = new Set(['GET', 'HEAD', 'TRACE']);

/** what `checkRequest` found: refused (answered already), a chunked body to read, or neither */
export type RequestCheck = 'refused' | 'chunked' | 'ok';

/**
 * Answers a request that must not reach the framework and returns `'refused'`; returns
 * `'chunked'` for a chunked body (for `readChunkedBody`), else `'ok'`. Run before any
 * framework reads a byte, so the bounds are the same on every framework. It reads the raw
 * header list in one pass, not `req.headers`, an object Node builds on first read.
 */
export function checkRequest(
  req: IncomingMessage,
  res: ServerResponse,
  bodyLimitBytes: number,
): RequestCheck {
  const raw = req.rawHeaders;
  let hosts = 0;
  let length: string | undefined;
  let chunked = false;
  for (let i = 0; i < raw.length; i += 2) {
    // the length first: most names are ruled out without lower-casing them
    const name = raw[i] ?? '';
    if (name.length === 4 && name.toLowerCase() === 'host') hosts++;
    else if (name.length === 14 && name.toLowerCase() === 'content-length') length = raw[i + 1];
    else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') chunked = true;
  }
  // RFC 9112 3.2: a request with more than one Host header is answered 400; which one a
  // proxy in front used is unknown, so routing and cache keys could disagree with it
  if (hosts > 1) return refuse(res, 400, 'A request takes one Host header');
  if (!chunked && !(Number(length) > 0)) return 'ok';
  if (bodiless.has(req.method ?? '')) return refuse(res, 400, `${req.method} takes no body`);
  // CONN-2: a declared body over the limit is refused before a byte of it is read
  if (Number(length) > bodyLimitBytes) return tooLarge(res, bodyLimitBytes);
  return chunked ? 'chunked' : 'ok';
}

/**
 * CONN-2: a chunked body has no length to check up front, so it is read here, up to the
 * limit, before the framework sees the request: past the limit the client gets 413 and the
 * connection is closed (a false return tells Node's parser to stop reading the socket), and
 * the framework never hears of it, so no route answers twice or reads a truncated body.
 * Within the limit the bytes are handed back to the request as they came, and `handOver`
 * runs, in the async context the request came in with (its trace's span, an
 * AsyncLocalStorage's store), not in that of the socket read that ended the body. One closure
 * per request with a chunked body: the count has to live somewhere.
 */
export function readChunkedBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  handOver: (req: IncomingMessage, res: ServerResponse) => void,
): void {
  const push = req.push;
  const handOverHere = AsyncResource.bind(handOver);
  const chunks: Buffer[] = [];
  let received = 0;
  let refused = false;
  req.push = function (chunk: Buffer | null, encoding?: BufferEncoding) {
    // answered 413 already: the rest, and the end of the message if it was already buffered,
    // must not reach the framework, which would answer a second time
    if (refused) return false;
    if (chunk === null) {
      req.push = push;
      for (const held of chunks) push.call(this, held);
      push.call(this, null, encoding);
      handOverHere(req, res);
      return false;
    }
    received += chunk.length;
    if (received > limit) {
      refused = true;
      if (!res.headersSent) tooLarge(res, limit);
      return false;
    }
    chunks.push(chunk);
    return true;
  };
}

function tooLarge(res: ServerResponse, limit: number): 'refused' {
  return refuse(res, 413, `Request body is over ${limit} bytes`);
}

/** answers at once and closes the connection, so the rest of the body is never read */
function refuse(res: ServerResponse, status: number, error: string): 'refused' {
  const body = JSON.stringify({ error });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    connection: 'close',
  });
  res.end(body);
  return 'refused';
}

import type { ChildProcess } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

/** a TCP port on loopback that nothing listens on at the moment of asking */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

/** whether `url` answers 2xx now; false when nothing takes the connection */
export const answers = (url: string): Promise<boolean> =>
  fetch(url).then(
    (res) => res.ok,
    () => false,
  );

/**
 * Resolves once `url` answers 2xx, asking every `everyMs`; fails when `server`, the process
 * that should answer, exits first, or after `timeoutMs`.
 */
export async function untilAnswering(
  url: string,
  server: ChildProcess,
  { everyMs = 100, timeoutMs = 30_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exited = () => server.exitCode ?? server.signalCode;
  while (exited() === null && Date.now() < deadline) {
    if (await answers(url)) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  const status = exited();
  throw new Error(
    status === null
      ? `${url} did not answer within ${timeoutMs} ms`
      : `the server exited (${status}) before ${url} answered`,
  );
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** as sent, still compressed: `decoded(answer)` undoes its Content-Encoding */
  body: Buffer;
}

/**
 * One request, its answer read whole. node:http rather than fetch: fetch adds its own
 * Accept-Encoding, decodes the body and sets Host itself, where here every header goes out
 * as written and the body comes back as sent.
 */
export function send(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** the body of an answer with its Content-Encoding (br or gzip) undone */
export function decoded({ headers, body }: Answer): Buffer {
  if (headers['content-encoding'] === 'br') return brotliDecompressSync(body);
  if (headers['content-encoding'] === 'gzip') return gunzipSync(body);
  return body;
}

/** writes `request` as it is, bytes a client library would not send, and resolves to the answer */
export function sendRaw(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.end(request));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

export interface ChunkedUpload {
  /** the status the server answered, if it answered */
  status?: number;
  /** bytes of body the socket took before the server closed it or the writes stalled */
  bytes: number;
  /** whether the server closed the connection (else the whole body was taken) */
  closed: boolean;
}

/**
 * Sends a chunked body of `total` bytes as fast as the socket takes it. Against a server
 * that stops reading, the writes stall once the kernel's buffers are full; the server then
 * closes the connection, or the upload gives up after 3 s without progress.
 */
export function sendChunked(
  url: string,
  method: string,
  path: string,
  total: number,
): Promise<ChunkedUpload> {
  const { hostname, port } = new URL(url);
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const frame = Buffer.concat([
    Buffer.from(`${chunk.length.toString(16)}\r\n`),
    chunk,
    Buffer.from('\r\n'),
  ]);
  return new Promise((resolve) => {
    const upload: ChunkedUpload = { bytes: 0, closed: false };
    let stalled: NodeJS.Timeout | undefined;
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      write();
    });
    const write = () => {
      clearTimeout(stalled);
      while (upload.bytes < total && !socket.destroyed) {
        upload.bytes += chunk.length;
        if (!socket.write(frame)) {
          stalled = setTimeout(() => socket.destroy(), 3000);
          socket.once('drain', write);
          return;
        }
      }
      if (socket.destroyed) return;
      socket.write('0\r\n\r\n');
      // the whole body was taken: give the answer a second, then hang up
      stalled = setTimeout(() => socket.destroy(), 1000);
    };
    socket.on('data', (data: Buffer) => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(data.toString('latin1'));
      if (status && upload.status === undefined) upload.status = Number(status[1]);
    });
    socket.on('error', () => (upload.closed = true));
    socket.on('end', () => (upload.closed = true));
    socket.on('close', () => {
      clearTimeout(stalled);
      resolve(upload);
    });
  });
}

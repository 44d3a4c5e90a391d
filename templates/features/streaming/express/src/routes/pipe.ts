import type { Response } from 'express';
import type { Readable } from 'node:stream';

/**
 * STREAM-4: sends a stream as the client reads it, and stops it when the client leaves.
 * `pipe()` and one 'close' listener rather than `pipeline()`: pipeline puts seven 'close'
 * listeners on a ServerResponse (end-of-stream takes it for a legacy stream), which with the
 * request log's, the drain's and tracing's own passes Node's limit of ten and prints a
 * MaxListenersExceededWarning on every download.
 */
export function pipeToResponse(body: Readable, res: Response): void {
  body.once('error', () => res.destroy());
  res.once('close', () => body.destroy());
  body.pipe(res);
}

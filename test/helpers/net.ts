// small helpers for starting servers, shared by the end-to-end suite (e2e.ts) and
// bench/hit.ts: node built-ins only, so the bench can use them without vitest or execa.

import { createServer } from 'node:net';

/** a port nobody listens on now */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface WaitOptions {
  /** how long to keep asking, 30 s unless told */
  timeoutMs?: number;
  /** which answers mean "up": a 2xx unless told */
  accept?: (response: Response) => boolean;
  /** called before every attempt: throws to stop waiting, e.g. when the server has exited */
  check?: () => void;
}

/**
 * GETs `url` every 100 ms until an answer is accepted (true) or `timeoutMs` has passed
 * (false); a refused connection is only "not yet".
 */
export async function waitUntilAnswering(
  url: string,
  { timeoutMs = 30_000, accept = (response) => response.ok, check }: WaitOptions = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    check?.();
    const ok = await fetch(url).then(accept, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * calls `check` every 100 ms until it is true; throws, naming `what` it waited for, when
 * `timeoutMs` has passed first
 */
export async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

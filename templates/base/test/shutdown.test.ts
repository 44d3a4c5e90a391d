import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { start } from './helpers.js';

/** resolves to the status, or to the error code of a request that got no answer */
function get(url: string, agent: Agent): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown', () => {
  it('RUN-2: closing stops new connections and resolves', async () => {
    const server = await start();
    const agent = new Agent({ keepAlive: true });
    expect(await get(`${server.url}/health`, agent)).toBe(200);
    await server.close();
    expect(await get(`${server.url}/health`, agent)).toBe('ECONNREFUSED');
    agent.destroy();
  });

  it('RUN-2: /ready turns 503 while the server keeps serving for SHUTDOWN_DELAY_MS', async () => {
    const server = await start({ SHUTDOWN_DELAY_MS: '600' });
    const agent = new Agent({ keepAlive: true });
    const closed = server.close();
    await sleep(200);
    expect(await get(`${server.url}/ready`, agent)).toBe(503);
    // a load balancer that has not yet seen the 503 still gets answers, on new connections too
    expect(await get(`${server.url}/health`, new Agent())).toBe(200);
    expect(await get(`${server.url}/health`, agent)).toBe(200);
    await closed;
    agent.destroy();
  });

  it('RUN-2: keep-alive clients under load get an answer to every request they sent', async () => {
    const server = await start();
    const codes = new Map<string, number>();
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    // autocannon sends each connection's next request the moment an answer is complete,
    // whatever its Connection header says: the hardest client to close on cleanly
    const load = autocannon({ url: `${server.url}/health`, connections: 20, duration: 10 }, () =>
      finished(),
    );
    load.on('reqError', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    });
    await sleep(500);
    await server.close();
    // once the listener is gone autocannon can only be refused, which is not a sent request
    load.stop();
    await done;
    codes.delete('ECONNREFUSED');
    expect(Object.fromEntries(codes)).toEqual({});
  });

  it('RUN-2: a client that honours Connection: close never sees a reset', async () => {
    const server = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    const outcomes = new Map<number | string, number>();
    let stopped = false;
    const client = async () => {
      while (!stopped) {
        const outcome = await get(`${server.url}/health`, agent);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (outcome === 'ECONNREFUSED') return;
      }
    };
    const clients = Array.from({ length: 10 }, client);
    await sleep(300);
    await server.close();
    stopped = true;
    await Promise.all(clients);
    agent.destroy();
    outcomes.delete(200);
    outcomes.delete('ECONNREFUSED');
    expect(Object.fromEntries(outcomes)).toEqual({});
  });
});

import { expect, it } from 'vitest';
import { start } from './helpers.js';

it('errors have one shape on every framework: {"error": "..."}', async () => {
  const server = await start();
  try {
    const answer = await fetch(`${server.url}/no-such-route`);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({ error: 'Not Found' });
  } finally {
    await server.close();
  }
});

it('every answer tells browsers not to guess its type (X-Content-Type-Options: nosniff)', async () => {
  const server = await start();
  try {
    for (const path of ['/health', '/ready', '/no-such-route']) {
      const answer = await fetch(`${server.url}${path}`);
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  } finally {
    await server.close();
  }
});

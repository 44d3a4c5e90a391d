import { expect, it } from 'vitest';
import { start } from './helpers.js';

it('OBS-6: writes one line per request with method, path, status and duration', async () => {
  const lines: Record<string, unknown>[] = [];
  const server = await start({ LOG_LEVEL: 'info' }, (line) => lines.push(JSON.parse(line)));
  const logged = () => lines.filter((line) => line['req'] !== undefined);

  await fetch(`${server.url}/health`); // probes stay out of the log
  await fetch(`${server.url}/no-such-route`, { headers: { authorization: 'Bearer secret' } });
  await expect.poll(() => logged().length).toBe(1);
  await server.close();

  const [line] = logged();
  expect(line).toMatchObject({
    level: 30,
    msg: 'request completed',
    req: { method: 'GET', url: '/no-such-route' },
    res: { statusCode: 404 },
    responseTime: expect.any(Number),
  });
  // headers hold cookies and tokens: they never reach the log
  expect(JSON.stringify(line)).not.toContain('secret');
});

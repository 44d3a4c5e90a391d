import { bootApp, bootBare, measure, type Row } from './lib.js';

/**
 * The same item as a miss (serialize, hash and store, with the loader's wait set to 0), a hit,
 * a 304, and the same bytes from bare node:http: a hit should come close to that floor.
 */
export async function cacheRows(): Promise<Row[]> {
  const app = await bootApp({ ITEM_LOAD_MS: '0', CACHE_TTL_SECONDS: '3600' });
  try {
    let next = 0;
    const miss = await measure('items: miss, 1000 new ids', {
      url: app.url,
      amount: 1000,
      requests: [
        { setupRequest: (request) => ({ ...request, path: `/api/items/${(next++ % 1000) + 1}` }) },
      ],
    });
    const hit = await measure('items: hit', { url: `${app.url}/api/items/1` });
    // the bytes autocannon gets: it sends no Accept-Encoding
    const first = await fetch(`${app.url}/api/items/1`, {
      headers: { 'accept-encoding': 'identity' },
    });
    const etag = first.headers.get('etag') ?? '';
    const notModified = await measure(
      'items: 304 If-None-Match',
      {
        url: `${app.url}/api/items/1`,
        headers: { 'if-none-match': etag },
      },
      '3xx',
    );

    const headers: Record<string, string> = {};
    first.headers.forEach((value, name) => {
      if (!['date', 'connection', 'keep-alive'].includes(name)) headers[name] = value;
    });
    const bare = await bootBare(Buffer.from(await first.arrayBuffer()), headers);
    const floor = await measure('bare node:http, same bytes', { url: `${bare.url}/item` });
    await bare.stop();
    // a hit and a 304 are answered by the front tier (CACHE-15): both are read against the floor
    return [
      miss,
      { ...hit, versus: floor.scenario },
      { ...notModified, versus: floor.scenario },
      floor,
    ];
  } finally {
    await app.stop();
  }
}

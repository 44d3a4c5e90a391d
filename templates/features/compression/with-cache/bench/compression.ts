import { bootApp, measure, type Row } from './lib.js';

/**
 * COMP-4: one cached catalog page as a hit, plain and with Accept-Encoding br and gzip. The
 * compressed forms were made once, when the entry was filled, so every row sends stored bytes:
 * compressed hits should run as fast as plain ones, with fewer bytes on the wire.
 */
export async function compressionRows(): Promise<Row[]> {
  const app = await bootApp({ ITEM_LOAD_MS: '0', CACHE_TTL_SECONDS: '3600' });
  try {
    const url = `${app.url}/api/catalog?page=1`;
    await fetch(url); // fills the entry, with its compressed forms
    const plain = await measure('catalog hit, no Accept-Encoding', { url });
    const br = await measure('catalog hit, Accept-Encoding: br', {
      url,
      headers: { 'accept-encoding': 'br' },
    });
    const gzip = await measure('catalog hit, Accept-Encoding: gzip', {
      url,
      headers: { 'accept-encoding': 'gzip' },
    });
    return [plain, { ...br, versus: plain.scenario }, { ...gzip, versus: plain.scenario }];
  } finally {
    await app.stop();
  }
}

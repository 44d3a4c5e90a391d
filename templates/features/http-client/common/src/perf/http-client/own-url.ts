/**
 * How this server reaches itself: where it listens, or loopback when it listens on every
 * address. The default UPSTREAM_URL, so the sample upstream route answers out of the box.
 */
export function ownUrl(host: string, port: number, path: string): string {
  const address = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}${path}`;
}

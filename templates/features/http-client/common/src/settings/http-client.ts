import type { Env } from '../config.js';

/** POOL-5..7 */
export function httpClientSettings(e: Env) {
  return {
    upstreamUrl: e.UPSTREAM_URL ?? ownUrl(e.HOST, e.PORT, '/health'),
    connections: e.HTTP_CLIENT_CONNECTIONS,
    keepAliveMs: e.HTTP_CLIENT_KEEP_ALIVE_MS,
    connectTimeoutMs: e.HTTP_CLIENT_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: e.HTTP_CLIENT_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: e.HTTP_CLIENT_BODY_TIMEOUT_MS,
    maxResponseBytes: e.HTTP_CLIENT_MAX_RESPONSE_BYTES,
    retry: {
      retries: e.HTTP_CLIENT_RETRIES,
      baseDelayMs: e.HTTP_CLIENT_RETRY_BASE_MS,
      maxDelayMs: e.HTTP_CLIENT_RETRY_MAX_MS,
    },
    circuit: {
      failures: e.HTTP_CLIENT_CIRCUIT_FAILURES,
      coolDownMs: e.HTTP_CLIENT_CIRCUIT_COOL_DOWN_MS,
    },
  };
}

/**
 * How this server reaches itself: where it listens, or loopback when it listens on every
 * address. The default UPSTREAM_URL, so the sample upstream route answers out of the box.
 */
export function ownUrl(host: string, port: number, path: string): string {
  const address = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}${path}`;
}

import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createHttpClient } from '../perf/http-client/client.js';
import type { Lifecycle } from '../perf/lifecycle.js';
import { createUpstream } from '../upstream/service.js';

/** POOL-5..7: the outbound HTTP client, and the sample upstream it calls */
export function setupHttpClient(config: Config, logger: Logger, lifecycle: Lifecycle) {
  const httpClient = createHttpClient(config.httpClient, logger);
  lifecycle.onClose(() => httpClient.close());
  // an open circuit is reported, but the app still serves everything else: stay ready
  lifecycle.readiness.add('upstream', async () =>
    httpClient.breakers.open().length > 0 ? 'degraded' : 'up',
  );
  const upstream = createUpstream(httpClient, config.httpClient.upstreamUrl);
  return { httpClient, upstream };
}

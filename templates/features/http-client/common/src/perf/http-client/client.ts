import type { Logger } from 'pino';
import { Agent, errors, interceptors, request, type Dispatcher } from 'undici';
import type { Config } from '../../config.js';
import { timed } from '../server-timing.js';
import { Breakers } from './breaker.js';
import { retryOptions } from './retry.js';

/** an upstream call that failed: after its retries, or with an answer that is not 2xx JSON */
export class UpstreamError extends Error {
  override name = 'UpstreamError';

  constructor(
    message: string,
    /** the upstream's last status; undefined when no answer came (refused, reset, timed out) */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// POOL-7: what counts against an upstream's circuit: no answer at all, or a 5xx
const isUpstreamFailure = (error: unknown) =>
  error instanceof UpstreamError && (error.status === undefined || error.status >= 500);

export interface JsonRequest {
  method?: Dispatcher.HttpMethod;
  body?: unknown;
}

/**
 * POOL-5: one undici Agent for every outbound call: a pool of keep-alive connections per
 * origin, bounded, so calls reuse warm connections instead of paying a handshake each, and
 * connect, headers and body timeouts, so a stuck upstream cannot hold a request forever.
 * Retries (POOL-6) are an interceptor on that Agent; each call runs inside its origin's
 * circuit breaker (POOL-7).
 */
export function createHttpClient(config: Config['httpClient'], logger: Logger) {
  const agent = new Agent({
    connections: config.connections,
    keepAliveTimeout: config.keepAliveMs,
    connect: { timeout: config.connectTimeoutMs },
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    maxResponseSize: config.maxResponseBytes,
  });
  const dispatcher = agent.compose(interceptors.retry(retryOptions(config.retry)));
  const breakers = new Breakers(config.circuit, isUpstreamFailure, logger);

  const send = async (url: string, { method = 'GET', body }: JsonRequest): Promise<unknown> => {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        dispatcher,
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw failure(error);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump();
      throw new UpstreamError(`The upstream answered ${response.statusCode}`, response.statusCode);
    }
    return response.body.json().catch((error: unknown) => {
      throw new UpstreamError('The upstream answered with invalid JSON', response.statusCode, {
        cause: error,
      });
    });
  };

  return {
    breakers,
    /** a JSON call through the shared pool, with retries, inside its origin's circuit breaker */
    json(url: string, init: JsonRequest = {}): Promise<unknown> {
      return timed('upstream', () => breakers.run(new URL(url).origin, () => send(url, init)));
    },
    close: () => agent.close(),
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;

// the retry interceptor throws RequestRetryError once retries are spent on a retryable status
function failure(error: unknown): UpstreamError {
  if (error instanceof errors.RequestRetryError) {
    const attempts = error.data.count;
    return new UpstreamError(
      `The upstream answered ${error.statusCode} after ${attempts} attempts`,
      error.statusCode,
      { cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new UpstreamError(`The upstream could not be reached: ${reason}`, undefined, {
    cause: error,
  });
}

import { CircuitOpenError } from '../perf/http-client/breaker.js';
import { UpstreamError, type HttpClient } from '../perf/http-client/client.js';
import { withSpan } from '../perf/spans.js';

/** what a route sends */
export interface UpstreamReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const reply = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): UpstreamReply => ({ status, headers, body });

/** the sample routes' logic, framework-neutral: each method returns what the route sends */
export function createUpstream(client: HttpClient, url: string) {
  const call = async (method: 'GET' | 'POST', body?: unknown): Promise<UpstreamReply> => {
    try {
      // OBS-3: a span of our own around the call; undici's instrumentation adds one per attempt
      const answer = await withSpan('upstream.call', { 'upstream.url': url, method }, () =>
        client.json(url, { method, body }),
      );
      return reply(200, answer);
    } catch (error) {
      // POOL-7: answered at once, with when to come back
      if (error instanceof CircuitOpenError) {
        return reply(
          503,
          { error: `${error.message}; retry in ${error.retryAfterSeconds} s` },
          { 'retry-after': String(error.retryAfterSeconds) },
        );
      }
      // POOL-6: retries spent, or an answer that was not 2xx JSON
      if (error instanceof UpstreamError) return reply(502, { error: error.message });
      throw error;
    }
  };

  return {
    /** GET UPSTREAM_URL: retried on failure */
    get: () => call('GET'),
    /** POST to UPSTREAM_URL: sent once, never retried */
    post: (body: unknown) => call('POST', body ?? {}),
  };
}

export type Upstream = ReturnType<typeof createUpstream>;

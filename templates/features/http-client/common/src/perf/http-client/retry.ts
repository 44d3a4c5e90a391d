import type { IncomingHttpHeaders } from 'node:http';
import type { RetryHandler } from 'undici';

export interface RetryPolicy {
  /** attempts after the first */
  retries: number;
  /** the first backoff; each one after doubles, up to `maxDelayMs` */
  baseDelayMs: number;
  /** the longest wait before an attempt, Retry-After included: a longer one is not waited for */
  maxDelayMs: number;
}

// POOL-6: only methods that may safely run twice. A POST is sent once: the upstream may have
// acted on it before the answer was lost.
const idempotentMethods = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'];
const retryableStatuses = [429, 500, 502, 503, 504];
// the request never reached the upstream, or its connection broke: safe to ask again. A headers
// or body timeout is not retried: the upstream is slow, and asking again multiplies its load.
const retryableCodes = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
];

interface FailedAttempt {
  code?: string;
  /** set when the upstream answered, with a status worth retrying */
  statusCode?: number;
  headers?: IncomingHttpHeaders;
}

/** POOL-6: the options of undici's retry interceptor, with our rule for whether and how long */
export function retryOptions(policy: RetryPolicy): RetryHandler.RetryOptions {
  return {
    maxRetries: policy.retries,
    methods: idempotentMethods as RetryHandler.RetryOptions['methods'],
    statusCodes: retryableStatuses,
    errorCodes: retryableCodes,
    retry(error, { state, opts }, callback) {
      const delay = retryDelay(error as FailedAttempt, state.counter, opts.method, policy);
      if (delay === undefined) callback(error);
      else setTimeout(() => callback(null), delay);
    },
  };
}

/** how long to wait before the next attempt, or undefined to give up; `attempt` counts from 1 */
export function retryDelay(
  failed: FailedAttempt,
  attempt: number,
  method: string,
  policy: RetryPolicy,
): number | undefined {
  if (attempt > policy.retries || !idempotentMethods.includes(method)) return undefined;
  const retryable =
    failed.statusCode === undefined
      ? retryableCodes.includes(failed.code ?? '')
      : retryableStatuses.includes(failed.statusCode);
  if (!retryable) return undefined;

  const retryAfterMs = parseRetryAfter(failed.headers?.['retry-after']);
  if (retryAfterMs !== undefined) {
    // the upstream said when; a wait longer than we would hold a request is not worth making
    if (retryAfterMs > policy.maxDelayMs) return undefined;
    return retryAfterMs + Math.random() * policy.baseDelayMs;
  }
  // exponential backoff with jitter: half of the bound is fixed, half random, so that clients
  // that failed together do not all come back at the same moment
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return bound / 2 + (Math.random() * bound) / 2;
}

/** Retry-After is a number of seconds or an HTTP date (RFC 9110 §10.2.3) */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

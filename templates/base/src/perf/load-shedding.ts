import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Logger } from 'pino';

export interface LoadSheddingSettings {
  /** mean event-loop delay over a sample, in ms, above which requests are refused; 0 = off */
  maxEventLoopDelayMs: number;
  /** share of a sample the event loop was busy (0..1), above which requests are refused; 0 = off */
  maxEventLoopUtilization: number;
  /** what the 503 tells clients to wait before they ask again */
  retryAfterSeconds: number;
}

/**
 * what monitorEventLoopDelay returns, by whatever name this line's @types/node gives it
 * (IntervalHistogram in older ones, ELDHistogram in 26's)
 */
type EventLoopDelay = ReturnType<typeof monitorEventLoopDelay>;

/** how often the event loop is measured: how soon shedding starts, and stops */
const sampleIntervalMs = 500;
/** the delay timer's own period, which every delay it records includes */
const resolutionMs = 10;
/** the least the share of requests refused grows by in a sample over a bound */
const growth = 0.1;
/** what the share shrinks by in a sample under the bounds: from all to none in 2.5 s */
const decline = 0.2;
/** an episode ends (and its line is written) once nothing was refused for this long */
const quietMs = 3000;
/** probes are answered whatever the load: a load balancer asks them, and should get an answer */
const probes = ['/health', '/ready'];
const body = JSON.stringify({ error: 'Service Unavailable: the server is overloaded' });

/**
 * WORK-5: while the event loop is overloaded, a share of the requests that would reach the
 * framework get 503 with `Retry-After` at once, instead of waiting behind the others for an
 * answer that comes too late. The loop is measured on a timer (Node's `monitorEventLoopDelay`
 * and `eventLoopUtilization`), so a request pays one boolean read until a bound is passed.
 *
 * The share grows while a sample is over a bound (by how far over, at least 10%) and shrinks
 * by 20% a sample once it is not: it settles about where the requests let through are what
 * the loop can serve. Refusing all of them instead would make the next sample idle, then let
 * them all in again: an overload of 10% would cost every other half second of requests.
 *
 * An episode is logged twice: when refusing starts, and once nothing was refused for a while,
 * with the number of requests refused in between.
 */
export class LoadShedder {
  /** read on every request: true while some requests are refused */
  shedding = false;
  readonly #settings: LoadSheddingSettings;
  readonly #logger: Logger;
  readonly #headers: OutgoingHttpHeaders;
  readonly #delay: EventLoopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
  #utilization: EventLoopUtilization = performance.eventLoopUtilization();
  #timer?: NodeJS.Timeout;
  /** the share of requests refused, 0..1 */
  #share = 0;
  #episode?: { startedAt: number; lastShedAt: number; shed: number; peakShare: number };

  constructor(settings: LoadSheddingSettings, logger: Logger) {
    this.#settings = settings;
    this.#logger = logger;
    // built once: a refusal under overload costs no more than it must
    this.#headers = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'retry-after': String(settings.retryAfterSeconds),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    };
  }

  get enabled(): boolean {
    return this.#settings.maxEventLoopDelayMs > 0 || this.#settings.maxEventLoopUtilization > 0;
  }

  /** measures from now on: loading modules and building the app before listening is not load */
  start(): void {
    if (!this.enabled || this.#timer) return;
    this.#delay.enable();
    this.#utilization = performance.eventLoopUtilization();
    this.#timer = setInterval(() => this.#sample(), sampleIntervalMs);
    // the measuring never keeps the process alive
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#delay.disable();
    this.#timer = undefined;
    this.#share = 0;
    this.shedding = false;
  }

  /** answers 503 and returns true for its share of requests, never a probe; only while shedding */
  refuse(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.#share < 1 && Math.random() >= this.#share) return false;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    if (probes.includes(query === -1 ? url : url.slice(0, query))) return false;
    if (this.#episode) this.#episode.shed++;
    res.writeHead(503, this.#headers).end(body);
    return true;
  }

  #sample(): void {
    const { maxEventLoopDelayMs, maxEventLoopUtilization } = this.#settings;
    // no delay recorded at all means the loop was blocked for the whole sample
    const delay = this.#delay;
    const delayMs = delay.count > 0 ? Math.max(0, delay.mean / 1e6 - resolutionMs) : Infinity;
    delay.reset();
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, this.#utilization);
    this.#utilization = now;

    // how far over its bound the loop is, as a share of the bound: 0.4 for 140 ms against 100
    const over = Math.max(
      maxEventLoopDelayMs > 0 ? delayMs / maxEventLoopDelayMs - 1 : -1,
      maxEventLoopUtilization > 0 ? utilization / maxEventLoopUtilization - 1 : -1,
    );
    this.#share =
      over > 0
        ? Math.min(1, round(this.#share + Math.max(growth, over)))
        : Math.max(0, round(this.#share - decline));
    this.shedding = this.#share > 0;
    this.#log(delayMs, utilization);
  }

  #log(delayMs: number, utilization: number): void {
    const measured = { eventLoopDelayMs: round(delayMs), eventLoopUtilization: round(utilization) };
    const { maxEventLoopDelayMs, maxEventLoopUtilization } = this.#settings;
    const at = performance.now();
    const episode = this.#episode;
    if (this.shedding && !episode) {
      this.#episode = { startedAt: at, lastShedAt: at, shed: 0, peakShare: this.#share };
      this.#logger.warn(
        { ...measured, maxEventLoopDelayMs, maxEventLoopUtilization, share: this.#share },
        'load shedding started: some requests get 503 while the event loop is overloaded',
      );
    } else if (this.shedding && episode) {
      episode.lastShedAt = at;
      episode.peakShare = Math.max(episode.peakShare, this.#share);
    } else if (episode && at - episode.lastShedAt >= quietMs) {
      this.#episode = undefined;
      this.#logger.warn(
        {
          ...measured,
          shed: episode.shed,
          peakShare: episode.peakShare,
          durationMs: Math.round(episode.lastShedAt - episode.startedAt + sampleIntervalMs),
        },
        'load shedding stopped: the event loop keeps up again',
      );
    }
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Cache } from './cache.js';
import type { CacheRecord, CacheStore, LockResult } from './store.js';

export interface RedisStoreOptions {
  url: string;
  prefix: string;
  /** CACHE-14: the longest wait for one command */
  commandTimeoutMs: number;
  /** CACHE-14: after a command timed out, how long commands fail at once before a probe */
  coolDownMs: number;
}

/** what one instance tells the others over pub/sub */
export type CacheEvent =
  | { type: 'version'; namespace: string; version: number }
  | { type: 'delete'; key: string }
  /** Redis came back: whatever was said while it was away is lost, so start over */
  | { type: 'resync' };

/** a command that had no answer within `commandTimeoutMs`; Redis may still run it later */
export class RedisTimeoutError extends Error {
  override name = 'RedisTimeoutError';
}

/**
 * The command's answer, or a RedisTimeoutError after `ms`. ioredis's own `commandTimeout` is
 * not used: after the event loop was busy for longer than `ms`, its timer fires before the
 * answer that is already waiting in the socket is read. Here the timer yields to I/O once
 * (setImmediate runs after the poll phase), so only a Redis that did not answer times out.
 * `waiting` holds the rejection of every command not yet answered, so that all of them can be
 * failed at once.
 */
function withTimeout<T>(
  command: Promise<T>,
  ms: number,
  waiting: Set<(error: Error) => void>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let fail: ((error: Error) => void) | undefined;
  const late = new Promise<never>((_, reject) => {
    fail = reject;
    waiting.add(reject);
    timer = setTimeout(
      () => setImmediate(() => reject(new RedisTimeoutError(`no answer in ${ms} ms`))),
      ms,
    );
  });
  return Promise.race([command, late]).finally(() => {
    clearTimeout(timer);
    if (fail) waiting.delete(fail);
  });
}

const probeSlackMs = 10;

const releaseScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * CACHE-2: a cache shared by every instance, in Redis. Values are stored with Node's structured
 * serializer (buffers stay binary). It never blocks a request on a Redis that is away: commands
 * fail at once while disconnected and time out while slow, and it reconnects by itself.
 * CACHE-14: a Redis that hangs (paused, swapping, a long command) keeps the connection open, so
 * only timeouts show it; after one, a circuit breaker fails every command at once for
 * `coolDownMs`, then a probe decides whether Redis is back.
 */
export class RedisStore implements CacheStore {
  readonly kind = 'redis';
  readonly redis: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #instance = randomUUID();
  readonly #listeners = new Set<(event: CacheEvent) => void>();
  // cockatiel's breaker; only timeouts count: a closed connection already fails commands at once
  readonly #breaker: CircuitBreakerPolicy;
  readonly #waiting = new Set<(error: Error) => void>();
  #probe: NodeJS.Timeout | undefined;
  #connected = false;
  #up = false;
  #downLogged = false;

  constructor(
    private readonly options: RedisStoreOptions,
    private readonly logger: Logger,
  ) {
    const reconnect = { retryStrategy: (times: number) => Math.min(times * 100, 2000) };
    this.redis = new Redis(options.url, {
      ...reconnect,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    // the subscriber queues its SUBSCRIBE until connected and renews it after each reconnect
    this.#subscriber = new Redis(options.url, { ...reconnect, maxRetriesPerRequest: null });
    this.#channel = `${options.prefix}:events`;

    this.#breaker = circuitBreaker(
      handleWhen((error) => error instanceof RedisTimeoutError),
      {
        halfOpenAfter: options.coolDownMs,
        breaker: new ConsecutiveBreaker(1),
      },
    );
    this.#breaker.onBreak(() => {
      // Redis answers one connection's commands in order: those sent after the one that timed
      // out cannot be answered before it, so they fail now rather than each wait its own timeout
      const timedOut = new RedisTimeoutError('no answer to an earlier command');
      for (const fail of this.#waiting) fail(timedOut);
      this.#changed();
      this.#probeLater();
    });
    this.#breaker.onReset(() => this.#changed());

    const connected = (yes: boolean) => () => {
      this.#connected = yes;
      this.#changed();
    };
    this.redis.on('ready', connected(true));
    this.redis.on('close', connected(false));
    this.redis.on('error', connected(false));
    this.#subscriber.on('error', () => undefined); // the main connection reports the state
    this.#subscriber.on('message', (_channel: string, message: string) => this.#receive(message));
    this.#subscriber.subscribe(this.#channel).catch(() => undefined);
  }

  /** waits for the first connection, at most `timeoutMs`; the server starts either way */
  async connect(timeoutMs: number): Promise<void> {
    if (this.#up) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      this.redis.once('ready', done);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
    this.#changed();
  }

  /**
   * CACHE-14: runs one command, bounded by `commandTimeoutMs`, unless Redis just timed out:
   * then it fails at once, with cockatiel's BrokenCircuitError. While a probe is out, commands
   * fail at once too, instead of queueing behind it as cockatiel's half-open state would have
   * them do.
   */
  run<T>(command: () => Promise<T>): Promise<T> {
    if (this.#breaker.state === CircuitState.HalfOpen) {
      return Promise.reject(new BrokenCircuitError());
    }
    return this.#breaker.execute(() =>
      withTimeout(command(), this.options.commandTimeoutMs, this.#waiting),
    );
  }

  onEvent(listener: (event: CacheEvent) => void): void {
    this.#listeners.add(listener);
  }

  async publish(event: CacheEvent): Promise<void> {
    const message = JSON.stringify({ from: this.#instance, event });
    await this.run(() => this.redis.publish(this.#channel, message));
  }

  async get(key: string): Promise<CacheRecord | undefined> {
    const raw = await this.run(() => this.redis.getBuffer(key));
    if (!raw) return undefined;
    try {
      return deserialize(raw) as CacheRecord;
    } catch {
      return undefined; // written by an incompatible version: a miss, and the next fill replaces it
    }
  }

  async set(key: string, record: CacheRecord, ttlMs: number): Promise<void> {
    const value = serialize(record);
    await this.run(() => this.redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs))));
  }

  async add(key: string, record: CacheRecord, ttlMs: number): Promise<boolean> {
    const value = serialize(record);
    const stored = await this.run(() =>
      this.redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    return stored === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.redis.del(key));
  }

  /** CACHE-12: SET NX PX with a token; only the holder's token releases it */
  async lock(key: string, ttlMs: number): Promise<LockResult> {
    const token = randomUUID();
    const taken = await this.run(() => this.redis.set(key, token, 'PX', ttlMs, 'NX'));
    if (taken !== 'OK') return { acquired: false };
    return {
      acquired: true,
      release: async () => {
        await this.run(() => this.redis.eval(releaseScript, 1, key, token));
      },
    };
  }

  async version(namespace: string): Promise<number> {
    return Number((await this.run(() => this.redis.get(this.#versionKey(namespace)))) ?? 0);
  }

  async bumpVersion(namespace: string): Promise<number> {
    const version = await this.run(() => this.redis.incr(this.#versionKey(namespace)));
    await this.publish({ type: 'version', namespace, version });
    return version;
  }

  state(): 'up' | 'degraded' {
    return this.#up ? 'up' : 'degraded';
  }

  async close(): Promise<void> {
    clearTimeout(this.#probe);
    // a hung Redis never answers QUIT: shutting down must not wait for it
    const quit = Promise.all([this.redis.quit(), this.#subscriber.quit()]);
    await withTimeout(quit, this.options.commandTimeoutMs, this.#waiting).catch(() => {
      this.redis.disconnect();
      this.#subscriber.disconnect();
    });
  }

  #versionKey(namespace: string): string {
    return `${this.options.prefix}:${namespace}:version`;
  }

  #receive(message: string): void {
    let parsed: { from?: string; event?: CacheEvent };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.from === this.#instance || !parsed.event) return;
    for (const listener of this.#listeners) listener(parsed.event);
  }

  /**
   * CACHE-14: without traffic to Redis (every read a hit in memory) nothing would find out that
   * it is back, so a probe goes out after each cool-down until one succeeds and closes the
   * breaker; a probe that times out opens it again, and the next one is planned then
   */
  #probeLater(): void {
    clearTimeout(this.#probe);
    this.#probe = setTimeout(() => {
      this.#probe = undefined;
      this.#breaker
        .execute(() => withTimeout(this.redis.ping(), this.options.commandTimeoutMs, this.#waiting))
        .catch((error: unknown) => {
          // still cooling down (a timer may fire a little early): try again shortly
          if (error instanceof BrokenCircuitError) this.#probeLater();
        });
    }, this.options.coolDownMs + probeSlackMs);
    this.#probe.unref();
  }

  // CACHE-14: one line per change of state, not one per request
  #changed(): void {
    const up = this.#connected && this.#breaker.state === CircuitState.Closed;
    this.#up = up;
    if (up && this.#downLogged) {
      this.#downLogged = false;
      this.logger.info('cache: Redis is back, caching again');
      for (const listener of this.#listeners) listener({ type: 'resync' });
    } else if (!up && !this.#downLogged) {
      this.#downLogged = true;
      const reason = this.#connected ? 'not answering' : 'disconnected';
      this.logger.warn(
        { redis: redactUrl(this.options.url), reason },
        'cache: Redis is unreachable; requests go to the loader until it is back',
      );
    }
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an invalid REDIS_URL';
  }
}

/** CACHE-7: namespace versions bumped on one instance reach every instance's cache */
export function followVersions(cache: Cache, store: RedisStore): void {
  store.onEvent((event) => {
    if (event.type === 'version') cache.versionChanged(event.namespace, event.version);
    if (event.type === 'resync') cache.forgetVersions();
  });
}

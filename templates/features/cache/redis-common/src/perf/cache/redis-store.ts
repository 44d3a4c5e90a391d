import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Cache } from './cache.js';
import type { CacheRecord, CacheStore, LockResult } from './store.js';

export interface RedisStoreOptions {
  url: string;
  prefix: string;
  /** CACHE-14: a slow Redis costs a request at most this long before it goes to the loader */
  commandTimeoutMs: number;
}

/** what one instance tells the others over pub/sub */
export type CacheEvent =
  | { type: 'version'; namespace: string; version: number }
  | { type: 'delete'; key: string }
  /** Redis came back: whatever was said while it was away is lost, so start over */
  | { type: 'resync' };

const releaseScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * CACHE-2: a cache shared by every instance, in Redis. Values are stored with Node's structured
 * serializer (buffers stay binary). It never blocks a request on a Redis that is away: commands
 * fail at once while disconnected and time out while slow, and it reconnects by itself.
 */
export class RedisStore implements CacheStore {
  readonly kind = 'redis';
  readonly redis: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #instance = randomUUID();
  readonly #listeners = new Set<(event: CacheEvent) => void>();
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
      commandTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 0,
    });
    // the subscriber queues its SUBSCRIBE until connected and renews it after each reconnect
    this.#subscriber = new Redis(options.url, { ...reconnect, maxRetriesPerRequest: null });
    this.#channel = `${options.prefix}:events`;

    this.redis.on('ready', () => this.#markUp());
    this.redis.on('close', () => this.#markDown());
    this.redis.on('error', () => this.#markDown());
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
    if (!this.#up) this.#markDown();
  }

  onEvent(listener: (event: CacheEvent) => void): void {
    this.#listeners.add(listener);
  }

  async publish(event: CacheEvent): Promise<void> {
    await this.redis.publish(this.#channel, JSON.stringify({ from: this.#instance, event }));
  }

  async get(key: string): Promise<CacheRecord | undefined> {
    const raw = await this.redis.getBuffer(key);
    if (!raw) return undefined;
    try {
      return deserialize(raw) as CacheRecord;
    } catch {
      return undefined; // written by an incompatible version: a miss, and the next fill replaces it
    }
  }

  async set(key: string, record: CacheRecord, ttlMs: number): Promise<void> {
    await this.redis.set(key, serialize(record), 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async add(key: string, record: CacheRecord, ttlMs: number): Promise<boolean> {
    const stored = await this.redis.set(
      key,
      serialize(record),
      'PX',
      Math.max(1, Math.ceil(ttlMs)),
      'NX',
    );
    return stored === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  /** CACHE-12: SET NX PX with a token; only the holder's token releases it */
  async lock(key: string, ttlMs: number): Promise<LockResult> {
    const token = randomUUID();
    const taken = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (taken !== 'OK') return { acquired: false };
    return {
      acquired: true,
      release: async () => {
        await this.redis.eval(releaseScript, 1, key, token);
      },
    };
  }

  async version(namespace: string): Promise<number> {
    return Number((await this.redis.get(this.#versionKey(namespace))) ?? 0);
  }

  async bumpVersion(namespace: string): Promise<number> {
    const version = await this.redis.incr(this.#versionKey(namespace));
    await this.publish({ type: 'version', namespace, version });
    return version;
  }

  state(): 'up' | 'degraded' {
    return this.#up ? 'up' : 'degraded';
  }

  async close(): Promise<void> {
    await Promise.all([this.redis.quit(), this.#subscriber.quit()]).catch(() => {
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

  // CACHE-14: one line per change of state, not one per request
  #markUp(): void {
    const wasDown = this.#downLogged;
    this.#up = true;
    this.#downLogged = false;
    if (wasDown) {
      this.logger.info('cache: Redis is back, caching again');
      for (const listener of this.#listeners) listener({ type: 'resync' });
    }
  }

  #markDown(): void {
    this.#up = false;
    if (this.#downLogged) return;
    this.#downLogged = true;
    this.logger.warn(
      { redis: redactUrl(this.options.url) },
      'cache: Redis is unreachable; requests go to the loader until it is back',
    );
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

/** the sample's edited items, in a Redis hash, so that every instance sees a PUT */
export function redisRows(redis: Redis, key: string) {
  return {
    // the sample data falls back to its defaults while Redis is away, like a cache miss would
    get: async (id: number) => (await redis.hget(key, String(id)).catch(() => null)) ?? undefined,
    set: async (id: number, json: string) => void (await redis.hset(key, String(id), json)),
  };
}

/** CACHE-7: namespace versions bumped on one instance reach every instance's cache */
export function followVersions(cache: Cache, store: RedisStore): void {
  store.onEvent((event) => {
    if (event.type === 'version') cache.versionChanged(event.namespace, event.version);
    if (event.type === 'resync') cache.forgetVersions();
  });
}

import type { Logger } from 'pino';
import type { CacheRecord, CacheStore } from './store.js';

/** how a value was obtained: the `X-Cache` header of cached routes */
export type Outcome = 'HIT' | 'MISS' | 'STALE';

export interface Lookup<T> {
  value: T;
  outcome: Outcome;
  /** epoch ms when the value was stored */
  storedAt: number;
}

export interface Freshness {
  /** how long a value is fresh */
  ttlMs: number;
  /** CACHE-13: how long after that a stale value is still served while one caller refreshes it */
  graceMs: number;
}

export interface CacheOptions {
  prefix: string;
  /** CACHE-7: added to every namespace's version; raise it when a cached shape changes */
  keyVersion: number;
  /** CACHE-12: how long a loader may hold the cross-process lock */
  lockTtlMs: number;
  /** CACHE-12: how long a process waits for another's loader before loading itself */
  lockWaitMs: number;
}

interface Flight {
  promise: Promise<{ record: CacheRecord; loaded: boolean }>;
  /** set when the key is invalidated while loading: the result must not be stored */
  invalidated: boolean;
}

const pollMs = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The cache the routes use, over any backend. It adds what a key-value store does not do:
 * one loader per key in this process (CACHE-11), one across processes (CACHE-12), stale values
 * within a grace period (CACHE-13), versioned namespaces (CACHE-7), and it never fails a
 * request because the backend did (CACHE-14).
 */
export class Cache {
  readonly #flights = new Map<string, Flight>();
  readonly #versions = new Map<string, Promise<number>>();
  /** the versions already known, for keys made without waiting (the front tier) */
  readonly #known = new Map<string, number>();
  #bypassed = 0;

  constructor(
    readonly store: CacheStore,
    readonly options: CacheOptions,
    readonly logger: Logger,
  ) {}

  /** how many reads or writes went around an unreachable backend (CACHE-14) */
  get bypassed(): number {
    return this.#bypassed;
  }

  /** CACHE-7: `prefix:namespace:vN:id`; bumping N retires every key of the namespace at once */
  async key(namespace: string, id: string): Promise<string> {
    let version = this.#versions.get(namespace);
    if (!version) {
      version = this.#follow(
        namespace,
        this.store.version(namespace).catch(() => 0),
      );
    }
    return this.#compose(namespace, await version, id);
  }

  /**
   * The key now, or undefined while the namespace's version is not known yet (at start, or
   * during a bump): then the caller must take the slow path.
   */
  keyNow(namespace: string, id: string): string | undefined {
    const version = this.#known.get(namespace);
    if (version !== undefined) return this.#compose(namespace, version, id);
    // learn it for the next caller
    if (!this.#versions.has(namespace)) void this.key(namespace, id);
    return undefined;
  }

  #compose(namespace: string, version: number, id: string): string {
    return `${this.options.prefix}:${namespace}:v${this.options.keyVersion + version}:${id}`;
  }

  /** records the version a namespace is about to have; keys made now wait for it */
  #follow(namespace: string, version: Promise<number>): Promise<number> {
    this.#known.delete(namespace);
    this.#versions.set(namespace, version);
    void version.then((value) => {
      if (this.#versions.get(namespace) === version) this.#known.set(namespace, value);
    });
    return version;
  }

  /** a version bump seen from another instance (CACHE-3, CACHE-7) */
  versionChanged(namespace: string, version: number): void {
    this.#follow(namespace, Promise.resolve(version));
  }

  /** bumps may have been missed while the backend was away: read them again */
  forgetVersions(): void {
    this.#versions.clear();
    this.#known.clear();
  }

  /** the record in the in-process tier, without waiting; undefined when there is none */
  peek(key: string): CacheRecord | undefined {
    return this.store.local?.peek(key);
  }

  /** whether a load of `key` is running in this process (CACHE-11, CACHE-13) */
  isLoading(key: string): boolean {
    return this.#flights.has(key);
  }

  /** the value under `key`, loading it once when absent or stale */
  async fetch<T>(key: string, load: () => Promise<T>, freshness: Freshness): Promise<Lookup<T>> {
    const record = await this.#read(key);
    const now = Date.now();
    if (record && now < record.freshUntil) {
      return { value: record.value as T, outcome: 'HIT', storedAt: record.storedAt };
    }
    if (record && now < record.freshUntil + freshness.graceMs) {
      // CACHE-13: answer now with the stale value; one caller refreshes it in the background
      if (!this.#flights.has(key)) {
        this.#fly(key, load, freshness).promise.catch((error: unknown) =>
          this.logger.warn({ err: error, key }, 'cache: background refresh failed'),
        );
      }
      return { value: record.value as T, outcome: 'STALE', storedAt: record.storedAt };
    }

    // CACHE-11: a request that finds a load in flight waits for it: that is a hit
    const flight = this.#flights.get(key);
    if (flight) {
      const { record: shared } = await flight.promise;
      return { value: shared.value as T, outcome: 'HIT', storedAt: shared.storedAt };
    }
    const { record: filled, loaded } = await this.#fly(key, load, freshness).promise;
    return {
      value: filled.value as T,
      outcome: loaded ? 'MISS' : 'HIT',
      storedAt: filled.storedAt,
    };
  }

  /** CACHE-8: removes a key; a load of it already in flight will not store its result */
  async delete(key: string): Promise<void> {
    const flight = this.#flights.get(key);
    if (flight) flight.invalidated = true;
    try {
      await this.store.delete(key);
    } catch (error) {
      this.#bypass(error);
    }
  }

  /** CACHE-7: retires every key of a namespace, on every instance */
  async invalidateNamespace(namespace: string): Promise<void> {
    for (const flight of this.#flights.values()) flight.invalidated = true;
    const previous = this.#versions.get(namespace);
    const version = this.store.bumpVersion(namespace).catch(async (error: unknown) => {
      this.#bypass(error);
      return (await previous) ?? 0;
    });
    await this.#follow(namespace, version);
  }

  #fly<T>(key: string, load: () => Promise<T>, freshness: Freshness): Flight {
    const flight: Flight = {
      invalidated: false,
      promise: this.#fill(key, load, freshness, () => flight.invalidated).finally(() => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      }),
    };
    this.#flights.set(key, flight);
    return flight;
  }

  async #fill<T>(
    key: string,
    load: () => Promise<T>,
    freshness: Freshness,
    invalidated: () => boolean,
  ): Promise<{ record: CacheRecord; loaded: boolean }> {
    // CACHE-12: one loader across processes; the others wait for its result, briefly
    const lock = await this.store
      .lock(`${key}:lock`, this.options.lockTtlMs)
      .catch((error: unknown) => {
        this.#bypass(error);
        return undefined;
      });
    if (lock && !lock.acquired) {
      const found = await this.#waitForFill(key);
      if (found) return { record: found, loaded: false };
    }
    try {
      // the value may have landed between our first read and taking the lock
      if (lock?.acquired) {
        const landed = await this.#read(key);
        if (landed && Date.now() < landed.freshUntil) return { record: landed, loaded: false };
      }
      const value = await load();
      const record = toRecord(value, freshness.ttlMs);
      if (!invalidated()) await this.#write(key, record, freshness);
      return { record, loaded: true };
    } finally {
      if (lock?.acquired) await lock.release().catch((error: unknown) => this.#bypass(error));
    }
  }

  async #waitForFill(key: string): Promise<CacheRecord | undefined> {
    const deadline = Date.now() + this.options.lockWaitMs;
    while (Date.now() < deadline) {
      await sleep(pollMs);
      const record = await this.#read(key);
      if (record && Date.now() < record.freshUntil) return record;
    }
    return undefined;
  }

  async #read(key: string): Promise<CacheRecord | undefined> {
    try {
      return await this.store.get(key);
    } catch (error) {
      this.#bypass(error);
      return undefined;
    }
  }

  async #write(key: string, record: CacheRecord, freshness: Freshness): Promise<void> {
    try {
      await this.store.set(key, record, freshness.ttlMs + freshness.graceMs);
    } catch (error) {
      this.#bypass(error);
    }
  }

  // CACHE-14: the backend's own state changes are logged once by the backend; here we count
  #bypass(error: unknown): void {
    this.#bypassed += 1;
    this.logger.debug({ err: error }, 'cache: backend unavailable, going to the loader');
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

function toRecord<T>(value: T, ttlMs: number): CacheRecord<T> {
  const storedAt = Date.now();
  return { value, storedAt, freshUntil: storedAt + ttlMs, size: sizeOf(value) };
}

/** bytes, for the memory bound: exact for buffers and responses, estimated for the rest */
function sizeOf(value: unknown): number {
  if (Buffer.isBuffer(value)) return value.byteLength;
  if (value && typeof value === 'object' && 'size' in value && typeof value.size === 'number') {
    return value.size;
  }
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

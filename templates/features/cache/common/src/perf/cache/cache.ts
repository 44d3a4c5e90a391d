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
  /**
   * CACHE-14: the longest a request waits for the backend in all (reads, lock, write); past
   * it, the request goes on without the cache. No bound when unset (memory answers at once).
   */
  waitMs?: number;
}

/** the cache could not do what was asked: the backend is away, slow, or refusing calls */
export class CacheUnavailableError extends Error {
  override name = 'CacheUnavailableError';
}

/** what is left of one request's time for the backend (CACHE-14) */
interface Wait {
  leftMs: number;
}

interface Flight {
  promise: Promise<{ record: CacheRecord; loaded: boolean }>;
  /** set when the key is invalidated while loading: the result must not be stored */
  invalidated: boolean;
}

const pollMs = 20;
/** how often a delete that did not reach the backend is tried again */
const retryDeleteMs = 500;
const unbounded: Readonly<Wait> = { leftMs: Number.POSITIVE_INFINITY };
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
  /** keys whose delete has not reached the backend yet: not read from it nor stored meanwhile */
  readonly #undeleted = new Set<string>();
  #retry: NodeJS.Timeout | undefined;
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

  /**
   * CACHE-7: `prefix:namespace:vN:id`; bumping N retires every key of the namespace at once.
   * Rejects with CacheUnavailableError while N cannot be read: a guess could be a retired
   * version, whose entries are stale.
   */
  async key(namespace: string, id: string): Promise<string> {
    let version = this.#versions.get(namespace);
    if (!version) {
      const read = this.#within(this.#startWait(), () => this.store.version(namespace));
      version = this.#follow(namespace, read);
    }
    try {
      return this.#compose(namespace, await version, id);
    } catch (error) {
      this.#bypass(error);
      throw new CacheUnavailableError(`the version of ${namespace} is unknown`, { cause: error });
    }
  }

  /**
   * The key now, or undefined while the namespace's version is not known yet (at start, or
   * during a bump): then the caller must take the slow path.
   */
  keyNow(namespace: string, id: string): string | undefined {
    const version = this.#known.get(namespace);
    if (version !== undefined) return this.#compose(namespace, version, id);
    // learn it for the next caller
    if (!this.#versions.has(namespace)) this.key(namespace, id).catch(() => undefined);
    return undefined;
  }

  #compose(namespace: string, version: number, id: string): string {
    return `${this.options.prefix}:${namespace}:v${this.options.keyVersion + version}:${id}`;
  }

  /** records the version a namespace is about to have; keys made now wait for it */
  #follow(namespace: string, version: Promise<number>): Promise<number> {
    this.#known.delete(namespace);
    this.#versions.set(namespace, version);
    const current = () => this.#versions.get(namespace) === version;
    version.then(
      (value) => current() && this.#known.set(namespace, value),
      // not kept: the next key asks the backend again
      () => current() && this.#versions.delete(namespace),
    );
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

  /**
   * The value under `key`, loading it once when absent or stale. `since`: when the request
   * began waiting for the cache, if before this call (reading the key's version): that wait
   * counts against the same CACHE_WAIT_MS.
   */
  async fetch<T>(
    key: string,
    load: () => Promise<T>,
    freshness: Freshness,
    since?: number,
  ): Promise<Lookup<T>> {
    // a hit in the in-process tier waits for nothing and spends nothing of the request's wait
    let record = this.store.local?.peek(key);
    let wait: Wait | undefined;
    if (!record && !this.#undeleted.has(key)) {
      wait = this.#startWait(since);
      record = await this.#read(key, wait);
    }
    const now = Date.now();
    if (record && now < record.freshUntil) {
      return { value: record.value as T, outcome: 'HIT', storedAt: record.storedAt };
    }
    if (record && now < record.freshUntil + freshness.graceMs) {
      // CACHE-13: answer now with the stale value; one caller refreshes it in the background
      if (!this.#flights.has(key)) {
        this.#fly(key, load, freshness, wait ?? this.#startWait(since)).promise.catch(
          (error: unknown) =>
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
    const { record: filled, loaded } = await this.#fly(
      key,
      load,
      freshness,
      wait ?? this.#startWait(since),
    ).promise;
    return {
      value: filled.value as T,
      outcome: loaded ? 'MISS' : 'HIT',
      storedAt: filled.storedAt,
    };
  }

  /**
   * CACHE-8: removes a key on every instance; a load of it already in flight will not store its
   * result. The in-process tier forgets it at once. When the backend cannot be reached, this
   * rejects with CacheUnavailableError, and the delete is tried again until it lands; until then
   * this process neither reads the key from the backend nor stores it.
   */
  async delete(key: string): Promise<void> {
    const flight = this.#flights.get(key);
    if (flight) flight.invalidated = true;
    try {
      await this.#within(this.#startWait(), () => this.store.delete(key));
      this.#undeleted.delete(key);
    } catch (error) {
      this.#bypass(error);
      this.#undeleted.add(key);
      this.#retryDeletes();
      throw new CacheUnavailableError(`could not delete ${key} from the cache`, { cause: error });
    }
  }

  #retryDeletes(): void {
    if (this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#deleteUndeleted();
    }, retryDeleteMs);
    // the retries never keep the process alive on their own
    this.#retry.unref();
  }

  async #deleteUndeleted(): Promise<void> {
    for (const key of this.#undeleted) {
      try {
        await this.store.delete(key);
        this.#undeleted.delete(key);
      } catch {
        break; // still away: the rest would fail the same way
      }
    }
    if (this.#undeleted.size > 0) this.#retryDeletes();
  }

  /** CACHE-7: retires every key of a namespace, on every instance */
  async invalidateNamespace(namespace: string): Promise<void> {
    for (const flight of this.#flights.values()) flight.invalidated = true;
    const previous = this.#versions.get(namespace);
    const version = this.store.bumpVersion(namespace).catch(async (error: unknown) => {
      this.#bypass(error);
      return (await previous?.catch(() => undefined)) ?? 0;
    });
    await this.#follow(namespace, version);
  }

  #fly<T>(key: string, load: () => Promise<T>, freshness: Freshness, wait: Wait): Flight {
    const flight: Flight = {
      invalidated: false,
      promise: this.#fill(key, load, freshness, wait, () => flight.invalidated).finally(() => {
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
    wait: Wait,
    invalidated: () => boolean,
  ): Promise<{ record: CacheRecord; loaded: boolean }> {
    // CACHE-8: the backend's copy may be the old value until the delete lands: this process
    // neither reads it nor waits for it, and keeps the load to itself
    if (this.#undeleted.has(key)) {
      return { record: toRecord(await load(), freshness.ttlMs), loaded: true };
    }
    // CACHE-12: one loader across processes; the others wait for its result, briefly
    const lock = await this.#within(wait, () =>
      this.store.lock(`${key}:lock`, this.options.lockTtlMs),
    ).catch((error: unknown) => {
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
        const landed = await this.#read(key, wait);
        if (landed && Date.now() < landed.freshUntil) return { record: landed, loaded: false };
      }
      const value = await load();
      const record = toRecord(value, freshness.ttlMs);
      const forgotten = invalidated() || this.#undeleted.has(key);
      if (!forgotten) await this.#write(key, record, freshness, wait);
      return { record, loaded: true };
    } finally {
      // not awaited: the answer is ready, and a lock left behind expires by itself
      if (lock?.acquired) lock.release().catch((error: unknown) => this.#bypass(error));
    }
  }

  /**
   * Polls for another process's fill, for at most CACHE_LOCK_WAIT_MS: Redis answered that the
   * lock is taken, so this is a wait for that loader, not for a slow backend. Each poll has a
   * whole CACHE_WAIT_MS of its own (a hundred waiters' polls queue behind each other on a busy
   * process); the first that gets no answer ends the wait.
   */
  async #waitForFill(key: string): Promise<CacheRecord | undefined> {
    const deadline = Date.now() + this.options.lockWaitMs;
    while (Date.now() < deadline) {
      await sleep(pollMs);
      try {
        const record = await this.#within(this.#startWait(), () => this.store.get(key));
        if (record && Date.now() < record.freshUntil) return record;
      } catch (error) {
        this.#bypass(error);
        return undefined; // the backend stopped answering: load it here
      }
    }
    return undefined;
  }

  async #read(key: string, wait: Wait): Promise<CacheRecord | undefined> {
    try {
      return await this.#within(wait, () => this.store.get(key));
    } catch (error) {
      this.#bypass(error);
      return undefined;
    }
  }

  async #write(key: string, record: CacheRecord, freshness: Freshness, wait: Wait): Promise<void> {
    try {
      await this.#within(wait, () =>
        this.store.set(key, record, freshness.ttlMs + freshness.graceMs),
      );
    } catch (error) {
      this.#bypass(error);
    }
  }

  #startWait(since?: number): Wait {
    const { waitMs } = this.options;
    if (waitMs === undefined) return unbounded;
    return { leftMs: since === undefined ? waitMs : waitMs - (Date.now() - since) };
  }

  /**
   * CACHE-14: one backend call, given what is left of the request's wait; the time it took is
   * taken off. When the wait is spent the call is not made; when it runs out during the call,
   * the request goes on and the call finishes unobserved.
   */
  async #within<T>(wait: Wait, call: () => Promise<T>): Promise<T> {
    if (wait === unbounded) return call();
    if (wait.leftMs <= 0) throw new CacheUnavailableError('the wait for the cache is spent');
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<never>((_, reject) => {
      // yields to I/O once before giving up: an answer that arrived while the event loop was
      // busy is read first (setImmediate runs after the poll phase)
      const giveUp = () => reject(new CacheUnavailableError('the wait for the cache ran out'));
      timer = setTimeout(() => setImmediate(giveUp), wait.leftMs);
    });
    try {
      return await Promise.race([call(), spent]);
    } finally {
      clearTimeout(timer);
      wait.leftMs -= Date.now() - started;
    }
  }

  // CACHE-14: the backend's own state changes are logged once by the backend; here we count
  #bypass(error: unknown): void {
    this.#bypassed += 1;
    this.logger.debug({ err: error }, 'cache: backend unavailable, going to the loader');
  }

  close(): Promise<void> {
    clearTimeout(this.#retry);
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

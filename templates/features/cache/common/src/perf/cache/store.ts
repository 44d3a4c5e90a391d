import { LRUCache } from 'lru-cache';

/** what a backend keeps under a key: the value and when it stops being fresh */
export interface CacheRecord<T = unknown> {
  value: T;
  /** epoch ms when the value was stored; becomes Last-Modified for responses */
  storedAt: number;
  /** epoch ms after which the value is stale (served only within the grace period) */
  freshUntil: number;
  /** approximate size in bytes, for the memory bound */
  size: number;
}

export type LockResult = { acquired: true; release(): Promise<void> } | { acquired: false };

/**
 * CACHE-6: the low-level operations every backend implements. A backend that cannot reach
 * its server rejects; the `Cache` above it turns that into a miss, never into a failed request.
 */
export interface CacheStore {
  readonly kind: 'memory' | 'redis' | 'tiered';
  /** the in-process tier, when the backend has one: read synchronously by the front tier */
  readonly local?: MemoryStore;
  get(key: string): Promise<CacheRecord | undefined>;
  /** `ttlMs` is how long the backend keeps the record: freshness plus grace */
  set(key: string, record: CacheRecord, ttlMs: number): Promise<void>;
  /** set-if-absent: true when this call stored the record */
  add(key: string, record: CacheRecord, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** CACHE-12: a lock on `key` across every process that shares the backend */
  lock(key: string, ttlMs: number): Promise<LockResult>;
  /** CACHE-7: the current version of a namespace, and a bump that every instance sees */
  version(namespace: string): Promise<number>;
  bumpVersion(namespace: string): Promise<number>;
  /** 'degraded' while a shared backend is unreachable and requests go to the loader */
  state(): 'up' | 'degraded';
  close(): Promise<void>;
}

export interface MemoryLimits {
  maxEntries: number;
  maxBytes: number;
}

/** CACHE-1: an in-process LRU bounded by entries and by bytes, with a TTL per entry */
export class MemoryStore implements CacheStore {
  readonly kind = 'memory';
  readonly local = this;
  readonly #lru: LRUCache<string, CacheRecord>;
  readonly #versions = new Map<string, number>();
  // within one process the single flight in `Cache` already runs one loader per key;
  // this lock only keeps `lock()` honest for callers that use the store directly
  readonly #locks = new Set<string>();

  constructor(limits: MemoryLimits) {
    this.#lru = new LRUCache<string, CacheRecord>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      sizeCalculation: (record) => Math.max(1, record.size),
      ttlAutopurge: false,
    });
  }

  async get(key: string): Promise<CacheRecord | undefined> {
    return this.#lru.get(key);
  }

  /** the record under `key`, without waiting: what the front tier answers from */
  peek(key: string): CacheRecord | undefined {
    return this.#lru.get(key);
  }

  async set(key: string, record: CacheRecord, ttlMs: number): Promise<void> {
    this.#lru.set(key, record, { ttl: ttlMs });
  }

  async add(key: string, record: CacheRecord, ttlMs: number): Promise<boolean> {
    if (this.#lru.has(key)) return false;
    this.#lru.set(key, record, { ttl: ttlMs });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#lru.delete(key);
  }

  async lock(key: string): Promise<LockResult> {
    if (this.#locks.has(key)) return { acquired: false };
    this.#locks.add(key);
    return { acquired: true, release: async () => void this.#locks.delete(key) };
  }

  async version(namespace: string): Promise<number> {
    return this.#versions.get(namespace) ?? 0;
  }

  async bumpVersion(namespace: string): Promise<number> {
    const next = (this.#versions.get(namespace) ?? 0) + 1;
    this.#versions.set(namespace, next);
    return next;
  }

  state(): 'up' {
    return 'up';
  }

  /** drops every entry; used when invalidations may have been missed */
  clear(): void {
    this.#lru.clear();
  }

  async close(): Promise<void> {
    this.#lru.clear();
  }
}

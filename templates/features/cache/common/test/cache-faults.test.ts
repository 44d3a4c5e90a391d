// The cache over a shared backend that fails in the ways a network store does: a delete that
// does not get through, calls that never answer. A stand-in store makes each fault on demand.

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Cache, CacheUnavailableError, type CacheOptions } from '../src/perf/cache/cache.js';
import { invalidate, memoize } from '../src/perf/cache/memoize.js';
import { MemoryStore, type CacheRecord, type CacheStore } from '../src/perf/cache/store.js';

/** a store shared between processes (no in-process tier), whose calls can fail or hang */
class FaultyStore implements CacheStore {
  readonly kind = 'redis';
  readonly memory = new MemoryStore({ maxEntries: 100, maxBytes: 1_000_000 });
  failDeletes = false;
  hang = false;

  #call<T>(call: () => Promise<T>): Promise<T> {
    return this.hang ? new Promise<T>(() => undefined) : call();
  }

  get = (key: string) => this.#call(() => this.memory.get(key));
  set = (key: string, record: CacheRecord, ttlMs: number) =>
    this.#call(() => this.memory.set(key, record, ttlMs));
  add = (key: string, record: CacheRecord, ttlMs: number) =>
    this.#call(() => this.memory.add(key, record, ttlMs));
  delete = (key: string) =>
    this.#call(() =>
      this.failDeletes ? Promise.reject(new Error('unreachable')) : this.memory.delete(key),
    );
  lock = (key: string) => this.#call(() => this.memory.lock(key));
  version = (namespace: string) => this.#call(() => this.memory.version(namespace));
  bumpVersion = (namespace: string) => this.#call(() => this.memory.bumpVersion(namespace));
  state = () => 'up' as const;
  close = () => this.memory.close();
}

// long enough that a busy machine's pauses fit in the test's slack below, short enough that a
// wait per step (a read, a lock and a write: 3 × waitMs) is told apart from one wait in all
const waitMs = 300;
const options: CacheOptions = {
  prefix: 'faults',
  keyVersion: 1,
  lockTtlMs: 10_000,
  lockWaitMs: 2000,
  waitMs,
};
const freshness = { ttlMs: 60_000, graceMs: 0 };

describe('a shared backend at fault', () => {
  it('CACHE-8: a delete that does not get through is reported, retried until it lands, and the key is not cached meanwhile', async () => {
    const store = new FaultyStore();
    // a wait no busy machine runs out of: a spent wait would skip the first write, and this test
    // is about the delete (CACHE-14's test below is about the wait)
    const cache = new Cache(store, { ...options, waitMs: 10_000 }, pino({ level: 'silent' }));
    let row = 'old';
    const read = memoize(cache, async (id: number) => `${row} ${id}`, {
      namespace: 'rows',
      key: (id) => String(id),
      ...freshness,
    });
    try {
      expect(await read(1)).toBe('old 1');
      const key = await cache.key('rows', '1');
      expect((await store.memory.get(key))?.value).toBe('old 1');

      store.failDeletes = true;
      await expect(invalidate(read, 1)).rejects.toThrow(CacheUnavailableError);
      row = 'new'; // the caller wrote anyway (a delete after its write failed, say)
      // the backend still holds the old entry; this process does not read it, nor store over it
      expect(await read.lookup(1)).toMatchObject({ value: 'new 1', outcome: 'MISS' });
      expect((await store.memory.get(key))?.value).toBe('old 1');

      store.failDeletes = false;
      await expect.poll(() => store.memory.get(key), { timeout: 3000 }).toBeUndefined();
      expect(await read.lookup(1)).toMatchObject({ value: 'new 1', outcome: 'MISS' });
      expect(await read.lookup(1)).toMatchObject({ value: 'new 1', outcome: 'HIT' });
    } finally {
      await cache.close();
    }
  });

  it('CACHE-14: a backend that never answers costs a request at most waitMs in all', async () => {
    const store = new FaultyStore();
    const cache = new Cache(store, options, pino({ level: 'silent' }));
    const key = await cache.key('rows', '2');
    store.hang = true;
    try {
      const started = performance.now();
      const found = await cache.fetch(key, async () => 'loaded', freshness);
      expect(found).toMatchObject({ value: 'loaded', outcome: 'MISS' });
      // a read, a lock and a write, each of which would have waited forever
      expect(performance.now() - started).toBeLessThan(waitMs + 300);
      // a namespace whose version cannot be read is answered without the cache
      const other = memoize(cache, async () => 'uncached', { namespace: 'other', ...freshness });
      expect(await other.lookup()).toMatchObject({ value: 'uncached', outcome: 'MISS' });
    } finally {
      await cache.close();
    }
  });
});

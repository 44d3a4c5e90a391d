import type { RedisStore } from './redis-store.js';
import type { CacheRecord, CacheStore, LockResult, MemoryStore } from './store.js';

/**
 * CACHE-3: memory (L1) in front of Redis (L2). A hit in L1 costs no network at all. Every write
 * and delete tells the other instances to drop their L1 copy, over Redis pub/sub; if Redis was
 * away, they may have missed it, so each L1 is emptied when Redis comes back, and L1 entries
 * live at most `l1TtlMs` as a last bound.
 */
export class TieredStore implements CacheStore {
  readonly kind = 'tiered';
  readonly local: MemoryStore;

  constructor(
    private readonly l1: MemoryStore,
    private readonly l2: RedisStore,
    private readonly l1TtlMs: number,
  ) {
    this.local = l1;
    l2.onEvent((event) => {
      if (event.type === 'delete') void l1.delete(event.key);
      if (event.type === 'resync') l1.clear();
    });
  }

  async get(key: string): Promise<CacheRecord | undefined> {
    const local = await this.l1.get(key);
    if (local) return local;
    const shared = await this.l2.get(key);
    if (shared) await this.l1.set(key, shared, this.l1TtlMs);
    return shared;
  }

  async set(key: string, record: CacheRecord, ttlMs: number): Promise<void> {
    await this.l1.set(key, record, Math.min(ttlMs, this.l1TtlMs));
    await this.l2.set(key, record, ttlMs);
    await this.l2.publish({ type: 'delete', key });
  }

  async add(key: string, record: CacheRecord, ttlMs: number): Promise<boolean> {
    const added = await this.l2.add(key, record, ttlMs);
    if (added) await this.l1.set(key, record, Math.min(ttlMs, this.l1TtlMs));
    return added;
  }

  async delete(key: string): Promise<void> {
    await this.l1.delete(key);
    await this.l2.delete(key);
    await this.l2.publish({ type: 'delete', key });
  }

  lock(key: string, ttlMs: number): Promise<LockResult> {
    return this.l2.lock(key, ttlMs);
  }

  version(namespace: string): Promise<number> {
    return this.l2.version(namespace);
  }

  bumpVersion(namespace: string): Promise<number> {
    return this.l2.bumpVersion(namespace);
  }

  state(): 'up' | 'degraded' {
    return this.l2.state();
  }

  async close(): Promise<void> {
    await this.l1.close();
    await this.l2.close();
  }
}

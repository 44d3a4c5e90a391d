import { setTimeout as sleep } from 'node:timers/promises';

// The sample's stand-in for a slow database: every read takes ITEM_LOAD_MS, which is what a
// cache hit saves. Replace it with your own data source.

export const itemIds = { min: 1, max: 1000 } as const;

export interface Item {
  id: number;
  name: string;
  description: string;
  price: number;
  tags: string[];
  revision: number;
  updatedAt: string;
}

/** the fields a PUT may change; the others are the store's */
export type ItemChanges = Partial<Pick<Item, 'name' | 'description' | 'price' | 'tags'>>;

/**
 * The store of edited items cannot answer now: the item is unknown, neither its edit nor the
 * sample's original may be served in its place, and a write was not applied.
 */
export class ItemsUnavailableError extends Error {
  override name = 'ItemsUnavailableError';

  constructor(options?: ErrorOptions) {
    super('The item store is unavailable', options);
  }
}

/** a PUT that named a revision the item has left: nothing was written */
export class RevisionConflictError extends Error {
  override name = 'RevisionConflictError';

  constructor(readonly current: Item) {
    super(`The item is at revision ${current.revision}`);
  }
}

/** where edited items are kept; with a shared cache backend every instance sees the same rows */
export interface ItemRows {
  /** the edited row, undefined if the item was never edited; rejects when it cannot tell */
  get(id: number): Promise<string | undefined>;
  /**
   * Replaces the row with `change(current row)` and resolves with it once it is stored; rejects
   * with ItemsUnavailableError when it was not stored, never after storing it
   */
  update(id: number, change: (row: string | undefined) => string): Promise<string>;
}

export function memoryRows(): ItemRows {
  const rows = new Map<number, string>();
  return {
    get: async (id) => rows.get(id),
    update: async (id, change) => {
      const next = change(rows.get(id));
      rows.set(id, next);
      return next;
    },
  };
}

export const isItemId = (id: number): boolean =>
  Number.isInteger(id) && id >= itemIds.min && id <= itemIds.max;

export class ItemSource {
  constructor(
    private readonly rows: ItemRows,
    private readonly loadMs: number,
  ) {}

  /** about 2 KB of JSON; undefined when there is no such item */
  async load(id: number): Promise<Item | undefined> {
    if (!isItemId(id)) return undefined;
    await sleep(this.loadMs);
    const saved = await this.rows.get(id);
    return saved ? (JSON.parse(saved) as Item) : sampleItem(id);
  }

  /**
   * Applies `changes` to the item as it is stored now (edited or the sample's original). With
   * `revision`, only if the item is still at that revision (optimistic concurrency), else
   * rejects with RevisionConflictError and writes nothing.
   */
  async save(id: number, changes: ItemChanges, revision?: number): Promise<Item> {
    const row = await this.rows.update(id, (saved) => {
      const current = saved ? (JSON.parse(saved) as Item) : sampleItem(id);
      if (revision !== undefined && revision !== current.revision) {
        throw new RevisionConflictError(current);
      }
      const item: Item = {
        ...current,
        ...changes,
        id,
        revision: current.revision + 1,
        updatedAt: new Date().toISOString(),
      };
      return JSON.stringify(item);
    });
    return JSON.parse(row) as Item;
  }

  /** about 20 KB: a page of item summaries in the given language */
  async catalogPage(page: number, lang: string, member: boolean) {
    await sleep(this.loadMs);
    const first = (page - 1) * 50 + 1;
    const items = Array.from({ length: 50 }, (_, i) => {
      const item = sampleItem(((first + i - 1) % itemIds.max) + 1);
      return {
        id: item.id,
        name: `${item.name} (${lang})`,
        summary: item.description.slice(0, 240),
        price: member ? Math.round(item.price * 90) / 100 : item.price,
        tags: item.tags,
      };
    });
    return { page, lang, member, items };
  }
}

function sampleItem(id: number): Item {
  const words = ['fast', 'cached', 'compact', 'streamed', 'pooled', 'traced', 'lean', 'warm'];
  return {
    id,
    name: `Item ${id}`,
    // about 2 KB: the 24 parts five times over
    description: Array.from(
      { length: 120 },
      (_, i) => `${words[(id + i) % words.length]} part ${i % 24}`,
    ).join(', '),
    price: (id * 37) % 1000,
    tags: words.filter((_, i) => (id >> i) & 1),
    revision: 1,
    updatedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
  };
}

import type { IncomingHttpHeaders } from 'node:http';
import * as v from 'valibot';
import type { Config } from '../config.js';
import { CacheUnavailableError, type Cache, type Lookup } from '../perf/cache/cache.js';
import type { FrontCache } from '../perf/cache/front.js';
import {
  answer,
  jsonReply,
  jsonResponse,
  withEncodings,
  type CachedResponse,
  type CachePolicy,
  type Reply,
  type ResponseEncoder,
} from '../perf/cache/http.js';
import { invalidate, memoize } from '../perf/cache/memoize.js';
import {
  isItemId,
  ItemsUnavailableError,
  RevisionConflictError,
  type ItemSource,
} from './source.js';

// CACHE-9: each kind of data has its own TTL, from the settings
type Ttls = Config['items']['ttl'];

// HTTP-3: items change through PUT, so browsers revalidate every time (a cheap 304 with the
// ETag); catalog pages may be kept by browsers for the TTL, and by shared caches unless the
// page is a member's: an answer that depends on credentials is private
const itemPolicy: CachePolicy = { cacheControl: 'public, no-cache' };
const catalogPolicy = (ttl: Ttls['catalog'], member: boolean): CachePolicy => ({
  cacheControl: `${member ? 'private' : 'public'}, max-age=${ttl.ttlMs / 1000}, stale-while-revalidate=${ttl.graceMs / 1000}`,
  // HTTP-5: the key reads these headers, so shared caches must too
  vary: 'Accept-Language, Authorization',
});

/**
 * CACHE-8, CACHE-14: the item's store or its cache cannot answer now: a 503 that says when to
 * try again, rather than the sample's original in place of an edited item, or a write half done
 */
function unavailable(error: unknown): Reply {
  if (!(error instanceof ItemsUnavailableError || error instanceof CacheUnavailableError)) {
    throw error;
  }
  const busy = jsonReply(503, { error: 'Items are unavailable for a moment; try again' });
  busy.headers['retry-after'] = '1';
  return busy;
}

/**
 * A PUT's body: the fields to change, and optionally the ones a GET returned with them, so a
 * client may send back what it read. `id` must be the item's, `updatedAt` is the store's and
 * ignored, and `revision` is a guard: the write happens only if the item is still at it (409
 * otherwise). Any other field is refused.
 */
export const itemChanges = v.partial(
  v.strictObject({
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    description: v.pipe(v.string(), v.maxLength(10_000)),
    price: v.pipe(v.number(), v.minValue(0)),
    tags: v.pipe(v.array(v.pipe(v.string(), v.maxLength(50))), v.maxLength(20)),
    id: v.pipe(v.number(), v.integer()),
    revision: v.pipe(v.number(), v.integer(), v.minValue(1)),
    updatedAt: v.string(),
  }),
);

const languages = new Set(['en', 'de', 'es', 'fr', 'ja', 'ko']);

// the language of a catalog page: `?lang=`, else Accept-Language, else English; a fixed set
// keeps the key space bounded whatever clients send
export function pickLanguage(
  query: string | undefined,
  acceptLanguage: string | undefined,
): string {
  const wanted = query ?? acceptLanguage?.split(',')[0]?.split(/[-;]/)[0]?.trim().toLowerCase();
  return wanted && languages.has(wanted) ? wanted : 'en';
}

export const catalogPages = { min: 1, max: 20 } as const;

function catalogPage(param: string | undefined): number | undefined {
  const page = Number(param ?? catalogPages.min);
  const valid = Number.isInteger(page) && page >= catalogPages.min && page <= catalogPages.max;
  return valid ? page : undefined;
}

// an id is a whole number: one outside 1..1000 names no item (404), anything else is not an
// id at all (400); `1e2` or `1.0` are refused rather than read as the number they spell
const wholeNumber = /^-?\d{1,16}$/;
const itemIdOf = (param: string): number | undefined =>
  wholeNumber.test(param) ? Number(param) : undefined;

function refuseItemId(param: string): Reply | undefined {
  const id = itemIdOf(param);
  if (id === undefined) return jsonReply(400, { error: 'An item id is a whole number' });
  return isItemId(id) ? undefined : jsonReply(404, { error: `No item ${param}` });
}

/** the sample routes' logic, framework-neutral: each method returns what the route sends */
export function createItemService(cache: Cache, source: ItemSource, ttl: Ttls) {
  // COMP-4: set when compression is on; each response is then stored with its compressed forms
  let encoder: ResponseEncoder | undefined;
  let front: FrontCache | undefined;
  const cachedJson = (value: unknown, policy: CachePolicy) => {
    const response = jsonResponse(value, policy);
    return encoder ? withEncodings(response, encoder) : response;
  };
  const reply = ({ value, outcome }: Lookup<CachedResponse>, headers: IncomingHttpHeaders) =>
    answer(value, outcome, headers, encoder);

  const itemResponse = memoize(
    cache,
    async (id: number) => cachedJson(await source.load(id), itemPolicy),
    { namespace: 'items', key: (id) => String(id), ...ttl.items },
  );

  // CACHE-4: a whole response, keyed by what it depends on: page, language and auth state
  const policies = {
    member: catalogPolicy(ttl.catalog, true),
    anonymous: catalogPolicy(ttl.catalog, false),
  };
  const catalogResponse = memoize(
    cache,
    async (page: number, lang: string, member: boolean) =>
      cachedJson(
        await source.catalogPage(page, lang, member),
        member ? policies.member : policies.anonymous,
      ),
    {
      namespace: 'catalog',
      key: (page, lang, member) => `${page}:${lang}:${member ? 'member' : 'anonymous'}`,
      ...ttl.catalog,
    },
  );

  const tinyResponse = memoize(
    cache,
    async () =>
      cachedJson({ ok: true, at: new Date().toISOString() }, { cacheControl: 'public, max-age=5' }),
    { namespace: 'tiny', ...ttl.items },
  );

  return {
    async item(idParam: string, headers: IncomingHttpHeaders): Promise<Reply> {
      const refused = refuseItemId(idParam);
      if (refused) return refused;
      try {
        return reply(await itemResponse.lookup(Number(idParam)), headers);
      } catch (error) {
        return unavailable(error);
      }
    },

    /**
     * CACHE-8: the stale entry is gone before the caller answers. A 200 means the write is
     * applied and the old entry was dropped on every instance; a 503 means nothing was written.
     */
    async replaceItem(idParam: string, body: unknown): Promise<Reply> {
      const refused = refuseItemId(idParam);
      if (refused) return refused;
      const id = Number(idParam);
      const parsed = v.safeParse(itemChanges, body);
      if (!parsed.success) return jsonReply(400, { error: v.summarize(parsed.issues) });
      const { id: named, revision, ...changes } = parsed.output;
      // the store sets updatedAt: the one a GET returned is dropped
      delete changes.updatedAt;
      if (named !== undefined && named !== id) {
        return jsonReply(400, { error: `The body is item ${named}, the path item ${id}` });
      }
      try {
        // first on every instance: if the cache cannot forget the old item now, the write is
        // not made, so no new row can end up behind a stale entry
        await invalidate(itemResponse, id);
        const item = await source.save(id, changes, revision);
        // and again, for a read that cached the old row in between; should that fail, the
        // cache retries it until it lands and, meanwhile, this process does not cache the item
        await invalidate(itemResponse, id).catch(() => undefined);
        return jsonReply(200, item);
      } catch (error) {
        if (error instanceof RevisionConflictError) {
          const at = error.current.revision;
          return jsonReply(409, {
            error: `The item is at revision ${at}, not ${revision}: read it again and retry`,
            item: error.current,
          });
        }
        return unavailable(error);
      }
    },

    async catalog(
      query: { page?: string; lang?: string },
      headers: IncomingHttpHeaders,
    ): Promise<Reply> {
      const page = catalogPage(query.page);
      if (page === undefined) {
        return jsonReply(400, {
          error: `page takes a whole number from ${catalogPages.min} to ${catalogPages.max}`,
        });
      }
      const lang = pickLanguage(query.lang, headers['accept-language']);
      const member = headers.authorization !== undefined;
      return reply(await catalogResponse.lookup(page, lang, member), headers);
    },

    async tiny(headers: IncomingHttpHeaders): Promise<Reply> {
      return reply(await tinyResponse.lookup(), headers);
    },

    /** CACHE-10: loads these items before readiness turns green */
    async warmUp(ids: readonly number[]): Promise<void> {
      await Promise.all(ids.filter(isItemId).map((id) => itemResponse(id)));
    },

    /** CACHE-7: every item entry, on every instance, at once */
    forgetAllItems: () => invalidate(itemResponse),

    /**
     * CACHE-15: the keys of the cached routes, so the front tier answers their hits before the
     * framework; each key is the one the route below reads, made from the same request fields
     */
    serveFrom(tier: FrontCache): void {
      front = tier;
      if (encoder) front.useEncoder(encoder);
      front.route({
        path: '/api/items/:id',
        key: ({ params: [param] }) => {
          const id = itemIdOf(param ?? '');
          return id !== undefined && isItemId(id) ? itemResponse.keyNow(id) : null;
        },
      });
      front.route({
        path: '/api/catalog',
        query: ['page', 'lang'],
        headers: ['accept-language', 'authorization'],
        key: ({ query, headers }) => {
          const page = catalogPage(query['page']);
          if (page === undefined) return null;
          const lang = pickLanguage(query['lang'], headers['accept-language']);
          return catalogResponse.keyNow(page, lang, headers.authorization !== undefined);
        },
      });
      front.route({ path: '/api/tiny', key: () => tinyResponse.keyNow() });
    },

    /** COMP-4: from now on, responses are stored with these compressed forms and sent in them */
    compressOnce(responseEncoder: ResponseEncoder): void {
      encoder = responseEncoder;
      front?.useEncoder(responseEncoder);
    },
  };
}

export type ItemService = ReturnType<typeof createItemService>;

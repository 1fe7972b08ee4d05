import { LRUCache } from 'lru-cache';
import { metaKey } from '../drivers/redis.js';
import type { InvalidationBus } from '../drivers/redis-bus.js';
import { broke, type OpResult, type Strategy, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/*
 * Two-tier caches: each app process keeps an in-process LRU (L1) in front of Redis (L2, shared by
 * every app), filled on a miss. A write commits in the database, deletes the Redis entry and tells
 * the other apps to drop their L1 copy; how it tells them is what the strategies differ in.
 */

/** Entries each app keeps in its L1. */
const L1_MAX = 1000;
/** The short in-process TTL of l1-short-ttl, ms: how long an L1 copy may outlive an invalidation it missed. */
export const L1_TTL_MS = 1500;
/** TTL of the Redis (L2) entries every two-tier strategy fills, ms. */
const L2_TTL_MS = 30_000;

interface L1Entry {
  value: string;
  /** The row's version when it was read (versioned-l1 only). */
  version?: string;
}

interface Tier {
  /** How the app learns of other apps' writes, if by a bus. */
  bus?: 'pubsub' | 'stream';
  /** L1 TTL, ms; 0 = none (an entry lives until evicted or invalidated). */
  l1TtlMs: number;
  /** L1 serves only while the bus is up and caught up (a cut bus link means missed invalidations). */
  l1OnlyWhileBusUp?: boolean;
  /** Each L1 hit is checked against the row's version in Redis first. */
  versioned?: boolean;
}

const versionKey = (key: string): string => metaKey('l1-version', key);

function twoTier(deps: StrategyDeps, tier: Tier): Strategy {
  const l1 = new LRUCache<string, L1Entry>({ max: L1_MAX, ...(tier.l1TtlMs > 0 ? { ttl: tier.l1TtlMs } : {}) });
  const bus: InvalidationBus | undefined = tier.bus && deps.bus?.(tier.bus, 'invalidations', (key) => l1.delete(key));
  if (tier.bus && !bus) throw new Error('this strategy needs an invalidation bus, which only the built-in app server opens');
  const l1Usable = (): boolean => !tier.l1OnlyWhileBusUp || (bus?.up() ?? false);

  /**
   * The row from the database; L1 and Redis filled with it when asked (never after a failed Redis
   * read: a fill queued offline would land later, maybe after a newer write).
   */
  async function fromDatabase(key: string, fillL1: boolean, fillL2: boolean): Promise<OpResult> {
    const rows = await deps.db.query<{ value: string; version: string }>('SELECT value, version FROM records WHERE key = $1', [key]);
    if (rows.outcome !== 'ok') return broke('database read', rows);
    const row = rows.value[0];
    if (row === undefined) return { outcome: 'ok', value: null };
    if (fillL1) l1.set(key, { value: row.value, ...(tier.versioned ? { version: row.version } : {}) });
    if (!fillL2) return { outcome: 'ok', value: Number(row.value) };
    if (tier.versioned) await deps.cache.setIfAbsent(versionKey(key), row.version);
    await deps.cache.set(key, row.value, L2_TTL_MS);
    return { outcome: 'ok', value: Number(row.value) };
  }

  return {
    async read(key) {
      if (tier.versioned) {
        // One small Redis round trip per read buys an L1 that is never older than the version in Redis.
        const current = await deps.cache.get(versionKey(key));
        if (current.outcome !== 'ok') return fromDatabase(key, false, false); // cannot check: the database answers
        const entry = l1.get(key);
        if (entry !== undefined && current.value !== null && entry.version === current.value) return { outcome: 'ok', value: Number(entry.value) };
        return fromDatabase(key, true, true);
      }
      const usable = l1Usable();
      const entry = usable ? l1.get(key) : undefined;
      if (entry !== undefined) return { outcome: 'ok', value: Number(entry.value) };
      const cached = await deps.cache.get(key);
      if (cached.outcome === 'ok' && cached.value !== null) {
        if (usable) l1.set(key, { value: cached.value });
        return { outcome: 'ok', value: Number(cached.value) };
      }
      return fromDatabase(key, usable && cached.outcome === 'ok', cached.outcome === 'ok');
    },

    async write(key, value) {
      const res = await deps.db.query<{ version: string }>('UPDATE records SET value = $2, version = version + 1 WHERE key = $1 RETURNING version', [key, value]);
      if (res.outcome !== 'ok') return broke('database write', res);
      l1.delete(key);
      // The database decided: a failed invalidation is not a failed write (it is what the scenario shows).
      await deps.cache.del(key);
      const version = res.value[0]?.version;
      if (tier.versioned && version !== undefined) await deps.cache.set(versionKey(key), version);
      if (bus) await bus.publish(key);
      return { outcome: 'ok', value };
    },

    // Idle once the bus has heard everything published (re-subscribed, or read to the stream's end).
    idle: () => bus?.caughtUp() ?? true,
  };
}

const define = (name: string, summary: string, tier: Tier): StrategyDefinition => ({
  name,
  summary,
  cacheRole: 'display',
  cacheTtlMs: L2_TTL_MS,
  create: (deps) => twoTier(deps, tier),
});

export const naiveBus = define('naive-bus', 'in-process LRU in front of Redis; writes publish the key on a pub/sub channel; L1 entries live until dropped', {
  bus: 'pubsub',
  l1TtlMs: 0,
});
export const l1ShortTtl = define('l1-short-ttl', `the naive bus, with a ${L1_TTL_MS} ms TTL on in-process entries`, { bus: 'pubsub', l1TtlMs: L1_TTL_MS });
export const durableBus = define(
  'durable-bus',
  'invalidations on a Redis Stream, read on from the last id after a reconnect; L1 serves only while that reader is up and caught up',
  { bus: 'stream', l1TtlMs: 0, l1OnlyWhileBusUp: true },
);
export const versionedL1 = define('versioned-l1', "in-process entries carry the row's version, checked against the version in Redis on every read", {
  l1TtlMs: 0,
  versioned: true,
});

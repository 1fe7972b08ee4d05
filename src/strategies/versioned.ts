import { metaKey } from '../drivers/redis.js';
import type { Result } from '../drivers/result.js';
import { broke, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/**
 * Stores `value` at KEYS[1] and its row version at KEYS[2] unless KEYS[2] holds a newer version.
 * ARGV: value, version, ttl ms (0 = none). Returns 1 when stored, 0 when refused as older. An
 * equal version is stored again: it is the same row state. Both keys get the same TTL, so the
 * version never outlives the entry it guards by more than a write.
 */
const STORE_IF_NEWER = `
local current = tonumber(redis.call('GET', KEYS[2]))
local incoming = tonumber(ARGV[2])
if current ~= nil and current > incoming then return 0 end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[2], ARGV[2])
end
return 1`;

/** Where the version of a cached entry lives: bookkeeping, so the value stays comparable with the database. */
export const versionKey = (key: string): string => metaKey('version', key);

/**
 * Versioned (compare-and-set) cache writes. `records.version` is bumped in the same statement
 * (one transaction) as the value; every cache write carries the version it read or wrote, and a
 * Lua script stores it only if the cached version is not newer. The version sits under
 * `_meta:version:<key>`, not in the value, so the cached value is the plain price the database
 * holds. Writers SET the new value with its version rather than delete: after a delete the
 * older version would be gone and an old fill would look "newer".
 */
export const versioned: StrategyDefinition = {
  name: 'versioned',
  summary: 'every cache write carries the row version; a Lua compare-and-set keeps only the newest',
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    async read(key, op) {
      const cached = await deps.cache.get(key);
      if (cached.outcome === 'ok' && cached.value !== null) {
        await op.point('after-cache-read');
        return { outcome: 'ok', value: Number(cached.value) };
      }
      const rows = await deps.db.query<{ value: string; version: string }>('SELECT value, version FROM records WHERE key = $1', [key]);
      if (rows.outcome !== 'ok') return broke('database read', rows);
      const row = rows.value[0];
      if (row === undefined) return { outcome: 'ok', value: null };
      await op.point('after-fill-read');
      // A refused or lost fill only costs the next reader a miss.
      if (cached.outcome === 'ok') await storeIfNewer(deps, key, row.value, row.version);
      return { outcome: 'ok', value: Number(row.value) };
    },

    async write(key, value, op) {
      const rows = await deps.db.query<{ version: string }>(
        'UPDATE records SET value = $2, version = version + 1 WHERE key = $1 RETURNING version',
        [key, value],
      );
      if (rows.outcome !== 'ok') return broke('database write', rows);
      const row = rows.value[0];
      if (row === undefined) return { outcome: 'fail', error: `no such record: ${key}` };
      await op.point('after-db-commit');
      // The database committed, so the client hears ok whatever the cache says: a refusal means a
      // newer version is cached already; a lost write leaves an older one for the TTL to end.
      await storeIfNewer(deps, key, String(value), row.version);
      await op.point('after-cache-write');
      return { outcome: 'ok', value };
    },
  }),
};

/** ok(1) stored, ok(0) refused: a newer version is cached. Also the event-sourcing projector's cache write. */
export function storeIfNewer(deps: StrategyDeps, key: string, value: string, version: string): Promise<Result<number>> {
  return deps.cache.evalScript(STORE_IF_NEWER, [key, versionKey(key)], [value, version, String(deps.cacheTtlMs)]);
}


import { randomUUID } from 'node:crypto';
import { metaKey } from '../drivers/redis.js';
import { broke, type StrategyDefinition } from './strategy.js';

/** How long a lease is valid, ms: a reader that dies holding one blocks fills of its key this long. */
export const LEASE_TTL_MS = 5_000;

/**
 * Fills KEYS[1] with ARGV[2] only while KEYS[2] (the lease) holds the token ARGV[1]; the lease is
 * used up. ARGV[3]: TTL of the entry, ms (0 = none). Returns 1 when filled, 0 when the token was
 * voided (a writer deleted the key since the miss) or expired.
 */
export const FILL_WITH_LEASE = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
local ttl = tonumber(ARGV[3])
if ttl > 0 then redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1`;

/** The lease of a key: bookkeeping under `_meta:lease:<key>`, holding the token of the one reader allowed to fill. */
export const leaseKey = (key: string): string => metaKey('lease', key);

/**
 * Leases, as Meta's memcache has them (Nishtala et al., NSDI 2013). A miss hands out a token (the
 * lease, one per key at a time); the reader reads the database and may fill the cache only by
 * presenting a token that is still valid. Writers only delete, and their delete removes the lease
 * too, voiding every token handed out before it: a fill that read the database before the write
 * can no longer land. A reader that misses while another holds the lease reads the database and
 * does not fill (Meta's clients would wait briefly and retry the cache; that is about load, not
 * consistency).
 */
export const leases: StrategyDefinition = {
  name: 'leases',
  summary: 'a miss hands out a lease token; only a valid token may fill; a writer\'s delete voids the tokens',
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => ({
    async read(key, op) {
      const cached = await deps.cache.get(key);
      if (cached.outcome === 'ok' && cached.value !== null) {
        await op.point('after-cache-read');
        return { outcome: 'ok', value: Number(cached.value) };
      }
      // The lease is taken before the database read, so a write that commits after that read
      // deletes it after its commit, and this reader's fill is refused.
      const token = `${op.id}:${randomUUID()}`;
      const lease = cached.outcome === 'ok' ? await deps.cache.setIfAbsent(leaseKey(key), token, LEASE_TTL_MS) : undefined;
      const rows = await deps.db.query<{ value: string }>('SELECT value FROM records WHERE key = $1', [key]);
      if (rows.outcome !== 'ok') return broke('database read', rows);
      const row = rows.value[0];
      if (row === undefined) return { outcome: 'ok', value: null };
      await op.point('after-fill-read');
      if (lease?.outcome === 'ok' && lease.value) {
        // Refused when voided: the next reader fills from the database as it is now.
        await deps.cache.evalScript(FILL_WITH_LEASE, [key, leaseKey(key)], [token, row.value, String(deps.cacheTtlMs)]);
      }
      return { outcome: 'ok', value: Number(row.value) };
    },

    async write(key, value, op) {
      const res = await deps.db.query('UPDATE records SET value = $2 WHERE key = $1', [key, value]);
      if (res.outcome !== 'ok') return broke('database write', res);
      await op.point('after-db-commit');
      // One DEL of both keys: the entry and every outstanding token go together. If it is lost,
      // the old entry stays until its TTL ends it, as for any delete-on-write.
      await deps.cache.del(key, leaseKey(key));
      await op.point('after-cache-delete');
      return { outcome: 'ok', value };
    },
  }),
};

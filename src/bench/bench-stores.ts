import type { AppConfig } from '../app/protocol.js';
import type { PgSettings } from '../drivers/postgres.js';
import type { RedisSettings } from '../drivers/redis.js';
import { must } from '../drivers/result.js';
import { AppProcess } from '../runner/app-process.js';
import type { BenchSettings } from '../runner/bench-result.js';
import type { RunStack } from '../runner/run-scenario.js';
import { LabStores } from '../runner/stores.js';

/** Keys are `${KEY_PREFIX}${i}`: 0..hotKeys-1 kept cached, the rest read once each. */
export const KEY_PREFIX = 'k';

/** Cold keys no point of `settings` can use up: its most misses per second, times its duration, with room. */
export function coldKeysFor(s: Pick<BenchSettings, 'concurrency' | 'pool' | 'dbLatencyMs' | 'durationMs'>): number {
  const perSecond = (Math.min(s.concurrency, s.pool) * 1000) / Math.max(s.dbLatencyMs, 1);
  return Math.min(200_000, Math.max(10_000, Math.ceil(((perSecond * s.durationMs) / 1000) * 1.5)));
}

/**
 * The bench's stores: the run's tables emptied and `hotKeys + coldKeys` rows seeded, and an app
 * process serving `settings.strategy` with a pool of `settings.pool` that keeps its connections
 * (no idle timeout) and lets a miss wait for one as long as the sweep can make it.
 */
export async function setUpBench(
  stack: RunStack,
  settings: BenchSettings,
  drivers: { redis: RedisSettings; pg: PgSettings },
  log: (line: string) => void,
): Promise<{ stores: LabStores; app: AppProcess }> {
  const stores = new LabStores(stack.redisUrl, stack.databaseUrl, stack.keyPrefix, stack.schema);
  try {
    await stores.reset({ records: {}, cached: [] }, 0);
    must(
      await stores.db.query('INSERT INTO records (key, value) SELECT $1 || i, i FROM generate_series(0, $2::int - 1) AS i', [KEY_PREFIX, settings.hotKeys + settings.coldKeys]),
      'seed the bench rows',
    );
    const config: AppConfig = {
      strategy: settings.strategy,
      redisUrl: stack.appRedisUrl,
      databaseUrl: stack.appDatabaseUrl,
      schema: stack.schema,
      keyPrefix: stack.keyPrefix,
      // No expiry: the hit rate is the key mix's, not the TTL's.
      cacheTtlMs: 0,
      redis: drivers.redis,
      pg: { ...drivers.pg, poolMax: settings.pool, idleTimeoutMs: 0, connectionTimeoutMs: 120_000, queryTimeoutMs: 120_000 },
    };
    const app = await AppProcess.start(config, () => Promise.resolve(), log);
    return { stores, app };
  } catch (err) {
    await stores.close();
    throw err;
  }
}

import { redisKind } from '../drivers/redis-urls.js';
import { withPostgres } from '../drivers/one-shot-clients.js';
import { createRedisDriver, defaultRedisSettings } from '../drivers/redis.js';
import { must } from '../drivers/result.js';

/**
 * A run's namespace on shared servers: Redis keys under `cachelab:<runId>:` and the PostgreSQL
 * schema `cachelab_<runId>`. Nothing outside it is ever written, flushed or dropped.
 * runId is validated to [a-z0-9_] (resolve-options.ts), so both names need no quoting.
 * On a Redis Cluster (a redis-cluster:// URL) the run id is a hash tag, `cachelab:{<runId>}:`: every
 * key of the run then lives in one slot, so the multi-key commands of strategies (MULTI, scripts,
 * streams read together) do not fail with CROSSSLOT.
 */
export function keyPrefixFor(runId: string, redisUrl: string): string {
  return redisKind(redisUrl) === 'cluster' ? `cachelab:{${runId}}:` : `cachelab:${runId}:`;
}

/** The run id of a key in some run's namespace (either form of keyPrefixFor), or undefined. */
export function runIdOfKey(key: string): string | undefined {
  return /^cachelab:(?:\{([a-z0-9_]+)\}|([a-z0-9_]+)):/.exec(key)?.slice(1).find((id) => id !== undefined);
}

export function schemaFor(runId: string): string {
  return `cachelab_${runId}`;
}

/**
 * Creates the run's schema. Fails if it exists: it would belong to another run, and stop()
 * drops the schema it was given.
 */
export async function createSchema(databaseUrl: string, schema: string, comment?: string): Promise<void> {
  await withPostgres(databaseUrl, async (client) => {
    await client.query(`CREATE SCHEMA ${schema}`);
    if (comment !== undefined) await client.query(comment);
  });
}

export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  await withPostgres(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

/** Deletes every key starting with `prefix`, found by SCAN (never KEYS, never FLUSH*). Returns the count. */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = createRedisDriver(redisUrl, prefix, { ...defaultRedisSettings, commandTimeoutMs: 10_000 });
  try {
    return must(await redis.clear(), `delete Redis keys under ${prefix}`);
  } finally {
    await redis.close();
  }
}

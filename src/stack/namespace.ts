import { withPostgres, withRedis } from './one-shot-clients.js';

/**
 * A run's namespace on shared servers: Redis keys under `cachelab:<runId>:` and the PostgreSQL
 * schema `cachelab_<runId>`. Nothing outside it is ever written, flushed or dropped.
 * runId is validated to [a-z0-9_] (resolve-options.ts), so both names need no quoting.
 */
export function keyPrefixFor(runId: string): string {
  return `cachelab:${runId}:`;
}

export function schemaFor(runId: string): string {
  return `cachelab_${runId}`;
}

/**
 * Creates the run's schema. Fails if it exists: it would belong to another run, and stop()
 * drops the schema it was given.
 */
export async function createSchema(databaseUrl: string, schema: string): Promise<void> {
  await withPostgres(databaseUrl, (client) => client.query(`CREATE SCHEMA ${schema}`));
}

export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  await withPostgres(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

/** Deletes every key starting with `prefix`, found by SCAN (never KEYS, never FLUSH*). Returns the count. */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  const pattern = prefix.replace(/[*?[\]\\]/g, '\\$&') + '*';
  return withRedis(
    redisUrl,
    async (redis) => {
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.del(...keys);
      } while (cursor !== '0');
      return deleted;
    },
    10_000,
  );
}

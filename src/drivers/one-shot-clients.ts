import type { Redis } from 'ioredis';
import pg from 'pg';
import { newRedisClient } from './redis-client.js';

/**
 * Short-lived, fail-fast connections for the stack's own work (readiness probes, namespaces,
 * doctor), never for the lab's data path. Fail-fast means: no ioredis offline queue or
 * reconnects, so a dead server is an error within `timeoutMs`, not a stall.
 */
export async function withRedis<T>(url: string, fn: (redis: Redis) => Promise<T>, timeoutMs = 2000): Promise<T> {
  const redis = newRedisClient(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    sentinelTimeoutMs: timeoutMs,
  });
  // Without a listener ioredis prints errors. The first one says why a connect failed
  // (ECONNREFUSED, ENOTFOUND, WRONGPASS), where connect() itself only says "Connection is closed."
  let firstError: Error | undefined;
  redis.on('error', (err: Error) => (firstError ??= err));
  try {
    await redis.connect().catch((err: unknown) => {
      throw firstError ?? err;
    });
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** Same for PostgreSQL: one client, connect and query timeouts of `timeoutMs`, always ended. */
export async function withPostgres<T>(url: string, fn: (client: pg.Client) => Promise<T>, timeoutMs = 3000): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  // A server going away emits 'error' on an idle client; unheard, it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

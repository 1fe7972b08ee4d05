import { environmentError } from '../errors.js';
import { redactPassword } from './connection-urls.js';
import { keyPrefixFor } from './namespace.js';
import { redisNodes } from '../drivers/redis-topology.js';
import { redisKind } from '../drivers/redis-urls.js';
import { withPostgres, withRedis } from '../drivers/one-shot-clients.js';
import type { RedisPersistence } from './contract.js';
import { ToxiproxyApi } from '../drivers/toxiproxy-api.js';

/*
 * Reachability of external services, shared by the external stack (fail before creating
 * anything) and doctor. Each returns a short detail for doctor ("PONG, Redis 7.0.15") or throws
 * an environment LabError naming the service, its URL (password hidden) and how to fix it.
 */

export async function checkRedis(url: string): Promise<string> {
  try {
    return await withRedis(url, async (redis) => {
      const pong = await redis.ping();
      const info = await redis.info('server').catch(() => '');
      const version = /redis_version:(\S+)/.exec(info)?.[1];
      return version === undefined ? pong : `${pong}, Redis ${version}`;
    });
  } catch (err) {
    throw environmentError(
      `Redis at ${redactPassword(url)} is not usable: ${message(err)}`,
      'start it (docker compose up -d), check --redis-url / REDIS_URL, or give no URLs to use a throw-away local stack',
      err,
    );
  }
}

/**
 * Where a Sentinel set's or Cluster's data lives, as a run would find it: Sentinel's primary and
 * replicas, or the Cluster's state and nodes (each node gets a proxy of its own, and a run's keys
 * one hash tag, so one slot).
 */
export async function checkRedisTopology(url: string): Promise<string> {
  try {
    const nodes = await redisNodes(url, keyPrefixFor('doctor', url));
    if (nodes.kind === 'cluster') return `${nodes.detail}; a run's keys share the hash tag cachelab:{<run>}:, so one slot`;
    return nodes.detail;
  } catch (err) {
    throw environmentError(
      `Redis at ${redactPassword(url)}: ${message(err)}`,
      redisKind(url) === 'sentinel'
        ? 'check the sentinels\' host:port and the master name (redis-cli -p 26379 sentinel masters)'
        : 'check that every slot is served (redis-cli -c cluster info shows cluster_state:ok)',
      err,
    );
  }
}

export async function checkPostgres(url: string): Promise<string> {
  try {
    return await withPostgres(url, async (client) => {
      const result = await client.query<{ version: string }>('SELECT 1 AS ok, current_setting($1) AS version', ['server_version']);
      return `SELECT 1 ok, PostgreSQL ${result.rows[0]?.version ?? '?'}`;
    });
  } catch (err) {
    throw environmentError(
      `PostgreSQL at ${redactPassword(url)} is not usable: ${message(err)}`,
      'start it (docker compose up -d), check --database-url / DATABASE_URL (user, password, database), or give no URLs to use a throw-away local stack',
      err,
    );
  }
}

/**
 * A read replica the user runs: it answers, and it follows something (a logical subscriber with
 * subscriptions, or a physical standby). Says which, and that the lab cannot inject its lag.
 */
export async function checkReplica(url: string): Promise<string> {
  try {
    return await withPostgres(url, async (client) => {
      const result = await client.query<{ version: string; standby: boolean; subscriptions: number | null }>(
        `SELECT current_setting('server_version') AS version, pg_is_in_recovery() AS standby,
                (SELECT count(*)::int FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())) AS subscriptions`,
      );
      const row = result.rows[0];
      const follows = row?.standby ? 'a physical standby' : `a logical subscriber with ${row?.subscriptions ?? 0} subscription(s) in this database`;
      return `SELECT ok, PostgreSQL ${row?.version ?? '?'}, ${follows}; the lab reads it but cannot inject its lag, so replica-lag-stale-fill is skipped`;
    });
  } catch (err) {
    throw environmentError(
      `the read replica at ${redactPassword(url)} is not usable: ${message(err)}`,
      'check --replica-database-url / REPLICA_DATABASE_URL (user, password, database)',
      err,
    );
  }
}

export async function checkToxiproxy(url: string): Promise<string> {
  try {
    return `version ${await new ToxiproxyApi(url).version()}`;
  } catch (err) {
    throw environmentError(
      `Toxiproxy at ${redactPassword(url)} is not reachable: ${message(err)}`,
      'start it (docker compose up -d), check --toxiproxy-url / TOXIPROXY_URL, or leave it out to use the embedded fault proxy',
      err,
    );
  }
}

/** The AOF setting an external Redis runs with; 'unknown' when CONFIG is refused (managed Redis). */
export async function redisPersistenceOf(url: string): Promise<RedisPersistence | 'unknown'> {
  try {
    return await withRedis(url, async (redis) => {
      const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
      if (appendonly === 'no') return 'none';
      const [, fsync] = (await redis.config('GET', 'appendfsync')) as string[];
      return fsync === 'always' || fsync === 'everysec' || fsync === 'no' ? fsync : 'unknown';
    });
  } catch {
    return 'unknown';
  }
}

/** The useful part of a driver error: fetch says "fetch failed" and keeps ECONNREFUSED in `cause`. */
function message(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return message(err.errors[0]);
  if (!(err instanceof Error)) return String(err);
  const own = err.message || err.constructor.name;
  return err.cause instanceof Error ? `${own} (${message(err.cause)})` : own;
}

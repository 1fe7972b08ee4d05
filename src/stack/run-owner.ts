import { hostname } from 'node:os';
import { withPostgres, withRedis } from '../drivers/one-shot-clients.js';
import { scanKeys } from '../drivers/redis-client.js';
import { createRedisDriver, defaultRedisSettings, LAB_PREFIX, type RedisDriver } from '../drivers/redis.js';
import { ToxiproxyApi } from '../drivers/toxiproxy-api.js';
import { deleteKeysWithPrefix, dropSchema, keyPrefixFor, runIdOfKey, schemaFor } from './namespace.js';
import { isRunning } from './process-status.js';
import { dropPublicationAndSlot } from './read-replica.js';

/**
 * Who owns a run's namespace on shared servers, so that a later run can tell a live run (leave
 * it alone) from the leftovers of a killed one (remove them). The record sits in two places: the
 * comment of the run's schema, and a lease key `cachelab:<run>:_lab:owner` whose TTL the owner
 * renews while it lives. On the owner's host its PID decides at once; from another host, an
 * expired lease does (a few seconds after the owner died). A kept run (--keep) is never reaped.
 */
export interface OwnerRecord {
  host: string;
  pid: number;
  startedAt: string;
  keep: boolean;
}

/** ms the lease lasts without a renewal; renewed every third of it. */
const LEASE_TTL_MS = 3000;
const OWNER_KEY = `${LAB_PREFIX}owner`;

export function ownerRecord(keep: boolean): OwnerRecord {
  return { host: hostname(), pid: process.pid, startedAt: new Date().toISOString(), keep };
}

/** Holds the lease of one run until released; a kept run's lease never expires. */
export class OwnerLease {
  readonly #redis: RedisDriver;
  readonly #timer: NodeJS.Timeout;

  private constructor(
    redis: RedisDriver,
    private readonly record: OwnerRecord,
  ) {
    this.#redis = redis;
    this.#timer = setInterval(() => void this.#write(), LEASE_TTL_MS / 3);
    this.#timer.unref(); // never keeps a finished command alive
  }

  static async take(redisUrl: string, runId: string, record: OwnerRecord): Promise<OwnerLease> {
    const lease = new OwnerLease(createRedisDriver(redisUrl, keyPrefixFor(runId, redisUrl), defaultRedisSettings), record);
    await lease.#write();
    return lease;
  }

  /** Stops renewing. With keep the record stays for good; otherwise teardown deletes the key. */
  async release(keep: boolean): Promise<void> {
    clearInterval(this.#timer);
    if (keep) await this.#redis.set(OWNER_KEY, JSON.stringify({ ...this.record, keep: true }));
    await this.#redis.close();
  }

  async #write(): Promise<void> {
    await this.#redis.set(OWNER_KEY, JSON.stringify(this.record), this.record.keep ? undefined : LEASE_TTL_MS);
  }
}

/** The schema comment that records its owner, as SQL (the JSON is quoted for a literal). */
export function ownerComment(schema: string, record: OwnerRecord): string {
  return `COMMENT ON SCHEMA ${schema} IS '${JSON.stringify(record).replaceAll("'", "''")}'`;
}

/**
 * Removes the namespaces (keys, schema, a replica's publication and slot) and run-scoped proxies of runs whose owner is gone,
 * never one whose owner lives or is unknown, never anything outside `cachelab` namespaces.
 * Returns the run ids reaped. Failures are logged: an old run's debris never fails a new run.
 */
export async function reapDeadRuns(
  servers: { redisUrl: string; databaseUrl: string; toxiproxyUrl: string | undefined },
  ownRunId: string,
  log: (line: string) => void,
): Promise<string[]> {
  let leases: Awaited<ReturnType<typeof readLeases>>;
  let comments: Map<string, OwnerRecord>;
  try {
    [leases, comments] = await Promise.all([readLeases(servers.redisUrl), readSchemaComments(servers.databaseUrl)]);
  } catch (err) {
    log(`could not look for leftovers of killed runs: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
  const runIds = new Set([...leases.runIds, ...comments.keys()]);
  runIds.delete(ownRunId);
  const reaped: string[] = [];
  for (const runId of [...runIds].sort()) {
    const lease = leases.records.get(runId);
    const record = lease ?? comments.get(runId);
    if (record === undefined || (await ownerAlive(record, lease !== undefined))) continue;
    try {
      const keys = await deleteKeysWithPrefix(servers.redisUrl, keyPrefixFor(runId, servers.redisUrl));
      await dropSchema(servers.databaseUrl, schemaFor(runId));
      // A read replica's publication and slot (named like the schema): a slot left behind keeps WAL for ever.
      await dropPublicationAndSlot(servers.databaseUrl, schemaFor(runId), 5000);
      const proxies = servers.toxiproxyUrl === undefined ? 0 : await deleteRunProxies(servers.toxiproxyUrl, runId);
      log(`removed the leftovers of run ${runId} (pid ${record.pid} on ${record.host}, gone): ${keys} keys, schema ${schemaFor(runId)}, ${proxies} proxies`);
      reaped.push(runId);
    } catch (err) {
      log(`could not remove the leftovers of run ${runId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return reaped;
}

async function ownerAlive(record: OwnerRecord, leaseHeld: boolean): Promise<boolean> {
  if (record.keep) return true;
  if (record.host === hostname()) return isRunning(record.pid);
  return leaseHeld;
}

/** Every run id with keys under `cachelab:`, and the owner record of those whose lease is held. */
async function readLeases(redisUrl: string): Promise<{ runIds: Set<string>; records: Map<string, OwnerRecord> }> {
  return withRedis(redisUrl, async (redis) => {
    const runIds = new Set<string>();
    for (const key of await scanKeys(redis, 'cachelab:*', 1000)) {
      const runId = runIdOfKey(key);
      if (runId !== undefined) runIds.add(runId);
    }
    const records = new Map<string, OwnerRecord>();
    for (const runId of runIds) {
      const record = parseRecord(await redis.get(`${keyPrefixFor(runId, redisUrl)}${OWNER_KEY}`));
      if (record !== undefined) records.set(runId, record);
    }
    return { runIds, records };
  }, 10_000);
}

/** Owner records from the comments of `cachelab_<run>` schemas; a schema without one is left alone. */
async function readSchemaComments(databaseUrl: string): Promise<Map<string, OwnerRecord>> {
  return withPostgres(databaseUrl, async (client) => {
    const rows = await client.query<{ nspname: string; comment: string | null }>(
      "SELECT nspname, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname LIKE 'cachelab\\_%'",
    );
    const records = new Map<string, OwnerRecord>();
    for (const row of rows.rows) {
      const record = parseRecord(row.comment);
      if (record !== undefined) records.set(row.nspname.slice('cachelab_'.length), record);
    }
    return records;
  }, 10_000);
}

async function deleteRunProxies(toxiproxyUrl: string, runId: string): Promise<number> {
  const api = new ToxiproxyApi(toxiproxyUrl);
  // App 0's pair, the pairs of apps 1.. (`cachelab_<run>_app<i>_*`), and the proxies to the other
  // nodes of a Sentinel set or Cluster (`..._redis_<n>`).
  const ours = new RegExp(`^cachelab_${runId}_(app\\d+_)?(redis(_\\d+)?|postgres)$`);
  const names = Object.keys(await api.proxies()).filter((name) => ours.test(name));
  for (const name of names) await api.deleteProxy(name);
  return names.length;
}

function parseRecord(text: string | null | undefined): OwnerRecord | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<OwnerRecord>;
    if (typeof value.host !== 'string' || typeof value.pid !== 'number') return undefined;
    return { host: value.host, pid: value.pid, startedAt: String(value.startedAt ?? ''), keep: value.keep === true };
  } catch {
    return undefined;
  }
}

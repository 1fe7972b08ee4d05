import type { Redis } from 'ioredis';
import type { RedisSettings } from './redis.js';
import { asCluster, connect } from './redis-client.js';
import type { Result } from './result.js';

/**
 * One cache entry as `cachelab check` reads it. `value`: a string key's value; a hash as a JSON
 * object of its fields, sorted by field (so it compares with --compare json); null for any other
 * type (list, set, ...), which is named in `type` and never equals a database value.
 */
export interface CacheRead {
  type: string;
  value: string | null;
  /** ms left, or null when the key has no TTL. */
  ttlMs: number | null;
}

/** Keys per pipeline: one MGET of this many keys and as many PTTLs. */
const BATCH = 500;

/**
 * Reads `keys` with read commands only: per batch one pipeline of MGET and PTTLs, then, for the
 * keys MGET found no string in although PTTL says they exist, TYPE and (for hashes) HGETALL.
 * Throws the first error reply; the caller's choke point classifies it.
 */
export async function readEntries(client: Redis, keys: readonly string[]): Promise<(CacheRead | null)[]> {
  const entries: (CacheRead | null)[] = [];
  const cluster = asCluster(client) !== undefined;
  for (let start = 0; start < keys.length; start += BATCH) {
    const batch = keys.slice(start, start + BATCH);
    // A Cluster refuses a pipeline (and an MGET) whose keys live in different slots: one pipeline
    // per key there, all in flight at once, each routed to its key's node.
    if (cluster) entries.push(...(await Promise.all(batch.map(async (key) => (await readBatch(client, [key]))[0] ?? null))));
    else entries.push(...(await readBatch(client, batch)));
  }
  return entries;
}

async function readBatch(client: Redis, keys: string[]): Promise<(CacheRead | null)[]> {
  const pipeline = client.pipeline().mget(...keys);
  for (const key of keys) pipeline.pttl(key);
  const [values, ...pttls] = replies(await pipeline.exec()) as [(string | null)[], ...number[]];
  const entries = keys.map((_, i): CacheRead | null => {
    const value = values[i] ?? null;
    const pttl = pttls[i] ?? -2;
    // -2: absent; a value MGET saw that expired before its PTTL keeps 0 ms left.
    if (value !== null) return { type: 'string', value, ttlMs: pttl === -2 ? 0 : ttlOf(pttl) };
    return pttl === -2 ? null : { type: 'unknown', value: null, ttlMs: ttlOf(pttl) };
  });
  const others = entries.flatMap((entry, i) => (entry?.type === 'unknown' ? [i] : []));
  if (others.length === 0) return entries;

  const typing = client.pipeline();
  for (const i of others) typing.type(keys[i] ?? '');
  const types = replies(await typing.exec()) as string[];
  const hashes = others.filter((_, n) => types[n] === 'hash');
  const reading = client.pipeline();
  for (const i of hashes) reading.hgetall(keys[i] ?? '');
  const contents = hashes.length === 0 ? [] : (replies(await reading.exec()) as Record<string, string>[]);
  others.forEach((i, n) => {
    const entry = entries[i];
    const type = types[n] ?? 'none';
    if (!entry || type === 'none') {
      entries[i] = null; // gone since the first pipeline
      return;
    }
    entry.type = type;
    const fields = contents[hashes.indexOf(i)];
    if (type === 'hash' && fields !== undefined) entry.value = JSON.stringify(Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  });
  return entries;
}

/** The replies of a pipeline, or its first error thrown. */
function replies(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error('the pipeline was aborted');
  return results.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}

const ttlOf = (pttl: number): number | null => (pttl < 0 ? null : pttl);

/**
 * A read-only view of a Redis the user runs (`cachelab check`): keys exactly as the user names
 * them, no prefix. It sends only PING, MGET, PTTL, TYPE and HGETALL (plus the CLIENT SETNAME and
 * INFO ioredis sends on connect), and has no method that could send anything else. Its connection
 * is named `cachelab-check` in CLIENT LIST.
 */
export interface RedisReader {
  /** ok, or fail/unknown with why the server cannot be reached (ECONNREFUSED, WRONGPASS...). */
  ping(): Promise<Result<void>>;
  /**
   * Each key's entry, in the order given; null when absent. Batched: one pipeline of MGET + PTTL
   * per 500 keys, then TYPE and HGETALL for the few keys that hold something else than a string.
   */
  readMany(keys: readonly string[]): Promise<Result<(CacheRead | null)[]>>;
  close(): Promise<void>;
}

export const READER_CONNECTION_NAME = 'cachelab-check';

export function createRedisReader(url: string, settings: RedisSettings): RedisReader {
  const { client, call, lastError } = connect(url, settings, { keyPrefix: '', connectionName: READER_CONNECTION_NAME });
  /** The connection error says more than "Connection is closed." or a flushed offline queue. */
  const explained = <T>(result: Result<T>): Result<T> =>
    result.outcome === 'ok' ? result : { outcome: result.outcome, error: lastError()?.message ?? result.error };
  return {
    ping: async () =>
      explained(
        await call(async () => {
          await client.ping();
        }),
      ),
    readMany: async (keys) => explained(await call(() => readEntries(client, keys))),
    close: async () => {
      client.disconnect();
      await Promise.resolve();
    },
  };
}

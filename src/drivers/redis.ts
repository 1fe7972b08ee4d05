import type { Redis } from 'ioredis';
import type { StoreCounters } from './counters.js';
import { connect, scanKeys } from './redis-client.js';
import { streamCommands, type StreamCommands } from './redis-streams.js';
import { failed, ok, type Result } from './result.js';

/**
 * Resilience settings of the app's Redis client. They decide what a cut link looks like to the
 * strategy, so every run prints them and the CLI can change them.
 */
export interface RedisSettings {
  /** 0: a command in flight when the link drops is rejected at once instead of waiting for
   *  reconnects (ioredis' default 20 turns a cut link into 20 retries of slowness). */
  maxRetriesPerRequest: number;
  /** true: a command issued while reconnecting waits in the offline queue for the link. */
  enableOfflineQueue: boolean;
  /** false: never resend a command that may already have run (a DECRBY applied twice). */
  autoResendUnfulfilledCommands: boolean;
  /** ms; a command without a reply after this is `unknown`. Also settles commands ioredis drops
   *  on reconnect when autoResendUnfulfilledCommands is false (it never rejects those). */
  commandTimeoutMs: number;
  /** ms to establish a connection. */
  connectTimeoutMs: number;
  /** ms between reconnect attempts (fixed, no backoff, so runs are repeatable). */
  retryDelayMs: number;
}

/** Longest delay a Node timer takes, ms; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * What ioredis really accepts for each numeric setting (inclusive). A commandTimeout or
 * connectTimeout of 0 makes every command or connect fail at once.
 */
export const redisSettingRanges: Record<'maxRetriesPerRequest' | 'commandTimeoutMs' | 'connectTimeoutMs' | 'retryDelayMs', [number, number]> = {
  maxRetriesPerRequest: [0, 1000],
  commandTimeoutMs: [1, MAX_TIMER_MS],
  connectTimeoutMs: [1, MAX_TIMER_MS],
  retryDelayMs: [0, MAX_TIMER_MS],
};

export const defaultRedisSettings: RedisSettings = {
  maxRetriesPerRequest: 0,
  enableOfflineQueue: true,
  autoResendUnfulfilledCommands: false,
  commandTimeoutMs: 1000,
  connectTimeoutMs: 1000,
  retryDelayMs: 50,
};

/**
 * Strategies keep their bookkeeping (2PC intents, lease tokens, versions, streams) under this
 * prefix inside the run's namespace: the final snapshot lists it apart, and neither the diff nor
 * the checkers count it as data.
 */
export const META_PREFIX = '_meta:';

/**
 * The lab's own keys in a run's namespace (the run's owner lease), under this prefix: not the
 * strategy's, so the snapshot leaves them out altogether.
 */
export const LAB_PREFIX = '_lab:';

/** metaKey('2pc', 'p1') -> "_meta:2pc:p1". */
export const metaKey = (...parts: string[]): string => META_PREFIX + parts.join(':');

export interface CacheEntry {
  value: string;
  /** ms left, or null when the key has no TTL. */
  ttlMs: number | null;
}

/**
 * One key of the namespace, whatever its type. `value` is the string for a string key, the sorted
 * members for a set, and for the other types their content in order: list items, "field=value"
 * for a hash, "member=score" for a sorted set, entry ids for a stream.
 */
export type CacheItem =
  | { key: string; type: 'string'; value: string; ttlMs: number | null }
  | { key: string; type: 'set' | 'list' | 'hash' | 'zset' | 'stream'; value: string[]; ttlMs: number | null };

/**
 * The narrow Redis edge. Keys are given without the run prefix; the driver adds it, so nothing
 * above can touch a key outside the run's namespace. Every method resolves; none throws.
 */
export interface RedisDriver {
  get(key: string): Promise<Result<string | null>>;
  /** ttlMs undefined or 0: no expiry (a strategy's cacheTtlMs of 0 means none). */
  set(key: string, value: string, ttlMs?: number): Promise<Result<void>>;
  /** Sets only if absent; ok(true) when it was set. ttlMs as for set. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<Result<boolean>>;
  /** ok(number of keys removed). */
  del(...keys: string[]): Promise<Result<number>>;
  /**
   * Runs the commands in one MULTI/EXEC: all or none (an order's cache entry and its queue entry
   * together). `key` is prefixed; the other arguments are sent as they are. fail when Redis
   * discarded the whole transaction (EXECABORT: a malformed command). unknown when EXEC ran and a
   * command failed inside it (WRONGTYPE): Redis has no rollback, so the others were applied.
   */
  atomically(commands: AtomicCommand[]): Promise<Result<void>>;
  /**
   * Runs a Lua script atomically (EVAL). `keys` are prefixed like every other key: a script must
   * reach keys only through KEYS, never build names itself. ok(n): the script returned the integer
   * n. fail: Redis refused it (never sent, or an error reply; Redis keeps the writes a script made
   * before a runtime error, so scripts check before they write). unknown: sent and the answer was
   * lost, or the reply was not an integer (it ran, but its answer cannot be read).
   */
  evalScript(script: string, keys: string[], args: string[]): Promise<Result<number>>;
  /** Value and TTL of a key; ok(null) when absent. */
  entry(key: string): Promise<Result<CacheEntry | null>>;
  /** INCRBY (a negative delta decrements): ok(the new value). An absent key counts as 0 and is created. */
  incrBy(key: string, delta: number): Promise<Result<number>>;
  /**
   * Adds `delta` to the integer at `key` in one atomic step (a Lua script), only if the key exists
   * and the result stays >= 0: ok(the new value), ok('missing') when the key is absent (nothing
   * changed; the caller decides how to rebuild it), ok('insufficient') when the result would be
   * below 0 (nothing changed). A check-and-decrement no other client can interleave with.
   */
  adjustCounter(key: string, delta: number): Promise<Result<number | 'missing' | 'insufficient'>>;
  sadd(key: string, member: string): Promise<Result<void>>;
  smembers(key: string): Promise<Result<string[]>>;
  /** Every key of this namespace, without the prefix. */
  keys(): Promise<Result<string[]>>;
  /** Every key of this namespace with its type, content and TTL, sorted by key; for snapshots. */
  dump(): Promise<Result<CacheItem[]>>;
  /** Removes every key of this namespace (and nothing else). ok(count). */
  clear(): Promise<Result<number>>;
  ping(): Promise<Result<void>>;
  /**
   * WAIT: blocks until `replicas` replicas have acknowledged every write this connection made, or
   * `timeoutMs` passed; ok(how many did). A write fewer replicas hold can be lost in a failover.
   */
  waitReplicas(replicas: number, timeoutMs: number): Promise<Result<number>>;
  /** Consumer-group commands on streams (a durable queue). */
  stream: StreamCommands;
  close(): Promise<void>;
}

/** What atomically() may run: a command, its key, then its other arguments. */
export type AtomicCommand = [command: 'set' | 'del' | 'sadd' | 'pexpire' | 'rpush' | 'xadd', key: string, ...args: string[]];

/** `counters`: where the app's load generator counts the commands sent (optional). */
export function createRedisDriver(url: string, keyPrefix: string, settings: RedisSettings, counters?: StoreCounters): RedisDriver {
  const { client, call } = connect(url, settings, { keyPrefix, counters });

  return {
    get: (key) => call(() => client.get(key)),
    set: (key, value, ttlMs) =>
      call(async () => {
        await (expires(ttlMs) ? client.set(key, value, 'PX', ttlMs) : client.set(key, value));
      }),
    setIfAbsent: (key, value, ttlMs) =>
      call(async () => {
        const reply = await (expires(ttlMs) ? client.set(key, value, 'PX', ttlMs, 'NX') : client.set(key, value, 'NX'));
        return reply === 'OK';
      }),
    del: (...keys) => call(() => client.del(...keys)),
    atomically: (commands) =>
      call(async () => {
        const replies = await client.multi(commands).exec();
        if (replies === null) throw new Error('MULTI aborted');
        const error = replies.find(([err]) => err)?.[0];
        // Not a ReplyError for call(): the transaction ran, partly.
        if (error) throw new Error(`a command inside MULTI failed, the others were applied: ${error.message}`);
      }),
    evalScript: async (script, keys, args) => {
      const reply = await call(() => client.eval(script, keys.length, ...keys, ...args));
      if (reply.outcome !== 'ok') return reply;
      if (typeof reply.value !== 'number') return failed('unknown', new Error(`the script answered ${JSON.stringify(reply.value)}, not an integer`));
      return ok(reply.value);
    },
    entry: (key) =>
      call(async () => {
        const [[getErr, value], [ttlErr, pttl]] = (await client.multi().get(key).pttl(key).exec()) as [
          [Error | null, string | null],
          [Error | null, number],
        ];
        if (getErr) throw getErr;
        if (ttlErr) throw ttlErr;
        if (value === null) return null;
        return { value, ttlMs: pttl < 0 ? null : pttl };
      }),
    incrBy: (key, delta) => call(() => client.incrby(key, delta)),
    adjustCounter: (key, delta) =>
      call(async () => {
        // EVAL with numkeys 1: ioredis prefixes KEYS[1] like any other key.
        const reply = (await client.eval(ADJUST_COUNTER, 1, key, delta)) as number | string;
        if (reply === 'missing' || reply === 'insufficient') return reply;
        if (typeof reply !== 'number') throw new Error(`unexpected reply from the counter script: ${JSON.stringify(reply)}`);
        return reply;
      }),
    sadd: (key, member) =>
      call(async () => {
        await client.sadd(key, member);
      }),
    smembers: (key) => call(() => client.smembers(key)),
    keys: () => call(() => scanAll(client, keyPrefix)),
    dump: () =>
      call(async () => {
        const items: CacheItem[] = [];
        for (const key of (await scanAll(client, keyPrefix)).sort()) {
          const item = await readItem(client, key);
          if (item) items.push(item);
        }
        return items;
      }),
    clear: () =>
      call(async () => {
        const keys = await scanAll(client, keyPrefix);
        // The client adds the prefix again, so pass keys without it.
        return keys.length === 0 ? 0 : client.del(...keys);
      }),
    waitReplicas: (replicas, timeoutMs) => call(() => client.wait(replicas, timeoutMs)),
    ping: () =>
      call(async () => {
        await client.ping();
      }),
    stream: streamCommands(client, keyPrefix, call),
    close: async () => {
      client.disconnect();
      await Promise.resolve();
    },
  };
}

/** KEYS[1] the counter, ARGV[1] the delta. INCRBY keeps the key's TTL, if it has one. */
const ADJUST_COUNTER = `
local current = redis.call('GET', KEYS[1])
if not current then return 'missing' end
if tonumber(current) + tonumber(ARGV[1]) < 0 then return 'insufficient' end
return redis.call('INCRBY', KEYS[1], ARGV[1])
`;

const expires = (ttlMs: number | undefined): ttlMs is number => ttlMs !== undefined && ttlMs > 0;

/** One key's type, content and TTL in one MULTI, so they belong together; undefined if it is gone. */
async function readItem(client: Redis, key: string): Promise<CacheItem | undefined> {
  const type = await client.type(key);
  const read: Record<string, (m: ReturnType<Redis['multi']>) => unknown> = {
    string: (m) => m.get(key),
    set: (m) => m.smembers(key),
    list: (m) => m.lrange(key, 0, -1),
    hash: (m) => m.hgetall(key),
    zset: (m) => m.zrange(key, 0, -1, 'WITHSCORES'),
    stream: (m) => m.xrange(key, '-', '+'),
  };
  const reader = read[type];
  if (reader === undefined) return undefined; // 'none': expired or deleted since the SCAN
  const multi = client.multi();
  reader(multi);
  const replies = await multi.pttl(key).exec();
  if (replies === null) throw new Error(`MULTI aborted reading ${key}`);
  const [[readErr, raw], [ttlErr, pttl]] = replies as [[Error | null, unknown], [Error | null, number]];
  if (readErr) throw readErr;
  if (ttlErr) throw ttlErr;
  if (raw === null || pttl === -2) return undefined;
  const ttlMs = pttl < 0 ? null : pttl;
  switch (type) {
    case 'string':
      return { key, type, value: raw as string, ttlMs };
    case 'set':
      return { key, type, value: (raw as string[]).sort(), ttlMs };
    case 'hash':
      return { key, type, value: Object.entries(raw as Record<string, string>).map(([f, v]) => `${f}=${v}`).sort(), ttlMs };
    case 'zset':
      return { key, type, value: pairs(raw as string[]).map(([m, score]) => `${m}=${score}`), ttlMs };
    case 'stream':
      return { key, type, value: (raw as [string, string[]][]).map(([id]) => id), ttlMs };
    default:
      return { key, type: 'list', value: raw as string[], ttlMs };
  }
}

const pairs = (flat: string[]): [string, string][] =>
  flat.flatMap((item, i) => (i % 2 === 0 ? [[item, flat[i + 1] ?? ''] as [string, string]] : []));

/** SCAN ignores keyPrefix, so the pattern carries it; returned keys have it stripped. */
async function scanAll(client: Redis, keyPrefix: string): Promise<string[]> {
  const pattern = keyPrefix.replace(/[*?[\]\\]/g, '\\$&') + '*';
  return (await scanKeys(client, pattern, 500)).map((key) => key.slice(keyPrefix.length));
}

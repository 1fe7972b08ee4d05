import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Outcome } from '../history/history.js';
import type { StoreCounters } from './counters.js';
import type { RedisSettings } from './redis.js';
import { failed, ok, type Result } from './result.js';
import { parseClusterUrl, parseSentinelUrl, redisKind } from './redis-urls.js';

/** ioredis options plus, for Sentinel, the ms a sentinel's reply may take. */
export type ClientOptions = RedisOptions & { sentinelTimeoutMs?: number };

/**
 * An ioredis client for any Redis URL the lab takes: redis:// (one server), redis-sentinel:// (ioredis
 * asks the sentinels for the primary, dials it through natMap, and asks again after each
 * disconnect, so it follows a failover) or redis-cluster:// (a Cluster client, typed as Redis: it
 * takes the same commands, routed by each key's slot; SCAN is per node, see scanKeys). The run's
 * keys share one hash tag, so its multi-key commands stay in one slot.
 */
export function newRedisClient(url: string, options: ClientOptions): Redis {
  const { sentinelTimeoutMs, ...common } = options;
  switch (redisKind(url)) {
    case 'server':
      return new Redis(url, common);
    case 'sentinel': {
      const target = parseSentinelUrl(url);
      return new Redis({
        ...common,
        sentinels: target.sentinels,
        name: target.name,
        ...(target.password === undefined ? {} : { password: target.password }),
        natMap: target.natMap,
        sentinelRetryStrategy: common.retryStrategy ?? (() => null),
        // The sentinels are not faulted: their replies must not be what times out.
        ...(sentinelTimeoutMs === undefined ? {} : { sentinelCommandTimeout: sentinelTimeoutMs }),
      });
    }
    case 'cluster': {
      const target = parseClusterUrl(url);
      // A Cluster reconnects as a whole (clusterRetryStrategy) and queues offline itself; its nodes' own options are the rest.
      const { keyPrefix, retryStrategy, enableOfflineQueue, lazyConnect, ...node } = common;
      const cluster = new Cluster(target.nodes, {
        ...(keyPrefix === undefined ? {} : { keyPrefix }),
        ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
        ...(lazyConnect === undefined ? {} : { lazyConnect }),
        clusterRetryStrategy: (times) => (typeof retryStrategy === 'function' ? retryStrategy(times) : null),
        natMap: target.natMap,
        redisOptions: { ...node, ...(target.password === undefined ? {} : { password: target.password }) },
      });
      // A node's client times a command from when it is handed to it; a Cluster first queues it
      // (offline, or between redirections while a slot's node is unreachable) with no timer at all,
      // so a cut link would hang it for good. The same contract as one server: timed from the call.
      const { commandTimeout } = node;
      if (commandTimeout !== undefined) {
        const send = cluster.sendCommand.bind(cluster);
        cluster.sendCommand = (...args: Parameters<Cluster['sendCommand']>) => {
          args[0].setTimeout(commandTimeout);
          return send(...args);
        };
      }
      return cluster as unknown as Redis;
    }
  }
}

/** The Cluster behind a client newRedisClient made from a redis-cluster:// URL. */
export function asCluster(client: Redis): Cluster | undefined {
  const unknown: unknown = client;
  return unknown instanceof Cluster ? unknown : undefined;
}

/**
 * Calls `onDown` each time a link of `client` drops: its connection closes, or for a Cluster any
 * node's does ('-node', 'node error'): a Cluster client stays 'ready' while the node that holds a
 * slot is unreachable, and its commands for that slot fail only after a round of redirections.
 */
export function onLinkDown(client: Redis, onDown: () => void): void {
  const cluster = asCluster(client);
  if (cluster === undefined) {
    client.on('close', onDown);
    return;
  }
  cluster.on('-node', onDown);
  cluster.on('node error', onDown);
}

/**
 * Every key matching `pattern`, by SCAN (never KEYS): on each primary of a Cluster (a Cluster
 * client would send SCAN to one node), else on the server. `count` is SCAN's COUNT hint.
 */
export async function scanKeys(client: Redis, pattern: string, count: number): Promise<string[]> {
  const cluster = asCluster(client);
  // A Cluster knows its nodes once it has the slot map: a command waits for it (bounded by its timeout).
  if (cluster !== undefined && cluster.status !== 'ready') await cluster.ping();
  const servers = cluster?.nodes('master') ?? [client];
  const found: string[] = [];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/*
 * The one place an ioredis client is made and its errors are classified: the lab's RedisDriver,
 * the raw client a strategy module gets, and the read-only reader of `cachelab check` all connect
 * here, so each sees a cut link the same way.
 */

/** The lab's ioredis client for the app, and how many times its link has come up (for classifying). */
export interface AppRedisClient {
  client: Redis;
  readyCount: () => number;
}

/**
 * An ioredis client with the lab's resilience settings, keys prefixed with `keyPrefix`, for the
 * raw client a strategy module gets.
 */
export function connectRedis(url: string, keyPrefix: string, settings: RedisSettings, counters?: StoreCounters): AppRedisClient {
  const { client, readyCount } = connect(url, settings, { keyPrefix, counters });
  return { client, readyCount };
}

/**
 * The one rule Redis errors are classified by (the driver's call() and the raw clients of strategy
 * modules both use it). `issuedOnReadyLink`: the link was ready when the command was issued;
 * `linkCameUpSince`: it has come up (again) since.
 * - A server error reply (ReplyError): Redis refused it: fail.
 * - A command timeout: unknown, always. ioredis rejects the promise but leaves a command issued
 *   while offline in its queue, to be sent when the link comes back.
 * - A command issued on a ready link, or queued offline and the link came up since: it may have
 *   been sent and run before the link died: unknown.
 * - A command queued offline that errors before the link ever came up (the queue was flushed,
 *   or offline queueing is off): never sent: fail.
 */
export function redisErrorOutcome(
  err: unknown,
  issuedOnReadyLink: boolean,
  linkCameUpSince: boolean,
): { outcome: Exclude<Outcome, 'ok'>; why: string } {
  if (err instanceof Error && err.name === 'ReplyError') return { outcome: 'fail', why: 'Redis refused the command' };
  if (err instanceof Error && err.message === 'Command timed out') return { outcome: 'unknown', why: 'a Redis command timed out and may have run' };
  if (!issuedOnReadyLink && !linkCameUpSince) return { outcome: 'fail', why: 'a Redis command never sent, the link was down' };
  return { outcome: 'unknown', why: 'a Redis command sent before the link was cut may have run' };
}

export type Call = <T>(run: () => Promise<T>) => Promise<Result<T>>;

/** An ioredis client with `settings`, and the one choke point every call on it goes through. */
export function connect(
  url: string,
  settings: RedisSettings,
  options: { keyPrefix: string; connectionName?: string; counters?: StoreCounters | undefined },
): { client: Redis; call: Call; lastError: () => Error | undefined; readyCount: () => number } {
  const common = {
    keyPrefix: options.keyPrefix,
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    maxRetriesPerRequest: settings.maxRetriesPerRequest,
    enableOfflineQueue: settings.enableOfflineQueue,
    autoResendUnfulfilledCommands: settings.autoResendUnfulfilledCommands,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    retryStrategy: () => settings.retryDelayMs,
    // CLIENT SETINFO on every reconnect is noise in a lab that cuts links on purpose.
    disableClientInfo: true,
    lazyConnect: false,
  };
  const client = newRedisClient(url, { ...common, sentinelTimeoutMs: Math.max(settings.commandTimeoutMs, 1000) });
  // Without a listener ioredis prints every reconnect error; the outcome of each command already
  // says what the caller needs to know. The last one says why a server cannot be reached.
  let lastError: Error | undefined;
  client.on('error', (err: Error) => (lastError = err));
  /** Counts 'ready' events: a command queued offline is sent when the link comes up again. */
  let readyCount = 0;
  client.on('ready', () => (readyCount += 1));
  const { counters } = options;
  if (counters) {
    // Every command goes through sendCommand (pipelines and MULTI too).
    const send = client.sendCommand.bind(client);
    client.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
      counters.redisCommands += 1;
      return send(...args);
    };
  }

  /** The one choke point every call on this client goes through, classified by redisErrorOutcome. */
  async function call<T>(run: () => Promise<T>): Promise<Result<T>> {
    const wasReady = client.status === 'ready';
    const readyBefore = readyCount;
    try {
      return ok(await run());
    } catch (err) {
      return failed(redisErrorOutcome(err, wasReady, readyCount !== readyBefore).outcome, err);
    }
  }
  return { client, call, lastError: () => lastError, readyCount: () => readyCount };
}

import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Outcome } from '../history/history.js';
import type { StoreCounters } from './counters.js';
import { createPool, pgErrorOutcome, isServerError, type PgSettings } from './postgres.js';
import { connectRedis, redisErrorOutcome } from './redis-client.js';
import type { RedisSettings } from './redis.js';

/** The ioredis client a strategy module gets. */
export type RawRedis = Redis;
/** The pg Pool a strategy module gets. */
export type RawPool = pg.Pool;

/**
 * A strategy module's own clients: a real ioredis client and a real pg Pool, both through the fault
 * proxy, with the lab's driver settings, the run's key prefix and search_path. They throw as their
 * libraries do; every error they raise is marked at the source with what it means (ok/fail/unknown
 * by the drivers' own rules), and classifyThrown() reads the mark when one escapes a method.
 */
export interface RawClients {
  redis: RawRedis;
  db: RawPool;
  /** Whether each link answers now (PING, SELECT 1). Never throws. */
  health(): Promise<{ redis: boolean; db: boolean }>;
  close(): Promise<void>;
}

export interface RawClientOptions {
  redisUrl: string;
  keyPrefix: string;
  redis: RedisSettings;
  databaseUrl: string;
  schema: string;
  pg: PgSettings;
}

type Classified = { outcome: Exclude<Outcome, 'ok'>; why: string };

/** The mark each error got where it was raised. An error shared by several commands keeps the worst. */
const marks = new WeakMap<object, Classified>();

function mark(err: unknown, classified: Classified): void {
  if (typeof err !== 'object' || err === null) return;
  if (marks.get(err)?.outcome === 'unknown') return;
  marks.set(err, classified);
}

/** `counters`: where the app's load generator counts Redis commands (statements are not counted). */
export function createRawClients(o: RawClientOptions, counters?: StoreCounters): RawClients {
  const redis = markedRedis(o.redisUrl, o.keyPrefix, o.redis, counters);
  const db = createPool(o.databaseUrl, o.schema, o.pg, (err) =>
    mark(err, { outcome: 'unknown', why: 'the PostgreSQL link died with a statement in flight, which may have run' }),
  );
  markPool(db);
  return {
    redis,
    db,
    health: async () => {
      const [r, d] = await Promise.all([
        redis.ping().then(() => true, () => false),
        db.query('SELECT 1').then(() => true, () => false),
      ]);
      return { redis: r, db: d };
    },
    close: async () => {
      redis.disconnect();
      await db.end().catch(() => undefined);
    },
  };
}

/** Every command goes through sendCommand (pipelines and MULTI too): mark its error there. */
function markedRedis(url: string, keyPrefix: string, settings: RedisSettings, counters?: StoreCounters): Redis {
  const { client, readyCount } = connectRedis(url, keyPrefix, settings, counters);
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    const command = args[0];
    const issuedOnReadyLink = client.status === 'ready';
    const readyBefore = readyCount();
    const result = send(...args);
    command.promise.catch((err: unknown) => mark(err, redisErrorOutcome(err, issuedOnReadyLink, readyCount() !== readyBefore)));
    return result;
  });
  return client;
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;
type QueryCallback = (err: Error | undefined, result: unknown) => void;

/**
 * pool.connect (pool.query uses it too) fails before anything is sent; a statement handed to a
 * connection fails by pgErrorOutcome. A cut mid-transaction is marked unknown like any statement
 * in flight: the lab cannot see where a module's transactions begin and end.
 */
function markPool(pool: pg.Pool): void {
  const connect = pool.connect.bind(pool) as (cb?: ConnectCallback) => Promise<pg.PoolClient> | undefined;
  const notSent = (err: unknown): void => mark(err, pgErrorOutcome(err, false));
  (pool as { connect: unknown }).connect = (cb?: ConnectCallback) => {
    if (cb) {
      return connect((err, client, done) => {
        if (err) notSent(err);
        cb(err, client, done);
      });
    }
    return connect()?.catch((err: unknown) => {
      notSent(err);
      throw err;
    });
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const sent = (err: unknown): void => mark(err, pgErrorOutcome(err, true));
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const last = args.at(-1);
      if (typeof last === 'function') {
        const callback = last as QueryCallback;
        args[args.length - 1] = (err: Error | undefined, result: unknown) => {
          if (err) sent(err);
          callback(err, result);
        };
        return query(...args);
      }
      const result = query(...args);
      if (!(result instanceof Promise)) return result; // a Submittable (cursor, stream): its own events
      return result.catch((err: unknown) => {
        sent(err);
        throw err;
      });
    };
  });
}

/** What an error that escaped a module's method means for its operation. */
export type Thrown =
  /** Raised by its Redis or PostgreSQL client (or wraps one as `cause`): the op's outcome, and why. */
  | { store: true; outcome: Exclude<Outcome, 'ok'>; why: string }
  /** Anything else: a bug in the module; the op may have done anything. */
  | { store: false };

/**
 * Classifies an error thrown out of a strategy module's method by the drivers' rules: refused
 * before sending -> fail; cut or timed out after sending -> unknown; refused by the server -> fail.
 * Follows `cause` (a module that wraps the client's error keeps its meaning).
 */
export function classifyThrown(err: unknown): Thrown {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const marked = marks.get(current);
    if (marked) return { store: true, ...marked };
    if (isServerError(current)) return { store: true, ...pgErrorOutcome(current, true) };
    current = (current as { cause?: unknown }).cause;
  }
  return { store: false };
}

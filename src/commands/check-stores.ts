import { durationText } from '../checkers/sampled-consistency.js';
import { streamReadOnly, type ReadOnlyResult, type TextRow } from '../drivers/postgres-read.js';
import { createRedisReader, type CacheRead, type RedisReader } from '../drivers/redis-read.js';
import { defaultRedisSettings } from '../drivers/redis.js';
import { environmentError, interruptedError, usageError } from '../errors.js';
import { redactPassword } from '../stack/connection-urls.js';

/** How `cachelab check` reaches the stores, and what it tells the user when it cannot. */
export interface StoreOptions {
  redisUrl: string;
  databaseUrl: string;
  /** ms PostgreSQL may spend on the query (and on each fetch of its rows). */
  statementTimeoutMs: number;
  signal?: AbortSignal;
}

/** Patient enough for a busy production Redis, failing at once when it cannot be reached. */
const READER_SETTINGS = { ...defaultRedisSettings, commandTimeoutMs: 10_000, connectTimeoutMs: 5000, retryDelayMs: 200 };
const CONNECT_TIMEOUT_MS = 5000;
/** Rows per fetch from the cursor. */
const BATCH_ROWS = 1000;

/** A read-only Redis connection, answering PING, or an environment LabError. */
export async function openCache(opts: StoreOptions): Promise<RedisReader> {
  const reader = createRedisReader(opts.redisUrl, READER_SETTINGS);
  const pong = await reader.ping();
  if (pong.outcome === 'ok') return reader;
  await reader.close();
  throw redisDown(opts, pong.error);
}

export async function readCache(reader: RedisReader, keys: readonly string[], opts: StoreOptions): Promise<(CacheRead | null)[]> {
  const read = await reader.readMany(keys);
  if (opts.signal?.aborted) throw interruptedError(opts.signal);
  if (read.outcome !== 'ok') throw redisDown(opts, read.error);
  return read.value;
}

/** Runs `sql` read-only (streamReadOnly), handing rows over in batches; the raw outcome. */
export function streamRows(opts: StoreOptions, sql: string, params: unknown[], onRows: (rows: TextRow[]) => void): Promise<ReadOnlyResult> {
  return streamReadOnly(opts.databaseUrl, sql, params, { statementTimeoutMs: opts.statementTimeoutMs, connectTimeoutMs: CONNECT_TIMEOUT_MS, batchRows: BATCH_ROWS, signal: opts.signal }, onRows);
}

/** The row count of a query that ran, or the LabError that says why it did not. */
export function rowsOrThrow(read: ReadOnlyResult, opts: StoreOptions): number {
  if (opts.signal?.aborted) throw interruptedError(opts.signal);
  switch (read.outcome) {
    case 'ok':
      return read.value.rows;
    case 'refused':
      throw usageError(
        `PostgreSQL refused the query: ${read.error}`,
        'give one SELECT whose first two columns are the key and the value; it runs in a READ ONLY transaction, so it cannot write',
      );
    case 'timeout':
      throw environmentError(
        `the query did not finish within the statement timeout (${durationText(opts.statementTimeoutMs)}): ${read.error}`,
        'narrow it (a WHERE on an indexed column, a TABLESAMPLE) or raise --statement-timeout',
      );
    case 'unreachable':
      throw environmentError(
        `PostgreSQL at ${redactPassword(opts.databaseUrl)} cannot be reached: ${read.error}`,
        'check --database-url / DATABASE_URL (host, port, user, password, database) and that the server runs',
      );
  }
}

const redisDown = (opts: StoreOptions, error: string): Error =>
  environmentError(
    `Redis at ${redactPassword(opts.redisUrl)} cannot be reached: ${error}`,
    'check --redis-url / REDIS_URL (host, port, password) and that the server runs',
  );

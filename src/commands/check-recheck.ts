import type { Comparison } from '../checkers/compare.js';
import { classify, type SampledPair } from '../checkers/sampled-consistency.js';
import type { TextRow } from '../drivers/postgres-read.js';
import type { RedisReader } from '../drivers/redis-read.js';
import { readCache, rowsOrThrow, streamRows, type StoreOptions } from './check-stores.js';

export interface Recheck extends StoreOptions {
  query: string;
  comparison: Comparison;
}

/**
 * Reads every difference again, both sides (a write since the first pass moved the database as
 * well as the cache): the database rows of just those keys, then their cache entries. Answers,
 * per difference in order, whether it is right again (equal, or no longer cached): lagging if so,
 * stuck if not. A row gone from the database agrees only with no cache entry.
 * `dbKeys`: each difference's key column, in the same order.
 */
export async function recheck(differing: readonly SampledPair[], dbKeys: readonly string[], reader: RedisReader, opts: Recheck): Promise<boolean[]> {
  const wanted = new Set(dbKeys);
  const now = new Map<string, string | null>();
  const keep = (rows: TextRow[]): void => {
    for (const [key, value] of rows) if (key !== null && key !== undefined && wanted.has(key)) now.set(key, value ?? null);
  };
  let read = await streamRows(opts, onlyKeys(opts.query), [[...wanted]], keep);
  // The wrapped query is the user's own as a subquery; should PostgreSQL refuse it that way
  // (a construct a subquery cannot hold), read the whole query again and pick the keys out.
  if (read.outcome === 'refused') read = await streamRows(opts, opts.query, [], keep);
  rowsOrThrow(read, opts);
  const cached = await readCache(reader, differing.map((pair) => pair.key), opts);
  return differing.map((pair, i) => {
    const again = { key: pair.key, database: now.get(dbKeys[i] ?? '') ?? null, cache: cached[i] ?? null };
    return classify(again, opts.comparison) !== 'different';
  });
}

/**
 * The user's query restricted to some keys ($1, a text array), compared as text, as the first
 * pass read them. The newline ends a trailing -- comment; a trailing semicolon is dropped.
 */
export function onlyKeys(sql: string): string {
  const body = sql.trim().replace(/;+\s*$/, '');
  return `SELECT q.* FROM (\n${body}\n) AS q(cachelab_key) WHERE q.cachelab_key::text = ANY($1::text[])`;
}

import type { Comparison } from '../checkers/compare.js';
import {
  addRound,
  differencesOf,
  durationText,
  noTotals,
  summarize,
  type CheckReport,
  type CheckRoundReport,
  type SampledPair,
  type SampleRound,
} from '../checkers/sampled-consistency.js';
import type { TextRow } from '../drivers/postgres-read.js';
import type { RedisReader } from '../drivers/redis-read.js';
import { interruptedError, usageError } from '../errors.js';
import { recheck } from './check-recheck.js';
import { openCache, readCache, rowsOrThrow, streamRows, type StoreOptions } from './check-stores.js';
import { Reservoir } from './reservoir.js';
import { checkedRedisUrl } from '../stack/resolve-options.js';

export interface CheckOptions extends StoreOptions {
  /** The user's SQL; its first two columns are the key and the value. */
  query: string;
  /** The cache key of a row: `{key}` replaced by the key column, e.g. "product:{key}". */
  keyTemplate: string;
  /** Rows compared per round: a uniform random sample of this many, or all if fewer. */
  sample: number;
  comparison: Comparison;
  /** ms after which every difference is read again (lagging or stuck); undefined: no recheck. */
  recheckMs?: number;
  /** ms from one round's start to the next; undefined: one round. */
  watchMs?: number;
  /** The inconsistent share (0..1) still called fine. */
  maxInconsistent: number;
  /** [0, 1); the reservoir's draws. */
  random?: () => number;
  /** Progress lines ("reading 17 differences again in 2 s"). */
  log?: (line: string) => void;
}

/**
 * `cachelab check`: samples rows with the user's query, compares each with its cache entry,
 * rechecks the differences, and repeats with --watch. Reads only (see streamReadOnly and
 * RedisReader). Throws a usage LabError for a bad template or a query PostgreSQL refuses, an
 * environment one when a store cannot be reached or the query times out.
 *
 * `signal` (Ctrl-C, SIGTERM): one round rejects with an interrupted LabError; a --watch drops the
 * round in progress and returns the totals of the finished ones (none finished: interrupted).
 */
export async function checkCommand(opts: CheckOptions, onRound: (report: CheckRoundReport) => void = () => undefined): Promise<CheckReport> {
  validate(opts);
  const reader = await openCache(opts);
  try {
    let totals = noTotals;
    for (let round = 1; ; round++) {
      const started = performance.now();
      try {
        const { result, rowsRead, firstPassMs } = await checkRound(opts, reader);
        totals = addRound(totals, result);
        onRound({ round, result, rowsRead, firstPassMs, totals, durationMs: Math.round(performance.now() - started) });
      } catch (err) {
        if (opts.watchMs === undefined || !opts.signal?.aborted || totals.rounds === 0) throw err;
        break; // Ctrl-C during a round of a watch: drop the round, report what was finished
      }
      if (opts.watchMs === undefined) break;
      if (!(await pause(opts.watchMs - (performance.now() - started), opts.signal))) break;
    }
    return { totals, ok: totals.inconsistentShare <= opts.maxInconsistent, stopped: opts.signal?.aborted ?? false };
  } finally {
    await reader.close();
  }
}

function validate(opts: CheckOptions): void {
  if (!opts.keyTemplate.includes('{key}')) {
    throw usageError(`--key "${opts.keyTemplate}" has no {key} in it`, 'name where the key column goes, e.g. --key "product:{key}"');
  }
  if (opts.query.trim() === '') throw usageError('--query is empty', 'give SQL returning the key and the value, e.g. --query "SELECT id, price FROM products"');
  checkedRedisUrl(opts.redisUrl);
  if (!URL.canParse(opts.databaseUrl)) throw usageError('--database-url is not a URL', 'e.g. postgres://user:password@host:5432/db');
}

async function checkRound(opts: CheckOptions, reader: RedisReader): Promise<{ result: SampleRound; rowsRead: number; firstPassMs: number }> {
  const started = performance.now();
  const reservoir = new Reservoir<TextRow>(opts.sample, opts.random);
  let narrow = 0;
  let nullKeys = 0;
  const read = await streamRows(opts, opts.query, [], (rows) => {
    for (const row of rows) {
      if (row.length < 2) narrow += 1;
      else if (row[0] === null) nullKeys += 1;
      else reservoir.offer(row);
    }
  });
  const rowsRead = rowsOrThrow(read, opts);
  if (narrow > 0) throw usageError('the query returns fewer than two columns', 'its first two columns must be the key and the value, e.g. SELECT id, price FROM products');
  if (nullKeys > 0) {
    throw usageError(`the query returned ${nullKeys} rows whose key is NULL, which name no cache entry`, 'leave them out: ... WHERE <key column> IS NOT NULL');
  }

  const sampled = reservoir.items();
  const dbKeys = sampled.map((row) => row[0] ?? '');
  const keys = dbKeys.map((key) => cacheKey(opts.keyTemplate, key));
  const cached = await readCache(reader, keys, opts);
  const pairs: SampledPair[] = sampled.map((row, i) => ({ key: keys[i] ?? '', database: row[1] ?? null, cache: cached[i] ?? null }));
  const firstPassMs = Math.round(performance.now() - started);
  if (opts.recheckMs === undefined) return { result: summarize(pairs, opts.comparison), rowsRead, firstPassMs };

  const differing = differencesOf(pairs, opts.comparison);
  if (differing.length === 0) return { result: summarize(pairs, opts.comparison, []), rowsRead, firstPassMs };
  opts.log?.(`${differing.length} of ${pairs.length} differ; reading them again in ${durationText(opts.recheckMs)}`);
  if (!(await pause(opts.recheckMs, opts.signal)) && opts.signal) throw interruptedError(opts.signal);
  const dbKeyOf = new Map(keys.map((key, i) => [key, dbKeys[i] ?? '']));
  const healed = await recheck(differing, differing.map((pair) => dbKeyOf.get(pair.key) ?? ''), reader, opts);
  return { result: summarize(pairs, opts.comparison, healed), rowsRead, firstPassMs };
}

/** The cache key of a row: every `{key}` in the template replaced by its key column. */
export const cacheKey = (template: string, key: string): string => template.split('{key}').join(key);

/** Resolves true after `ms`, or false as soon as `signal` is aborted. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return false;
  return new Promise((resolve) => {
    const done = (completed: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal?.addEventListener('abort', onAbort);
  });
}

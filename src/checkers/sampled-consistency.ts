import type { CacheRead } from '../drivers/redis-read.js';
import { sameValue, type Comparison } from './compare.js';

/**
 * `cachelab check` in pure terms: sampled (database row, cache entry) pairs classified, counted,
 * and stated as a share and as nines. The I/O (sampling, reading, rechecking) is the command's.
 */

/** One sampled row: its cache key (the template filled in), the database value, the cache entry. */
export interface SampledPair {
  key: string;
  /** The value column's text; null for SQL NULL, which only "no cache entry" agrees with. */
  database: string | null;
  cache: CacheRead | null;
}

export type PairStatus = 'consistent' | 'missing' | 'different';

/** Differences listed per round; the rest are counted. */
export const LISTED_DIFFERENCES = 10;

export interface SampledDifference {
  key: string;
  database: string | null;
  /** The cached value, `<list>` (etc.) for a type that holds no comparable value. */
  cache: string | null;
  /** ms left at the first read; null: no TTL. */
  ttlMs: number | null;
  /** different: not rechecked; lagging: right again at the recheck; stuck: still wrong. */
  status: 'different' | 'lagging' | 'stuck';
}

/**
 * One round, as `--json` prints it (exactly these fields). `different` counts what the first pass
 * found, healed ones included; `lagging` and `stuck` are null without --recheck.
 * `inconsistentShare`: stuck / sampled with --recheck, different / sampled without; 0 when
 * nothing was sampled. A missing cache entry is not inconsistent (a cache-aside cache fills it).
 */
export interface SampleRound {
  sampled: number;
  consistent: number;
  missing: number;
  different: number;
  lagging: number | null;
  stuck: number | null;
  inconsistentShare: number;
  differences: SampledDifference[];
}

/** The sum of several rounds (--watch). */
export type SampleTotals = Omit<SampleRound, 'differences'> & { rounds: number };

/** One finished round of `cachelab check`, as the CLI prints it when it comes. */
export interface CheckRoundReport {
  /** 1, 2, ... */
  round: number;
  /** What --json prints. */
  result: SampleRound;
  /** Rows the query returned (the sample is drawn from them). */
  rowsRead: number;
  /** ms from the query's start to the cache compared, before any recheck delay. */
  firstPassMs: number;
  durationMs: number;
  /** All rounds so far, this one included. */
  totals: SampleTotals;
}

export interface CheckReport {
  totals: SampleTotals;
  /** The inconsistent share of the totals is within --max-inconsistent (exit 0; else 1). */
  ok: boolean;
  /** --watch ended by a signal (the normal end of a watch). */
  stopped: boolean;
}

export function classify(pair: SampledPair, comparison: Comparison): PairStatus {
  const { database, cache } = pair;
  if (cache === null) return database === null ? 'consistent' : 'missing';
  if (database === null || cache.value === null) return 'different';
  return sameValue(database, cache.value, comparison) ? 'consistent' : 'different';
}

/** The pairs the first pass finds different, in sampling order: what a recheck reads again. */
export function differencesOf(pairs: readonly SampledPair[], comparison: Comparison): SampledPair[] {
  return pairs.filter((pair) => classify(pair, comparison) === 'different');
}

/**
 * Counts a round. `healed`: after a recheck, for each pair of differencesOf(pairs) in its order,
 * whether it was right again; undefined when there was no recheck.
 */
export function summarize(pairs: readonly SampledPair[], comparison: Comparison, healed?: readonly boolean[]): SampleRound {
  const statuses = pairs.map((pair) => classify(pair, comparison));
  const count = (status: PairStatus): number => statuses.filter((s) => s === status).length;
  const differing = pairs.filter((_, i) => statuses[i] === 'different');
  if (healed !== undefined && healed.length !== differing.length) {
    throw new Error(`a recheck answered for ${healed.length} of ${differing.length} differences`);
  }
  const listed = differing.map((pair, i): SampledDifference => ({
    key: pair.key,
    database: pair.database,
    cache: pair.cache === null ? null : (pair.cache.value ?? `<${pair.cache.type}>`),
    ttlMs: pair.cache?.ttlMs ?? null,
    status: healed === undefined ? 'different' : healed[i] ? 'lagging' : 'stuck',
  }));
  const lagging = healed === undefined ? null : healed.filter(Boolean).length;
  const stuck = healed === undefined ? null : differing.length - (lagging ?? 0);
  const round = { sampled: pairs.length, consistent: count('consistent'), missing: count('missing'), different: differing.length, lagging, stuck };
  return {
    ...round,
    inconsistentShare: shareOf(round),
    // Stuck ones first: they are what needs fixing; the order within each is the sampling order.
    differences: [...listed.filter((d) => d.status !== 'lagging'), ...listed.filter((d) => d.status === 'lagging')].slice(0, LISTED_DIFFERENCES),
  };
}

export const noTotals: SampleTotals = { rounds: 0, sampled: 0, consistent: 0, missing: 0, different: 0, lagging: null, stuck: null, inconsistentShare: 0 };

export function addRound(totals: SampleTotals, round: SampleRound): SampleTotals {
  const plus = (a: number | null, b: number | null): number | null => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));
  const sum = {
    sampled: totals.sampled + round.sampled,
    consistent: totals.consistent + round.consistent,
    missing: totals.missing + round.missing,
    different: totals.different + round.different,
    lagging: plus(totals.lagging, round.lagging),
    stuck: plus(totals.stuck, round.stuck),
  };
  return { rounds: totals.rounds + 1, ...sum, inconsistentShare: shareOf(sum) };
}

/** The inconsistent share: stuck when rechecked, else different; over sampled (0 for none). */
export function shareOf(counts: { sampled: number; different: number; stuck: number | null }): number {
  if (counts.sampled === 0) return 0;
  return (counts.stuck ?? counts.different) / counts.sampled;
}

/**
 * The consistency as nines: "99.93% consistent within 2 s" (rechecked after 2 s) or "99.90%
 * consistent" (first pass only). Rounded down, so it never claims more nines than were measured;
 * "100%" only when nothing was inconsistent.
 */
export function consistencyText(counts: { sampled: number; different: number; stuck: number | null }, recheckMs: number | undefined): string {
  if (counts.sampled === 0) return 'nothing sampled';
  const bad = counts.stuck ?? counts.different;
  const percent = bad === 0 ? '100' : (Math.floor((10_000 * (counts.sampled - bad)) / counts.sampled) / 100).toFixed(2);
  return `${percent}% consistent${counts.stuck !== null && recheckMs !== undefined ? ` within ${durationText(recheckMs)}` : ''}`;
}

/** "2 s", "1.5 s", "500 ms", "2 min". */
export function durationText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(3))} s`;
}

import type { StoreCounters } from '../drivers/counters.js';
import type { LatencySummary } from './histogram.js';

/**
 * Which key each request reads. Keys are `${prefix}${i}`; the caller seeds the rows they name.
 * - hot-cold: a target hit rate. With probability `hitRate` a uniformly random one of the
 *   `hotKeys` keys 0..hotKeys-1 (cached: see LoadSpec.warmHotKeys), else the next of the
 *   `coldKeys` keys hotKeys..hotKeys+coldKeys-1 in turn, so a cold key comes round again only
 *   after all the others (size coldKeys above the misses expected, and it is never cached yet).
 * - uniform: any of `keys` keys 0..keys-1, equally likely (the hit rate is whatever the cache makes of it).
 * - fixed: every request reads `key` (a hot key).
 */
export type KeyChoice =
  | { kind: 'hot-cold'; prefix: string; hotKeys: number; coldKeys: number; hitRate: number }
  | { kind: 'uniform'; prefix: string; keys: number }
  | { kind: 'fixed'; key: string };

/**
 * What the app's closed-loop load generator runs: `concurrency` workers, each issuing its next
 * request as soon as the last one answered, for `durationMs`; requests in flight at the end are
 * waited for and counted.
 * - op 'read': ClientOp read through the strategy (fault points unarmed).
 * - op 'redis-get': a bare ioredis GET on a connection of its own through the same proxied link
 *   (the baseline of the cheapest read; no hits or misses).
 */
export interface LoadSpec {
  concurrency: number;
  durationMs: number;
  keys: KeyChoice;
  op: 'read' | 'redis-get';
  /** hot-cold only: read each hot key once through the strategy before the clock starts, so it is cached. */
  warmHotKeys?: boolean;
  /** Width of a timeline bucket, ms; default 250. */
  bucketMs?: number;
  /** Seeds the key draws; default 1. */
  seed?: number;
  /**
   * ms a worker pauses after each answer before its next request (default 0). With think time the
   * offered load is about concurrency / thinkMs whatever the machine's speed, so a load scenario's
   * ratios hold on a loaded machine; each worker starts after a random part of one pause.
   */
  thinkMs?: number;
  /** A request answered after this many ms counts as an error (its caller had given up); default none. */
  deadlineMs?: number;
}

export const DEFAULT_BUCKET_MS = 250;

/** One bucket of the timeline: what completed in [startMs, startMs + bucketMs) after the clock started. */
export interface LoadBucket {
  startMs: number;
  /** Requests that completed in the bucket, whatever their outcome. */
  requests: number;
  /** Of those, answered fail or unknown, or after the deadline. */
  errors: number;
  hits: number;
  misses: number;
  /** Of the requests completed in the bucket, ms (2 significant digits); 0 when none. */
  meanMs: number;
  p99Ms: number;
  /** What the stores saw in the bucket (see StoreCounters), read when the bucket closed. */
  stores: StoreCounters;
}

export interface LoadReport {
  spec: LoadSpec;
  /** Clock start to the last answer, ms (the drain of the last requests included). */
  elapsedMs: number;
  /** Keys read to warm the cache before the clock started (warmHotKeys). */
  warmedKeys: number;
  counts: {
    requests: number;
    ok: number;
    fail: number;
    unknown: number;
    /** Answered after spec.deadlineMs, whatever the outcome (errors too). */
    late: number;
    /** Answered ok with cacheHit true / false (the strategy said so); ok reads that did not say are neither. */
    hits: number;
    misses: number;
  };
  /** Requests answered per second over elapsedMs. */
  throughput: number;
  /**
   * From request start (key chosen) to its answer, pool waits included. all: every request,
   * whatever its outcome; hits and misses: ok reads the strategy said were hits or misses.
   */
  latency: { all: LatencySummary; hits: LatencySummary; misses: LatencySummary };
  /** The same three HDR histograms (µs), compressed base64 (LatencyHistogram.decode). */
  histograms: { all: string; hits: string; misses: string };
  /** What the app's store clients sent during the load (differences). Strategy modules: Redis only. */
  stores: StoreCounters;
  timeline: LoadBucket[];
  /** Up to 5 distinct errors of failed or unknown requests. */
  errors: string[];
}

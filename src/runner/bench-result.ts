import type { LatencySummary } from '../app/histogram.js';
import type { LoadBucket } from '../app/load-spec.js';

/*
 * What `cachelab bench` returns (src/commands/bench.ts) and src/report/bench.ts renders; --json
 * prints it as it is. Throughputs are requests/s, latencies ms, rates 0..1.
 */

export type Bound = 'latency' | 'pool' | 'cpu';

/** The model's figures for one point (src/bench/model.ts). */
export interface ModelPrediction {
  throughput: number;
  /** = C / throughput (Little's law). */
  meanMs: number;
  bound: Bound;
  /** Each bound; null when it does not bind at all (no misses: no pool bound). */
  bounds: Record<Bound, number | null>;
  dbQueriesPerSec: number;
  redisCommandsPerSec: number;
}

export interface BenchSettings {
  strategy: string;
  /** The targets, in the order run. */
  hitRates: number[];
  concurrency: number;
  pool: number;
  /** The latency toxic on the PostgreSQL link's replies, ms (0: none). */
  dbLatencyMs: number;
  /** Per hit rate, ms. */
  durationMs: number;
  quick: boolean;
  /** Each calibration load, ms (three rounds of four; D's load runs twice as long). */
  calibrationMs: number;
  /** Keys kept cached (the working set) and keys read once each (the misses). */
  hotKeys: number;
  coldKeys: number;
}

/** The model's inputs and the baseline, measured in the same run before the sweep. */
export interface BenchCalibration {
  /** Mean latency of a hit at one client, ms. */
  hMs: number;
  /** Mean database time of a miss at one client (its connection held), ms, the toxic included; each point measures its own. */
  dMs: number;
  /** Hit-path throughput at max(C, 50) clients: this machine's limit, requests/s. */
  cpuLimit: number;
  cpuLimitConcurrency: number;
  /** Hit-path throughput at C clients (of the calibration round whose ratio to the baseline is the median). */
  hitPathThroughput: number;
  /** A bare ioredis GET from the app process through the same proxied link, at C clients, right after that hit-path load. */
  baselineThroughput: number;
  /** hitPathThroughput / baselineThroughput. */
  baselineRatio: number;
  redisPerHit: number;
  redisPerMiss: number;
  dbPerMiss: number;
}

export interface BenchPoint {
  /** The target. */
  hitRate: number;
  /** Hits / (hits + misses), as the strategy reported each read. */
  measuredHitRate: number;
  /** Database time of a miss at this point (its statements' connection time), ms: the model's D here. */
  dMs: number;
  requests: number;
  errors: number;
  throughput: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  hits: LatencySummary;
  misses: LatencySummary;
  dbQueriesPerSec: number;
  redisCommandsPerSec: number;
  /** Connection checkouts that waited for the pool, and their mean wait, ms. */
  poolWaits: number;
  poolWaitMeanMs: number;
  /** throughput x meanMs / C: 1 when every client is always in a request. */
  littlesRatio: number;
  model: ModelPrediction & {
    /** measured / model - 1 */
    throughputError: number;
    meanError: number;
    /** Why the bound applies. */
    explanation: string;
  };
  /** The CPU is the bound: the point measures this machine, not the cache. */
  cpuBound: boolean;
  timeline: LoadBucket[];
}

export interface BenchReport {
  runId: string;
  stack: { mode: string; redis: string; postgres: string; toxiproxy: string };
  settings: BenchSettings;
  calibration: BenchCalibration;
  points: BenchPoint[];
  durationMs: number;
}

/** The design's own table, said to be "at concurrency 100"; its figures fit concurrency 10. */
export const SEED_TABLE: { hitRate: number; meanMs: number; throughput: number }[] = [
  { hitRate: 0, meanMs: 50, throughput: 200 },
  { hitRate: 0.5, meanMs: 26, throughput: 380 },
  { hitRate: 0.9, meanMs: 6, throughput: 1600 },
  { hitRate: 0.99, meanMs: 1.5, throughput: 6400 },
];

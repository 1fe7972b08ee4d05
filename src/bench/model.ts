/**
 * The closed-loop model `cachelab bench` checks its measurements against. C clients each issue a
 * request as soon as the last one answered. A hit costs h; a miss costs h + D, D holding one of
 * the P pooled connections. So, at miss rate m:
 *   latency-bound: X <= C / (h + m·D)    (every client busy, none waiting)
 *   pool-bound:    X <= P / (m·D)        (every connection busy; misses queue for one)
 *   cpu-bound:     X <= the CPU limit    (the machine cannot serve more, measured)
 * Throughput is the lowest; mean latency follows from Little's law, C / X.
 */
import type { Bound, ModelPrediction } from '../runner/bench-result.js';

export interface ModelInputs {
  /** Service time of a hit, ms (measured at one client, so without queueing). */
  hMs: number;
  /** Database time of a miss, ms: how long it holds its pooled connection. */
  dMs: number;
  /** Share of requests that miss, 0..1. */
  missRate: number;
  concurrency: number;
  pool: number;
  /** Highest throughput this machine reached on the hit path, requests/s (measured). */
  cpuLimit: number;
  /** Store commands per request of each kind (measured), for the load predictions. */
  redisPerHit: number;
  redisPerMiss: number;
  dbPerMiss: number;
}


export function predict(i: ModelInputs): ModelPrediction {
  const missMs = i.missRate * i.dMs;
  const bounds: Record<Bound, number | null> = {
    latency: i.concurrency / (i.hMs + missMs) * 1000,
    pool: missMs > 0 ? (i.pool / missMs) * 1000 : null,
    cpu: i.cpuLimit,
  };
  // Ties go to the first: latency, then pool, then cpu (a point is called CPU-bound only when the CPU is strictly the limit).
  let bound: Bound = 'latency';
  for (const b of ['pool', 'cpu'] as const) {
    const value = bounds[b];
    const lowest = bounds[bound] ?? Infinity;
    if (value !== null && value < lowest) bound = b;
  }
  const throughput = bounds[bound] ?? 0;
  return {
    throughput,
    meanMs: throughput > 0 ? (i.concurrency / throughput) * 1000 : 0,
    bound,
    bounds,
    dbQueriesPerSec: throughput * i.missRate * i.dbPerMiss,
    redisCommandsPerSec: throughput * ((1 - i.missRate) * i.redisPerHit + i.missRate * i.redisPerMiss),
  };
}

/** Little's law: throughput (req/s) x mean latency (ms) / C; 1 when every client is always in a request. */
export function littlesRatio(throughput: number, meanMs: number, concurrency: number): number {
  return (throughput * meanMs) / 1000 / concurrency;
}

/** measured / predicted - 1: +0.05 means 5% above the model. 0 when the prediction is 0. */
export function relativeError(measured: number, predicted: number): number {
  return predicted === 0 ? 0 : measured / predicted - 1;
}

/** Why a bound applies, in a sentence for the report. */
export function explainBound(bound: Bound): string {
  switch (bound) {
    case 'latency':
      return 'latency-bound: every client is always waiting on its own request, so C / (h + m·D)';
    case 'pool':
      return 'pool-bound: every pooled connection is busy with a miss, so P / (m·D), and misses queue for a connection';
    case 'cpu':
      return 'CPU-bound: this machine runs out of CPU (app, proxy, Redis and PostgreSQL share its cores) before the latency or pool bound; the figure is the hit path\'s measured limit, and misses cost extra CPU it does not count';
  }
}

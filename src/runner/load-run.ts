import { LatencyHistogram } from '../app/histogram.js';
import type { LoadReport, LoadSpec } from '../app/load-spec.js';
import type { LatencySummary } from '../app/histogram.js';
import { countersSince, newStoreCounters, poolWaitPercentileMs, type StoreCounters } from '../drivers/counters.js';
import type { FaultInjector } from '../drivers/fault-injector.js';
import type { CheckResult } from '../checkers/checker.js';
import { judgeBudget, type LoadBudget } from '../checkers/load-budget.js';
import type { TimelineEntry } from './result.js';
import type { AppFleet } from './app-fleet.js';

/** A load scenario's steady load: the same spec in every app process, on a database made this slow. */
export interface ScenarioLoad extends Omit<LoadSpec, 'op'> {
  /**
   * ms of latency the database link gets for the whole load (a downstream latency toxic on every
   * app's PostgreSQL link, added before the load and not a fault of the timeline): the database's
   * own service time, so a query costs what it costs a real one. Default none.
   */
  dbLatencyMs?: number;
}

/** One bucket of a load, every app's added up. */
export interface LoadResultBucket {
  startMs: number;
  requests: number;
  /** Failed, unknown or answered after the deadline. */
  errors: number;
  hits: number;
  misses: number;
  /** The slowest app's p99 latency in the bucket, ms. */
  p99Ms: number;
  dbQueries: number;
  redisCommands: number;
  poolWaits: number;
  /** p99 of every connection checkout's wait (0 for one that did not wait), ms, as the upper edge of its class. */
  poolWaitP99Ms: number;
}

/** What a load scenario's load measured, every app's together. `--json` prints it on the result. */
export interface LoadResult {
  spec: ScenarioLoad;
  apps: number;
  bucketMs: number;
  /** When the load's clock started, ms on the run's timeline clock (TimelineEntry.at). */
  startedAt: number;
  elapsedMs: number;
  counts: LoadReport['counts'];
  /** Requests answered per second, every app's. */
  throughput: number;
  latency: { all: LatencySummary; hits: LatencySummary; misses: LatencySummary };
  stores: { dbQueries: number; redisCommands: number; poolWaits: number };
  /** p99 of every checkout's pool wait after the first bucket (the warm-up), ms, as the upper edge of its class. */
  poolWaitP99Ms: number;
  buckets: LoadResultBucket[];
  errors: string[];
}

/** A load in progress. */
export interface LoadRun {
  /** Resolves once the load's clock has reached `ms` (or at once, past it). */
  at(ms: number): Promise<void>;
  /** The load's result, once every app has answered. */
  done: Promise<LoadResult>;
}

/**
 * Starts `spec` in every app at once (seeds differ per app) and merges their reports. The load's
 * clock is app 0's: it starts when app 0 says so (after its warm-up), and `at` counts from there,
 * so the faults line up with the buckets within an IPC hop.
 */
export function startLoad(fleet: AppFleet, spec: ScenarioLoad, now: () => number, dbLatency: DbLatency): LoadRun {
  let markStarted: (at: number) => void = () => undefined;
  let failStart: (err: unknown) => void = () => undefined;
  const started = new Promise<number>((resolve, reject) => {
    markStarted = resolve;
    failStart = reject;
  });
  const done = (async (): Promise<LoadResult> => {
    await dbLatency.add(spec.dbLatencyMs);
    const reports = await Promise.all(
      Array.from({ length: fleet.size }, async (_, i) => {
        const app = fleet.get(i);
        if (!app) throw new Error(`app ${i} is not running: it cannot take the load`);
        return app.load({ ...spec, op: 'read', seed: (spec.seed ?? 1) + i }, i === 0 ? () => markStarted(now()) : undefined);
      }),
    );
    await dbLatency.remove();
    return mergeReports(spec, reports, await started);
  })();
  done.catch(failStart);
  // A load that fails before it starts lets a waiting workload go on (done then rejects).
  started.catch(() => undefined);
  return {
    at: async (ms) => {
      const start = await started.catch(() => now());
      const wait = start + ms - now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    },
    done,
  };
}

/** The database link's latency for a load, on every app's link. */
export interface DbLatency {
  add(ms: number | undefined): Promise<void>;
  remove(): Promise<void>;
}

export function dbLatencyOn(injector: FaultInjector, proxies: string[]): DbLatency {
  let added: { proxy: string; name: string }[] = [];
  return {
    async add(ms) {
      if (ms === undefined || ms <= 0) return;
      for (const proxy of proxies) {
        const name = await injector.addToxic(proxy, { type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: ms, jitter: 0 } });
        added.push({ proxy, name });
      }
    },
    async remove() {
      for (const { proxy, name } of added) await injector.removeToxic(proxy, name);
      added = [];
    },
  };
}

/** Every app's report as one: counts and buckets added up, histograms merged, p99 of the slowest app per bucket. */
export function mergeReports(spec: ScenarioLoad, reports: LoadReport[], startedAt: number): LoadResult {
  const bucketMs = spec.bucketMs ?? 250;
  const counts = { requests: 0, ok: 0, fail: 0, unknown: 0, late: 0, hits: 0, misses: 0 };
  const histograms = { all: new LatencyHistogram(), hits: new LatencyHistogram(), misses: new LatencyHistogram() };
  const stores = { dbQueries: 0, redisCommands: 0, poolWaits: 0 };
  const length = Math.max(0, ...reports.map((r) => r.timeline.length));
  const buckets = Array.from({ length }, (_, i) => ({ startMs: i * bucketMs, p99Ms: 0, requests: 0, errors: 0, hits: 0, misses: 0, stores: newStoreCounters() }));
  for (const report of reports) {
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += report.counts[key] ?? 0;
    for (const key of ['all', 'hits', 'misses'] as const) histograms[key].add(LatencyHistogram.decode(report.histograms[key]));
    stores.dbQueries += report.stores.dbStatements;
    stores.redisCommands += report.stores.redisCommands;
    stores.poolWaits += report.stores.poolWaits;
    for (const [i, b] of report.timeline.entries()) {
      const into = buckets[i];
      if (!into) continue;
      into.requests += b.requests;
      into.errors += b.errors;
      into.hits += b.hits;
      into.misses += b.misses;
      into.p99Ms = Math.max(into.p99Ms, b.p99Ms);
      into.stores = addCounters(into.stores, b.stores);
    }
  }
  const elapsedMs = Math.max(0, ...reports.map((r) => r.elapsedMs));
  const afterWarmUp = buckets.slice(1).reduce((sum, b) => addCounters(sum, b.stores), newStoreCounters());
  return {
    spec,
    apps: reports.length,
    bucketMs,
    startedAt: Math.round(startedAt),
    elapsedMs,
    counts,
    throughput: reports.reduce((sum, r) => sum + r.throughput, 0),
    latency: { all: histograms.all.summary(), hits: histograms.hits.summary(), misses: histograms.misses.summary() },
    stores,
    poolWaitP99Ms: poolWaitPercentileMs(afterWarmUp, 99),
    buckets: buckets.map(({ stores: s, ...b }) => ({
      ...b,
      dbQueries: s.dbStatements,
      redisCommands: s.redisCommands,
      poolWaits: s.poolWaits,
      poolWaitP99Ms: poolWaitPercentileMs(s, 99),
    })),
    errors: [...new Set(reports.flatMap((r) => r.errors))].slice(0, 5),
  };
}

/** a + b, field by field: a - (0 - b). */
function addCounters(a: StoreCounters, b: StoreCounters): StoreCounters {
  return countersSince(countersSince(b, newStoreCounters()), a);
}

/**
 * The load-budget check of a load scenario's run, or why it could not be judged (a problem: the
 * result is unknown). The steady state ends at the first fault window that opens during the load.
 */
export function judgeLoad(budget: LoadBudget, load: LoadResult | undefined, timeline: TimelineEntry[], expiries: number): CheckResult | string {
  if (!load) return 'the workload ran no load to judge against the budget';
  const first = timeline.find((e) => e.at >= load.startedAt && (e.window?.edge === 'start' || e.event.includes('expired')));
  if (!first) return 'no fault came during the load: nothing to judge the steady state against';
  return judgeBudget(
    {
      bucketMs: load.bucketMs,
      buckets: load.buckets,
      faultAtMs: first.at - load.startedAt,
      poolWaitP99Ms: load.poolWaitP99Ms,
      expiries: { count: expiries, dbQueries: load.stores.dbQueries },
    },
    budget,
  );
}

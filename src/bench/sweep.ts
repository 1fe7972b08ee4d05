import type { KeyChoice, LoadReport, LoadSpec } from '../app/load-spec.js';
import { createFaultInjector } from '../drivers/fault-injector.js';
import { must } from '../drivers/result.js';
import { environmentError } from '../errors.js';
import type { AppProcess } from '../runner/app-process.js';
import type { BenchCalibration, BenchPoint, BenchSettings } from '../runner/bench-result.js';
import type { RunStack } from '../runner/run-scenario.js';
import type { LabStores } from '../runner/stores.js';
import { KEY_PREFIX } from './bench-stores.js';
import { explainBound, littlesRatio, predict, relativeError } from './model.js';

/** One step of the sweep done: `done` of `total`, and what is being measured next. */
export type BenchProgress = (done: number, total: number, label: string) => void;

/** Clients for the CPU limit: enough to keep this machine busy whatever C is. */
const CPU_CLIENTS = 50;
/** Calibration rounds; h is the median of its rounds, the CPU limit the best, the baseline the median round's. */
const ROUNDS = 3;

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Deletes the cold keys' cache entries (every one of them, in batches), keeping the hot keys. */
async function forgetColdKeys(stores: LabStores, s: BenchSettings): Promise<void> {
  const BATCH = 2000;
  for (let from = s.hotKeys; from < s.hotKeys + s.coldKeys; from += BATCH) {
    const keys = Array.from({ length: Math.min(BATCH, s.hotKeys + s.coldKeys - from) }, (_, i) => `${KEY_PREFIX}${from + i}`);
    must(await stores.cache.del(...keys), 'empty the cold keys from the cache');
  }
}

/**
 * The measurements of `cachelab bench` on a set-up app: the pool warmed without latency, then the
 * latency toxic on the PostgreSQL link's replies, the calibration (the model's inputs and the
 * baseline) and one closed-loop load per hit rate, the cache emptied before each. Removes the
 * toxic whatever happens.
 */
export async function sweep(
  stack: RunStack,
  app: AppProcess,
  stores: LabStores,
  s: BenchSettings,
  progress: BenchProgress,
  stopIfInterrupted: () => void,
): Promise<{ calibration: BenchCalibration; points: BenchPoint[] }> {
  // Calibration runs in ROUNDS alternating rounds: a shared machine's neighbours come and go.
  const { calibrationMs } = s;
  const total = 4 + 4 * ROUNDS + s.hitRates.length;
  let done = 0;
  const step = async (label: string, spec: LoadSpec): Promise<LoadReport> => {
    stopIfInterrupted();
    progress(done, total, label);
    const report = await app.load(spec).catch((err: unknown) => {
      throw environmentError(`the bench load "${label}" did not finish: ${err instanceof Error ? err.message : String(err)}`, 'run again; cachelab doctor checks the stack', err);
    });
    // The cold keys it filled are cold again for the next load; the hot keys stay cached (no TTL).
    await forgetColdKeys(stores, s);
    done += 1;
    return report;
  };
  const hotCold = (hitRate: number, coldKeys = s.coldKeys): KeyChoice => ({ kind: 'hot-cold', prefix: KEY_PREFIX, hotKeys: s.hotKeys, coldKeys, hitRate });
  const allHits = hotCold(1, 0);
  const load = (concurrency: number, durationMs: number, keys: KeyChoice, op: LoadSpec['op'] = 'read'): LoadSpec => ({ concurrency, durationMs, keys, op });

  // Every connection of the pool opened, and the hot keys cached, before the toxic: through it a
  // connect would pay D per round trip, and each fill D.
  await stores.cache.clear();
  await step('warming the pool and the hot keys', { ...load(s.pool, 300, hotCold(0)), warmHotKeys: true });
  const injector = createFaultInjector(stack.toxiproxyUrl);
  const proxy = stack.proxies.postgres.name;
  const toxic = s.dbLatencyMs > 0 ? await injector.addToxic(proxy, { type: 'latency', stream: 'downstream', attributes: { latency: s.dbLatencyMs, jitter: 0 } }) : undefined;
  try {
    const cpuClients = Math.max(s.concurrency, CPU_CLIENTS);
    // Both read paths run once untimed first, so neither is measured while the JIT still compiles it.
    await step('warming the hit path and the baseline', load(s.concurrency, 300, allHits));
    await step('warming the hit path and the baseline', load(s.concurrency, 300, allHits, 'redis-get'));
    const rounds: { h: LoadReport; cpu: LoadReport; hitPath: LoadReport; baseline: LoadReport }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const of = `round ${round}/${ROUNDS}`;
      const h = await step(`hit service time h, 1 client (${of})`, load(1, calibrationMs, allHits));
      const hitPath = await step(`hit path, ${s.concurrency} clients (${of})`, load(s.concurrency, calibrationMs, allHits));
      const baseline = await step(`baseline ioredis GET, ${s.concurrency} clients (${of})`, load(s.concurrency, calibrationMs, allHits, 'redis-get'));
      const cpu = await step(`CPU limit, hits, ${cpuClients} clients (${of})`, load(cpuClients, calibrationMs, allHits));
      rounds.push({ h, cpu, hitPath, baseline });
    }
    const miss1 = await step('database time D, misses, 1 client', load(1, 2 * calibrationMs, hotCold(0)));
    const hit1 = rounds[0]!.h;
    if (hit1.counts.hits === 0 || miss1.counts.misses === 0) {
      throw environmentError(
        `${s.strategy} does not say whether a read hit the cache (no read answered cacheHit), so the bench cannot tell hits from misses`,
        'bench a strategy whose reads go through cache-aside (cache-aside, write-through, delete-on-write, ...)',
      );
    }
    // The baseline pair of the round with the median ratio: each round's pair ran back to back,
    // so its ratio is the least disturbed by neighbours, and the figures shown are that ratio's own.
    const ratioOf = (r: (typeof rounds)[number]): number => (r.baseline.throughput > 0 ? r.hitPath.throughput / r.baseline.throughput : 0);
    const pair = [...rounds].sort((a, b) => ratioOf(a) - ratioOf(b))[Math.floor(rounds.length / 2)]!;
    const calibration: BenchCalibration = {
      hMs: median(rounds.map((r) => r.h.latency.hits.meanMs)),
      dMs: miss1.stores.dbStatementMs / miss1.counts.misses,
      cpuLimit: Math.max(...rounds.map((r) => r.cpu.throughput)),
      cpuLimitConcurrency: cpuClients,
      hitPathThroughput: pair.hitPath.throughput,
      baselineThroughput: pair.baseline.throughput,
      baselineRatio: ratioOf(pair),
      redisPerHit: hit1.stores.redisCommands / hit1.counts.requests,
      redisPerMiss: miss1.stores.redisCommands / miss1.counts.requests,
      dbPerMiss: miss1.stores.dbStatements / miss1.counts.misses,
    };
    const points: BenchPoint[] = [];
    for (const hitRate of s.hitRates) {
      const report = await step(`hit rate ${hitRate} (${s.concurrency} clients)`, load(s.concurrency, s.durationMs, hotCold(hitRate)));
      points.push(pointOf(hitRate, report, calibration, s));
    }
    progress(done, total, 'done');
    return { calibration, points };
  } finally {
    if (toxic !== undefined) await injector.removeToxic(proxy, toxic).catch(() => undefined);
  }
}

/** One point's measured figures beside the model's, with m the miss rate measured at the point. */
export function pointOf(hitRate: number, r: LoadReport, c: BenchCalibration, s: BenchSettings): BenchPoint {
  const classified = r.counts.hits + r.counts.misses;
  const measuredHitRate = classified > 0 ? r.counts.hits / classified : 0;
  const seconds = r.elapsedMs / 1000;
  // D as the database gave it at this point (its connections busy side by side), else one client's.
  const dMs = r.counts.misses > 0 && r.stores.dbStatements > 0 ? (r.stores.dbStatementMs / r.stores.dbStatements) * c.dbPerMiss : c.dMs;
  const model = predict({
    hMs: c.hMs,
    dMs,
    missRate: 1 - measuredHitRate,
    concurrency: s.concurrency,
    pool: s.pool,
    cpuLimit: c.cpuLimit,
    redisPerHit: c.redisPerHit,
    redisPerMiss: c.redisPerMiss,
    dbPerMiss: c.dbPerMiss,
  });
  const all = r.latency.all;
  return {
    hitRate,
    measuredHitRate,
    dMs,
    requests: r.counts.requests,
    errors: r.counts.fail + r.counts.unknown,
    throughput: r.throughput,
    meanMs: all.meanMs,
    p50Ms: all.p50Ms,
    p99Ms: all.p99Ms,
    p999Ms: all.p999Ms,
    hits: r.latency.hits,
    misses: r.latency.misses,
    dbQueriesPerSec: seconds > 0 ? r.stores.dbStatements / seconds : 0,
    redisCommandsPerSec: seconds > 0 ? r.stores.redisCommands / seconds : 0,
    poolWaits: r.stores.poolWaits,
    poolWaitMeanMs: r.stores.poolWaits > 0 ? r.stores.poolWaitMs / r.stores.poolWaits : 0,
    littlesRatio: littlesRatio(r.throughput, all.meanMs, s.concurrency),
    model: {
      ...model,
      throughputError: relativeError(r.throughput, model.throughput),
      meanError: relativeError(all.meanMs, model.meanMs),
      explanation: explainBound(model.bound),
    },
    cpuBound: model.bound === 'cpu',
    timeline: r.timeline,
  };
}

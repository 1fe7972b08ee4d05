import type { ChalkInstance } from 'chalk';
import type { LoadResult } from '../runner/load-run.js';
import type { TimelineEntry } from '../runner/result.js';
import { newTable } from './table.js';

/** "2 apps x 40 clients (60 ms think), database 20 ms a query; 960 req/s, p99 45 ms, 3404 requests, 0 errors". */
export function describeLoad(load: LoadResult): string {
  const { spec } = load;
  const apps = load.apps === 1 ? '1 app' : `${load.apps} apps`;
  const think = spec.thinkMs ? ` (${spec.thinkMs} ms think)` : '';
  const db = spec.dbLatencyMs ? `, database ${spec.dbLatencyMs} ms a query` : '';
  const deadline = spec.deadlineMs ? `, deadline ${spec.deadlineMs} ms` : '';
  const errors = load.counts.fail + load.counts.unknown + load.counts.late;
  return (
    `${apps} x ${spec.concurrency} clients${think}${db}${deadline}; ` +
    `${Math.round(load.throughput)} req/s, p99 ${load.latency.all.p99Ms} ms, ${load.counts.requests} requests, ${errors} errors, ${load.stores.dbQueries} database queries`
  );
}

/** What happened on the load's clock in [fromMs, toMs): the run's fault events, shortened. */
function eventsIn(timeline: TimelineEntry[], startedAt: number, fromMs: number, toMs: number): string {
  return timeline
    .filter((e) => e.at - startedAt >= fromMs && e.at - startedAt < toMs)
    .map((e) => e.event.replace(/ \(proxy (disabled|enabled)\)/, ''))
    .join('; ');
}

/**
 * The load per bucket: throughput, error rate, p99 latency, database queries/s and pool-wait p99,
 * and the faults that came in the bucket. Rates are per second whatever the bucket's width.
 */
export function renderLoad(load: LoadResult, timeline: TimelineEntry[], paint: ChalkInstance): string {
  const perSec = (n: number): number => Math.round((n * 1000) / load.bucketMs);
  const table = newTable(paint, ['from s', 'req/s', 'errors', 'p99 ms', 'db q/s', 'pool wait p99', 'faults']);
  // Events before the clock started (a fault that came while the load warmed up) go with the first bucket.
  for (const [i, b] of load.buckets.entries()) {
    const errorRate = b.requests === 0 ? 0 : b.errors / b.requests;
    const errors = b.errors === 0 ? '0' : `${(errorRate * 100).toFixed(errorRate < 0.1 ? 1 : 0)}%`;
    table.push([
      (b.startMs / 1000).toFixed(2),
      perSec(b.requests),
      b.errors > 0 ? paint.red(errors) : errors,
      Math.round(b.p99Ms),
      perSec(b.dbQueries),
      b.poolWaitP99Ms === 0 ? '0' : `<= ${b.poolWaitP99Ms} ms`,
      eventsIn(timeline, load.startedAt, i === 0 ? -Infinity : b.startMs, i === load.buckets.length - 1 ? Infinity : b.startMs + load.bucketMs),
    ]);
  }
  return [`  ${describeLoad(load)}`, table.toString()].join('\n');
}

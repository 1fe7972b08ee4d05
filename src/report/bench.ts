import type { BenchPoint, BenchReport } from '../runner/bench-result.js';
import { SEED_TABLE } from '../runner/bench-result.js';
import { chartColors, figure, logChart } from './bench-chart.js';
import { palette } from './palette.js';
import { newTable } from './table.js';

/** The issue's targets: each point within 10% of the model, Little's ratio 0.95..1, hit path >= 0.90x a bare GET. */
const MODEL_TOLERANCE = 0.1;
const LITTLE_RANGE: [number, number] = [0.95, 1.0];
const BASELINE_TARGET = 0.9;

const pct = (x: number): string => `${(x * 100).toFixed(x * 100 >= 10 || x === 0 ? 0 : 1)}%`;
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
const ms = (x: number): string => figure(x);

/** `cachelab bench`: the inputs, the sweep beside the model, the load, a chart, the targets, the seed's table. */
export function renderBench(report: BenchReport, opts: { color?: boolean } = {}): string {
  const paint = palette(opts.color);
  const s = report.settings;
  const c = report.calibration;
  const lines: string[] = [];
  const latency = s.dbLatencyMs > 0 ? `database latency ${s.dbLatencyMs} ms (a latency toxic on the PostgreSQL link's replies)` : 'no database latency added';
  lines.push(
    paint.bold(`cachelab bench: ${s.strategy}, ${s.concurrency} clients, pool ${s.pool}, ${latency}, ${s.durationMs / 1000} s per hit rate`),
    `  ${report.stack.mode} stack; ${s.hotKeys} hot keys kept cached, ${s.coldKeys} cold keys read once each; run ${report.runId}, ${(report.durationMs / 1000).toFixed(0)} s`,
    '',
    paint.bold('Model inputs, measured in this run'),
    `  h  ${ms(c.hMs)} ms   a cache hit, one client`,
    `  D  database time of a miss (${figure(c.dbPerMiss)} statement${c.dbPerMiss === 1 ? '' : 's'}), measured at each point (column D); ${ms(c.dMs)} ms at one client`,
    `  CPU limit  ${figure(c.cpuLimit)} req/s   hits only, ${c.cpuLimitConcurrency} clients`,
    `  throughput = min(C / (h + m·D), P / (m·D), CPU limit); mean latency = C / throughput; m = measured miss rate`,
    '',
    paint.bold('Baseline'),
    `  bare ioredis GET, app process, same proxied link, ${s.concurrency} clients: ${figure(c.baselineThroughput)} req/s`,
    `  cache-hit path (${s.strategy} read, all hits), ${s.concurrency} clients: ${figure(c.hitPathThroughput)} req/s = ${c.baselineRatio.toFixed(2)}x`,
    '',
  );

  const main = newTable(paint, ['hit rate', 'measured', 'D ms', 'req/s', 'model', 'Δ', 'mean ms', 'model', 'bound', "Little's"]);
  for (const p of report.points) {
    const off = Math.abs(p.model.throughputError) > MODEL_TOLERANCE;
    main.push([
      pct(p.hitRate),
      pct(p.measuredHitRate),
      ms(p.dMs),
      figure(p.throughput),
      figure(p.model.throughput),
      off ? paint.yellow(signed(p.model.throughputError)) : signed(p.model.throughputError),
      ms(p.meanMs),
      ms(p.model.meanMs),
      p.cpuBound ? paint.yellow('cpu *') : p.model.bound,
      p.littlesRatio.toFixed(3),
    ]);
  }
  lines.push(main.toString(), '');

  const detail = newTable(paint, ['hit rate', 'p50', 'p99', 'p99.9', 'hits mean / p99', 'misses mean / p99', 'db q/s (model)', 'redis cmd/s (model)', 'pool waits', 'errors']);
  for (const p of report.points) {
    detail.push([
      pct(p.hitRate),
      ms(p.p50Ms),
      ms(p.p99Ms),
      ms(p.p999Ms),
      p.hits.count > 0 ? `${ms(p.hits.meanMs)} / ${ms(p.hits.p99Ms)}` : '-',
      p.misses.count > 0 ? `${ms(p.misses.meanMs)} / ${ms(p.misses.p99Ms)}` : '-',
      `${figure(p.dbQueriesPerSec)} (${figure(p.model.dbQueriesPerSec)})`,
      `${figure(p.redisCommandsPerSec)} (${figure(p.model.redisCommandsPerSec)})`,
      p.poolWaits > 0 ? `${p.poolWaits}, ${ms(p.poolWaitMeanMs)} ms` : '0',
      p.errors > 0 ? paint.red(String(p.errors)) : '0',
    ]);
  }
  lines.push('  latencies in ms, from request start, pool waits included', detail.toString(), '');
  lines.push(...bounds(report.points, paint), '');
  lines.push(...charts(report.points, paint.level > 0), '');
  lines.push(...targets(report, paint), '');
  lines.push(...seedTable(report));
  return lines.join('\n') + '\n';
}

function bounds(points: BenchPoint[], paint: ReturnType<typeof palette>): string[] {
  const seen = new Map<string, string[]>();
  for (const p of points) seen.set(p.model.explanation, [...(seen.get(p.model.explanation) ?? []), pct(p.hitRate)]);
  const lines = [...seen].map(([why, at]) => `  ${at.join(', ')}: ${why}`);
  if (points.some((p) => p.cpuBound)) {
    lines.push(paint.yellow('  * CPU-bound: this point measures the machine (2 cores shared by the app, the proxy, Redis and PostgreSQL), not the cache.'));
  }
  return [paint.bold('Why each point is where it is'), ...lines];
}

function charts(points: BenchPoint[], color: boolean): string[] {
  if (points.length < 2) return [];
  const labels = points.map((p) => pct(p.hitRate));
  const pair = (measured: number[], model: number[]) => [
    { values: measured, color: color ? chartColors.measured : undefined },
    { values: model, color: color ? chartColors.model : undefined },
  ];
  const legend = color ? 'blue measured, yellow model' : 'measured and model lines (log scale)';
  return [
    `Throughput against hit rate (${legend})`,
    logChart(pair(points.map((p) => p.throughput), points.map((p) => p.model.throughput)), labels, 'req/s'),
    '',
    `Mean latency against hit rate (${legend})`,
    logChart(pair(points.map((p) => p.meanMs), points.map((p) => p.model.meanMs)), labels, 'ms'),
  ];
}

function targets(report: BenchReport, paint: ReturnType<typeof palette>): string[] {
  const judged = report.points.filter((p) => !p.cpuBound);
  const within = judged.filter((p) => Math.abs(p.model.throughputError) <= MODEL_TOLERANCE && Math.abs(p.model.meanError) <= MODEL_TOLERANCE);
  const little = report.points.filter((p) => p.littlesRatio >= LITTLE_RANGE[0] && p.littlesRatio <= LITTLE_RANGE[1]);
  const ratio = report.calibration.baselineRatio;
  const mark = (ok: boolean): string => (ok ? paint.green('✔') : paint.yellow('✘'));
  const cpu = report.points.length - judged.length;
  return [
    paint.bold('Targets'),
    `  ${mark(within.length === judged.length)} within 10% of the model (throughput and mean): ${within.length} of ${judged.length} points${cpu > 0 ? ` (${cpu} CPU-bound, flagged, not judged)` : ''}`,
    `  ${mark(little.length === report.points.length)} Little's law ratio in ${LITTLE_RANGE[0]}..${LITTLE_RANGE[1]}: ${little.length} of ${report.points.length} points`,
    `  ${mark(ratio >= BASELINE_TARGET)} cache-hit path at least ${BASELINE_TARGET}x a bare GET: ${ratio.toFixed(2)}x`,
  ];
}

function seedTable(report: BenchReport): string[] {
  const s = report.settings;
  const intro = "The design's table (said to be at concurrency 100): 50 ms / 200 req/s, 26 / 380, 6 / 1,600, 1.5 / 6,400.";
  const little = "By Little's law those figures hold about 10 requests in flight (200 req/s x 50 ms = 10), not 100.";
  if (s.concurrency !== 10) return [intro, little, 'Run with --concurrency 10 --pool 10 to set it beside measured figures.'];
  const rows = SEED_TABLE.map((row) => {
    const p = report.points.find((q) => q.hitRate === row.hitRate);
    const measured = p ? `${ms(p.meanMs)} ms / ${figure(p.throughput)}` : 'not run';
    const model = p ? `${ms(p.model.meanMs)} ms / ${figure(p.model.throughput)}` : '-';
    return `  ${pct(row.hitRate).padStart(4)}   ${`${row.meanMs} ms / ${figure(row.throughput)}`.padEnd(18)} ${measured.padEnd(20)} ${model}`;
  });
  return [intro, little, `${'  hit'.padEnd(9)}${'seed'.padEnd(19)}${'measured'.padEnd(21)}model`, ...rows];
}

import type { LoadResult } from '../runner/load-run.js';
import type { StrategyResult } from '../runner/result.js';
import { describeLoad } from './load-table.js';
import { el, esc, n } from './html-markup.js';

const W = 640;
const H = 140;
const PAD = 28;

/**
 * A load scenario's load: a chart per bucket (database queries/s as bars, red where requests
 * failed; requests/s as a line; the buckets a fault came in shaded), then the same figures as a
 * table. Each series is scaled to its own peak, written on the axis.
 */
export function renderLoadSection(result: StrategyResult & { load: LoadResult }): string {
  const { load } = result;
  const perSec = (count: number): number => (count * 1000) / load.bucketMs;
  const buckets = load.buckets;
  const step = (W - 2 * PAD) / Math.max(1, buckets.length);
  const maxDb = Math.max(1, ...buckets.map((b) => perSec(b.dbQueries)));
  const maxReq = Math.max(1, ...buckets.map((b) => perSec(b.requests)));
  const y = (value: number, max: number): number => H - PAD - (value / max) * (H - 2 * PAD);
  const faultAt = result.timeline.map((e) => e.at - load.startedAt);
  const shaded = buckets
    .filter((b) => faultAt.some((at) => at >= b.startMs && at < b.startMs + load.bucketMs))
    .map((b) => el('rect', { class: 'load-fault', x: n(PAD + (b.startMs / load.bucketMs) * step), y: PAD, width: n(step), height: H - 2 * PAD }));
  const bars = buckets.map((b, i) =>
    el('rect', {
      class: b.errors > 0 ? 'load-db errors' : 'load-db',
      x: n(PAD + i * step + step * 0.15),
      y: n(y(perSec(b.dbQueries), maxDb)),
      width: n(step * 0.7),
      height: n(H - PAD - y(perSec(b.dbQueries), maxDb)),
    }, el('title', {}, esc(`${b.startMs / 1000} s: ${Math.round(perSec(b.dbQueries))} db q/s, ${Math.round(perSec(b.requests))} req/s, ${b.errors} errors`))),
  );
  const line = buckets.map((b, i) => `${n(PAD + (i + 0.5) * step)},${n(y(perSec(b.requests), maxReq))}`).join(' ');
  const chart = el('svg', { class: 'load-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'load over time' },
    ...shaded,
    ...bars,
    el('polyline', { class: 'load-req', points: line, fill: 'none' }),
    el('text', { x: 2, y: PAD - 8, class: 'axis' }, esc(`bars: db queries/s (peak ${Math.round(maxDb)}) · line: requests/s (peak ${Math.round(maxReq)}) · shaded: a fault came`)),
    el('text', { x: PAD, y: H - 8, class: 'axis' }, '0 s'),
    el('text', { x: W - PAD - 40, y: H - 8, class: 'axis' }, esc(`${(buckets.length * load.bucketMs) / 1000} s`)),
  );
  const rows = buckets.map((b) => el('tr', {},
    ...[
      (b.startMs / 1000).toFixed(2),
      String(Math.round(perSec(b.requests))),
      b.requests === 0 ? '0' : `${((b.errors / b.requests) * 100).toFixed(1)}%`,
      String(Math.round(b.p99Ms)),
      String(Math.round(perSec(b.dbQueries))),
      b.poolWaitP99Ms === 0 ? '0' : `≤ ${b.poolWaitP99Ms} ms`,
    ].map((cell) => el('td', { class: 'num' }, esc(cell)))));
  const table = el('table', { class: 'load-table' },
    el('thead', {}, el('tr', {}, ...['from s', 'req/s', 'errors', 'p99 ms', 'db q/s', 'pool wait p99'].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows));
  return [el('h4', {}, 'Load over time'), el('p', { class: 'meta' }, esc(describeLoad(load))), chart, table].join('');
}

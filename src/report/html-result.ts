import type { CheckResult } from '../checkers/checker.js';
import type { DiffRow } from '../checkers/diff.js';
import type { StrategyResult } from '../runner/result.js';
import { describeOp } from './history-table.js';
import { duration, el, esc, resultId } from './html-markup.js';
import { renderLoadSection } from './html-load.js';
import { renderTimeline } from './html-timeline.js';

/**
 * One scenario × strategy: verdict against expectation, the timeline, the DB-vs-cache diff, the
 * checks' findings, the impact, the explanation, the fault timeline and the whole history.
 * Everything but the timeline is plain HTML tables and lists.
 */
export function renderResult(result: StrategyResult, index: number): string {
  const head = [
    el('h3', {}, el('span', { class: 'scenario-name' }, `${esc(result.scenario)} × `), esc(result.strategy), ' ', verdictBadge(result.verdict), ' ', matchBadge(result)),
    el('p', { class: 'meta' }, esc(meta(result))),
  ];
  if (result.expectation !== '') head.push(el('p', { class: 'expectation' }, `Expected ${el('strong', {}, esc(result.expected))}: ${esc(result.expectation)}`));
  const id = resultId(result.scenario, result.strategy);
  if (result.verdict === 'skipped') {
    return el('section', { class: 'result skipped', id }, ...head, el('p', { class: 'skip-reason' }, `Skipped: ${esc(result.skipReason ?? 'no reason given')}`));
  }
  return el('section', { class: `result ${result.verdict}`, id },
    ...head,
    el('figure', { class: 'timeline-figure' }, legend(), renderTimeline(result, `t${index}`)),
    ...(result.load
      ? [renderLoadSection({ ...result, load: result.load })]
      : [el('h4', {}, 'Database vs cache after the heal phase'), diffTable(result.diff)]),
    ...(result.bookkeeping.length > 0 ? [el('h4', {}, 'Bookkeeping left in the cache (not data)'), bookkeepingTable(result.bookkeeping)] : []),
    el('h4', {}, 'What the checkers found'),
    ...checks(result.checks),
    el('h4', {}, 'Impact'),
    result.impact.length === 0 ? el('p', { class: 'none' }, 'nothing lost') : el('ul', { class: 'impact' }, ...result.impact.map((line) => el('li', {}, esc(line)))),
    el('h4', {}, 'Explanation'),
    el('p', { class: 'explanation' }, esc(result.explanation)),
    el('h4', {}, 'Faults'),
    faultTable(result.timeline),
    el('details', { class: 'history' }, el('summary', {}, `History: ${result.history.length} operations`), historyTable(result.history)),
  );
}

export function verdictBadge(verdict: StrategyResult['verdict']): string {
  return el('span', { class: `badge ${verdict}` }, verdict);
}

export function matchBadge(result: StrategyResult): string {
  if (result.verdict === 'skipped') return el('span', { class: 'badge match skipped' }, 'not checked');
  return result.matches
    ? el('span', { class: 'badge match yes' }, `as expected`)
    : el('span', { class: 'badge match no' }, `expected ${esc(result.expected)}: does not match`);
}

function meta(result: StrategyResult): string {
  const parts = [`${duration(result.durationMs)}`];
  if (result.seed !== undefined) parts.push(`seed ${result.seed}`);
  if (result.kept) parts.push(`data kept: keys ${result.kept.keyPrefix}*, schema ${result.kept.schema}`);
  return parts.join(' · ');
}

function legend(): string {
  const item = (cls: string, text: string): string => el('span', { class: 'legend-item' }, el('span', { class: `swatch ${cls}` }), text);
  return el('figcaption', { class: 'legend' },
    item('ok', 'ok'), item('fail', 'fail (certainly did not happen)'), item('unknown', 'unknown (may have happened)'),
    item('network', 'network fault'), item('process', 'process down'), item('hold', 'op held'),
    item('point', 'fault point reached'), item('snapshot', 'final snapshot'));
}

function table(head: string[], rows: string[][], cls = ''): string {
  return el('table', { class: cls || undefined },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, esc(h))))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c))))));
}

function diffTable(rows: DiffRow[]): string {
  if (rows.length === 0) return el('p', { class: 'none' }, 'no keys in the database or the cache');
  return table(['key', 'database', 'cache', 'TTL left', 'status', 'note'], rows.map((r) => [
    el('code', {}, esc(r.key)),
    esc(r.db ?? '–'),
    esc(r.cache ?? '–'),
    r.cache === null ? '–' : r.ttlMs === null ? 'none' : duration(r.ttlMs),
    el('span', { class: `status ${r.status}${r.ttlMs === null ? ' lasting' : ''}` }, r.status),
    esc(r.note ?? ''),
  ]), 'diff');
}

function bookkeepingTable(entries: StrategyResult['bookkeeping']): string {
  return table(['key', 'type', 'value', 'TTL left'], entries.map((e) => [
    el('code', {}, esc(e.key)), esc(e.type), esc(Array.isArray(e.value) ? e.value.join(', ') : e.value), e.ttlMs === null ? 'none' : duration(e.ttlMs),
  ]));
}

function checks(results: CheckResult[]): string[] {
  if (results.length === 0) return [el('p', { class: 'none' }, 'no checkers ran')];
  return results.map((check) => {
    const findings = check.findings.length === 0
      ? el('p', { class: 'none' }, 'no findings')
      : el('ul', {}, ...check.findings.map((f) => el('li', {}, esc(f))));
    const figures = Object.entries(check.figures).map(([name, value]) => `${name} ${value}`).join(' · ');
    return el('div', { class: 'check' },
      el('p', { class: 'check-name' }, el('strong', {}, esc(check.checker)), ' ', verdictBadge(check.verdict)),
      findings,
      figures === '' ? '' : el('p', { class: 'figures' }, esc(figures)));
  });
}

function faultTable(timeline: StrategyResult['timeline']): string {
  if (timeline.length === 0) return el('p', { class: 'none' }, 'no faults injected');
  return table(['at ms', 'event', 'trigger'], timeline.map((t) => [el('span', { class: 'num' }, esc(t.at)), esc(t.event), esc(t.trigger ?? '')]), 'faults');
}

function historyTable(history: StrategyResult['history']): string {
  return table(['id', 'client', 'operation', 'invoked ms', 'completed ms', 'took', 'outcome', 'answer or error'], history.map((op) => [
    esc(op.id),
    esc(op.client),
    esc(describeOp(op.op)),
    el('span', { class: 'num' }, esc(op.invokedAt)),
    el('span', { class: 'num' }, esc(op.completedAt)),
    duration(op.completedAt - op.invokedAt),
    el('span', { class: `outcome ${op.outcome}` }, op.outcome),
    esc(op.error ?? (op.value === undefined ? '' : op.value === null ? 'none' : String(op.value))),
  ]), 'history-table');
}

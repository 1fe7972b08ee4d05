import type { ChalkInstance } from 'chalk';
import type { CheckResult, Verdict } from '../checkers/checker.js';
import type { DiffRow } from '../checkers/diff.js';
import type { StrategyResult, TimelineEntry } from '../runner/result.js';
import { describePersistence } from '../stack/contract.js';
import { renderHistory } from './history-table.js';
import { renderLoad } from './load-table.js';
import { newTable } from './table.js';

/** Columns prose is wrapped to, indent included. */
const WIDTH = 100;
const INDENT = '  ';

/** Green consistent, red inconsistent, yellow unknown or skipped. */
export function paintVerdict(verdict: Verdict | 'skipped', paint: ChalkInstance): string {
  const colour = { consistent: paint.green, inconsistent: paint.red, unknown: paint.yellow, skipped: paint.yellow };
  return colour[verdict](verdict);
}

/** "expected X: matches", "EXPECTED X: DOES NOT MATCH", or "expected X: not checked (skipped)". */
export function paintMatch(result: StrategyResult, paint: ChalkInstance): string {
  if (result.verdict === 'skipped') return paint.yellow(`expected ${result.expected}: not checked (skipped)`);
  if (result.matches) return paint.green(`expected ${result.expected}: matches`);
  return paint.red.bold(`EXPECTED ${result.expected.toUpperCase()}: DOES NOT MATCH`);
}

/** One scenario × strategy: verdict, DB-vs-cache table, findings, impact, explanation, faults. */
export function renderStrategy(result: StrategyResult, paint: ChalkInstance, verbose = false): string {
  if (result.verdict === 'skipped') return renderSkipped(result, paint);
  const parts = [
    title(result, paint),
    result.load ? section('load', renderLoad(result.load, result.timeline, paint), paint) : renderDiff(result.diff, paint),
    ...(result.bookkeeping.length > 0 ? [section('bookkeeping left in the cache (not data)', renderBookkeeping(result.bookkeeping), paint)] : []),
    section('checks', renderChecks(result.checks, paint, verbose), paint),
    section('impact', renderImpact(result.impact, paint), paint),
    section('explanation', wrap(result.explanation), paint),
    section('faults', renderTimeline(result.timeline, paint), paint),
  ];
  if (verbose) parts.push(section('history', renderHistory(result.history, paint), paint));
  return parts.join('\n\n');
}

/** A result that could not run here: the reason, and that its expectation went unchecked. */
export function renderSkipped(result: StrategyResult, paint: ChalkInstance): string {
  const reason = result.skipReason ?? 'no reason given';
  return [title(result, paint), section('skipped', wrap(reason), paint)].join('\n\n');
}

function title(result: StrategyResult, paint: ChalkInstance): string {
  const name = paint.bold(`━━ ${result.scenario} × ${result.strategy}`);
  const duration = paint.dim(`(${(result.durationMs / 1000).toFixed(1)} s${result.seed === undefined ? '' : `, seed ${result.seed}`})`);
  const verdict = `verdict ${paintVerdict(result.verdict, paint)}    ${paintMatch(result, paint)}`;
  const lines = [`${name} ${duration}`, `${INDENT}${verdict}`];
  const redis = result.redisPersistence;
  if (redis !== undefined) {
    lines.push(`${INDENT}Redis persistence: ${describePersistence(redis.setting)}${redis.source === 'server' ? " (the server's own setting)" : ''}`);
  }
  if (result.expectation !== '') lines.push(paint.dim(wrap(result.expectation)));
  return lines.join('\n');
}

function section(name: string, body: string, paint: ChalkInstance): string {
  return `${paint.bold.underline(name)}\n${body}`;
}

function renderDiff(rows: DiffRow[], paint: ChalkInstance): string {
  if (rows.length === 0) return paint.dim('no keys in the database or the cache');
  const table = newTable(paint, ['key', 'database', 'cache', 'TTL left', 'status', 'note']);
  for (const row of rows) {
    table.push([row.key, row.db ?? '-', row.cache ?? '-', ttl(row), paintStatus(row, paint), row.note ?? '']);
  }
  return table.toString();
}

function renderBookkeeping(entries: StrategyResult['bookkeeping']): string {
  return entries
    .map((e) => `${INDENT}${e.key} (${e.type}) = ${Array.isArray(e.value) ? e.value.join(', ') : e.value}, TTL ${ttlText(e.ttlMs)}`)
    .join('\n');
}

function ttl(row: DiffRow): string {
  return row.cache === null ? '-' : ttlText(row.ttlMs);
}

function ttlText(ttlMs: number | null): string {
  if (ttlMs === null) return 'none';
  return ttlMs < 1000 ? `${ttlMs} ms` : `${(ttlMs / 1000).toFixed(1)} s`;
}

/** Red when the divergence lasts until the next write, yellow when a TTL ends it. */
function paintStatus(row: DiffRow, paint: ChalkInstance): string {
  switch (row.status) {
    case 'consistent':
      return paint.green(row.status);
    case 'missing-in-cache':
      return paint.dim(row.status);
    case 'stale':
    case 'cache-only':
      return row.ttlMs === null ? paint.red(row.status) : paint.yellow(row.status);
  }
}

function renderChecks(checks: CheckResult[], paint: ChalkInstance, verbose: boolean): string {
  if (checks.length === 0) return paint.dim(`${INDENT}no checkers ran`);
  return checks
    .map((check) => {
      const lines = [`${INDENT}${check.checker}: ${paintVerdict(check.verdict, paint)}`];
      for (const finding of check.findings) lines.push(`${INDENT}${INDENT}- ${finding}`);
      if (check.findings.length === 0) lines.push(paint.dim(`${INDENT}${INDENT}no findings`));
      const figures = Object.entries(check.figures).map(([name, value]) => `${name} ${value}`);
      if (verbose && figures.length > 0) lines.push(paint.dim(`${INDENT}${INDENT}figures: ${figures.join(', ')}`));
      return lines.join('\n');
    })
    .join('\n');
}

function renderImpact(impact: string[], paint: ChalkInstance): string {
  if (impact.length === 0) return paint.dim(`${INDENT}nothing lost`);
  return impact.map((line) => paint.bold(`${INDENT}${line}`)).join('\n');
}

function renderTimeline(timeline: TimelineEntry[], paint: ChalkInstance): string {
  if (timeline.length === 0) return paint.dim(`${INDENT}no faults injected`);
  const table = newTable(paint, ['at ms', 'event', 'trigger']);
  for (const entry of timeline) table.push([entry.at, entry.event, entry.trigger ?? '']);
  return table.toString();
}

/** Wraps prose at word boundaries to WIDTH columns, each line indented. */
function wrap(text: string): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line !== '' && INDENT.length + line.length + 1 + word.length > WIDTH) {
        lines.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines.map((l) => (l === '' ? '' : `${INDENT}${l}`)).join('\n');
}

import type { ChalkInstance } from 'chalk';
import type { RunReport, StrategyResult } from '../runner/result.js';
import { palette } from './palette.js';
import { paintVerdict, renderStrategy } from './strategy-block.js';
import { newTable } from './table.js';

export { renderSkipped } from './strategy-block.js';

/** Driver settings longer than this many characters are split over two lines. */
const SETTINGS_LINE = 90;

/**
 * The whole run for a terminal: header, one block per scenario × strategy, then the summary
 * matrix. `color: false` gives plain text without any ANSI code; undefined follows the terminal.
 * `verbose` adds each result's history table and the checkers' figures.
 */
export function renderReport(report: RunReport, opts: { color?: boolean; verbose?: boolean } = {}): string {
  const paint = palette(opts.color);
  const blocks = report.results.map((result) => renderStrategy(result, paint, opts.verbose ?? false));
  return [renderHeader(report, paint), ...blocks, renderSummary(report, paint)].join('\n\n') + '\n';
}

function renderHeader(report: RunReport, paint: ChalkInstance): string {
  const { stack } = report;
  const lines = [
    `${paint.bold('cachelab run')} ${report.runId}    seed ${report.seed}`,
    `stack     ${stack.mode}: redis ${stack.redis}, postgres ${stack.postgres}, toxiproxy ${stack.toxiproxy}`,
  ];
  const settings = Object.entries(report.driverSettings).map(([name, value]) => `${name}=${String(value)}`);
  if (settings.length === 0) {
    lines.push('drivers   (defaults)');
  } else if (settings.join(', ').length <= SETTINGS_LINE) {
    lines.push(`drivers   ${settings.join(', ')}`);
  } else {
    const half = Math.ceil(settings.length / 2);
    lines.push(`drivers   ${settings.slice(0, half).join(', ')},`, `          ${settings.slice(half).join(', ')}`);
  }
  return lines.join('\n');
}

function renderSummary(report: RunReport, paint: ChalkInstance): string {
  const table = newTable(paint, ['scenario', 'strategy', 'verdict', 'expected', 'match', 'impact'], {
    compact: false,
  });
  for (const result of report.results) {
    table.push([
      result.scenario,
      result.strategy,
      paintVerdict(result.verdict, paint),
      result.expected,
      matchCell(result, paint),
      result.impact.length === 0 ? paint.dim('none') : result.impact.join('\n'),
    ]);
  }
  return `${paint.bold.underline('summary')}\n${table.toString()}\n${tally(report, paint)}`;
}

function matchCell(result: StrategyResult, paint: ChalkInstance): string {
  if (result.verdict === 'skipped') return paint.yellow('skipped');
  return result.matches ? paint.green('yes') : paint.red.bold('NO');
}

function tally(report: RunReport, paint: ChalkInstance): string {
  const total = report.results.length;
  const skipped = report.results.filter((r) => r.verdict === 'skipped').length;
  const mismatched = report.results.filter((r) => !r.matches && r.verdict !== 'skipped').length;
  const matched = total - skipped - mismatched;
  const seconds = `${(report.durationMs / 1000).toFixed(1)} s`;
  const counts = `${matched} of ${total} matched their expectation, ${mismatched} did not, ${skipped} skipped (${seconds})`;
  return report.ok ? paint.green(counts) : paint.red.bold(counts);
}

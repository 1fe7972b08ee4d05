import type { ChalkInstance } from 'chalk';
import type { RunReport } from '../runner/result.js';
import { palette } from './palette.js';
import { renderMatrix } from './matrix.js';
import { renderStrategy } from './strategy-block.js';

export { renderSkipped } from './strategy-block.js';

/** Driver settings longer than this many characters are split over two lines. */
const SETTINGS_LINE = 90;

/**
 * The whole run for a terminal: header, one block per scenario × strategy (left out with
 * `blocks: false`, as `cachelab matrix` does unless --verbose), then the summary and the matrix.
 * `color: false` gives plain text without any ANSI code; undefined follows the terminal.
 * `verbose` adds each result's history table and the checkers' figures.
 */
export function renderReport(report: RunReport, opts: { color?: boolean; verbose?: boolean; blocks?: boolean } = {}): string {
  const paint = palette(opts.color);
  const blocks = opts.blocks === false ? [] : report.results.map((result) => renderStrategy(result, paint, opts.verbose ?? false));
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

/** The matrix, then every result's business cost in full, then the count. */
function renderSummary(report: RunReport, paint: ChalkInstance): string {
  const costs = report.results.flatMap((r) =>
    r.impact.length === 0 ? [] : [`${paint.bold(`${r.scenario} × ${r.strategy}`)}`, ...r.impact.map((line) => `  ${line}`)],
  );
  const impact = costs.length === 0 ? [] : [`${paint.bold.underline('impact')}`, ...costs.map((line) => `  ${line}`)];
  return [`${paint.bold.underline('summary')}`, renderMatrix(report, paint), ...impact, tally(report, paint)].join('\n');
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

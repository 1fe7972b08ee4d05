import type { ChalkInstance } from 'chalk';
import type { RunReport, StrategyResult } from '../runner/result.js';
import { paintVerdict } from './strategy-block.js';
import { newTable } from './table.js';

/** The width the matrix fits in, in columns. */
const WIDTH = 100;
/** Columns per scenario cell, borders excluded. */
const CELL = 20;

/**
 * The matrix: strategies as rows, scenarios as columns (split into several tables side by side
 * in the run's order when they do not fit in 100 columns). Each cell: ✔ or ✘ (the verdict
 * matched its expectation or not), the verdict, and what went wrong in a few words.
 */
export function renderMatrix(report: RunReport, paint: ChalkInstance): string {
  const scenarios = unique(report.results.map((r) => r.scenario));
  const strategies = unique(report.results.map((r) => r.strategy));
  const byPair = new Map(report.results.map((r) => [`${r.scenario}\u0000${r.strategy}`, r]));
  const nameWidth = Math.max(8, ...strategies.map((s) => s.length)) + 2;
  const perTable = Math.max(1, Math.floor((WIDTH - nameWidth - 1) / (CELL + 3)));
  const tables: string[] = [];
  for (let start = 0; start < scenarios.length; start += perTable) {
    const columns = scenarios.slice(start, start + perTable);
    const table = newTable(paint, ['strategy', ...columns.map((name) => wrapName(name, CELL).join('\n'))], {
      compact: false,
      colWidths: [nameWidth, ...columns.map(() => CELL + 2)],
      wordWrap: true,
    });
    for (const strategy of strategies) {
      const cells = columns.map((scenario) => cell(byPair.get(`${scenario}\u0000${strategy}`), paint));
      if (cells.some((c) => c !== '')) table.push([strategy, ...cells]);
    }
    tables.push(table.toString());
  }
  return tables.join('\n');
}

function cell(result: StrategyResult | undefined, paint: ChalkInstance): string {
  if (result === undefined) return '';
  if (result.verdict === 'skipped') return paint.yellow('skipped');
  const mark = result.matches ? paint.green('✔') : paint.red.bold('✘');
  const lines = [`${mark} ${paintVerdict(result.verdict, paint)}`];
  if (!result.matches) lines.push(paint.red(`expected ${result.expected}`));
  const words = result.checks.flatMap((c) => (c.verdict === 'consistent' || c.summary === undefined ? [] : [c.summary]));
  if (result.verdict === 'unknown' && words.length === 0) words.push('see the run findings');
  if (words.length > 0) lines.push(paint.dim(words.join('; ')));
  return lines.join('\n');
}

/** A scenario name cut at '/' and '-' into lines of at most `width` (longer parts stay whole). */
export function wrapName(name: string, width: number): string[] {
  const parts = name.split(/(?<=[/-])/);
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line !== '' && line.length + part.length > width) {
      lines.push(line);
      line = part;
    } else {
      line += part;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

const unique = (values: string[]): string[] => [...new Set(values)];

import { renderContract, type ContractListing } from './contract.js';
import { palette } from './palette.js';
import { newTable } from './table.js';

export interface ScenarioRow {
  name: string;
  summary: string;
  strategies: string[];
  faults: string[];
  contract?: ContractListing;
  suite?: string;
  apps?: number;
  needs?: string[];
}

/** Characters of summary per line; strategies get one line each. */
const SUMMARY_WIDTH = 48;
/** Characters of a fault per line. */
const FAULTS_WIDTH = 48;

/** The `cachelab list` table: one row per scenario; `verbose` adds each scenario's data contract below it. */
export function renderScenarioList(rows: ScenarioRow[], opts: { color?: boolean; verbose?: boolean } = {}): string {
  const paint = palette(opts.color);
  if (rows.length === 0) return `${paint.yellow('no scenarios found')}\n`;
  // The default matrix first, then one table per suite, each headed by how to run it.
  const suites = [...new Set(rows.flatMap((row) => (row.suite === undefined ? [] : [row.suite])))];
  const groups = [
    { heading: '', rows: rows.filter((row) => row.suite === undefined) },
    ...suites.map((suite) => ({
      heading: `${paint.bold(`suite ${suite}`)}: not in the default matrix (run --all --include ${suite}, or name the scenario)\n`,
      rows: rows.filter((row) => row.suite === suite),
    })),
  ].filter((group) => group.rows.length > 0);
  const tables = groups.map((group) => {
    const table = newTable(paint, ['scenario', 'summary', 'strategies', 'faults'], {
      colWidths: [null, SUMMARY_WIDTH + 2, null, FAULTS_WIDTH + 2],
      wordWrap: true,
      compact: false,
    });
    for (const row of group.rows) {
      const notes = [row.apps === undefined ? '' : `(${row.apps} apps)`, ...(row.needs ?? []).map((need) => `needs ${need}`)].filter(Boolean);
      const name = [paint.bold(row.name), ...notes].join('\n');
      table.push([name, row.summary, lines(row.strategies), lines(row.faults)]);
    }
    return `${group.heading}${table.toString()}\n`;
  });
  const contracts = opts.verbose ? rows.flatMap((row) => (row.contract ? [`\n${renderContract(row.name, row.contract, paint)}\n`] : [])) : [];
  return `${tables.join('\n')}${rows.length} scenario${rows.length === 1 ? '' : 's'}\n${contracts.join('')}`;
}

function lines(items: string[]): string {
  return items.length === 0 ? '-' : items.join('\n');
}

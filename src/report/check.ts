import type { ChalkInstance } from 'chalk';
import {
  consistencyText,
  durationText,
  type CheckReport,
  type CheckRoundReport,
  type SampleRound,
  type SampleTotals,
} from '../checkers/sampled-consistency.js';
import { palette } from './palette.js';
import { newTable } from './table.js';

/** How the check ran: what the lines say next to the figures. */
export interface CheckView {
  comparison: string;
  /** ms; undefined: no recheck. */
  recheckMs?: number;
  maxInconsistent: number;
  color?: boolean;
}

/** Characters of a value shown in the table; --json has them whole. */
const VALUE_WIDTH = 40;
/** Characters shown before the first difference of two long values. */
const CONTEXT = 12;

/** One round without --watch: the counts, the consistency, the verdict, the first differences. */
export function renderCheckRound(report: CheckRoundReport, view: CheckView): string {
  const paint = palette(view.color);
  const { result } = report;
  const sampled = result.sampled === report.rowsRead ? `all ${result.sampled} rows` : `${result.sampled} of ${report.rowsRead} rows`;
  const width = String(result.sampled).length;
  const count = (n: number): string => String(n).padStart(width);
  const lines = [
    `${paint.bold('cachelab check')}  ${sampled} sampled, compared as ${view.comparison} (first pass ${report.firstPassMs} ms)`,
    `  consistent  ${count(result.consistent)}`,
    `  missing     ${count(result.missing)}  ${paint.dim('not in the cache: fine for a cache-aside cache, the next read fills it')}`,
    `  different   ${count(result.different)}  ${recheckText(result, view, paint)}`,
    `  ${paint.bold(consistencyText(result, view.recheckMs))}: ${verdictText(result.inconsistentShare, view, paint)}`,
  ];
  if (result.sampled === 0) lines.push(paint.yellow('  the query returned no rows: nothing was compared'));
  if (result.differences.length > 0) lines.push('', differencesTable(result, view.comparison, paint));
  return lines.join('\n') + '\n';
}

/** One line per --watch round, with the running totals. */
export function renderWatchLine(report: CheckRoundReport, view: CheckView, at: Date = new Date()): string {
  const paint = palette(view.color);
  const time = at.toTimeString().slice(0, 8);
  const { result, totals } = report;
  const round = `round ${report.round}: ${countsText(result)}, ${consistencyText(result, view.recheckMs)}`;
  const running = `total ${totals.sampled} sampled, ${totals.stuck ?? totals.different} ${totals.stuck === null ? 'different' : 'stuck'}, ${consistencyText(totals, view.recheckMs)}`;
  const mark = result.inconsistentShare > view.maxInconsistent ? paint.red('✘') : paint.green('✔');
  return `${paint.dim(time)} ${mark} ${round}  ${paint.dim('|')}  ${running}\n`;
}

/** The end of a --watch: the running totals and the verdict the exit code follows. */
export function renderCheckTotals(report: CheckReport, view: CheckView): string {
  const paint = palette(view.color);
  const { totals } = report;
  const rounds = `${totals.rounds} round${totals.rounds === 1 ? '' : 's'}`;
  return (
    `${paint.bold(report.stopped ? `stopped after ${rounds}` : rounds)}: ${countsText(totals)}\n` +
    `  ${paint.bold(consistencyText(totals, view.recheckMs))}: ${verdictText(totals.inconsistentShare, view, paint)}\n`
  );
}

function countsText(counts: Omit<SampleTotals, 'rounds' | 'inconsistentShare'>): string {
  const rechecked = counts.stuck === null ? '' : ` (${counts.lagging ?? 0} lagging, ${counts.stuck} stuck)`;
  return `${counts.sampled} sampled, ${counts.consistent} consistent, ${counts.missing} missing, ${counts.different} different${rechecked}`;
}

function recheckText(result: SampleRound, view: CheckView, paint: ChalkInstance): string {
  if (result.stuck === null || view.recheckMs === undefined) return paint.dim('not read again (--recheck 2s tells lagging from stuck)');
  if (result.different === 0) return '';
  const stuck = result.stuck > 0 ? paint.red(`${result.stuck} stuck`) : '0 stuck';
  return `read again after ${durationText(view.recheckMs)}: ${result.lagging ?? 0} lagging (right again), ${stuck} (still wrong)`;
}

function verdictText(share: number, view: CheckView, paint: ChalkInstance): string {
  const text = `inconsistent share ${shareText(share)}`;
  return share > view.maxInconsistent
    ? paint.red.bold(`${text}, above --max-inconsistent ${view.maxInconsistent}`)
    : paint.green(`${text}, within --max-inconsistent ${view.maxInconsistent}`);
}

/** Up to six decimals, no trailing zeros: 0.012, 0.000333. */
const shareText = (share: number): string => String(Number(share.toFixed(6)));

function differencesTable(result: SampleRound, comparison: string, paint: ChalkInstance): string {
  const heading = `first differences${result.stuck === null ? '' : ', stuck first'} (${result.differences.length} of ${result.different})`;
  const table = newTable(paint, ['key', 'database', 'cache', 'TTL left', 'status']);
  for (const d of result.differences) {
    const status = d.status === 'stuck' ? paint.red(d.status) : d.status === 'lagging' ? paint.yellow(d.status) : d.status;
    const [database, cache] = excerpts(shown(d.database ?? 'NULL', comparison), shown(d.cache ?? '-', comparison));
    table.push([d.key, database, cache, d.cache === null ? '-' : ttlText(d.ttlMs), status]);
  }
  return `${paint.bold.underline(heading)}\n${table.toString()}`;
}

/** JSON with its keys sorted and no spaces, so two values line up where they differ. */
function shown(value: string, comparison: string): string {
  if (comparison !== 'json') return value;
  try {
    return JSON.stringify(JSON.parse(value), (_key, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
    );
  } catch {
    return value;
  }
}

/** Both values cut to VALUE_WIDTH around the first character where they differ, at the same place. */
function excerpts(a: string, b: string): [string, string] {
  if (a.length <= VALUE_WIDTH && b.length <= VALUE_WIDTH) return [a, b];
  let first = 0;
  while (first < a.length && a[first] === b[first]) first += 1;
  const start = Math.max(0, Math.min(first - CONTEXT, Math.max(a.length, b.length) - VALUE_WIDTH));
  const cut = (text: string): string => {
    if (text.length <= VALUE_WIDTH) return text;
    let part = text.slice(start, start + VALUE_WIDTH);
    if (start > 0) part = `…${part.slice(1)}`;
    if (start + VALUE_WIDTH < text.length) part = `${part.slice(0, -1)}…`;
    return part;
  };
  return [cut(a), cut(b)];
}

function ttlText(ttlMs: number | null): string {
  if (ttlMs === null) return 'none';
  return ttlMs < 1000 ? `${ttlMs} ms` : `${(ttlMs / 1000).toFixed(1)} s`;
}

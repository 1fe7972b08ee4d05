import type { ChalkInstance } from 'chalk';

/** A scenario's data contract for strategy modules, as `cachelab list` hands it over. */
export interface ContractListing {
  /** The tables the checkers read: columns, and what a strategy must keep in them. */
  tables: { name: string; columns: string[]; rule: string }[];
  cache: string;
  /** The methods a module needs (one per operation the workload calls) and what each must do. */
  operations: { method: string; does: string }[];
  /** Each fault point armed: where a strategy calls it, and what the lab does there, for which op. */
  points: { point: string; where: string; armed: string[] }[];
  /** Faults that hit every strategy, from the workload. */
  workloadFaults: string[];
  /** Abilities the stack must have (kill-redis). */
  needs: string[];
}

const INDENT = '  ';

/** Columns the contract's prose is wrapped to. */
const WIDTH = 100;

/** The contract under a scenario's name, for `cachelab list --verbose`. */
export function renderContract(name: string, c: ContractListing, paint: ChalkInstance): string {
  const item = (text: string): string => wrap(text, INDENT.repeat(2), INDENT.repeat(3));
  const heading = (text: string): string => `${INDENT}${paint.underline(text)}`;
  const lines = [paint.bold(`${name}: data contract for strategy modules`), heading('methods')];
  for (const op of c.operations) lines.push(item(`${op.method}: ${op.does}`));
  lines.push(heading('tables the checkers read'));
  for (const t of c.tables) lines.push(item(`${t.name}(${t.columns.join(', ')}): ${t.rule}`));
  lines.push(heading('cache'), item(c.cache), heading('fault points'));
  if (c.points.length === 0) lines.push(item('none armed'));
  for (const p of c.points) lines.push(item(`op.point('${p.point}'): ${p.where}; ${p.armed.join('; ')}`));
  if (c.workloadFaults.length > 0) {
    lines.push(heading('faults from the workload (every strategy meets them)'));
    for (const f of c.workloadFaults) lines.push(item(f));
  }
  if (c.needs.length > 0) lines.push(`${heading('needs')} ${c.needs.join(', ')} (else skipped)`);
  return lines.join('\n');
}

/** Wraps at word boundaries to WIDTH: the first line after `first`, the others after `rest`. */
function wrap(text: string, first: string, rest: string): string {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const indent = lines.length === 0 ? first : rest;
    if (line.length > indent.length && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = rest + word;
    } else {
      line = line.length === indent.length ? line + word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

/** The same, as a section of docs/strategy-modules.md. */
export function contractMarkdown(name: string, c: ContractListing): string {
  const lines = [`### ${name}`, '', '| method | what it must do |', '|---|---|'];
  for (const op of c.operations) lines.push(`| \`${op.method}\` | ${cell(op.does)} |`);
  lines.push('', '| table | columns | rule |', '|---|---|---|');
  for (const t of c.tables) lines.push(`| \`${t.name}\` | ${t.columns.map((col) => `\`${col}\``).join(', ')} | ${cell(t.rule)} |`);
  lines.push('', `Cache: ${c.cache}.`, '');
  if (c.points.length === 0) lines.push('Fault points: none armed.');
  for (const p of c.points) lines.push(`Fault point \`${p.point}\`: ${p.where}; ${p.armed.join('; ')}.`);
  if (c.workloadFaults.length > 0) lines.push('', `Faults from the workload, whatever the strategy does: ${c.workloadFaults.join('; ')}.`);
  if (c.needs.length > 0) lines.push('', `Needs: ${c.needs.join(', ')} (${needsHow(c.needs)}, else it is skipped).`);
  return lines.join('\n') + '\n';
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** How a stack gets what a scenario needs, for the docs. */
function needsHow(needs: string[]): string {
  const how: string[] = [];
  if (needs.some((n) => n === 'kill-redis' || n === 'redis-persistence')) how.push('in external mode pass --redis-kill-command and --redis-start-command');
  if (needs.includes('redis-failover')) how.push('the local stack starts a Redis primary, a replica and a Sentinel for it; external mode cannot');
  return how.join('; ');
}

import type { ExploreReport } from '../runner/explore-result.js';
import { palette } from './palette.js';
import { newTable } from './table.js';

/** The explore report: what ran, the minimal failing schedules with their replay commands, the dangerous points. */
export function renderExplore(report: ExploreReport, opts: { color?: boolean } = {}): string {
  const paint = palette(opts.color);
  const seconds = (report.durationMs / 1000).toFixed(1);
  const lines = [
    `${paint.bold('cachelab explore')} ${report.scenario} x ${report.strategy}  seed ${report.seed}, faults ${report.faults.join(',')}, at most ${report.maxFaults} per schedule`,
    `  windows (op@point a clean run passed): ${report.windows.length > 0 ? report.windows.join(' ') : 'none'}`,
    `  clean run: ${report.clean.verdict}`,
    `  runs ${report.runs}${report.runs < report.runsAsked ? ` of ${report.runsAsked}` : ''}: ${paint.red(`${report.failing} failing`)}, ${paint.yellow(`${report.unknown} unknown`)}, ` +
      `${report.runs - report.failing - report.unknown} consistent; ${report.shrinkRuns} more runs to shrink; ${report.minimal.length} distinct minimal schedule(s)`,
    `  ${seconds} s; app processes started ${report.app.started}; ${report.app.reused} times a run found one running (kept or spare)`,
  ];
  if (report.notReproduced > 0) lines.push(paint.yellow(`  ${report.notReproduced} failing run(s) shrank to a schedule that did not fail again when run once more: not reported (a timing-dependent failure)`));
  for (const note of report.notes) lines.push(paint.yellow(`  ${note}`));
  if (report.interrupted) lines.push(paint.yellow('  interrupted: the results so far'));
  for (const m of report.minimal) {
    lines.push(
      '',
      `${paint.red.bold('minimal failing schedule')} ${paint.bold(m.schedule)}  (${m.failingRuns} failing run(s) contain it; shrunk from run ${m.foundAt.run}: ${m.foundAt.schedule})`,
      `  replay: ${m.replay}`,
    );
  }
  if (report.points.length > 0) {
    const table = newTable(paint, ['fault point', 'runs with a fault there', 'failing runs it is in the minimal schedule of']);
    for (const p of report.points) table.push([p.point, String(p.faulted), p.broke > 0 ? paint.red(String(p.broke)) : '0']);
    lines.push('', table.toString());
  }
  lines.push(
    '',
    report.minimal.length > 0
      ? paint.red(`${report.strategy} breaks under ${report.minimal.length} minimal schedule(s): each replay command above reproduces it`)
      : paint.green(`no failing schedule in ${report.runs} runs${report.unknown > 0 ? ` (${report.unknown} could not be judged)` : ''}`),
  );
  return lines.join('\n') + '\n';
}

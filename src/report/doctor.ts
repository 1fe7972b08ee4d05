import { palette } from './palette.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about a failing check, e.g. "install it: apt-get install redis-server". */
  fix?: string;
}

/** `cachelab doctor`: ✔ or ✘ per check, the fix under each failing one, then a one-line verdict. */
export function renderDoctor(report: { checks: DoctorCheck[] }, opts: { color?: boolean } = {}): string {
  const paint = palette(opts.color);
  const width = Math.max(0, ...report.checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const check of report.checks) {
    const mark = check.ok ? paint.green('✔') : paint.red('✘');
    lines.push(`${mark} ${paint.bold(check.name.padEnd(width))}  ${check.detail}`);
    if (!check.ok && check.fix !== undefined) lines.push(`  ${' '.repeat(width)}  ${paint.yellow(`fix: ${check.fix}`)}`);
  }
  const failed = report.checks.filter((c) => !c.ok).length;
  lines.push(
    '',
    failed === 0
      ? paint.green(`all ${report.checks.length} checks passed`)
      : paint.red.bold(`${failed} of ${report.checks.length} checks failed`),
  );
  return lines.join('\n') + '\n';
}

import type { RunReport, StrategyResult } from '../runner/result.js';

/**
 * The run as JUnit XML for CI: one <testsuite> per scenario (in first-seen order), one <testcase>
 * per strategy named "<scenario> × <strategy>". A result that does not match its expectation is a
 * <failure> (verdict vs expected, then the findings); a skipped one is <skipped> with its reason.
 * Times are seconds.
 */
export function renderJunit(report: RunReport): string {
  const suites = groupByScenario(report.results);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: `cachelab ${report.runId}`, ...counts(report.results), time: seconds(report.durationMs) })}>`,
  ];
  for (const [scenario, results] of suites) {
    const time = seconds(results.reduce((total, r) => total + r.durationMs, 0));
    lines.push(`  <testsuite ${attrs({ name: scenario, ...counts(results), time })}>`);
    lines.push(`    <properties>`);
    lines.push(`      <property ${attrs({ name: 'seed', value: report.seed })}/>`);
    lines.push(`    </properties>`);
    for (const result of results) lines.push(...testcase(result));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

function testcase(result: StrategyResult): string[] {
  const head = `    <testcase ${attrs({
    name: `${result.scenario} × ${result.strategy}`,
    classname: `cachelab.${result.scenario}`,
    time: seconds(result.durationMs),
  })}`;
  if (result.verdict === 'skipped') {
    return [`${head}>`, `      <skipped ${attrs({ message: result.skipReason ?? 'skipped' })}/>`, '    </testcase>'];
  }
  if (result.matches) return [`${head}/>`];
  const message = `verdict ${result.verdict}, expected ${result.expected}`;
  const findings = result.checks.flatMap((c) => c.findings.map((f) => `${c.checker}: ${f}`));
  const body = [message, ...findings, ...result.impact.map((i) => `impact: ${i}`), result.explanation]
    .filter((line) => line !== '')
    .join('\n');
  return [
    `${head}>`,
    `      <failure ${attrs({ message: [message, ...findings].join('; '), type: 'mismatch' })}>${escape(body)}</failure>`,
    '    </testcase>',
  ];
}

function groupByScenario(results: StrategyResult[]): Map<string, StrategyResult[]> {
  const suites = new Map<string, StrategyResult[]>();
  for (const result of results) suites.set(result.scenario, [...(suites.get(result.scenario) ?? []), result]);
  return suites;
}

function counts(results: StrategyResult[]): { tests: number; failures: number; errors: number; skipped: number } {
  const skipped = results.filter((r) => r.verdict === 'skipped').length;
  const failures = results.filter((r) => r.verdict !== 'skipped' && !r.matches).length;
  return { tests: results.length, failures, errors: 0, skipped };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${escapeAttribute(String(value))}"`)
    .join(' ');
}

/** Also keeps line breaks and tabs, which attribute normalization would turn into spaces. */
function escapeAttribute(text: string): string {
  return escape(text).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** Escapes markup and drops characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates). */
function escape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

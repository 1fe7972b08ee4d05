import { readFile } from 'node:fs/promises';
import { usageError } from '../errors.js';
import type { RunReport } from '../runner/result.js';

/**
 * `cachelab merge a.json b.json`: the `--json` reports of several shards (`--shard i/n` on
 * several machines) joined into one, as if one run had made them all: results in the order
 * given, ok only if every result matched, the longest shard's duration.
 */
export async function mergeCommand(files: string[]): Promise<RunReport> {
  if (files.length === 0) throw usageError('name the JSON reports to merge', 'e.g. cachelab merge shard-1.json shard-2.json --junit report.xml');
  const reports = await Promise.all(files.map(readReport));
  return mergeReports(reports);
}

export function mergeReports(reports: RunReport[]): RunReport {
  const [first] = reports;
  if (first === undefined) throw usageError('nothing to merge');
  const results = reports.flatMap((r) => r.results);
  return {
    ...first,
    runId: reports.map((r) => r.runId).join('+'),
    scenarios: [...new Map(reports.flatMap((r) => r.scenarios ?? []).map((s) => [s.name, s])).values()],
    results,
    ok: results.every((r) => r.matches),
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
  };
}

async function readReport(file: string): Promise<RunReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read ${file}: ${(err as Error).message}`, 'give the files that cachelab run --json or cachelab matrix --json wrote');
  }
  let report: Partial<RunReport>;
  try {
    report = JSON.parse(text) as Partial<RunReport>;
  } catch {
    throw usageError(`${file} is not JSON`, 'give the files that cachelab run --json or cachelab matrix --json wrote');
  }
  if (!Array.isArray(report.results) || typeof report.runId !== 'string') {
    throw usageError(`${file} is not a cachelab report (no runId and results)`, 'give the files that cachelab run --json or cachelab matrix --json wrote');
  }
  return report as RunReport;
}

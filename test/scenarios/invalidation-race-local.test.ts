import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { ScenarioListing } from '../../src/commands/list.js';
import type { RunReport } from '../../src/runner/result.js';
import { CONCURRENT, expectInterleaving, STALE_FILL, STRATEGIES } from './invalidation-race-expectations.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
// Local mode is chosen when no URL is given: keep the environment's URLs out of it.
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };

describe('invalidation-race on the local stack, through the CLI', () => {
  it('lists both interleavings, each with its hold-until fault', async () => {
    const list = await execa('node', [cli, 'list', '--json'], { env });
    const rows = JSON.parse(list.stdout) as ScenarioListing[];
    expect(rows.filter((r) => r.name.startsWith('invalidation-race/')).map((r) => [r.name, r.strategies, r.faults])).toEqual([
      [CONCURRENT, [...STRATEGIES], ['hold until w2 completes at after-db-commit (w1)']],
      [STALE_FILL, [...STRATEGIES], ['hold until w1 completes at after-fill-read (r0)']],
    ]);
  });

  it('runs both interleavings for the group name and every strategy gets the verdict it is expected to', async () => {
    const run = await execa('node', [cli, 'run', 'invalidation-race', '--json'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.stack.mode).toBe('local');
    expect(report.results.map((r) => [r.scenario, r.strategy])).toEqual(
      [CONCURRENT, STALE_FILL].flatMap((scenario) => STRATEGIES.map((strategy) => [scenario, strategy])),
    );
    for (const result of report.results) expectInterleaving(result);
    expect(report.ok).toBe(true);
    expect(existsSync(join(tmpdir(), `cachelab-${report.runId}`))).toBe(false);
  });
});

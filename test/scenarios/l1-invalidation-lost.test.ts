import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { OBSERVE_MS } from '../../scenarios/l1-invalidation-lost.js';
import type { ScenarioListing } from '../../src/commands/list.js';
import { selectRuns } from '../../src/commands/run.js';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';
import { L1_TTL_MS } from '../../src/strategies/two-tier.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
// Local mode is chosen when no URL is given: keep the environment's URLs out of it.
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };
const NAME = 'l1-invalidation-lost';
const STRATEGIES = ['naive-bus', 'l1-short-ttl', 'durable-bus', 'versioned-l1'];

const value = (r: StrategyResult, id: string): unknown => r.history.find((o) => o.id === id)?.value;
const watched = (r: StrategyResult): unknown[] => r.history.filter((o) => /^b\d+$/.test(o.id)).map((o) => o.value);
const figure = (r: StrategyResult, name: string): number | undefined => r.checks.find((c) => c.checker === 'register')?.figures[name];

describe('l1-invalidation-lost on the local stack, through the CLI', () => {
  it('is in the distributed suite, with two apps, out of the default matrix', async () => {
    const list = await execa('node', [cli, 'list', '--json'], { env });
    const row = (JSON.parse(list.stdout) as ScenarioListing[]).find((r) => r.name === NAME);
    expect(row).toMatchObject({ suite: 'distributed', apps: 2, strategies: STRATEGIES });
    const all = (include?: 'distributed'[]): string[] => selectRuns({ scenarios: [], all: true, strategies: [], include: include ?? [] }).map((r) => r.scenario.name);
    expect(all()).not.toContain(NAME);
    expect(all(['distributed'])).toContain(NAME);
  });

  it('loses the pub/sub invalidation of the cut-off app; the durable bus and versioned entries do not serve the old price', async () => {
    const run = await execa('node', [cli, 'run', NAME, '--json'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.results.map((r) => [r.strategy, r.verdict, r.matches])).toEqual([
      ['naive-bus', 'inconsistent', true],
      ['l1-short-ttl', 'inconsistent', true],
      ['durable-bus', 'consistent', true],
      ['versioned-l1', 'consistent', true],
    ]);
    const [naive, ttl, durable, versioned] = report.results as [StrategyResult, StrategyResult, StrategyResult, StrategyResult];
    for (const r of report.results) {
      // Both apps held the old price before the cut, and the writer's app shows the new one at the end.
      expect([value(r, 'r0'), value(r, 'r1'), value(r, 'w1'), value(r, 'a1')]).toEqual([100, 100, 150, 150]);
      expect(r.history.filter((o) => o.client === 'customer-b').every((o) => o.app === 1)).toBe(true);
      expect(r.timeline.map((t) => t.event)).toEqual(['redis link of app 1 down (proxy disabled)', 'redis link of app 1 up']);
    }
    // Naive: stale during the cut and for the whole watch after it.
    expect(value(naive, 'c1')).toBe(100);
    expect(new Set(watched(naive))).toEqual(new Set([100]));
    expect(figure(naive, 'maxStaleReadAgeMs')).toBeGreaterThanOrEqual(OBSERVE_MS);
    expect(naive.impact.join('\n')).toContain('when the lab stopped looking');
    // Short TTL: stale during the cut, then the copy expires: never older than the TTL after the write.
    expect(value(ttl, 'c1')).toBe(100);
    expect(watched(ttl).at(-1)).toBe(150);
    expect(figure(ttl, 'maxStaleReadAgeMs')).toBeLessThan(L1_TTL_MS);
    // Remedies: the database answered during the cut, and the first read after it was already new.
    for (const r of [durable, versioned]) {
      expect([value(r, 'c1'), ...watched(r)]).toEqual([150, 150]);
      expect(r.impact).toEqual([]);
    }
    expect(existsSync(join(tmpdir(), `cachelab-${report.runId}`))).toBe(false);
  });
});

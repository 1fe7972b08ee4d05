import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';

// The example strategy modules a user copies, through the CLI on the local stack, as CI runs them.
const root = join(import.meta.dirname, '../..');
const cli = join(root, 'bin/cachelab.js');
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };
const naive = join(root, 'examples/naive-balance-cache.mjs');
const correct = join(root, 'examples/conditional-debit.mjs');
const cachelab = (...args: string[]) => execa('node', [cli, ...args], { env, reject: false, timeout: 120_000 });

const pick = (report: RunReport, scenario: string, strategy: string): StrategyResult | undefined =>
  report.results.find((r) => r.scenario === scenario && r.strategy === strategy);

describe('the example strategy modules on payment-double-spend', () => {
  it('catches the naive one (money spent twice, exit 1) and passes the correct one, each expected consistent', async () => {
    const r = await cachelab('run', 'payment-double-spend', '--strategy-module', naive, '--strategy-module', correct, '--json');
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.results.map((x) => [x.strategy, x.verdict, x.expected, x.matches])).toEqual([
      ['naive-balance-cache', 'inconsistent', 'consistent', false],
      ['conditional-debit', 'consistent', 'consistent', true],
    ]);
    const bad = pick(report, 'payment-double-spend', 'naive-balance-cache');
    expect(bad?.checks.find((c) => c.checker === 'bank')?.figures.spentTwice).toBe(1000);
    expect(bad?.explanation).toContain('1000 yen were spent twice');
    // The Redis link reset at the module's own op.point('after-db-commit').
    expect(bad?.timeline.map((t) => [t.event, t.trigger])).toContainEqual(['add toxic reset_peer on redis (upstream)', 'after-db-commit (p1)']);
    const good = pick(report, 'payment-double-spend', 'conditional-debit');
    expect(good?.history.map((o) => [o.id, o.outcome, o.value])).toEqual([
      ['p1', 'ok', 4000],
      ['p2', 'fail', undefined],
      ['r1', 'ok', 5000], // the lost delete left the old balance on display, until its TTL
    ]);
    expect(good?.diff[0]).toMatchObject({ key: 'account:alice', db: '4000', cache: '5000', status: 'stale' });
  });

  it('exits 0 for the naive one with --expect inconsistent, as a CI job that keeps a known failure in view', async () => {
    const r = await cachelab('run', 'payment-double-spend', '--strategy-module', naive, '--expect', 'inconsistent');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('expected inconsistent: matches');
    expect(r.stdout).toContain('expected inconsistent (--expect)');
  });

  it('lists the scenarios a module cannot serve as not applicable in a matrix, beside the built-ins --strategy names', async () => {
    const r = await cachelab('matrix', '--strategy-module', correct, '--strategy', 'delete-on-write', '--json');
    const report = JSON.parse(r.stdout) as RunReport;
    expect(r.exitCode, r.stderr).toBe(1); // skipped results are never passed
    expect(pick(report, 'payment-double-spend', 'conditional-debit')?.verdict).toBe('consistent');
    expect(pick(report, 'payment-double-spend', 'delete-on-write')?.verdict).toBe('consistent');
    expect(pick(report, 'inventory-oversell', 'conditional-debit')).toMatchObject({
      verdict: 'skipped',
      skipReason: 'not applicable: conditional-debit does not implement order(), which inventory-oversell calls',
    });
    expect(pick(report, 'invalidation-race/stale-fill', 'conditional-debit')?.skipReason).toBe(
      'not applicable: conditional-debit does not implement write(), which invalidation-race/stale-fill calls',
    );
    expect(report.results.filter((x) => x.strategy === 'delete-on-write').map((x) => x.scenario)).toEqual([
      'payment-double-spend',
      'payment-double-spend/saga-crash',
      'payment-double-spend/2pc-in-doubt',
      'invalidation-race/concurrent-updates',
      'invalidation-race/stale-fill',
    ]);
  });
});

import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, inject, it } from 'vitest';
import { replicaLagStaleFill, REPLICA_LAG_MS } from '../../scenarios/replica-lag-stale-fill.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { startStack } from '../../src/stack/stack.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
// Local mode is chosen when no URL is given: keep the environment's URLs out of it.
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '', REPLICA_DATABASE_URL: '' };

const figures = (r: StrategyResult): Record<string, number> => r.checks.find((c) => c.checker === 'register')?.figures ?? {};
const writer = (r: StrategyResult) => r.history.find((o) => o.id === 'w1');
/** Values the readers got from reads that started after w1 was acknowledged. */
const readsAfterAck = (r: StrategyResult): unknown[] =>
  r.history.filter((o) => o.client.startsWith('reader-') && o.invokedAt > (writer(r)?.completedAt ?? Infinity)).map((o) => o.value);

describe('replica-lag-stale-fill on the local stack, through the CLI', () => {
  it('the naive replica fill caches the old price until its TTL; the remedies hold, or bound it by the lag', async () => {
    const run = await execa('node', [cli, 'run', 'replica-lag-stale-fill', '--json', '--verbose'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    const byStrategy = Object.fromEntries(report.results.map((r) => [r.strategy, r]));
    expect(report.results.map((r) => [r.strategy, r.verdict, r.matches])).toEqual([
      ['replica-fill', 'inconsistent', true],
      ['replica-lsn-check', 'consistent', true],
      ['replica-double-delete', 'consistent', true],
      ['replica-write-waits', 'consistent', true],
      ['replica-apply-invalidation', 'inconsistent', true],
    ]);
    // The replica started with the stack (the run needs it), and its replication was removed on stop.
    expect(run.stderr).toContain('PostgreSQL, its read replica and the fault proxy');
    expect(run.stderr).toContain(`removed the subscription, slot and publication cachelab_${report.runId}`);

    for (const r of report.results) {
      // The lag was injected on the replication link for the whole workload, and w1 committed.
      expect(r.timeline[0]?.event).toBe('add toxic latency on pg-replication (downstream)');
      expect(writer(r)?.outcome).toBe('ok');
      expect(r.diff).toMatchObject([{ key: 'price:book', db: '150' }]);
    }

    // Naive: the fill after w1's delete read 100 from the replica, and nothing removed it.
    const naive = byStrategy['replica-fill']!;
    expect(naive.diff).toMatchObject([{ cache: '100', status: 'stale' }]);
    expect(new Set(readsAfterAck(naive))).toEqual(new Set([100]));
    expect(figures(naive)).toMatchObject({ finalStale: 1 });
    expect(figures(naive).staleWindowMs).toBeGreaterThan(25_000);
    expect(naive.impact.join(' ')).toContain('until its TTL expires');

    // The remedies that hold: every read after the acknowledgement saw 150.
    for (const name of ['replica-lsn-check', 'replica-double-delete', 'replica-write-waits']) {
      const r = byStrategy[name]!;
      expect([name, new Set(readsAfterAck(r))]).toEqual([name, new Set([150])]);
      expect(r.diff).toMatchObject([{ cache: '150', status: 'consistent' }]);
      expect(figures(r)).toMatchObject({ staleReads: 0, staleWindowMs: 0, finalStale: 0 });
    }
    // The note w1 left for the fills: the primary's WAL position after its commit.
    expect(byStrategy['replica-lsn-check']!.bookkeeping.map((b) => [b.key, /^[0-9A-F]+\/[0-9A-F]+$/.test(String(b.value))])).toEqual([
      ['_meta:written-lsn:price:book', true],
    ]);
    // Waiting for the replica costs the writer about the lag.
    const waited = writer(byStrategy['replica-write-waits']!)!;
    expect(waited.completedAt - waited.invokedAt).toBeGreaterThanOrEqual(REPLICA_LAG_MS);

    // Apply-driven invalidation: stale reads after the acknowledgement, healed by the replica's
    // trigger within about the lag, long before the TTL.
    const applied = byStrategy['replica-apply-invalidation']!;
    const after = readsAfterAck(applied);
    expect(after[0]).toBe(100);
    expect(after[after.length - 1]).toBe(150);
    expect(figures(applied)).toMatchObject({ finalStale: 0 });
    expect(figures(applied).staleWindowMs).toBeGreaterThan(REPLICA_LAG_MS / 2);
    expect(figures(applied).staleWindowMs).toBeLessThan(10_000);
    expect(applied.diff).toMatchObject([{ cache: '150', status: 'consistent' }]);

    expect(report.ok).toBe(true);
    expect(existsSync(join(tmpdir(), `cachelab-${report.runId}`))).toBe(false);
  });
});

describe('replica-lag-stale-fill on the external stack', () => {
  it('is skipped, with why: the lab cannot delay the replication of a replica it does not run', async () => {
    const options = { redis: defaultRedisSettings, pg: defaultPgSettings, log: () => undefined };
    const urls = { redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') };
    const withReplica = await startStack({ mode: 'external', ...urls, replicaDatabaseUrl: inject('databaseUrl') });
    try {
      const result = await runScenario(replicaLagStaleFill, 'replica-fill', withReplica, options);
      expect([result.verdict, result.matches]).toEqual(['skipped', false]);
      expect(result.skipReason).toContain('no lag can be injected');
      expect(withReplica.describe().join('\n')).toContain('Replica');
    } finally {
      await withReplica.stop();
    }
    const without = await startStack({ mode: 'external', ...urls });
    try {
      const result = await runScenario(replicaLagStaleFill, 'replica-lsn-check', without, options);
      expect(result.verdict).toBe('skipped');
      expect(result.skipReason).toContain('--replica-database-url');
    } finally {
      await without.stop();
    }
  });
});

import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, inject, it } from 'vitest';
import { redisFailover } from '../../scenarios/redis-failover.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { startStack } from '../../src/stack/stack.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
// Local mode is chosen when no URL is given: keep the environment's URLs out of it.
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };

const outcomes = (r: StrategyResult, from: number, to: number): string[] =>
  r.history.filter((o) => o.op.kind === 'order' && Number(o.id.slice(1)) >= from && Number(o.id.slice(1)) <= to).map((o) => o.outcome);
const figure = (r: StrategyResult, checker: string, name: string): number | undefined => r.checks.find((c) => c.checker === checker)?.figures[name];

describe('redis-failover', () => {
  it('on the local stack: the promoted replica lacks what the cut-off primary acknowledged; WAIT 1 and the database keep every acknowledged sale', async () => {
    const run = await execa('node', [cli, 'run', 'redis-failover', '--json'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    const [naive, reservation, wait, db] = report.results as [StrategyResult, StrategyResult, StrategyResult, StrategyResult];
    expect(report.results.map((r) => [r.strategy, r.verdict, r.matches])).toEqual([
      ['cache-first', 'inconsistent', true],
      ['redis-reservation', 'inconsistent', true],
      ['wait-replica', 'consistent', true],
      ['db-conditional', 'consistent', true],
    ]);
    for (const r of report.results) {
      expect(r.timeline.map((t) => t.event).slice(0, 2)).toEqual([
        'redis-replication link down (proxy disabled)',
        'SIGKILL the Redis primary (Sentinel promotes the replica)',
      ]);
      // The app followed Sentinel to the promoted replica: it answered after the kill.
      expect(r.history.find((o) => o.id === 'r1')?.outcome).toBe('ok');
    }
    // What the failover lost: o4-o6's writes, where the primary alone acknowledged them.
    expect(report.results.map((r) => figure(r, 'failover', 'lostWrites'))).toEqual([3, 3, 0, 0]);
    expect(report.results.map((r) => r.history.find((o) => o.id === 'f1')?.value)).toEqual([7, 7, 7, 4]);
    // cache-first: the replica's counter never saw o4-o6, so two units that do not exist were sold.
    expect(outcomes(naive, 1, 12).every((o) => o === 'ok')).toBe(true);
    expect([figure(naive, 'counter', 'accepted'), figure(naive, 'counter', 'oversold')]).toEqual([12, 2]);
    // redis-reservation: the database refused o11-o12; the counter shows the lost reservations as stock.
    expect([figure(reservation, 'counter', 'accepted'), figure(reservation, 'counter', 'oversold')]).toEqual([10, 0]);
    expect(reservation.diff).toMatchObject([{ key: 'stock:widget', db: '0', cache: '3', status: 'stale' }]);
    // wait-replica: o4-o6 refused while the link was cut, every order after the failover too (no replica left).
    expect(outcomes(wait, 1, 3)).toEqual(['ok', 'ok', 'ok']);
    expect(outcomes(wait, 4, 12).every((o) => o === 'fail')).toBe(true);
    expect(wait.history.find((o) => o.id === 'o4')?.error).toContain('WAIT 1');
    expect(wait.diff).toMatchObject([{ key: 'stock:widget', db: '7', cache: '7', status: 'consistent' }]);
    expect([figure(db, 'counter', 'accepted'), figure(db, 'counter', 'oversold')]).toEqual([10, 0]);
    expect(existsSync(join(tmpdir(), `cachelab-${report.runId}`))).toBe(false);
  });

  it('is skipped on an external stack, saying why', async () => {
    const stack = await startStack({ mode: 'external', redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') });
    try {
      const result = await runScenario(redisFailover, 'cache-first', stack, { redis: defaultRedisSettings, pg: defaultPgSettings, log: () => undefined });
      expect(result.verdict).toBe('skipped');
      expect(result.skipReason).toContain('needs redis-failover');
    } finally {
      await stack.stop();
    }
  });
});

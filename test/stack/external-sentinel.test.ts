import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { doctor } from '../../src/commands/doctor.js';
import { runCommand } from '../../src/commands/run.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import type { FailoverSet, Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';

// The team's Sentinel set: a primary, a replica and a Sentinel started by a local stack (the set
// redis-failover uses), reached by its redis-sentinel:// URL; the suite's PostgreSQL is the database.
const databaseUrl = inject('databaseUrl');

describe('the external stack on Redis behind Sentinel (redis-sentinel:// URL)', () => {
  let servers: Stack;
  let set: FailoverSet;
  beforeAll(async () => {
    servers = await startStack({ mode: 'local', runId: `sentineltest_${process.pid}` });
    set = await servers.redisFailover?.() as FailoverSet;
  }, 60_000);
  afterAll(async () => {
    await set?.stop();
    await servers?.stop();
  });

  it('meets the expectations of the seed scenarios, through a proxy per node, and leaves no key behind', async () => {
    const report = await runCommand({
      scenarios: ['payment-double-spend', 'invalidation-race', 'write-behind-crash', 'l1-invalidation-lost'],
      all: false,
      strategies: [],
      seed: 1,
      stack: { mode: 'external', redisUrl: set.labUrl, databaseUrl },
      redis: defaultRedisSettings,
      pg: defaultPgSettings,
      log: () => undefined,
    });
    expect(report.results.filter((r) => !r.matches).map((r) => `${r.scenario} x ${r.strategy}: ${r.verdict} ${r.skipReason ?? ''}`)).toEqual([]);
    expect(report.results.length).toBeGreaterThanOrEqual(15);
    // The cut Redis link reached the app: write-through's stale balance is read back from the primary.
    const writeThrough = report.results.find((r) => r.scenario === 'payment-double-spend' && r.strategy === 'write-through');
    expect(writeThrough?.verdict).toBe('inconsistent');
    const primary = (await doctor({ redisUrl: set.labUrl, databaseUrl })).checks.find((c) => c.name === 'Redis Sentinel');
    const address = /at (127\.0\.0\.1:\d+)/.exec(primary?.detail ?? '')?.[1] ?? '';
    const direct = new Redis(`redis://${address}`);
    try {
      expect(await direct.keys(`cachelab:${report.runId}:*`)).toEqual([]);
    } finally {
      direct.disconnect();
    }
  }, 180_000);

  it('is checked by doctor: the primary, its replica, and a master name Sentinel does not know', async () => {
    const report = await doctor({ redisUrl: set.labUrl, databaseUrl });
    const check = report.checks.find((c) => c.name === 'Redis Sentinel');
    expect(check?.ok).toBe(true);
    expect(check?.detail).toMatch(/^primary "cachelab" at 127\.0\.0\.1:\d+, 1 replica, per Sentinel 127\.0\.0\.1:\d+$/);
    const wrong = (await doctor({ redisUrl: set.labUrl.replace('/cachelab', '/nosuch'), databaseUrl })).checks.find((c) => c.name === 'Redis Sentinel');
    expect(wrong?.ok).toBe(false);
    expect(wrong?.detail).toContain('monitors no primary named "nosuch"');
  }, 30_000);
});

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import type { Scenario } from '../../src/runner/scenario.js';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';
import { concurrentUpdates } from '../../scenarios/invalidation-race/concurrent-updates.js';
import { keepReading, PRICE } from '../../scenarios/invalidation-race/common.js';
import { staleFill } from '../../scenarios/invalidation-race/stale-fill.js';
import { CONCURRENT, expectInterleaving, STALE_FILL, STRATEGIES } from './invalidation-race-expectations.js';

// This machine's own servers stand in for a user's Redis and PostgreSQL, behind the embedded proxy.
const options = { redis: defaultRedisSettings, pg: defaultPgSettings, log: () => undefined };
const scenarios: Record<string, Scenario> = { [CONCURRENT]: concurrentUpdates, [STALE_FILL]: staleFill };

describe('invalidation-race on the external stack, every strategy in both interleavings', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mode: 'external', redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const cases = [CONCURRENT, STALE_FILL].flatMap((scenario) => STRATEGIES.map((strategy) => [scenario, strategy] as const));
  it.each(cases)('%s x %s leaves the stores and the history the strategy really produces', async (scenario, strategy) => {
    const result = await runScenario(scenarios[scenario]!, strategy, stack, options);
    expectInterleaving(result);
  });

  it('delayed-double-delete removes a stale fill that lands within its delay: readers see the old price only while the write is unacknowledged', async () => {
    // As stale-fill, but r0 is let go at w1's first delete, so its fill lands inside the delay.
    const fastFill: Scenario = {
      ...staleFill,
      name: 'stale-fill-within-the-delay',
      faults: [{ op: 'r0', point: 'after-fill-read', inject: [{ kind: 'hold-until', op: 'w1', point: 'after-cache-delete' }] }],
      async workload(ctx) {
        const r0 = ctx.invoke('reader-0', 'r0', { kind: 'read', key: PRICE });
        await ctx.reached('r0', 'after-fill-read');
        const w1 = ctx.invoke('writer', 'w1', { kind: 'write', key: PRICE, value: 150 });
        await r0;
        await Promise.all([w1, keepReading(ctx)]);
      },
    };
    const result = await runScenario(fastFill, 'delayed-double-delete', stack, options);
    const w1 = result.history.find((o) => o.id === 'w1');
    const reads = result.history.filter((o) => o.client.startsWith('reader-') && o.id !== 'r0');
    const during = reads.filter((o) => o.invokedAt < (w1?.completedAt ?? 0));
    const after = reads.filter((o) => o.invokedAt > (w1?.completedAt ?? Infinity));
    expect(result.timeline.map((t) => t.event)).toEqual(['hold until w1 reaches after-cache-delete', 'released (w1 reached after-cache-delete)']);
    // The stale fill did land: readers during the delay saw it, then the second delete removed it.
    expect(during.map((o) => o.value)).toContain(100);
    expect(new Set(after.map((o) => o.value))).toEqual(new Set([150]));
    expect(result.diff).toMatchObject([{ key: PRICE, db: '150', cache: '150', status: 'consistent' }]);
    expect(result.verdict).toBe('consistent');
    expect(result.checks.find((c) => c.checker === 'register')?.figures).toMatchObject({ staleReads: 0, staleWindowMs: 0 });
  });
});

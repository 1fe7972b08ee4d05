import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankChecker } from '../../src/checkers/bank.js';
import { stalenessChecker } from '../../src/checkers/staleness.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import type { Scenario } from '../../src/runner/scenario.js';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';

const options = { redis: defaultRedisSettings, pg: defaultPgSettings, log: () => undefined };

describe('killing redis-server at a fault point (local stack, no persistence)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mode: 'local', redisPersistence: 'none' });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('loses the cache, keeps the database commit, and serves again once Redis is back', async () => {
    const scenario: Scenario = {
      name: 'redis-crash-after-commit',
      summary: 'test',
      explanation: 'test',
      setup: { records: { 'stock:widget': 10 }, cached: ['stock:widget'] },
      strategies: { 'delete-on-write': { expect: 'consistent', why: 'the database decides' } },
      faults: [{ op: 'o1', point: 'after-db-commit', inject: [{ kind: 'kill-redis' }] }],
      needs: ['kill-redis'],
      contract: { tables: [], cache: 'test', operations: { debit: 'test', read: 'test' }, points: {}, workloadFaults: [] },
      async workload(ctx) {
        await ctx.invoke('shop', 'o1', { kind: 'debit', key: 'stock:widget', amount: 1 });
        await ctx.startRedis();
        await ctx.settle();
        // The invalidation of o1 failed; without persistence the stale 10 died with Redis.
        await ctx.invoke('shop', 'r1', { kind: 'read', key: 'stock:widget' });
        await ctx.invoke('shop', 'o2', { kind: 'debit', key: 'stock:widget', amount: 1 });
      },
      checkers: [bankChecker, stalenessChecker],
      stalenessBudgetMs: 60_000,
      impact: () => [],
      explain: () => '',
    };
    const result = await runScenario(scenario, 'delete-on-write', stack, options);
    expect(result.history.map((o) => [o.id, o.outcome, o.value])).toEqual([
      ['o1', 'ok', 9],
      ['r1', 'ok', 9],
      ['o2', 'ok', 8],
    ]);
    // o2 invalidated the entry r1 refilled: the next read fills it again.
    expect(result.diff).toMatchObject([{ key: 'stock:widget', db: '8', cache: null, status: 'missing-in-cache' }]);
    expect(result.timeline.map((t) => t.event)).toEqual(['SIGKILL redis-server', 'redis-server started again']);
    expect(result.timeline.map((t) => [t.window?.edge, t.window?.kind, t.window?.id === result.timeline[0]?.window?.id])).toEqual([
      ['start', 'process', true],
      ['end', 'process', true],
    ]);
    expect(result.verdict).toBe('consistent');
  });
});

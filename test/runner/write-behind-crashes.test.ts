import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { setChecker } from '../../src/checkers/set.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import type { StrategyResult } from '../../src/runner/result.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import type { Scenario, WorkloadContext } from '../../src/runner/scenario.js';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';
import { STREAM_KEY } from '../../src/strategies/durable-write-behind.js';
import { sql } from '../stack/helpers.js';

// Crashes inside the background work of the write-behind remedies, on this machine's Redis and
// PostgreSQL behind the embedded proxy: the app is SIGKILLed at a fault point of its worker or
// relay, started again, and the real stores are read back.
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');
const options = { redis: defaultRedisSettings, pg: defaultPgSettings, log: () => undefined };
const CUSTOMER = 'orders:bob';
const ORDERS = ['o1', 'o2', 'o3', 'o4', 'o5'];

function scenario(strategy: string, parts: Pick<Scenario, 'faults' | 'workload'>): Scenario {
  return {
    name: 'crash-in-background-work',
    summary: 'test',
    explanation: 'test',
    setup: { records: {}, cached: [] },
    strategies: { [strategy]: { expect: 'consistent', why: 'test' } },
    checkers: [setChecker],
    stalenessBudgetMs: 60_000,
    impact: () => [],
    explain: () => '',
    contract: { tables: [], cache: 'test', operations: { add: 'test' }, points: {}, workloadFaults: [] },
    ...parts,
  };
}

const placeAll = (ctx: WorkloadContext): Promise<unknown> =>
  Promise.all(ORDERS.map((id) => ctx.invoke('bob', id, { kind: 'add', key: CUSTOMER, item: id })));
const setFigures = (r: StrategyResult): Record<string, number> => r.checks.find((c) => c.checker === 'set')?.figures ?? {};

describe('a crash inside the background work', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mode: 'external', redisUrl, databaseUrl });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('durable-write-behind: killed after the commit of o3 and before its XACK, the restarted worker replays o3 exactly once', async () => {
    const result = await runScenario(
      scenario('durable-write-behind', {
        // The worker writes o3 and is killed before it acknowledges the entry: o3 is committed and
        // still pending in the consumer group.
        faults: [{ op: 'write:o3', point: 'after-db-commit', inject: [{ kind: 'kill-app' }] }],
        async workload(ctx) {
          await placeAll(ctx);
          await ctx.reached('write:o3', 'after-db-commit');
          await ctx.restartApp();
          await ctx.settle();
        },
      }),
      'durable-write-behind',
      stack,
      options,
    );

    expect(result.verdict, JSON.stringify(result.checks)).toBe('consistent');
    expect(result.history.map((o) => [o.id, o.outcome])).toEqual(ORDERS.map((id) => [id, 'ok']));
    expect(result.timeline.map((t) => [t.event.replace(/\d+/g, 'N'), t.trigger])).toEqual([
      ['SIGKILL app (pid N)', 'after-db-commit (write:o3)'],
      ['app restarted (pid N), memory empty', undefined],
    ]);
    const rows = await sql<{ item: string; n: string }>(
      stack.databaseUrl,
      `SELECT item, count(*) AS n FROM ${stack.schema}.set_items WHERE key = $1 GROUP BY item ORDER BY item`,
      [CUSTOMER],
    );
    expect(rows.map((r) => [r.item, Number(r.n)])).toEqual(ORDERS.map((id) => [id, 1]));
    expect(setFigures(result)).toMatchObject({ acknowledged: 5, inDatabase: 5, duplicated: 0, lost: 0 });
    // Every entry acknowledged and deleted, o3's by the second worker.
    expect(result.bookkeeping).toEqual([{ key: STREAM_KEY, type: 'stream', value: [], ttlMs: null }]);
  });

  it('outbox: killed between the cache write and marking the row done, the restarted relay applies every committed row', async () => {
    const result = await runScenario(
      scenario('outbox', {
        faults: [{ op: 'write:o3', point: 'after-cache-write', inject: [{ kind: 'kill-app' }] }],
        async workload(ctx) {
          // The cache is cut off: every order commits with its outbox row, and the relay cannot apply them.
          await ctx.inject({ kind: 'link-down', link: 'redis' });
          await placeAll(ctx);
          await ctx.heal();
          await ctx.reached('write:o3', 'after-cache-write');
          await ctx.restartApp();
          await ctx.settle();
        },
      }),
      'outbox',
      stack,
      options,
    );

    expect(result.verdict, JSON.stringify(result.checks)).toBe('consistent');
    expect(result.history.map((o) => [o.id, o.outcome])).toEqual(ORDERS.map((id) => [id, 'ok']));
    expect(result.timeline.map((t) => t.event.replace(/\d+/g, 'N'))).toEqual([
      'redis link down (proxy disabled)',
      'redis link up',
      'SIGKILL app (pid N)',
      'app restarted (pid N), memory empty',
    ]);
    expect(result.diff).toMatchObject([{ key: CUSTOMER, db: 'o1,o2,o3,o4,o5', cache: 'o1,o2,o3,o4,o5', status: 'consistent' }]);
    const outbox = await sql<{ item: string; done: boolean }>(
      stack.databaseUrl,
      `SELECT item, done_at IS NOT NULL AS done FROM ${stack.schema}.outbox ORDER BY item`,
    );
    expect(outbox).toEqual(ORDERS.map((item) => ({ item, done: true })));
    expect(setFigures(result)).toMatchObject({ acknowledged: 5, inDatabase: 5, durableMaxMs: 0 });
  });

  it('write-behind: killed after writing o3, the rest of its in-memory queue is gone for good', async () => {
    const result = await runScenario(
      scenario('write-behind', {
        faults: [{ op: 'write:o3', point: 'after-db-commit', inject: [{ kind: 'kill-app' }] }],
        async workload(ctx) {
          await placeAll(ctx);
          await ctx.reached('write:o3', 'after-db-commit');
          await ctx.restartApp();
          await ctx.settle();
        },
      }),
      'write-behind',
      stack,
      options,
    );

    expect(result.verdict).toBe('inconsistent');
    expect(setFigures(result)).toMatchObject({ acknowledged: 5, inDatabase: 3, lost: 2, cacheOnly: 2, duplicated: 0 });
    expect(result.checks.find((c) => c.checker === 'set')?.findings[0]).toBe('orders:bob: 2 lost: acknowledged but not in the database: o4, o5');
  });
});

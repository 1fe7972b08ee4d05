import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bankChecker } from '../../src/checkers/bank.js';
import { stalenessChecker } from '../../src/checkers/staleness.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import type { Scenario } from '../../src/runner/scenario.js';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';

// The fault machinery every later scenario needs (holding one op until another passes a point,
// killing and restarting the app) on this machine's Redis and PostgreSQL behind the embedded proxy.
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');
const options = { redis: defaultRedisSettings, pg: defaultPgSettings, log: () => undefined };

const base = {
  summary: 'test',
  explanation: 'test',
  checkers: [bankChecker, stalenessChecker],
  stalenessBudgetMs: 60_000,
  impact: () => [],
  explain: () => '',
  contract: { tables: [], cache: 'test', operations: { debit: 'test', read: 'test', write: 'test' }, points: {}, workloadFaults: [] },
};

describe('fault actions at fault points', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mode: 'external', redisUrl, databaseUrl });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('holds a reader after its fill read until a writer completes: the stale fill lands in the cache', async () => {
    const staleFill: Scenario = {
      ...base,
      name: 'stale-fill',
      setup: { records: { 'price:book': 150 }, cached: [] },
      strategies: { 'delete-on-write': { expect: 'consistent', why: 'bounded by TTL' } },
      faults: [{ op: 'r1', point: 'after-fill-read', inject: [{ kind: 'hold-until', op: 'w1', point: 'done' }] }],
      async workload(ctx) {
        const reader = ctx.invoke('reader', 'r1', { kind: 'read', key: 'price:book' });
        await ctx.reached('r1', 'after-fill-read');
        // r1 now waits at after-fill-read with 150 in hand; w1 runs to completion meanwhile.
        await ctx.invoke('writer', 'w1', { kind: 'write', key: 'price:book', value: 200 });
        await reader;
      },
    };
    const result = await runScenario(staleFill, 'delete-on-write', stack, options);
    const order = result.history.map((o) => [o.id, o.outcome, o.value]);
    expect(order).toEqual([
      ['r1', 'ok', 150],
      ['w1', 'ok', 200],
    ]);
    const w1 = result.history.find((o) => o.id === 'w1');
    const r1 = result.history.find((o) => o.id === 'r1');
    expect(r1?.completedAt).toBeGreaterThan(w1?.completedAt ?? Infinity);
    expect(result.diff).toMatchObject([{ key: 'price:book', db: '200', cache: '150', status: 'stale' }]);
    expect(result.timeline.map((t) => t.event)).toEqual(['hold until w1 completes', 'released (w1 completed)']);
    // The hold is one window, opened and closed by r1 at its point, for the report's timeline.
    const [held, released] = result.timeline;
    expect(held?.window).toEqual({ id: released?.window?.id, edge: 'start', kind: 'hold' });
    expect(released?.window?.edge).toBe('end');
    expect([held?.point, released?.point]).toEqual([{ op: 'r1', name: 'after-fill-read' }, { op: 'r1', name: 'after-fill-read' }]);
    expect(result.initial).toEqual({ db: { 'price:book': 150 }, cache: {} });
    expect(result.finalAt).toBeGreaterThan(r1?.completedAt ?? Infinity);
  });

  it('kills the app at a point: the op in flight is unknown, the database kept its commit, a new app serves on', async () => {
    const crash: Scenario = {
      ...base,
      name: 'crash-after-commit',
      setup: { records: { 'account:bob': 3000 }, cached: ['account:bob'] },
      strategies: { 'delete-on-write': { expect: 'consistent', why: 'the database decided' } },
      faults: [{ op: 'p1', point: 'after-db-commit', inject: [{ kind: 'kill-app' }] }],
      async workload(ctx) {
        await ctx.invoke('bob', 'p1', { kind: 'debit', key: 'account:bob', amount: 1000 });
        await ctx.restartApp();
        await ctx.invoke('bob', 'p2', { kind: 'debit', key: 'account:bob', amount: 500 });
      },
    };
    const result = await runScenario(crash, 'delete-on-write', stack, options);
    expect(result.history.map((o) => [o.id, o.outcome])).toEqual([
      ['p1', 'unknown'],
      ['p2', 'ok'],
    ]);
    expect(result.history.find((o) => o.id === 'p2')?.value).toBe(1500);
    const bank = result.checks.find((c) => c.checker === 'bank');
    expect(bank?.figures).toMatchObject({ applied: 1500, final: 1500, unknownApplied: 1 });
    expect(result.timeline.map((t) => t.event)).toEqual([
      expect.stringMatching(/^SIGKILL app \(pid \d+\)$/),
      expect.stringMatching(/^app restarted \(pid \d+\), memory empty$/),
    ]);
    // The app was down from the kill to the restart: one process window.
    const [killed, restarted] = result.timeline;
    expect(killed?.window).toEqual({ id: restarted?.window?.id, edge: 'start', kind: 'process' });
    expect(restarted?.window?.edge).toBe('end');
    expect(killed?.point).toEqual({ op: 'p1', name: 'after-db-commit' });
    expect(result.initial).toEqual({ db: { 'account:bob': 3000 }, cache: { 'account:bob': '3000' } });
    expect(result.verdict).toBe('consistent');
  });
});

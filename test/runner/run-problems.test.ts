import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bankChecker } from '../../src/checkers/bank.js';
import { stalenessChecker } from '../../src/checkers/staleness.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { LabError } from '../../src/errors.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import type { Scenario } from '../../src/runner/scenario.js';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';
import { freeTcpPort } from '../stack/helpers.js';

// What the runner does when the run itself goes wrong, on the suite's servers behind the embedded proxy.
const options = { redis: defaultRedisSettings, pg: defaultPgSettings, log: () => undefined };

const base: Omit<Scenario, 'name' | 'workload' | 'faults'> = {
  summary: 'test',
  explanation: 'test',
  setup: { records: { 'account:bob': 3000 }, cached: ['account:bob'] },
  strategies: { 'delete-on-write': { expect: 'consistent', why: 'the database decides' } },
  checkers: [bankChecker, stalenessChecker],
  stalenessBudgetMs: 60_000,
  impact: () => [],
  explain: () => '',
  contract: { tables: [], cache: 'test', operations: { debit: 'test', read: 'test' }, points: {}, workloadFaults: [] },
};

/** PIDs of app processes serving this stack's namespace (read from their environment). */
function appPids(stack: Stack): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`"keyPrefix":"${stack.keyPrefix}"`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('a run that does not test what it claims', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mode: 'external', redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('is unknown when an armed fault point is never reached, and says which', async () => {
    const result = await runScenario(
      {
        ...base,
        name: 'point-never-reached',
        // delete-on-write has no compensation step: this window is never entered.
        faults: [{ op: 'p1', point: 'before-compensate', inject: [{ kind: 'link-down', link: 'redis' }] }],
        async workload(ctx) {
          await ctx.invoke('bob', 'p1', { kind: 'debit', key: 'account:bob', amount: 1000 });
        },
      },
      'delete-on-write',
      stack,
      options,
    );
    expect(result.history.map((o) => [o.id, o.outcome])).toEqual([['p1', 'ok']]);
    expect(result.verdict).toBe('unknown');
    expect(result.matches).toBe(false);
    expect(result.explanation).toContain('could not judge this strategy');
    expect(result.checks.find((c) => c.checker === 'run')?.findings).toEqual([
      'fault point before-compensate was armed for p1, which never reached it: the run did not test the window it claims to',
    ]);
  });

  it('releases a hold whose op never comes, after its timeout, and is unknown', async () => {
    const result = await runScenario(
      {
        ...base,
        name: 'hold-times-out',
        faults: [{ op: 'r1', point: 'after-cache-read', inject: [{ kind: 'hold-until', op: 'w9', point: 'done' }] }],
        async workload(ctx) {
          await ctx.invoke('reader', 'r1', { kind: 'read', key: 'account:bob' });
        },
      },
      'delete-on-write',
      stack,
      { ...options, holdTimeoutMs: 300 },
    );
    expect(result.history.map((o) => [o.id, o.outcome, o.value])).toEqual([['r1', 'ok', 3000]]);
    expect(result.verdict).toBe('unknown');
    expect(result.checks.find((c) => c.checker === 'run')?.findings).toEqual([
      'after-cache-read (r1): the hold waited 300 ms and w9 never completed; released it',
    ]);
    expect(result.timeline.map((t) => t.event)).toEqual(['hold until w9 completes', 'released (timed out)']);
  });

  it('is unknown when the app process dies on its own, and the run goes on', async () => {
    const result = await runScenario(
      {
        ...base,
        name: 'app-dies',
        faults: [],
        async workload(ctx) {
          await ctx.invoke('bob', 'p1', { kind: 'debit', key: 'account:bob', amount: 1000 });
          for (const pid of appPids(stack)) process.kill(pid, 'SIGKILL'); // not a fault the scenario asked for
          await ctx.invoke('bob', 'p2', { kind: 'debit', key: 'account:bob', amount: 500 });
        },
      },
      'delete-on-write',
      stack,
      options,
    );
    const p2 = result.history.find((o) => o.id === 'p2');
    expect(p2?.outcome).not.toBe('ok');
    expect(result.verdict).toBe('unknown');
    expect(result.checks.find((c) => c.checker === 'run')?.findings).toEqual([
      expect.stringMatching(/^the app process \(pid \d+\) died unexpectedly \(SIGKILL\)/),
    ]);
  });

  it('faults from the workload itself: a link cut for a stretch of operations, whatever the strategy does', async () => {
    const result = await runScenario(
      {
        ...base,
        name: 'workload-faults',
        faults: [],
        async workload(ctx) {
          await ctx.inject({ kind: 'link-down', link: 'postgres' });
          await ctx.invoke('bob', 'p1', { kind: 'debit', key: 'account:bob', amount: 1000 });
          await ctx.heal();
          await ctx.invoke('bob', 'p2', { kind: 'debit', key: 'account:bob', amount: 500 });
        },
      },
      'delete-on-write',
      stack,
      options,
    );
    expect(result.history.map((o) => [o.id, o.outcome])).toEqual([
      ['p1', 'fail'],
      ['p2', 'ok'],
    ]);
    expect(result.history.find((o) => o.id === 'p2')?.value).toBe(2500);
    expect(result.timeline.map((t) => [t.event, t.trigger])).toEqual([
      ['postgres link down (proxy disabled)', 'workload'],
      ['postgres link up', undefined],
    ]);
    expect(result.verdict).toBe('consistent');
  });
});

describe('a broken environment in the middle of a run', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mode: 'external', redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const scenario: Scenario = {
    ...base,
    name: 'broken-environment',
    faults: [],
    async workload(ctx) {
      await ctx.invoke('bob', 'p1', { kind: 'debit', key: 'account:bob', amount: 1000 });
    },
  };

  it('is an environment error naming the fault proxy when it stops answering', async () => {
    const dead = `http://127.0.0.1:${await freeTcpPort()}`;
    const error = await runScenario(scenario, 'delete-on-write', { ...stack, toxiproxyUrl: dead }, options).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('environment');
    expect((error as LabError).message).toContain(`the fault proxy at ${dead} failed to heal`);
  });

  it('is an environment error naming the store the lab cannot read', async () => {
    const dead = `redis://127.0.0.1:${await freeTcpPort()}`;
    const error = await runScenario(scenario, 'delete-on-write', { ...stack, redisUrl: dead }, options).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('environment');
    expect((error as LabError).message).toContain("the lab's own connection could not clear the cache namespace");
  });
});

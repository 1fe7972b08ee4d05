import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerChecker } from '../../src/checkers/register.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import type { Scenario } from '../../src/runner/scenario.js';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';

// Several app processes, each its own OS process with its own pair of links through the fault
// proxy: a fault on one app's link or process leaves the others serving.
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');
const options = { redis: { ...defaultRedisSettings, commandTimeoutMs: 500 }, pg: { ...defaultPgSettings, queryTimeoutMs: 1000 }, log: () => undefined };

const base = {
  summary: 'test',
  explanation: 'test',
  checkers: [registerChecker],
  stalenessBudgetMs: 60_000,
  impact: () => [],
  explain: () => '',
  setup: { records: { 'price:book': 150 }, cached: [] },
  strategies: { 'cache-aside': { expect: 'consistent' as const, why: 'test' } },
  faults: [],
  contract: { tables: [], cache: 'test', operations: { read: 'test' }, points: {}, workloadFaults: [] },
};

describe('several app processes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mode: 'external', redisUrl, databaseUrl });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("cuts one app's database link and kills one app while the other serves on", async () => {
    const scenario: Scenario = {
      ...base,
      name: 'two-apps',
      apps: 2,
      async workload(ctx) {
        expect(ctx.apps).toBe(2);
        await ctx.inject({ kind: 'link-down', link: 'postgres', app: 1 });
        await ctx.invoke('c1', 'r1', { kind: 'read', key: 'price:book' }, { app: 1 });
        await ctx.invoke('c0', 'r0', { kind: 'read', key: 'price:book' }, { app: 0 });
        await ctx.heal();
        await ctx.inject({ kind: 'kill-app', app: 1 });
        await ctx.invoke('c1', 'k1', { kind: 'read', key: 'price:book' }, { app: 1 });
        await ctx.invoke('c0', 'k0', { kind: 'read', key: 'price:book' });
        await ctx.restartApp(1);
        await ctx.invoke('c1', 'a1', { kind: 'read', key: 'price:book' }, { app: 1 });
      },
    };
    const result = await runScenario(scenario, 'cache-aside', stack, options);
    const byId = Object.fromEntries(result.history.map((o) => [o.id, o]));
    expect(byId.r1?.outcome).not.toBe('ok');
    expect(byId.r1?.app).toBe(1);
    expect(byId.r0).toMatchObject({ outcome: 'ok', value: 150, app: 0 });
    expect(byId.k1).toMatchObject({ outcome: 'fail', error: 'the app process is not running' });
    expect(byId.k0).toMatchObject({ outcome: 'ok', value: 150 });
    expect(byId.a1).toMatchObject({ outcome: 'ok', value: 150, app: 1 });
    const events = result.timeline.map((t) => t.event);
    expect(events.slice(0, 2)).toEqual(['postgres link of app 1 down (proxy disabled)', 'postgres link of app 1 up']);
    expect(events[2]).toMatch(/^SIGKILL app 1 \(pid \d+\)$/);
    expect(events[3]).toMatch(/^app 1 restarted \(pid \d+\), memory empty$/);
    expect(result.timeline[3]?.window?.edge).toBe('end');
    expect(result.verdict).toBe('consistent');
    const links = await stack.appLinks(2);
    expect(new Set(links.flatMap((l) => [l.proxies.redis.name, l.proxies.postgres.name])).size).toBe(4);
  });

  it('runs more apps with the apps option than the scenario needs, and reports an app it does not have', async () => {
    const scenario: Scenario = {
      ...base,
      name: 'three-apps',
      async workload(ctx) {
        for (let app = 0; app < ctx.apps; app++) await ctx.invoke(`c${app}`, `r${app}`, { kind: 'read', key: 'price:book' }, { app });
        await ctx.invoke('c9', 'r9', { kind: 'read', key: 'price:book' }, { app: ctx.apps });
      },
    };
    const result = await runScenario(scenario, 'cache-aside', stack, { ...options, apps: 3 });
    expect(result.history.map((o) => [o.id, o.outcome, o.app])).toEqual([
      ['r0', 'ok', 0],
      ['r1', 'ok', 1],
      ['r2', 'ok', 2],
    ]);
    expect(result.verdict).toBe('unknown');
    expect(result.checks.find((c) => c.checker === 'run')?.findings.join('\n')).toContain('app 3 does not exist: this run has 3 app processes');
  });
});

import type { AppConfig } from '../app/protocol.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import { createFaultInjector } from '../drivers/fault-injector.js';
import type { PgSettings } from '../drivers/postgres.js';
import type { RedisSettings } from '../drivers/redis.js';
import type { AppKeeper } from './app-keeper.js';
import type { AppAnswer, Hit } from './app-process.js';
import { AppFleet } from './app-fleet.js';
import { interruptedError, LabError } from '../errors.js';
import { History } from '../history/history.js';
import type { StrategyResult, TimelineEntry } from './result.js';
import { describePersistence, type Stack } from '../stack/contract.js';
import { FaultSession, WORKLOAD_SCOPE } from './fault-session.js';
import type { Scenario, WorkloadContext } from './scenario.js';
import { formatSchedule, scheduledRules, type Schedule } from './schedule.js';
import { LabStores, TABLE_DDL } from './stores.js';
import { dbLatencyOn, startLoad, type LoadResult, type LoadRun } from './load-run.js';
import { judgeRun } from './judge-result.js';
import { planStrategy, skippedResult, type ModuleRun } from './strategy-plan.js';

/** What the runner needs of a stack (local or external; src/stack provides it). */
export type RunStack = Pick<
  Stack,
  | 'mode'
  | 'redisPersistence'
  | 'keyPrefix'
  | 'schema'
  | 'redisUrl'
  | 'databaseUrl'
  | 'toxiproxyUrl'
  | 'appRedisUrl'
  | 'appDatabaseUrl'
  | 'proxies'
  | 'appLinks'
  | 'redisFailover'
  | 'canKillRedis'
  | 'readReplicaMissing'
  | 'readReplica'
  | 'killRedis'
  | 'startRedis'
>;

export interface RunOptions {
  redis: RedisSettings;
  pg: PgSettings;
  log: (line: string) => void;
  /** How long to wait for the app's links to answer after the heal phase, ms. */
  settleTimeoutMs?: number;
  /** How long a hold-until may wait before it is released and the result is unknown, ms. */
  holdTimeoutMs?: number;
  /**
   * Aborted on SIGINT/SIGTERM: the workload stops at once (the app process is killed, holds and
   * waits let go), the faults are undone, and runScenario rejects with an interrupted LabError.
   */
  signal?: AbortSignal;
  /** App processes to run (--apps); a scenario that needs more (its `apps`) gets its own number. */
  apps?: number;
  /**
   * A fault schedule that replaces the scenario's scripted network and process faults (its holds
   * stay): the workload's own ctx.inject() does nothing, a process a fault killed is started again
   * before the next operation, and the result is expected consistent. Entries never reached are
   * listed in the result, not problems: an earlier fault may have sent the op another way.
   */
  schedule?: Schedule;
  /** Record every fault point each op passes (result.pointsPassed): the windows explore draws from. */
  tracePoints?: boolean;
  /** Keeps a single app's process between runs (see AppKeeper); without it every run starts its own. */
  keeper?: AppKeeper;
}

/**
 * Runs one scenario against one strategy: setup, workload with faults, heal, settle, check,
 * teardown (always, in finally). Never throws for what the system under test does: a strategy that
 * throws, an app process that dies on its own, a workload that stops early or an armed fault point
 * that is never reached makes the result `unknown`, with the reason among its checks. Throws only
 * an environment LabError, when a store cannot be set up or read or a fault cannot be injected.
 * `strategy` is a built-in's name or a user's strategy module; a module that lacks an operation
 * the scenario calls is not applicable here (a skipped result that says which).
 */
export async function runScenario(
  scenario: Scenario,
  strategy: string | ModuleRun,
  stack: RunStack,
  options: RunOptions,
): Promise<StrategyResult> {
  const plan = planStrategy(scenario, strategy);
  const strategyName = plan.name;
  const started = performance.now();
  const needs = scenario.needs ?? [];
  const base = {
    scenario: scenario.name,
    strategy: strategyName,
    expected: options.schedule ? ('consistent' as const) : plan.expectation.expect,
    expectation: options.schedule
      ? `under the fault schedule ${formatSchedule(options.schedule)}: a strategy that holds keeps the stores consistent whatever the faults`
      : plan.expectation.why,
    ...(options.schedule && { schedule: { text: formatSchedule(options.schedule), unreached: [] as string[] } }),
    ...((needs.includes('kill-redis') || needs.includes('redis-persistence')) && {
      redisPersistence: { setting: stack.redisPersistence, source: stack.mode === 'local' ? ('local stack' as const) : ('server' as const) },
    }),
  };

  if (plan.missing.length > 0) {
    const methods = plan.missing.map((op) => `${op}()`).join(', ');
    return skippedResult(scenario, plan, `not applicable: ${strategyName} does not implement ${methods}, which ${scenario.name} calls`);
  }
  const skipReason = missingAbility(scenario, stack);
  if (skipReason !== undefined) {
    return { ...skippedResult(scenario, plan, skipReason), ...base };
  }

  const appCount = Math.max(1, scenario.apps ?? 1, options.apps ?? 1);
  const links = await stack.appLinks(appCount);
  // Started on first use: only runs of a scenario that needs it pay for a second PostgreSQL.
  const replica = needs.includes('read-replica') ? await stack.readReplica() : undefined;
  const shared = replica && { replica: replica.proxy, 'pg-replication': replica.replicationProxy };
  // A fresh primary, replica and Sentinel: the lab and the apps reach Redis through Sentinel.
  const failover = needs.includes('redis-failover') && stack.redisFailover ? await stack.redisFailover() : undefined;
  const stores = new LabStores(failover?.labUrl ?? stack.redisUrl, stack.databaseUrl, stack.keyPrefix, stack.schema);
  const injector = createFaultInjector(stack.toxiproxyUrl);
  const proxyNames = [
    ...links.flatMap((l) => [l.proxies.redis.name, l.proxies.postgres.name, ...(l.proxies.otherRedis ?? []).map((p) => p.name)]),
    ...Object.values(shared ?? {}).map((p) => p.name),
    ...(failover?.proxyNames ?? []),
  ];
  const history = new History();
  const timeline: TimelineEntry[] = [];
  const faults = new FaultSession(
    injector,
    { links: links.map((l) => l.proxies), ...(shared && { shared }), killRedis: () => stack.killRedis(), ...(failover && { failover }) },
    history,
    timeline,
    options.holdTimeoutMs ?? 30_000,
    options.log,
  );
  const settleTimeoutMs = options.settleTimeoutMs ?? 10_000;
  /** What went wrong with the run itself (not the system under test): each makes the result unknown. */
  const problems: string[] = [];
  let load: LoadRun | undefined;
  let expiries = 0;
  let apps: AppFleet | undefined;
  const { signal, schedule } = options;
  const passed: Hit[] = [];
  const interrupt = (): void => {
    faults.releaseAll();
    void apps?.killAll();
  };
  signal?.addEventListener('abort', interrupt, { once: true });
  const stopIfInterrupted = (): void => {
    if (signal?.aborted) throw interruptedError(signal);
  };

  try {
    stopIfInterrupted();
    await injector.heal(proxyNames);
    if (replica) {
      // DDL is not replicated: the tables exist on both sides before the rows to follow are written.
      await stores.createTables();
      await replica.replicate(stack.schema, TABLE_DDL);
    }
    const initial = await stores.reset(scenario.setup, plan.cacheTtlMs);
    // The workload starts on a replica that holds the starting state.
    await replica?.waitCaughtUp(REPLICA_CATCH_UP_MS);
    await failover?.synced(); // the replica starts with the whole setup
    const now = (): number => history.now();
    const clockStart = await stores.readClock(now);
    const configs: AppConfig[] = links.map((link, i) => ({
      strategy: strategyName,
      ...(plan.modulePath ? { strategyModule: plan.modulePath } : {}),
      redisUrl: failover?.appUrl ?? link.redisUrl,
      databaseUrl: link.databaseUrl,
      schema: stack.schema,
      ...(replica && { replica: { databaseUrl: replica.appDatabaseUrl, subscription: replica.subscription } }),
      keyPrefix: stack.keyPrefix,
      cacheTtlMs: plan.cacheTtlMs,
      redis: options.redis,
      pg: options.pg,
      app: i,
    }));

    // Points to arm: every rule's point, and every point a hold waits for (to hear about it).
    const own = scenario.faults.filter((r) => r.strategies === undefined || r.strategies.includes(strategyName));
    const rules = schedule ? scheduledRules(own, schedule) : own;
    const armed: { point: FaultPoint; opId: string }[] = rules.map((r) => ({ point: r.point, opId: r.op }));
    for (const rule of rules) {
      for (const f of rule.inject) if (f.kind === 'hold-until' && f.point !== 'done') armed.push({ point: f.point, opId: f.op });
    }

    /** A fault the lab could not inject at a point (the proxy failed): thrown once the workload returns. */
    let injectError: Error | undefined;
    const onHit = async (app: number, hit: Hit): Promise<void> => {
      faults.reached(hit);
      if (options.tracePoints) passed.push(hit);
      const rule = rules.find((r) => r.op === hit.opId && r.point === hit.point);
      if (!rule) return;
      try {
        for (const fault of rule.inject) {
          await faults.inject(fault, { op: hit.opId, point: hit.point }, rule.until === 'heal' ? 'heal' : hit.opId, fleet, app);
        }
      } catch (err) {
        injectError ??= err instanceof Error ? err : new Error(String(err));
      }
    };
    const fleet = (apps = new AppFleet(configs, onHit, () => armed.filter((a) => !faults.hasReached(a)), problems, options.log, {
      ...(options.keeper && { keeper: options.keeper, freshEachRun: plan.modulePath !== undefined }),
      ...(options.tracePoints && { onPassed: (_app: number, hit: Hit) => passed.push(hit) }),
    }));
    const settle = (): Promise<boolean> => fleet.settle(settleTimeoutMs);
    await fleet.startAll();
    /** Under a schedule, a process a fault killed is started again before the next operation, as a supervisor would. */
    const supervise = async (index: number): Promise<void> => {
      if (!schedule) return;
      if (faults.redisDown) await ctx.startRedis();
      const app = fleet.get(index);
      if (app && !app.running) await ctx.restartApp(index);
    };

    const ctx: WorkloadContext = {
      apps: fleet.size,
      invoke: async (client, id, op, opts) => {
        stopIfInterrupted();
        const index = opts?.app ?? 0;
        fleet.check(index);
        await supervise(index);
        const record = history.invoke(id, client, op, fleet.size > 1 ? index : undefined);
        const app = fleet.get(index);
        const answer: AppAnswer = app ? await app.invoke(id, op) : { outcome: 'fail', error: 'no app process is running' };
        history.complete(record, answer.outcome, answer.value, answer.error);
        if (answer.strategyThrew) problems.push(`${strategyName} threw while serving ${id}: ${answer.error ?? ''}`);
        problems.push(...(answer.problems ?? []));
        faults.completed(id);
        // A fault scoped to this op is undone now; the next op starts once the links answer again.
        if (await faults.undo(id)) await settle();
        return answer;
      },
      reached: (opId, point) => {
        if (!armed.some((a) => a.opId === opId && a.point === point)) {
          return Promise.reject(new Error(`workload waits for ${opId} at ${point}, but no fault rule arms that point`));
        }
        return faults.whenReached(opId, point);
      },
      // Under a schedule the workload's own faults are the script the schedule replaces.
      inject: (fault) => (schedule ? Promise.resolve() : faults.inject(fault, 'workload', WORKLOAD_SCOPE, fleet, 0)),
      heal: async () => {
        if (await faults.undo(WORKLOAD_SCOPE)) await settle();
      },
      restartApp: async (index = 0) => {
        stopIfInterrupted();
        if (schedule && fleet.get(index)?.running) return;
        const app = await fleet.start(index);
        const label = fleet.size === 1 ? 'app' : `app ${index}`;
        if (app) faults.started('app', `${label} restarted (pid ${app.pid}), memory empty`, index);
      },
      startRedis: async () => {
        if (schedule && !faults.redisDown) return;
        await stack.startRedis();
        faults.started('redis', 'redis-server started again');
      },
      settle: async () => {
        await settle();
      },
      startLoad: (spec) => {
        if (load) throw new Error('the workload started a second load: a load scenario runs one');
        load = startLoad(fleet, spec, now, dbLatencyOn(injector, links.map((l) => l.proxies.postgres.name)));
        return load;
      },
      expire: async (key) => {
        const removed = await stores.cache.del(key);
        if (removed.outcome !== 'ok') throw new Error(`the lab could not expire ${key}: ${removed.error}`);
        if (removed.value === 0) return false;
        expiries++;
        timeline.push({ at: Math.round(history.now()), event: `cache key ${key} expired` });
        return true;
      },
    };

    try {
      await scenario.workload(ctx);
    } catch (err) {
      if (err instanceof LabError) throw err;
      problems.push(`the workload stopped early: ${err instanceof Error ? err.message : String(err)}`);
    }
    const loadResult: LoadResult | undefined = await load?.done.catch((err: unknown) => {
      if (err instanceof LabError) throw err;
      problems.push(`the load did not complete: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    stopIfInterrupted();
    if (injectError) throw injectError;

    // Heal: every fault removed, then wait for the app's links before judging.
    await faults.undoAll();
    await injector.heal(proxyNames);
    if (faults.redisDown) await ctx.startRedis();
    const settled = await settle();
    history.closeInFlight('still in flight when the workload ended');
    // A kept app (explore) is handed back when idle and answering: the next run may serve with it.
    await fleet.stopAll(settled);

    if (schedule) {
      base.schedule?.unreached.push(...schedule.filter((e) => !faults.hasReached({ point: e.point, opId: e.op })).map((e) => `${e.op}@${e.point}`));
    } else {
      for (const rule of rules) {
        if (!faults.hasReached({ point: rule.point, opId: rule.op })) {
          problems.push(`fault point ${rule.point} was armed for ${rule.op}, which never reached it: the run did not test the window it claims to`);
        }
      }
    }
    problems.push(...faults.problems);

    const final = await stores.snapshot({ now, start: clockStart });
    // After the read, so a window computed from a TTL left is never understated.
    const finalAt = history.now();
    const judged = judgeRun({ scenario, plan, history: history.completed(), initial, final, finalAt, problems, load: loadResult, timeline, expiries, apps: fleet.size });
    return {
      ...base,
      ...judged,
      matches: judged.verdict === base.expected,
      durationMs: Math.round(performance.now() - started),
      ...(options.tracePoints && { pointsPassed: passed.map((h) => ({ op: h.opId, point: h.point })) }),
    };
  } finally {
    signal?.removeEventListener('abort', interrupt);
    await apps?.killAll();
    await faults.undoAll().catch(() => undefined);
    await injector.heal(proxyNames).catch(() => undefined);
    await stores.close();
    await failover?.stop();
  }
}

/** ms the read replica gets to apply the starting state before the workload. */
const REPLICA_CATCH_UP_MS = 15_000;

/** Why this stack cannot run the scenario (its `needs`), or undefined when it can. */
function missingAbility(scenario: Scenario, stack: RunStack): string | undefined {
  const needs = scenario.needs ?? [];
  if (needs.includes('read-replica') && stack.readReplicaMissing !== undefined) return stack.readReplicaMissing;
  if (needs.includes('redis-failover') && stack.redisFailover === undefined) {
    return 'needs redis-failover (a Redis primary, a replica and a Sentinel the lab starts, kills and cuts apart), which only the local stack provides';
  }
  if (needs.includes('kill-redis') && !stack.canKillRedis) {
    return 'needs kill-redis, which this stack cannot do (external mode: pass --redis-kill-command)';
  }
  const wanted = scenario.setup.redisPersistence ?? 'none';
  if (needs.includes('redis-persistence') && stack.redisPersistence !== wanted) {
    return `needs a Redis with ${describePersistence(wanted)}; the server's own setting is ${describePersistence(stack.redisPersistence)} ` +
      '(CONFIG GET): run the scenario of that setting, or point --redis-url at a server configured so';
  }
  return undefined;
}

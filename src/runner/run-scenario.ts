import type { AppConfig } from '../app/protocol.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import { runCheckers, worst } from '../checkers/checker.js';
import { diffStores } from '../checkers/diff.js';
import { createFaultInjector } from '../drivers/fault-injector.js';
import type { PgSettings } from '../drivers/postgres.js';
import type { RedisSettings } from '../drivers/redis.js';
import type { AppKeeper } from './app-keeper.js';
import { AppProcess, type AppAnswer, type AppHandlers, type Hit } from './app-process.js';
import { interruptedError, LabError } from '../errors.js';
import { History } from '../history/history.js';
import type { StrategyResult, TimelineEntry } from './result.js';
import { describePersistence, type Stack } from '../stack/contract.js';
import { FaultSession, WORKLOAD_SCOPE } from './fault-session.js';
import type { Scenario, WorkloadContext } from './scenario.js';
import { formatSchedule, scheduledRules, type Schedule } from './schedule.js';
import { LabStores } from './stores.js';
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
  | 'canKillRedis'
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
  /**
   * A fault schedule that replaces the scenario's scripted network and process faults (its holds
   * stay): the workload's own ctx.inject() does nothing, a process a fault killed is started again
   * before the next operation, and the result is expected consistent. Entries never reached are
   * listed in the result, not problems: an earlier fault may have sent the op another way.
   */
  schedule?: Schedule;
  /** Record every fault point each op passes (result.pointsPassed): the windows explore draws from. */
  tracePoints?: boolean;
  /** Keeps the app process between runs (see AppKeeper); without it every run starts its own. */
  apps?: AppKeeper;
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
    ...(needs.length > 0 && {
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

  const stores = new LabStores(stack.redisUrl, stack.databaseUrl, stack.keyPrefix, stack.schema);
  const injector = createFaultInjector(stack.toxiproxyUrl);
  const proxyNames = [stack.proxies.redis.name, stack.proxies.postgres.name];
  const history = new History();
  const timeline: TimelineEntry[] = [];
  const faults = new FaultSession(injector, stack, history, timeline, options.holdTimeoutMs ?? 30_000, options.log);
  const settleTimeoutMs = options.settleTimeoutMs ?? 10_000;
  /** What went wrong with the run itself (not the system under test): each makes the result unknown. */
  const problems: string[] = [];
  let app: AppProcess | undefined;
  /** The app was handed back to options.apps at the end: not ours to kill. */
  let kept = false;
  const { signal, schedule } = options;
  const passed: Hit[] = [];
  const interrupt = (): void => {
    faults.releaseAll();
    void app?.kill();
  };
  signal?.addEventListener('abort', interrupt, { once: true });
  const stopIfInterrupted = (): void => {
    if (signal?.aborted) throw interruptedError(signal);
  };

  try {
    stopIfInterrupted();
    await injector.heal(proxyNames);
    const initial = await stores.reset(scenario.setup, plan.cacheTtlMs);
    const now = (): number => history.now();
    const clockStart = await stores.readClock(now);
    const config: AppConfig = {
      strategy: strategyName,
      ...(plan.modulePath ? { strategyModule: plan.modulePath } : {}),
      redisUrl: stack.appRedisUrl,
      databaseUrl: stack.appDatabaseUrl,
      schema: stack.schema,
      keyPrefix: stack.keyPrefix,
      cacheTtlMs: plan.cacheTtlMs,
      redis: options.redis,
      pg: options.pg,
    };

    // Points to arm: every rule's point, and every point a hold waits for (to hear about it).
    const own = scenario.faults.filter((r) => r.strategies === undefined || r.strategies.includes(strategyName));
    const rules = schedule ? scheduledRules(own, schedule) : own;
    const armed: { point: FaultPoint; opId: string }[] = rules.map((r) => ({ point: r.point, opId: r.op }));
    for (const rule of rules) {
      for (const f of rule.inject) if (f.kind === 'hold-until' && f.point !== 'done') armed.push({ point: f.point, opId: f.op });
    }

    /** A fault the lab could not inject at a point (the proxy failed): thrown once the workload returns. */
    let injectError: Error | undefined;
    const onHit = async (hit: Hit): Promise<void> => {
      faults.reached(hit);
      if (options.tracePoints) passed.push(hit);
      const rule = rules.find((r) => r.op === hit.opId && r.point === hit.point);
      if (!rule) return;
      try {
        for (const fault of rule.inject) {
          await faults.inject(fault, { op: hit.opId, point: hit.point }, rule.until === 'heal' ? 'heal' : hit.opId, app);
        }
      } catch (err) {
        injectError ??= err instanceof Error ? err : new Error(String(err));
      }
    };
    const handlers: AppHandlers = { onHit, ...(options.tracePoints && { onPassed: (hit: Hit) => passed.push(hit) }) };
    /** The kept app process, or a fresh one, or undefined (with the reason in problems) when it cannot start. */
    const startApp = async (): Promise<AppProcess | undefined> => {
      const start = (): Promise<AppProcess> => AppProcess.start(config, handlers, options.log);
      let serving: AppProcess;
      try {
        serving = !options.apps ? await start() : plan.modulePath ? await options.apps.fresh(start) : await options.apps.take(config, start);
      } catch (err) {
        problems.push(`the app process could not start: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
      void serving.exited.then(() => {
        if (serving.unexpectedExit !== undefined && !kept) problems.push(serving.unexpectedExit);
      });
      serving.attach(handlers, options.tracePoints ?? false);
      serving.arm(armed.filter((a) => !faults.hasReached(a)));
      return serving;
    };
    const settle = (): Promise<boolean> => settleLinks(app, settleTimeoutMs);
    app = await startApp();
    /** Under a schedule, a process a fault killed is started again before the next operation, as a supervisor would. */
    const supervise = async (): Promise<void> => {
      if (!schedule) return;
      if (faults.redisDown) await ctx.startRedis();
      if (app && !app.running) await ctx.restartApp();
    };

    const ctx: WorkloadContext = {
      invoke: async (client, id, op) => {
        stopIfInterrupted();
        await supervise();
        const record = history.invoke(id, client, op);
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
      inject: (fault) => (schedule ? Promise.resolve() : faults.inject(fault, 'workload', WORKLOAD_SCOPE, app)),
      heal: async () => {
        if (await faults.undo(WORKLOAD_SCOPE)) await settle();
      },
      restartApp: async () => {
        stopIfInterrupted();
        if (schedule && app?.running) return;
        if (app) await app.kill();
        app = await startApp();
        if (app) faults.started('app', `app restarted (pid ${app.pid}), memory empty`);
      },
      startRedis: async () => {
        if (schedule && !faults.redisDown) return;
        await stack.startRedis();
        faults.started('redis', 'redis-server started again');
      },
      settle: async () => {
        await settle();
      },
    };

    try {
      await scenario.workload(ctx);
    } catch (err) {
      if (err instanceof LabError) throw err;
      problems.push(`the workload stopped early: ${err instanceof Error ? err.message : String(err)}`);
    }
    stopIfInterrupted();
    if (injectError) throw injectError;

    // Heal: every fault removed, then wait for the app's links before judging.
    await faults.undoAll();
    await injector.heal(proxyNames);
    if (faults.redisDown) await ctx.startRedis();
    const settled = await settle();
    history.closeInFlight('still in flight when the workload ended');
    if (options.apps && !plan.modulePath && app?.running && settled) {
      // Idle and answering: the next run may serve with it (it stops nothing in between).
      options.apps.keep(app, config);
      kept = true;
    } else {
      await app?.stop();
    }

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
    const displayOnlyKeys = plan.displayOnly ? Object.keys(scenario.setup.records) : [];
    const input = {
      history: history.completed(),
      initial,
      final,
      finalAt,
      displayOnlyKeys,
      stalenessBudgetMs: scenario.stalenessBudgetMs,
    };
    const checks = runCheckers(scenario.checkers, input);
    if (problems.length > 0) checks.push({ checker: 'run', verdict: 'unknown', findings: problems, figures: {} });
    const verdict = worst(checks.map((c) => c.verdict));
    return {
      ...base,
      verdict,
      matches: verdict === base.expected,
      checks,
      diff: diffStores(final, displayOnlyKeys),
      bookkeeping: Object.entries(final.meta).map(([key, entry]) => ({ key, ...entry })),
      impact: scenario.impact(checks),
      // Unknown: nothing to explain about the strategy; the run's findings say why it was not judged.
      explanation: verdict === 'unknown' ? NOT_JUDGED : scenario.explain(strategyName, verdict, checks),
      timeline,
      history: history.completed(),
      initial: {
        db: initial.db,
        cache: Object.fromEntries(scenario.setup.cached.map((key) => [key, String(initial.db[key])])),
      },
      finalAt,
      durationMs: Math.round(performance.now() - started),
      ...(options.tracePoints && { pointsPassed: passed.map((h) => ({ op: h.opId, point: h.point })) }),
    };
  } finally {
    signal?.removeEventListener('abort', interrupt);
    if (app && !kept) await app.kill().catch(() => undefined);
    await faults.undoAll().catch(() => undefined);
    await injector.heal(proxyNames).catch(() => undefined);
    await stores.close();
  }
}

/** Why this stack cannot run the scenario (its `needs`), or undefined when it can. */
function missingAbility(scenario: Scenario, stack: RunStack): string | undefined {
  const needs = scenario.needs ?? [];
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

const NOT_JUDGED = 'The run could not judge this strategy: the findings of the run say what kept it from testing the window.';

/**
 * Polls the app until both its links answer and its strategy's background work (a queue, a relay)
 * is done (true), or gives up at the deadline (the checkers still run). A dead app has nothing to
 * wait for (false).
 */
async function settleLinks(app: AppProcess | undefined, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (app?.running && Date.now() < deadline) {
    const h = await app.health();
    if (h.redis && h.db && h.idle) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

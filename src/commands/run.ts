import { randomBytes } from 'node:crypto';
import { scenarios } from '../../scenarios/index.js';
import type { Verdict } from '../checkers/checker.js';
import type { PgSettings } from '../drivers/postgres.js';
import type { RedisSettings } from '../drivers/redis.js';
import { interruptedError, LabError, usageError } from '../errors.js';
import type { RunReport, StrategyResult } from '../runner/result.js';
import { runScenario } from '../runner/run-scenario.js';
import type { ModuleRun } from '../runner/strategy-plan.js';
import type { Scenario, Suite } from '../runner/scenario.js';
import { redactPassword } from '../stack/connection-urls.js';
import type { Stack, StackOptions } from '../stack/contract.js';
import { createSchema } from '../stack/namespace.js';
import { startStack } from '../stack/stack.js';
import { loadModules, withModules } from './modules.js';
import { resolveNames } from './resolve.js';

export interface RunCommandOptions {
  /** Scenario names; empty with `all` = every scenario. */
  scenarios: string[];
  all: boolean;
  /** Restrict to these strategies (each must be run by at least one selected scenario, or be a module's name). */
  strategies: string[];
  /** Files of the user's strategy modules, run instead of the scenarios' own strategies (plus any --strategy names). */
  strategyModules?: string[];
  /** What the modules are expected to get; default consistent. */
  expect?: Verdict;
  seed: number;
  stack: Omit<StackOptions, 'redisPersistence' | 'runId' | 'log'>;
  redis: RedisSettings;
  pg: PgSettings;
  log: (line: string) => void;
  /**
   * Aborted (reason: the signal's name) on SIGINT/SIGTERM: the scenario running stops its
   * workload and undoes its faults, the stack removes the run's data and stops, and runCommand
   * rejects with an interrupted LabError saying what was cleaned up.
   */
  signal?: AbortSignal;
  /** Run only this deterministic share of the selection: results k with k % count === index - 1. */
  shard?: Shard;
  /** Suites `--all` takes in too (scenarios of other suites are left out unless named). */
  include?: Suite[];
  /** App processes per run (--apps); a scenario that needs more gets its own number. */
  apps?: number;
}

/** `--shard 2/4`: the second of four shares. index is 1-based. */
export interface Shard {
  index: number;
  count: number;
}

/** Picks the scenarios and strategies a `run` names, or says what is valid. */
export function selectRuns(
  opts: Pick<RunCommandOptions, 'scenarios' | 'all' | 'strategies' | 'shard' | 'include'> & { modules?: ModuleRun[] },
): { scenario: Scenario; strategies: (string | ModuleRun)[] }[] {
  const names = scenarios.map((s) => s.name);
  if (opts.scenarios.length === 0 && !opts.all) {
    throw usageError('name at least one scenario, or pass --all', `scenarios: ${names.join(', ')} (cachelab list shows them)`);
  }
  // --all: the default matrix, plus the suites --include names; a name (or group) runs whatever it names.
  const inMatrix = scenarios.filter((s) => s.suite === undefined || (opts.include ?? []).includes(s.suite)).map((s) => s.name);
  const chosen = opts.all && opts.scenarios.length === 0 ? inMatrix : resolveNames('scenario', opts.scenarios, names);
  const selected = scenarios.filter((s) => chosen.includes(s.name));
  const offered = [...new Set(selected.flatMap((s) => Object.keys(s.strategies)))];
  const modules = opts.modules ?? [];
  resolveNames('strategy', opts.strategies, [...offered, ...modules.map((m) => m.name)]);
  const runs =
    modules.length > 0
      ? withModules(selected, modules, opts.strategies, opts.all && opts.scenarios.length === 0)
      : selected.map((scenario) => ({
          scenario,
          strategies: Object.keys(scenario.strategies).filter((s) => opts.strategies.length === 0 || opts.strategies.includes(s)),
        }));
  return shardOf(runs, opts.shard);
}

/**
 * Round-robin over the results in matrix order: every shard gets a mix of fast and slow ones, and
 * the shards of one selection together are exactly the selection.
 */
function shardOf<T extends { strategies: unknown[] }>(runs: T[], shard: Shard | undefined): T[] {
  let position = 0;
  const inShard = (): boolean => shard === undefined || position++ % shard.count === shard.index - 1;
  return runs.map((run) => ({ ...run, strategies: run.strategies.filter(inShard) })).filter((run) => run.strategies.length > 0);
}

/**
 * `cachelab run`: starts one stack, runs every scenario x strategy on it (redis-server restarted
 * with the persistence each scenario needs), tears it down, and returns the report (the CLI
 * renders it).
 */
export async function runCommand(opts: RunCommandOptions): Promise<RunReport> {
  const modules = await loadModules(opts.strategyModules ?? [], opts.expect, opts.log);
  const runs = selectRuns({ ...opts, modules });
  const started = performance.now();
  const runId = randomBytes(4).toString('hex');
  const results: StrategyResult[] = [];
  // One stack for the whole run: redis-server is restarted with the persistence a scenario needs.
  const firstPersistence = runs[0]?.scenario.setup.redisPersistence ?? 'none';
  const stack = await startStack({ ...opts.stack, redisPersistence: firstPersistence, runId, log: opts.log, signal: opts.signal, seed: opts.seed }).catch(
    (err: unknown) => {
      if (err instanceof LabError && err.code === 'interrupted') {
        throw new LabError('interrupted', `${err.message} while the stack was starting: removed what had started`, { cause: err, signal: err.signal });
      }
      throw err;
    },
  );
  const stackInfo: RunReport['stack'] = {
    mode: stack.mode,
    redis: redactPassword(stack.redisUrl),
    postgres: redactPassword(stack.databaseUrl),
    toxiproxy: redactPassword(stack.toxiproxyUrl),
  };
  try {
    results.push(...(await runAll(stack, runs, opts)));
  } catch (err) {
    if (err instanceof LabError && err.code === 'interrupted') {
      await stack.stop();
      const kept = opts.stack.keep ? `kept run ${stack.runId}'s data and stack (--keep)` : `removed run ${stack.runId}'s data${stack.mode === 'local' ? ' and stopped its servers' : ' and proxies'}`;
      throw new LabError('interrupted', `${err.message}: stopped the workload, undid its faults, ${kept}`, { cause: err, signal: err.signal });
    }
    throw err;
  } finally {
    await stack.stop();
  }
  if (opts.stack.keep) {
    for (const line of stack.describe()) opts.log(line);
    for (const result of results) {
      if (result.kept) opts.log(`kept ${result.scenario} x ${result.strategy}: keys ${result.kept.keyPrefix}*, schema ${result.kept.schema}`);
    }
  }

  return {
    runId,
    seed: opts.seed,
    scenarios: runs.map(({ scenario }) => ({ name: scenario.name, summary: scenario.summary, explanation: scenario.explanation })),
    stack: stackInfo,
    driverSettings: driverSettings(opts.redis, opts.pg),
    results,
    ok: results.every((r) => r.matches),
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Every scenario x strategy, in order, on one stack. With --keep each result gets a namespace of
 * its own (keys `<run prefix><n>:`, schema `<run schema>_<n>`), so every strategy's final data
 * stays to be inspected, not only the last one's.
 */
async function runAll(stack: Stack, runs: ReturnType<typeof selectRuns>, opts: RunCommandOptions): Promise<StrategyResult[]> {
  const results: StrategyResult[] = [];
  for (const { scenario, strategies } of runs) {
    await stack.useRedisPersistence(scenario.setup.redisPersistence ?? 'none');
    for (const strategy of strategies) {
      if (opts.signal?.aborted) throw interruptedError(opts.signal);
      opts.log(`running ${scenario.name} x ${typeof strategy === 'string' ? strategy : strategy.name}`);
      const kept = opts.stack.keep ? { keyPrefix: `${stack.keyPrefix}${results.length + 1}:`, schema: `${stack.schema}_${results.length + 1}` } : undefined;
      if (kept) await createSchema(stack.databaseUrl, kept.schema);
      const result = await runScenario(scenario, strategy, { ...stack, ...kept }, { redis: opts.redis, pg: opts.pg, log: opts.log, signal: opts.signal, apps: opts.apps });
      results.push({ ...result, seed: opts.seed, ...(kept ? { kept } : {}) });
    }
  }
  return results;
}

export function driverSettings(redis: RedisSettings, pg: PgSettings): Record<string, string | number | boolean> {
  return {
    ...Object.fromEntries(Object.entries(redis).map(([k, v]) => [`redis.${k}`, v])),
    ...Object.fromEntries(Object.entries(pg).map(([k, v]) => [`pg.${k}`, v])),
  };
}

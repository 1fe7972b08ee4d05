import { randomBytes } from 'node:crypto';
import { scenarios } from '../../scenarios/index.js';
import type { Verdict } from '../checkers/checker.js';
import type { PgSettings } from '../drivers/postgres.js';
import type { RedisSettings } from '../drivers/redis.js';
import { LabError, usageError } from '../errors.js';
import { AppKeeper } from '../runner/app-keeper.js';
import { runScenario, type RunOptions } from '../runner/run-scenario.js';
import { faultNames, formatSchedule, type FaultKind, type Schedule } from '../runner/schedule.js';
import { drawSchedules, shrinkSchedule, windowsOf, type SearchSpace } from '../runner/schedule-search.js';
import type { ModuleRun } from '../runner/strategy-plan.js';
import type { Stack, StackOptions } from '../stack/contract.js';
import { startStack } from '../stack/stack.js';
import type { ExploreReport } from '../runner/explore-result.js';
import { ExploreTally } from './explore-tally.js';
import { loadModules } from './modules.js';
import { resolveNames } from './resolve.js';

export interface ExploreOptions {
  scenario: string;
  /** A built-in strategy the scenario runs, or undefined with strategyModule. */
  strategy?: string;
  strategyModule?: string;
  runs: number;
  seed: number;
  faults: FaultKind[];
  /** Most faults in one schedule. */
  maxFaults: number;
  /** How the replay command passes driver settings (`--driver k=v`), as given. */
  driverFlags: string[];
  stack: Omit<StackOptions, 'redisPersistence' | 'runId' | 'log'>;
  redis: RedisSettings;
  pg: PgSettings;
  /** Details (--verbose): each fault as it is injected. */
  log: (line: string) => void;
  /** One line per run, as it ends. */
  progress: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM: the run in progress stops, and explore returns what it has. */
  signal?: AbortSignal;
}

/** Picks the scenario and the one strategy, or says what is valid. */
async function choose(opts: ExploreOptions): Promise<{ scenario: (typeof scenarios)[number]; strategy: string | ModuleRun }> {
  const names = resolveNames('scenario', [opts.scenario], scenarios.map((s) => s.name));
  const scenario = names.length === 1 ? scenarios.find((s) => s.name === names[0]) : undefined;
  if (!scenario) throw usageError(`explore takes one scenario, and "${opts.scenario}" is a group`, `name one of its scenarios: ${names.join(', ')}`);
  const builtins = Object.keys(scenario.strategies);
  if ((opts.strategy === undefined) === (opts.strategyModule === undefined)) {
    throw usageError('explore runs one strategy: give --strategy <name> or --strategy-module <file>', `strategies of ${scenario.name}: ${builtins.join(', ')}`);
  }
  if (opts.strategy !== undefined) {
    resolveNames('strategy', [opts.strategy], builtins);
    return { scenario, strategy: opts.strategy };
  }
  const [module] = await loadModules([opts.strategyModule ?? ''], undefined, opts.log);
  if (!module) throw usageError('no strategy module loaded', 'give --strategy-module <file>');
  return { scenario, strategy: module };
}

/**
 * `cachelab explore`: one stack and (for a built-in) one app process for every run. A clean run
 * learns the windows; then `runs` schedules drawn from the seed, each judged; a failing schedule
 * that no minimal schedule found so far explains is shrunk to a new one. Ctrl-C stops the run in
 * progress and returns what was found (interrupted: true).
 */
export async function exploreCommand(opts: ExploreOptions): Promise<ExploreReport> {
  const started = performance.now();
  const { scenario, strategy } = await choose(opts);
  const strategyName = typeof strategy === 'string' ? strategy : strategy.name;
  const strategyFlag = typeof strategy === 'string' ? `--strategy ${strategy}` : `--strategy-module ${shellWord(strategy.path)}`;
  const driverFlags = opts.driverFlags.map((d) => ` --driver ${shellWord(d)}`).join('');
  const tally = new ExploreTally((text) => `cachelab run ${scenario.name} ${strategyFlag}${driverFlags} --schedule '${text}'`);
  const notes: string[] = [];
  const keeper = new AppKeeper();
  const stack = await startStack({ ...opts.stack, redisPersistence: scenario.setup.redisPersistence ?? 'none', runId: randomBytes(4).toString('hex'), log: opts.log, signal: opts.signal, seed: opts.seed });
  const report = (clean: ExploreReport['clean'], windows: string[], faults: FaultKind[], interrupted: boolean): ExploreReport => ({
    scenario: scenario.name,
    strategy: strategyName,
    seed: opts.seed,
    faults,
    maxFaults: opts.maxFaults,
    windows,
    clean,
    runsAsked: opts.runs,
    runs: tally.runs,
    failing: tally.failing,
    unknown: tally.unknown,
    shrinkRuns: tally.shrinkRuns,
    notReproduced: tally.notReproduced,
    minimal: tally.minimal,
    points: tally.points(),
    ran: tally.ran,
    app: { ...keeper.counts },
    interrupted,
    notes,
    durationMs: Math.round(performance.now() - started),
  });
  let clean: ExploreReport['clean'] = { verdict: 'skipped', findings: [] };
  let windows: string[] = [];
  let faults = opts.faults;
  try {
    await stack.useRedisPersistence(scenario.setup.redisPersistence ?? 'none');
    faults = usableFaults(opts.faults, stack, notes);
    const runOptions: RunOptions = { redis: opts.redis, pg: opts.pg, log: opts.log, signal: opts.signal, keeper, holdTimeoutMs: 5000 };
    const verdictOf = async (schedule: Schedule): Promise<Verdict | 'skipped'> =>
      (await runScenario(scenario, strategy, stack, { ...runOptions, schedule })).verdict;
    const fails = async (schedule: Schedule): Promise<boolean> => (await verdictOf(schedule)) === 'inconsistent';

    const first = await runScenario(scenario, strategy, stack, { ...runOptions, schedule: [], tracePoints: true });
    clean = { verdict: first.verdict, findings: first.verdict === 'consistent' ? [] : first.checks.flatMap((c) => c.findings) };
    const space: SearchSpace = { windows: windowsOf(first.pointsPassed ?? []), faults: faultNames(faults), maxFaults: opts.maxFaults };
    windows = space.windows.map((w) => `${w.op}@${w.point}`);
    opts.progress(`clean run: ${first.verdict}; ${windows.length} windows: ${windows.join(' ')}`);
    if (first.verdict === 'skipped') notes.push(`not run: ${first.skipReason ?? ''}`);
    if (first.verdict === 'inconsistent') notes.push('the strategy fails with no fault at all: every schedule would fail, so none was drawn');
    if (first.verdict !== 'consistent' && first.verdict !== 'unknown') return report(clean, windows, faults, false);

    const schedules = drawSchedules(space, opts.seed, opts.runs);
    /** Verdicts of the shrinking runs so far (failed or not), by compact form: a candidate runs once per exploration. */
    const judged = new Map<string, boolean>();
    for (const [index, schedule] of schedules.entries()) {
      const verdict = await verdictOf(schedule);
      if (verdict === 'skipped') continue;
      const known = tally.record(schedule, verdict);
      let line = `run ${index + 1}/${schedules.length}: ${verdict.padEnd(12)} ${formatSchedule(schedule)}`;
      if (verdict === 'inconsistent' && !known) {
        opts.progress(`${line}: new failure, shrinking`);
        judged.set(formatSchedule(schedule), true);
        const shrunk = await shrinkSchedule(space, opts.seed, index, fails, () => opts.signal?.aborted ?? false, judged);
        let runs = shrunk?.runs ?? 0;
        // A minimal schedule not seen before is run once more: it is reported only if it fails again.
        const fresh = shrunk && !tally.minimal.some((m) => m.schedule === formatSchedule(shrunk.minimal));
        if (fresh && !opts.signal?.aborted) runs++;
        const confirmed = shrunk && (!fresh || (!opts.signal?.aborted && (await fails(shrunk.minimal))));
        if (opts.signal?.aborted && !confirmed) break;
        const found = tally.shrunk(index + 1, schedule, confirmed ? shrunk.minimal : undefined, runs);
        line = found ? `  shrunk in ${runs} runs to ${found.schedule}` : `  ${shrunk ? formatSchedule(shrunk.minimal) : 'it'} did not fail again when run once more: not reported`;
      } else if (known) {
        line += ` (contains ${known.schedule})`;
      }
      opts.progress(line);
    }
    return report(clean, windows, faults, opts.signal?.aborted ?? false);
  } catch (err) {
    if (err instanceof LabError && err.code === 'interrupted') return report(clean, windows, faults, true);
    throw err;
  } finally {
    await keeper.close().catch(() => undefined);
    await stack.stop();
  }
}

/** The kinds this stack can inject: kill-redis needs a stack that can kill and start Redis. */
function usableFaults(kinds: FaultKind[], stack: Stack, notes: string[]): FaultKind[] {
  if (!kinds.includes('kill-redis') || stack.canKillRedis) return kinds;
  notes.push('kill-redis left out: this stack cannot kill Redis (external mode: pass --redis-kill-command and --redis-start-command)');
  return kinds.filter((k) => k !== 'kill-redis');
}

/** `text` as one word for a POSIX shell: as it is when that is safe, else in single quotes. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

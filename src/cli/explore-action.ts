import { constants as osConstants } from 'node:os';
import { Option, type Command } from 'commander';
import { exploreCommand } from '../commands/explore.js';
import { usageError } from '../errors.js';
import { renderExplore } from '../report/explore.js';
import { faultKinds, parseFaultKinds } from '../runner/schedule.js';
import { parseDriverSettings, parseSeed, parseStackMode } from './options.js';
import type { Printers } from './check-action.js';
import { createProgress } from './progress.js';

interface ExploreFlags {
  strategy?: string;
  strategyModule?: string;
  runs: string;
  seed?: string;
  faults: string;
  maxFaults: string;
  driver: string[];
  stack?: string;
  redisUrl?: string;
  databaseUrl?: string;
  toxiproxyUrl?: string;
  redisKillCommand?: string;
  redisStartCommand?: string;
  json?: boolean;
  verbose?: boolean;
  color?: boolean;
}

/** `cachelab explore`: its flags, and the action (exit 1 when a failing schedule was found, 0 when none). */
export function addExploreCommand(cli: Command, setExit: (code: number) => void, out: Printers & { mask: (text: string) => string }): void {
  cli
    .command('explore')
    .description('run a scenario under random fault schedules drawn from a seed; shrink each failing one to a minimal schedule you can replay')
    .argument('<scenario>', 'one scenario (cachelab list)')
    .option('-s, --strategy <name>', 'the built-in strategy to explore')
    .option('--strategy-module <file>', 'or your own strategy, an ES module (docs/strategy-modules.md)')
    .option('--runs <n>', 'schedules to draw and run', '100')
    .option('--seed <n>', 'seed the schedules are drawn from: the same seed draws the same schedules')
    .option('--faults <kinds>', `fault kinds to draw from, comma-separated: ${faultKinds.join(',')}`, faultKinds.join(','))
    .option('--max-faults <n>', 'most faults in one schedule', '3')
    .option('--driver <name=value>', 'override a driver setting, e.g. redis.commandTimeoutMs=500 (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .addOption(new Option('--stack <mode>', 'local: start throw-away servers; external: use the URLs').choices(['local', 'external']))
    .option('--redis-url <url>', 'external Redis (env REDIS_URL)')
    .option('--database-url <url>', 'external PostgreSQL (env DATABASE_URL)')
    .option('--toxiproxy-url <url>', 'external Toxiproxy API (env TOXIPROXY_URL); default: the embedded proxy')
    .option('--redis-kill-command <cmd>', 'external mode: command that kills Redis')
    .option('--redis-start-command <cmd>', 'external mode: command that starts Redis again')
    .option('--json', 'print the result object as JSON')
    .option('-v, --verbose', 'print each fault as it is injected')
    .option('--no-color', 'plain output without colours')
    .action(async (scenario: string, flags: ExploreFlags) => setExit(await explore(scenario, flags, out)));
}

async function explore(scenario: string, flags: ExploreFlags, out: Printers & { mask: (text: string) => string }): Promise<number> {
  const runs = wholeNumber('--runs', flags.runs, 1, 100_000);
  const maxFaults = wholeNumber('--max-faults', flags.maxFaults, 1, 20);
  const faults = parseFaultKinds(flags.faults.split(',').map((k) => k.trim()).filter(Boolean));
  const seed = parseSeed(flags.seed);
  const progress = createProgress({ verbose: flags.verbose ?? false, quiet: false });
  // The first signal stops the run in progress (its faults undone) and prints what was found; a
  // second one exits at once, and the stack's exit hook kills its servers.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!interrupt.signal.aborted) {
      progress.step(`${signal}: stopping after cleaning up; the results so far follow (send it again to kill everything at once)`);
      interrupt.abort(signal);
      return;
    }
    progress.done();
    process.exit(128 + (osConstants.signals[signal] ?? 0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await exploreCommand({
      scenario,
      strategy: flags.strategy,
      strategyModule: flags.strategyModule,
      runs,
      seed,
      faults,
      maxFaults,
      driverFlags: flags.driver,
      ...parseDriverSettings(flags.driver),
      stack: {
        mode: parseStackMode(flags.stack),
        redisUrl: flags.redisUrl,
        databaseUrl: flags.databaseUrl,
        toxiproxyUrl: flags.toxiproxyUrl,
        redisKillCommand: flags.redisKillCommand,
        redisStartCommand: flags.redisStartCommand,
      },
      log: (line) => progress.detail(out.mask(line)),
      progress: (line) => progress.step(out.mask(line)),
      signal: interrupt.signal,
    });
    progress.done();
    out.print(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderExplore(report, { color: flags.color === false ? false : undefined }));
    if (report.minimal.length > 0) return 1;
    return report.interrupted ? 128 + (osConstants.signals[interrupt.signal.reason as NodeJS.Signals] ?? 2) : 0;
  } finally {
    progress.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw usageError(`${flag} takes a whole number from ${min} to ${max}, got "${raw}"`, `e.g. ${flag} ${min === 1 && max > 20 ? 100 : 3}`);
  return n;
}

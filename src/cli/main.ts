/**
 * The command table: declares commands and flags, maps argv to an options object, calls the
 * command (which returns data), renders it, and exits. The only place that calls process.exit.
 *
 * Exit codes: 0 every result matched its expectation (check: the inconsistent share is within
 * --max-inconsistent); 1 at least one did not (check: above it); 2 bad usage; 3 the environment
 * is not usable (check: a store cannot be reached); 70 an internal error (a bug in cachelab).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { inspect } from 'node:util';
import { Command, CommanderError, Option } from 'commander';
import { comparisons } from '../checkers/compare.js';
import { doctor } from '../commands/doctor.js';
import { listScenarios } from '../commands/list.js';
import { mergeCommand } from '../commands/merge.js';
import { runCommand } from '../commands/run.js';
import type { Verdict } from '../checkers/checker.js';
import type { RunReport } from '../runner/result.js';
import { environmentError, LabError } from '../errors.js';
import { renderDoctor } from '../report/doctor.js';
import { renderHtmlReport } from '../report/html.js';
import { renderJunit } from '../report/junit.js';
import { renderScenarioList } from '../report/scenario-table.js';
import { renderReport } from '../report/terminal.js';
import { packageRoot } from '../stack/entry-points.js';
import { addBenchOptions, benchAction, type BenchFlags } from './bench-action.js';
import { parseSchedule } from '../runner/schedule.js';
import { checkAction, type CheckFlags } from './check-action.js';
import { addExploreCommand } from './explore-action.js';
import { parseApps, parseDriverSettings, parseInclude, parseOutputFile, parseSeed, parseShard, parseStackMode } from './options.js';
import { SUITES } from '../runner/scenario.js';
import { createProgress } from './progress.js';
import { secretMask } from './secrets.js';

/** Every URL password the user gave us, masked in everything we print (see secrets.ts). */
const mask = secretMask([...process.argv, ...Object.values(process.env)]);
const print = (text: string): boolean => process.stdout.write(mask(text));
const printError = (text: string): boolean => process.stderr.write(mask(text));

interface RunFlags {
  strategy: string[];
  strategyModule: string[];
  expect?: Verdict;
  all?: boolean;
  json?: boolean;
  junit?: string;
  report?: string;
  seed?: string;
  keep?: boolean;
  stack?: string;
  redisUrl?: string;
  databaseUrl?: string;
  toxiproxyUrl?: string;
  redisKillCommand?: string;
  redisStartCommand?: string;
  replicaDatabaseUrl?: string;
  driver: string[];
  shard?: string;
  include?: string[];
  apps?: string;
  schedule?: string;
  verbose?: boolean;
  color?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').filter(Boolean)];

function addRunFlags(cmd: Command): Command {
  return cmd
    .option('-s, --strategy <names>', 'only these strategies (repeatable or comma-separated)', collect, [])
    .option(
      '--strategy-module <file>',
      'your own strategy, an ES module (docs/strategy-modules.md); runs instead of the built-ins unless --strategy names them (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .addOption(new Option('--expect <verdict>', 'the verdict --strategy-module strategies are expected to get (default consistent)').choices(['consistent', 'inconsistent', 'unknown']))
    .option('--json', 'print the result object as JSON instead of the report')
    .option('--junit <file>', 'also write a JUnit XML report to <file>')
    .option('--report <file.html>', 'also write one self-contained HTML page: timelines, faults, DB vs cache')
    .option('--seed <n>', 'seed for random choices (toxicity, jitter); printed in the report')
    .option('--keep', 'leave the stack and its data up afterwards and print how to connect')
    .addOption(new Option('--stack <mode>', 'local: start throw-away servers; external: use the URLs').choices(['local', 'external']))
    .option('--redis-url <url>', 'external Redis (env REDIS_URL)')
    .option('--database-url <url>', 'external PostgreSQL (env DATABASE_URL)')
    .option('--toxiproxy-url <url>', 'external Toxiproxy API (env TOXIPROXY_URL); default: the embedded proxy')
    .option('--redis-kill-command <cmd>', 'external mode: command that kills Redis, e.g. "docker compose kill redis"')
    .option('--redis-start-command <cmd>', 'external mode: command that starts Redis again')
    .option('--replica-database-url <url>', 'external mode: a read replica of --database-url (env REPLICA_DATABASE_URL); scenarios that inject its lag are skipped')
    .option('--driver <name=value>', 'override a driver setting, e.g. redis.commandTimeoutMs=500 (repeatable)', collect, [])
    .option('--include <suites>', `with --all or matrix, also the scenarios of these suites (${SUITES.join(', ')}; comma-separated)`, (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',')])
    .option('--apps <n>', 'app processes per run, each with its own links through the fault proxy (default 1, or what the scenario needs)')
    .option('--shard <i/n>', 'run only the i-th of n deterministic shares of the selection (CI fan-out; cachelab merge joins them)')
    .option('-v, --verbose', 'print progress details, histories and stack traces')
    .option('--no-color', 'plain output without colours');
}

/** `matrix`: the summary alone unless --verbose; `run`: a block per result, then the summary. */
async function run(scenarioNames: string[], flags: RunFlags, all: boolean, matrix = false): Promise<number> {
  const seed = parseSeed(flags.seed);
  const shard = parseShard(flags.shard);
  const include = parseInclude(flags.include);
  const apps = parseApps(flags.apps);
  const mode = parseStackMode(flags.stack);
  const drivers = parseDriverSettings(flags.driver);
  const junit = flags.junit === undefined ? undefined : parseOutputFile('--junit', flags.junit);
  const html = flags.report === undefined ? undefined : parseOutputFile('--report', flags.report);
  const schedule = flags.schedule === undefined ? undefined : parseSchedule(flags.schedule);
  const progress = createProgress({ verbose: flags.verbose ?? false, quiet: false });
  // Shutdown in order: the first signal stops the workload, undoes the faults, removes the run's
  // data and proxies, then stops the servers (runCommand does it, seeing the abort); a second one
  // exits at once, and the stack's exit hook kills its servers.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!interrupt.signal.aborted) {
      progress.step(`${signal}: stopping the workload and cleaning up (send it again to kill everything at once)`);
      interrupt.abort(signal);
      return;
    }
    progress.done();
    printError(`cachelab: ${signal} again: killed the stack's processes; the next run removes what is left\n`);
    process.exit(signalExitCode(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await runCommand({
      scenarios: scenarioNames,
      all: all || (flags.all ?? false),
      strategies: flags.strategy,
      shard,
      include,
      apps,
      schedule,
      strategyModules: flags.strategyModule,
      expect: flags.expect,
      seed,
      stack: {
        mode,
        redisUrl: flags.redisUrl,
        databaseUrl: flags.databaseUrl,
        toxiproxyUrl: flags.toxiproxyUrl,
        redisKillCommand: flags.redisKillCommand,
        redisStartCommand: flags.redisStartCommand,
        replicaDatabaseUrl: flags.replicaDatabaseUrl,
        keep: flags.keep,
      },
      ...drivers,
      log: (line) => progress.step(mask(line)),
      signal: interrupt.signal,
    });
    progress.done();
    return await output(report, { ...flags, junit, html }, !matrix || (flags.verbose ?? false));
  } finally {
    progress.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Runs `work` with an AbortSignal aborted by the first SIGINT/SIGTERM; a second one exits at once. */
async function interruptible(work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!interrupt.signal.aborted) return interrupt.abort(signal);
    printError(`cachelab: ${signal} again: killed the stack's processes; the next run removes what is left\n`);
    process.exit(signalExitCode(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(interrupt.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Prints a report (terminal or --json), writes --junit and --report; the exit code: 0 all matched, 1 not. */
async function output(
  report: RunReport,
  flags: { json?: boolean; junit?: string; html?: string; color?: boolean; verbose?: boolean },
  blocks: boolean,
): Promise<number> {
  if (flags.junit) await writeFile(flags.junit, mask(renderJunit(report)));
  if (flags.html) {
    await writeFile(flags.html, mask(renderHtmlReport(report)));
    printError(`cachelab: report written to ${flags.html}\n`);
  }
  print(
    flags.json
      ? JSON.stringify(report, null, 2) + '\n'
      : renderReport(report, { color: flags.color === false ? false : undefined, verbose: flags.verbose, blocks }),
  );
  return report.ok ? 0 : 1;
}

/** 128 + the signal's number, as a shell reports a process killed by it: 130 SIGINT, 143 SIGTERM. */
function signalExitCode(signal: string): number {
  return 128 + (osConstants.signals[signal as NodeJS.Signals] ?? 0);
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function program(setExit: (code: number) => void): Command {
  const cli = new Command('cachelab')
    .description('failure-injection lab for cache/database consistency')
    .version(packageVersion())
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text) => printError(text) });

  cli
    .command('list')
    .description('the scenarios: what each shows, the strategies it runs, the faults it injects')
    .option('--json', 'print as JSON (with each data contract)')
    .option('-v, --verbose', "also each scenario's data contract for strategy modules")
    .option('--no-color', 'plain output')
    .action((flags: { json?: boolean; verbose?: boolean; color?: boolean }) => {
      const rows = listScenarios();
      const render = { color: flags.color === false ? false : undefined, verbose: flags.verbose ?? false };
      print(flags.json ? JSON.stringify(rows, null, 2) + '\n' : renderScenarioList(rows, render));
      setExit(0);
    });

  addRunFlags(
    cli
      .command('run')
      .description('run scenarios against their strategies and report what the stores hold')
      .argument('[scenario...]', 'scenario names (cachelab list)')
      .option('--all', 'every scenario'),
  )
    .option('--schedule <op@point:fault;...>', "instead of the scenario's scripted faults, this fault schedule (as cachelab explore prints it); expected consistent")
    .action(async (names: string[], flags: RunFlags) => setExit(await run(names, flags, false)));

  addRunFlags(cli.command('matrix').description('every scenario x strategy, then the matrix table')).action(
    async (flags: RunFlags) => setExit(await run([], flags, true, true)),
  );

  addBenchOptions(cli.command('bench')).action(async (flags: BenchFlags) =>
    setExit(await interruptible((signal) => benchAction(flags, { print, mask }, signal))),
  );

  addExploreCommand(cli, setExit, { print, printError, mask });

  cli
    .command('merge')
    .description('join the --json reports of several shards into one matrix')
    .argument('<report.json...>', 'files written by run --json or matrix --json')
    .option('--json', 'print the merged report as JSON')
    .option('--junit <file>', 'also write a JUnit XML report to <file>')
    .option('--no-color', 'plain output without colours')
    .action(async (files: string[], flags: { json?: boolean; junit?: string; color?: boolean }) => {
      const junit = flags.junit === undefined ? undefined : parseOutputFile('--junit', flags.junit);
      setExit(await output(await mergeCommand(files), { ...flags, junit }, false));
    });

  cli
    .command('check')
    .description('sample rows of your database, compare each with its cache entry, report the inconsistent share (read-only)')
    .requiredOption('--query <sql>', 'SQL whose first two columns are the key and the value, e.g. "SELECT id, price FROM products"')
    .requiredOption('--key <template>', 'the cache key of a row, {key} standing for the key column, e.g. "product:{key}"')
    .option('--redis-url <url>', 'the Redis to read (env REDIS_URL)')
    .option('--database-url <url>', 'the PostgreSQL to read (env DATABASE_URL)')
    .option('--sample <n>', 'rows compared per round: a uniform random sample, all if fewer', '100')
    .addOption(new Option('--compare <how>', 'string: same text; number: same number; json: same JSON, key order ignored').choices(comparisons).default('string'))
    .option('--recheck <duration>', 'read each difference again after this delay: lagging (healed) or stuck, e.g. 2s')
    .option('--watch <duration>', 'repeat every interval until Ctrl-C, one line per round and the running totals, e.g. 10s')
    .option('--max-inconsistent <share>', 'exit 1 above this inconsistent share (stuck with --recheck, else different)', '0.001')
    .option('--statement-timeout <duration>', 'how long PostgreSQL may run the query (and each fetch of its rows)', '30s')
    .option('--json', 'one single-line JSON object per round')
    .option('-v, --verbose', 'progress lines on stderr (the recheck delay, ...)')
    .option('--no-color', 'plain output')
    .action(async (flags: CheckFlags) => setExit(await checkAction(flags, { print, printError })));

  cli
    .command('doctor')
    .description('check prerequisites (redis-server, PostgreSQL, ports, URLs) and say how to fix each')
    .addOption(new Option('--stack <mode>', 'check for a local or an external stack, as run would').choices(['local', 'external']))
    .option('--redis-url <url>', 'external Redis (env REDIS_URL)')
    .option('--database-url <url>', 'external PostgreSQL (env DATABASE_URL)')
    .option('--toxiproxy-url <url>', 'external Toxiproxy API (env TOXIPROXY_URL)')
    .option('--replica-database-url <url>', 'external read replica of --database-url (env REPLICA_DATABASE_URL)')
    .option('--json', 'print as JSON')
    .option('--no-color', 'plain output')
    .action(async (flags: { stack?: string; redisUrl?: string; databaseUrl?: string; toxiproxyUrl?: string; replicaDatabaseUrl?: string; json?: boolean; color?: boolean }) => {
      const report = await doctor({
        mode: parseStackMode(flags.stack),
        redisUrl: flags.redisUrl,
        databaseUrl: flags.databaseUrl,
        toxiproxyUrl: flags.toxiproxyUrl,
        replicaDatabaseUrl: flags.replicaDatabaseUrl,
      });
      print(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderDoctor(report, { color: flags.color === false ? false : undefined }));
      setExit(report.checks.every((c) => c.ok) ? 0 : 3);
    });

  cli
    .command('proxy')
    .description('run the embedded Toxiproxy-compatible fault proxy standalone')
    .option('--host <host>', 'API address to bind', '127.0.0.1')
    .option('--port <port>', 'API port', '8474')
    .option('--config <file>', 'JSON array of proxies to create at start (/populate format)')
    .option('--seed <n>', 'seed for toxicity draws and jitter (our extension)')
    .action(async (flags: { host: string; port: string; config?: string; seed?: string }) => {
      if (!/^\d+$/.test(flags.port) || Number(flags.port) > 65535) {
        throw new LabError('usage', `--port must be 0..65535, got "${flags.port}"`);
      }
      // Loaded on demand: the other commands do not need the proxy server in memory.
      const { startProxyServer } = await import('../proxy/server.js');
      const seed = flags.seed === undefined ? undefined : parseSeed(flags.seed);
      const server = await startProxyServer({ host: flags.host, port: Number(flags.port), config: flags.config, seed }).catch(
        (err: unknown) => {
          throw environmentError(
            `cannot start the fault proxy on ${flags.host}:${flags.port}: ${err instanceof Error ? err.message : String(err)}`,
            'pick another --port (0 = any free port), stop what listens there, or fix the --config file',
            err,
          );
        },
      );
      printError(`cachelab proxy: Toxiproxy API on ${server.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      setExit(0);
    });
  return cli;
}

async function main(argv: string[]): Promise<number> {
  // A reader that went away (`cachelab run ... | head -1`) is not our failure: stop writing, keep
  // the exit code of the work, which has cleaned up by the time it prints.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  let code = 0;
  const cli = program((c) => (code = c));
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    if (argv.length <= 2) {
      cli.outputHelp();
      return 2;
    }
    await cli.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander; they already printed.
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed') return 0;
      if (err.code === 'commander.unknownOption') {
        const command = cli.commands.find((c) => c.name() === argv[2]) ?? cli;
        const flags = command.options.map((option) => option.long).filter((flag): flag is string => flag !== undefined);
        printError(`  valid options for cachelab${command === cli ? '' : ` ${command.name()}`}: ${flags.join(', ')}\n`);
      }
      return 2;
    }
    if (err instanceof LabError && err.code === 'interrupted') {
      printError(`cachelab: ${err.message}\n`);
      return signalExitCode(err.signal ?? 'SIGINT');
    }
    if (err instanceof LabError) {
      printError(`cachelab: ${err.message}\n`);
      if (err.hint) printError(`  ${err.hint}\n`);
      if (verbose && err.cause) printError(`  cause: ${inspect(err.cause)}\n`);
      return err.code === 'usage' ? 2 : err.code === 'environment' ? 3 : 70;
    }
    printError(`cachelab: internal error (a bug; please report it): ${err instanceof Error ? err.stack : String(err)}\n`);
    return 70;
  }
}

process.exitCode = await main(process.argv);
// A large report written to a pipe is still being flushed: exit only once it is out.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
// Open handles (a stack's timers, sockets) must not keep a finished command alive.
process.exit(process.exitCode);

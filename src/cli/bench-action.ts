import { Option, type Command } from 'commander';
import { benchCommand } from '../commands/bench.js';
import { usageError } from '../errors.js';
import { renderBench } from '../report/bench.js';
import { parseDriverSettings, parseDuration, parseStackMode } from './options.js';
import { createProgress } from './progress.js';

export interface BenchFlags {
  hitRates: string;
  concurrency: string;
  pool: string;
  dbLatency: string;
  duration: string;
  strategy: string;
  quick?: boolean;
  json?: boolean;
  stack?: string;
  redisUrl?: string;
  databaseUrl?: string;
  toxiproxyUrl?: string;
  driver: string[];
  verbose?: boolean;
  color?: boolean;
}

/** The flags of `cachelab bench` (the command table in main.ts adds the action). */
export function addBenchOptions(cmd: Command): Command {
  return cmd
    .description('what a cache buys: throughput and latency at each hit rate, beside a model you can check')
    .option('--hit-rates <list>', 'target hit rates, comma-separated', '0,0.5,0.9,0.99')
    .option('--concurrency <n>', 'requests in flight (closed-loop clients)', '100')
    .option('--pool <n>', "the app's PostgreSQL pool size", '10')
    .option('--db-latency <duration>', 'added to every database reply (a latency toxic on the PostgreSQL link)', '50ms')
    .option('--duration <duration>', 'per hit rate', '10s')
    .option('--strategy <name>', 'the strategy whose reads are measured', 'cache-aside')
    .option('--quick', 'about 2 s per hit rate')
    .option('--json', 'print the result object as JSON')
    .addOption(new Option('--stack <mode>', 'local: start throw-away servers; external: use the URLs').choices(['local', 'external']))
    .option('--redis-url <url>', 'external Redis (env REDIS_URL)')
    .option('--database-url <url>', 'external PostgreSQL (env DATABASE_URL)')
    .option('--toxiproxy-url <url>', 'external Toxiproxy API (env TOXIPROXY_URL); default: the embedded proxy')
    .option('--driver <name=value>', 'override a driver setting, e.g. redis.commandTimeoutMs=500 (repeatable)', (v: string, prev: string[]) => [...prev, ...v.split(',').filter(Boolean)], [])
    .option('-v, --verbose', 'print progress details')
    .option('--no-color', 'plain output without colours');
}

/** `--hit-rates 0,0.5,0.9,0.99`: shares from 0 to 1, each once, run in the order given. */
export function parseHitRates(raw: string): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  const rates = parts.map(Number);
  if (parts.some((p) => p === '') || rates.some((r) => !(r >= 0 && r <= 1)) || new Set(rates).size !== rates.length) {
    throw usageError(`--hit-rates takes distinct shares from 0 to 1, comma-separated, got "${raw}"`, 'e.g. --hit-rates 0,0.5,0.9,0.99');
  }
  return rates;
}

/** A whole-number flag within [min, max]. */
export function parseWhole(flag: string, raw: string, min: number, max: number, example: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw usageError(`${flag} takes a whole number from ${min} to ${max}, got "${raw}"`, `e.g. ${flag} ${example}`);
  return n;
}

/** `--db-latency 50ms`; 0 adds no toxic. */
function parseLatency(raw: string): number {
  return /^0+(\.0*)?\s*(ms|s)?$/.test(raw.trim()) ? 0 : parseDuration('--db-latency', raw);
}

/** A text bar for the progress line: `[######------] 3/8`. */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

/** Runs `cachelab bench` from its flags; prints the report or --json. Exit 0: the figures are output, not a verdict. */
export async function benchAction(flags: BenchFlags, io: { print: (text: string) => void; mask: (text: string) => string }, signal: AbortSignal): Promise<number> {
  const hitRates = parseHitRates(flags.hitRates);
  const concurrency = parseWhole('--concurrency', flags.concurrency, 1, 10_000, '100');
  const pool = parseWhole('--pool', flags.pool, 1, 1000, '10');
  const dbLatencyMs = parseLatency(flags.dbLatency);
  const durationMs = parseDuration('--duration', flags.duration);
  if (durationMs < 100) throw usageError(`--duration must be at least 100ms, got "${flags.duration}"`, 'e.g. --duration 10s, or --quick for 2 s per hit rate');
  const drivers = parseDriverSettings(flags.driver);
  const progress = createProgress({ verbose: flags.verbose ?? false, quiet: false });
  try {
    const report = await benchCommand({
      strategy: flags.strategy,
      hitRates,
      concurrency,
      pool,
      dbLatencyMs,
      durationMs,
      quick: flags.quick ?? false,
      stack: { mode: parseStackMode(flags.stack), redisUrl: flags.redisUrl, databaseUrl: flags.databaseUrl, toxiproxyUrl: flags.toxiproxyUrl },
      ...drivers,
      log: (line) => progress.detail(io.mask(line)),
      progress: (done, total, label) => progress.step(`${progressBar(done, total)} ${label}`),
      signal,
    });
    progress.done();
    io.print(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderBench(report, { color: flags.color === false ? false : undefined }));
    return 0;
  } finally {
    progress.done();
  }
}

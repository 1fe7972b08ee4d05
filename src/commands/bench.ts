import { randomBytes } from 'node:crypto';
import { coldKeysFor, setUpBench } from '../bench/bench-stores.js';
import { sweep, type BenchProgress } from '../bench/sweep.js';
import type { PgSettings } from '../drivers/postgres.js';
import type { RedisSettings } from '../drivers/redis.js';
import { environmentError, interruptedError, LabError, usageError } from '../errors.js';
import type { AppProcess } from '../runner/app-process.js';
import type { BenchReport, BenchSettings } from '../runner/bench-result.js';
import type { LabStores } from '../runner/stores.js';
import { redactPassword } from '../stack/connection-urls.js';
import type { StackOptions } from '../stack/contract.js';
import { startStack } from '../stack/stack.js';
import { strategies } from '../strategies/index.js';

export interface BenchCommandOptions {
  strategy: string;
  hitRates: number[];
  concurrency: number;
  pool: number;
  dbLatencyMs: number;
  /** Per hit rate, ms; --quick makes it 2 s. */
  durationMs: number;
  quick: boolean;
  /** Each calibration load, ms; default 400 with quick, else 1000. */
  calibrationMs?: number;
  stack: Omit<StackOptions, 'redisPersistence' | 'runId' | 'log' | 'keep'>;
  redis: RedisSettings;
  pg: PgSettings;
  log: (line: string) => void;
  progress: BenchProgress;
  /** Aborted on SIGINT/SIGTERM: the load in progress ends with the app, the stack is stopped, and benchCommand rejects (interrupted). */
  signal?: AbortSignal;
}

/** Keys kept cached: a working set small enough for any Redis, large enough not to be one hot key. */
const HOT_KEYS = 1000;
export const QUICK_DURATION_MS = 2000;

/**
 * `cachelab bench`: on its own stack (local, or external with URLs), measures a strategy's reads
 * at each hit rate with a closed loop inside the app process, beside the model's prediction from
 * inputs measured in the same run. Returns the report; the CLI renders it.
 */
export async function benchCommand(opts: BenchCommandOptions): Promise<BenchReport> {
  const definition = strategies[opts.strategy];
  if (!definition) throw usageError(`unknown strategy "${opts.strategy}"`, `bench reads through one of: ${Object.keys(strategies).join(', ')}`);
  const durationMs = opts.quick ? QUICK_DURATION_MS : opts.durationMs;
  const settings: BenchSettings = {
    strategy: definition.name,
    hitRates: opts.hitRates,
    concurrency: opts.concurrency,
    pool: opts.pool,
    dbLatencyMs: opts.dbLatencyMs,
    durationMs,
    quick: opts.quick,
    calibrationMs: opts.calibrationMs ?? (opts.quick ? 400 : 1000),
    hotKeys: HOT_KEYS,
    coldKeys: coldKeysFor({ ...opts, durationMs }),
  };
  const started = performance.now();
  const runId = randomBytes(4).toString('hex');
  const stopIfInterrupted = (): void => {
    if (opts.signal?.aborted) throw interruptedError(opts.signal);
  };
  const stack = await startStack({ ...opts.stack, runId, log: opts.log, signal: opts.signal });
  let app: AppProcess | undefined;
  let stores: LabStores | undefined;
  const interrupt = (): void => void app?.kill();
  opts.signal?.addEventListener('abort', interrupt, { once: true });
  try {
    opts.log(`seeding ${settings.hotKeys + settings.coldKeys} rows, starting the app (${settings.strategy}, pool ${settings.pool})`);
    ({ app, stores } = await setUpBench(stack, settings, opts, opts.log).catch((err: unknown) => {
      if (err instanceof LabError) throw err;
      throw environmentError(`the bench could not start its app process: ${err instanceof Error ? err.message : String(err)}`, 'run cachelab doctor', err);
    }));
    const { calibration, points } = await sweep(stack, app, stores, settings, opts.progress, stopIfInterrupted);
    return {
      runId,
      stack: { mode: stack.mode, redis: redactPassword(stack.redisUrl), postgres: redactPassword(stack.databaseUrl), toxiproxy: redactPassword(stack.toxiproxyUrl) },
      settings,
      calibration,
      points,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    if (opts.signal?.aborted) throw new LabError('interrupted', `${interruptedError(opts.signal).message}: stopped the load, removed the run's data`, { cause: err, signal: String(opts.signal.reason) });
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', interrupt);
    await app?.kill().catch(() => undefined);
    await stores?.close();
    await stack.stop();
  }
}

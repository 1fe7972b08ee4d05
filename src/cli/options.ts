import { defaultPgSettings, pgSettingRanges, type PgSettings } from '../drivers/postgres.js';
import { defaultRedisSettings, redisSettingRanges, type RedisSettings } from '../drivers/redis.js';
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { SUITES, type Suite } from '../runner/scenario.js';

/**
 * `--junit <file>` (and other output files): checked before any work, so a long run never ends
 * with its report lost. The directory must exist and be writable; an existing file must be a
 * writable file. Returns the absolute path.
 */
export function parseOutputFile(flag: string, raw: string): string {
  const path = resolve(raw);
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch {
    throw usageError(`${flag} ${raw}: cannot write into ${dir}`, 'give a path in an existing directory you can write to');
  }
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch {
    return path; // a new file
  }
  if (!existing.isFile()) throw usageError(`${flag} ${raw}: ${path} is not a regular file`, 'give a file path');
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw usageError(`${flag} ${raw}: ${path} is not writable`, 'give a file you can write to');
  }
  return path;
}

/** `--shard i/n`: the i-th of n shares of the matrix, 1 <= i <= n. */
export function parseShard(raw: string | undefined): { index: number; count: number } | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(raw);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw usageError(`--shard must be i/n with 1 <= i <= n, got "${raw}"`, 'e.g. --shard 1/2 and --shard 2/2 on two machines cover the whole matrix');
  }
  return { index, count };
}

/** `--include load,distributed`: suites `--all` and `matrix` take in; undefined when not given. */
export function parseInclude(raw: string[] | undefined): Suite[] | undefined {
  if (raw === undefined) return undefined;
  const valid: readonly string[] = SUITES;
  const bad = raw.filter((name) => !valid.includes(name));
  if (bad.length > 0 || raw.length === 0) {
    throw usageError(`--include takes suite names, got "${bad.join(',') || raw.join(',')}"`, `valid suites: ${SUITES.join(', ')} (comma-separated), e.g. --include distributed`);
  }
  return [...new Set(raw)] as Suite[];
}

/** Most app processes `--apps` starts: each is a Node.js process with its own clients. */
export const MAX_APPS = 16;

/** `--apps n`: app processes per run, 1..MAX_APPS; undefined when not given. */
export function parseApps(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_APPS) {
    throw usageError(`--apps takes a whole number from 1 to ${MAX_APPS}, got "${raw}"`, 'e.g. --apps 3: three app processes, each with its own links through the fault proxy');
  }
  return n;
}

/** `--seed n`: a non-negative integer. */
export function parseSeed(raw: string | undefined): number {
  if (raw === undefined) return Math.floor(Math.random() * 2 ** 31);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw usageError(`--seed must be a non-negative integer, got "${raw}"`, 'e.g. --seed 42');
  }
  return Number(raw);
}

export function parseStackMode(raw: string | undefined): 'local' | 'external' | undefined {
  if (raw === undefined || raw === 'local' || raw === 'external') return raw;
  throw usageError(`--stack must be local or external, got "${raw}"`, 'local starts its own servers; external uses --redis-url/--database-url');
}

/**
 * `--driver name=value` (repeatable) overrides one driver resilience setting, e.g.
 * `--driver redis.commandTimeoutMs=500 --driver redis.autoResendUnfulfilledCommands=true`.
 */
export function parseDriverSettings(pairs: string[]): { redis: RedisSettings; pg: PgSettings } {
  const redis: Record<string, number | boolean> = { ...defaultRedisSettings };
  const pg: Record<string, number | boolean> = { ...defaultPgSettings };
  const valid = [...Object.keys(redis).map((k) => `redis.${k}`), ...Object.keys(pg).map((k) => `pg.${k}`)];
  for (const pair of pairs) {
    const match = /^(redis|pg)\.(\w+)=(.+)$/.exec(pair);
    const target = match?.[1] === 'redis' ? redis : pg;
    const name = match?.[2] ?? '';
    const raw = match?.[3] ?? '';
    if (!match || !(name in target)) {
      throw usageError(`unknown --driver setting "${pair}"`, `use name=value with one of: ${valid.join(', ')}`);
    }
    const current = target[name];
    if (typeof current === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw usageError(`--driver ${match[1]}.${name} takes true or false, got "${raw}"`);
      target[name] = raw === 'true';
    } else {
      const ranges: Record<string, [number, number] | undefined> = match[1] === 'redis' ? redisSettingRanges : pgSettingRanges;
      const [min, max] = ranges[name] ?? [0, Number.MAX_SAFE_INTEGER];
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < min || value > max) {
        throw usageError(`--driver ${match[1]}.${name} takes an integer from ${min} to ${max}, got "${raw}"`, 'the README lists each setting with its range');
      }
      target[name] = value;
    }
  }
  return { redis: redis as unknown as RedisSettings, pg: pg as unknown as PgSettings };
}

/** Longest delay a Node timer takes, ms. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * A duration flag (`--recheck 2s`, `--watch 10s`, `--statement-timeout 500ms`): a positive number
 * with `ms`, `s` or `m` (a bare number is seconds). Returns ms, whole.
 */
export function parseDuration(flag: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|min)?$/.exec(raw.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, min: 60_000 }[match?.[2] ?? 's'] ?? 1000;
  const ms = Math.round(Number(match?.[1]) * unit);
  if (!match || !(ms >= 1) || ms > MAX_DELAY_MS) {
    throw usageError(`${flag} takes a duration such as 500ms, 2s or 1m, got "${raw}"`, `from 1 ms to ${Math.floor(MAX_DELAY_MS / 86_400_000)} days; a bare number is seconds`);
  }
  return ms;
}

/** `--max-inconsistent`: a share from 0 to 1 (0.001 = 0.1%). */
export function parseShare(flag: string, raw: string): number {
  const share = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw usageError(`${flag} takes a share from 0 to 1, got "${raw}"`, 'e.g. 0.001 for 0.1%, 0 for none at all');
  }
  return share;
}

/** Rows `cachelab check` keeps in memory per round. */
export const MAX_SAMPLE = 1_000_000;

/** `--sample n`: 1 to MAX_SAMPLE rows. */
export function parseSampleSize(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_SAMPLE) {
    throw usageError(`--sample takes a whole number of rows from 1 to ${MAX_SAMPLE}, got "${raw}"`, 'e.g. --sample 1000; the query\'s rows are sampled uniformly, all of them if fewer');
  }
  return n;
}

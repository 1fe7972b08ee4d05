import { defaultPgSettings, type PgSettings } from '../drivers/postgres.js';
import { defaultRedisSettings, type RedisSettings } from '../drivers/redis.js';
import { usageError } from '../errors.js';

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
      if (!/^\d+$/.test(raw)) throw usageError(`--driver ${match[1]}.${name} takes a non-negative integer, got "${raw}"`);
      target[name] = Number(raw);
    }
  }
  return { redis: redis as unknown as RedisSettings, pg: pg as unknown as PgSettings };
}

import { parseClusterUrl, parseSentinelUrl, redisKind } from '../drivers/redis-urls.js';
import { randomBytes } from 'node:crypto';
import { usageError } from '../errors.js';
import type { RedisPersistence, StackOptions } from './contract.js';

export const REDIS_PERSISTENCE_VALUES: readonly RedisPersistence[] = ['none', 'always', 'everysec', 'no'];

interface Common {
  runId: string;
  keep: boolean;
  log: (line: string) => void;
  signal: AbortSignal | undefined;
  seed: number | undefined;
}

export interface LocalOptions extends Common {
  mode: 'local';
  redisPersistence: RedisPersistence;
  /** Start the read replica with the other servers, not on first use. */
  readReplica: boolean;
}

export interface ExternalOptions extends Common {
  mode: 'external';
  redisUrl: string;
  databaseUrl: string;
  /** undefined: start the embedded proxy. */
  toxiproxyUrl: string | undefined;
  redisKillCommand: string | undefined;
  redisStartCommand: string | undefined;
  /** Asked for, but an external server's persistence is its own: only reported. */
  requestedPersistence: RedisPersistence | undefined;
  /** The user's read replica of databaseUrl, if any. */
  replicaDatabaseUrl: string | undefined;
}

export type ResolvedStackOptions = LocalOptions | ExternalOptions;

const RUN_ID = /^[a-z0-9][a-z0-9_]{0,39}$/;

/**
 * Options plus environment -> what to start. Pure (env is a parameter) so it is unit-tested.
 * Flags win over env; env URLs are ignored when --stack local is explicit, flag URLs are a
 * usage error then.
 */
export function resolveStackOptions(opts: StackOptions, env: NodeJS.ProcessEnv): ResolvedStackOptions {
  const runId = opts.runId ?? randomBytes(4).toString('hex');
  if (!RUN_ID.test(runId)) {
    throw usageError(
      `bad run id "${runId}"`,
      'use 1 to 40 lower-case letters, digits and _, starting with a letter or digit (it names a PostgreSQL schema and a Redis key prefix)',
    );
  }
  const persistence = opts.redisPersistence;
  if (persistence !== undefined && !REDIS_PERSISTENCE_VALUES.includes(persistence)) {
    throw usageError(`bad Redis persistence "${String(persistence)}"`, `use one of ${REDIS_PERSISTENCE_VALUES.join(', ')}`);
  }
  const common: Common = { runId, keep: opts.keep ?? false, log: opts.log ?? (() => undefined), signal: opts.signal, seed: opts.seed };

  const fromEnv = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const urls = {
    redis: checkedRedisUrl(opts.redisUrl ?? fromEnv('REDIS_URL')),
    database: checkedUrl('--database-url', opts.databaseUrl ?? fromEnv('DATABASE_URL'), ['postgres:', 'postgresql:']),
    toxiproxy: checkedUrl('--toxiproxy-url', opts.toxiproxyUrl ?? fromEnv('TOXIPROXY_URL'), ['http:', 'https:']),
  };
  // Not among the URLs that choose external mode: a replica alone is not a stack.
  const replicaUrl = checkedUrl('--replica-database-url', opts.replicaDatabaseUrl ?? fromEnv('REPLICA_DATABASE_URL'), ['postgres:', 'postgresql:']);
  const mode = opts.mode ?? (Object.values(urls).some((url) => url !== undefined) ? 'external' : 'local');

  if (mode === 'local') {
    const flags = [
      opts.redisUrl !== undefined && '--redis-url',
      opts.databaseUrl !== undefined && '--database-url',
      opts.toxiproxyUrl !== undefined && '--toxiproxy-url',
      opts.redisKillCommand !== undefined && '--redis-kill-command',
      opts.redisStartCommand !== undefined && '--redis-start-command',
      opts.replicaDatabaseUrl !== undefined && '--replica-database-url',
    ].filter((flag): flag is string => flag !== false);
    if (flags.length > 0) {
      throw usageError(`${flags.join(', ')} cannot be used with --stack local`, 'drop them, or use --stack external');
    }
    return { ...common, mode, redisPersistence: persistence ?? 'none', readReplica: opts.readReplica ?? false };
  }

  if (urls.redis === undefined || urls.database === undefined) {
    const missing = [
      urls.redis === undefined ? '--redis-url (or REDIS_URL)' : '',
      urls.database === undefined ? '--database-url (or DATABASE_URL)' : '',
    ];
    // Often a stray variable in the environment chose external mode: say which one.
    const fromEnvOnly = (['REDIS_URL', 'DATABASE_URL', 'TOXIPROXY_URL'] as const).filter(
      (name, i) => fromEnv(name) !== undefined && [opts.redisUrl, opts.databaseUrl, opts.toxiproxyUrl][i] === undefined,
    );
    const stray = fromEnvOnly.length > 0 && opts.mode === undefined ? ` (${fromEnvOnly.join(', ')} set in the environment chose it)` : '';
    throw usageError(
      `the external stack needs ${missing.filter(Boolean).join(' and ')}${stray}`,
      `give both URLs (and optionally --toxiproxy-url), or pass --stack local to start a throw-away stack${stray ? `, or unset ${fromEnvOnly.join(' and ')}` : ''}`,
    );
  }
  return {
    ...common,
    mode,
    redisUrl: urls.redis,
    databaseUrl: urls.database,
    toxiproxyUrl: urls.toxiproxy,
    redisKillCommand: opts.redisKillCommand,
    redisStartCommand: opts.redisStartCommand,
    requestedPersistence: persistence,
    replicaDatabaseUrl: replicaUrl,
  };
}

/** redis:// or rediss:// as any URL; redis-sentinel:// and redis-cluster:// by their own grammar. Throws a usage LabError. */
export function checkedRedisUrl(value: string | undefined): string | undefined {
  const kind = value === undefined ? 'server' : redisKind(value);
  if (value === undefined || kind === 'server') {
    return checkedUrl('--redis-url', value, ['redis:', 'rediss:'], ['redis-sentinel:', 'redis-cluster:']);
  }
  try {
    if (kind === 'sentinel') parseSentinelUrl(value);
    else parseClusterUrl(value);
  } catch (err) {
    throw usageError(`--redis-url: "${value}": ${(err as Error).message}`, `e.g. ${kind === 'sentinel' ? 'redis-sentinel://127.0.0.1:26379/mymaster' : 'redis-cluster://127.0.0.1:7000,127.0.0.1:7001'}`);
  }
  return value;
}

/** `alsoNamed`: further schemes to name in the error (checked elsewhere). */
function checkedUrl(flag: string, value: string | undefined, protocols: string[], alsoNamed: string[] = []): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw usageError(`${flag}: "${value}" is not a URL`, `e.g. ${example(protocols)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw usageError(`${flag}: "${value}" should start with ${[...protocols, ...alsoNamed].map((p) => p + '//').join(' or ')}`, `e.g. ${example(protocols)}`);
  }
  return value;
}

function example(protocols: string[]): string {
  if (protocols.includes('redis:')) return 'redis://127.0.0.1:6379';
  if (protocols.includes('postgres:')) return 'postgres://user:password@127.0.0.1:5432/db';
  return 'http://127.0.0.1:8474';
}

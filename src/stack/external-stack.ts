import { rm } from 'node:fs/promises';
import { execa } from 'execa';
import { environmentError, interruptedError, LabError } from '../errors.js';
import { appLinkPool, appProxyPrefix } from './app-links.js';
import { attachProxies, createProxies, otherRedisProxyName, proxiedRedisUrl, type AppProxies, type Upstreams } from './app-proxies.js';
import { DEFAULT_POSTGRES_PORT, hostPort, redactPassword, withHostPort } from './connection-urls.js';
import { startEmbeddedProxy } from './fault-proxy.js';
import { createSchema, deleteKeysWithPrefix, dropSchema, keyPrefixFor, schemaFor } from './namespace.js';
import { OwnedProcesses } from './owned-processes.js';
import { reapDeadStacks } from './reaper.js';
import type { ExternalOptions } from './resolve-options.js';
import { createRunDir } from './run-dir.js';
import { checkPostgres, checkRedis, checkToxiproxy, redisPersistenceOf } from './service-checks.js';
import type { Stack } from './contract.js';
import { onTerminationSignals } from './termination-signals.js';
import { OwnerLease, ownerComment, ownerRecord, reapDeadRuns, type OwnerRecord } from './run-owner.js';
import { redisNodes, type RedisNodes } from '../drivers/redis-topology.js';
import { ToxiproxyApi } from '../drivers/toxiproxy-api.js';
import { waitUntil } from './wait-until.js';

/** ms a restarted external Redis gets to answer PING (a container start included). */
const REDIS_RESTART_TIMEOUT_MS = 30_000;
/** ms a kill/start command may run. */
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * Services someone else runs. We only ever touch our namespace (keys `cachelab:<runId>:*`,
 * schema `cachelab_<runId>`) and the proxies we create; the fault proxy is theirs (--toxiproxy-url)
 * or our embedded one as a child process.
 */
export async function startExternalStack(o: ExternalOptions): Promise<Stack> {
  const startedAt = Date.now();
  const keyPrefix = keyPrefixFor(o.runId, o.redisUrl);
  const schema = schemaFor(o.runId);
  o.log(`using Redis at ${redactPassword(o.redisUrl)} and PostgreSQL at ${redactPassword(o.databaseUrl)}`);
  await Promise.all([
    checkRedis(o.redisUrl),
    checkPostgres(o.databaseUrl),
    o.replicaDatabaseUrl === undefined ? undefined : checkPostgres(o.replicaDatabaseUrl),
    o.toxiproxyUrl === undefined ? undefined : checkToxiproxy(o.toxiproxyUrl),
  ]);
  const [persistence, nodes] = await Promise.all([redisPersistenceOf(o.redisUrl), redisTopology(o.redisUrl, keyPrefix)]);
  if (nodes.kind !== 'server') {
    const where = nodes.slot === undefined ? `on ${nodes.home}` : `in slot ${nodes.slot}, on ${nodes.home}`;
    o.log(`Redis: ${nodes.detail}; the run's keys are ${where}; the app reaches each node through a proxy of its own`);
  }
  if (o.requestedPersistence !== undefined && o.requestedPersistence !== persistence) {
    o.log(`Redis persistence is the server's own (${persistence}), not the requested ${o.requestedPersistence}`);
  }

  let embedded: { dir: string; processes: OwnedProcesses } | undefined;
  let namespaceCreated = false;
  const owner = ownerRecord(o.keep);
  let lease: OwnerLease | undefined;
  const createdProxies: string[] = [];
  let tearingDown: Promise<void> | undefined;
  const teardown = (): Promise<void> =>
    (tearingDown ??= (async () => {
      const failures: string[] = [];
      const attempt = (what: string, fn: () => Promise<unknown>): Promise<void> =>
        fn().then(
          () => undefined,
          (err: unknown) => void failures.push(`${what}: ${(err as Error).message}`),
        );
      // createdProxies only ever holds proxies on their Toxiproxy; ours go away with the process.
      const theirs = o.toxiproxyUrl === undefined ? undefined : new ToxiproxyApi(o.toxiproxyUrl);
      await lease?.release(false); // first, or a renewal could write the key back after its deletion
      await Promise.all([
        namespaceCreated && attempt(`deleting Redis keys ${keyPrefix}*`, () => deleteKeysWithPrefix(o.redisUrl, keyPrefix)),
        namespaceCreated && attempt(`dropping schema ${schema}`, () => dropSchema(o.databaseUrl, schema)),
        ...(theirs === undefined ? [] : createdProxies.map((name) => attempt(`deleting proxy ${name}`, () => theirs.deleteProxy(name)))),
      ]);
      if (embedded !== undefined) {
        await embedded.processes.stopAll();
        await rm(embedded.dir, { recursive: true, force: true });
      }
      if (failures.length > 0) {
        throw environmentError(
          `run ${o.runId} could not remove all of its data:\n${failures.join('\n')}`,
          `remove the rest by hand: Redis keys ${keyPrefix}*, DROP SCHEMA ${schema} CASCADE, proxies ${createdProxies.join(', ') || '(none)'}`,
        );
      }
    })());
  let up: Stack | undefined;
  const uninstall = onTerminationSignals({
    // Until the stack is up there is nothing worth keeping; after that, stop() honours keep. A
    // caller that owns the signals (o.signal) stops its workload first and then calls stop().
    // While starting, a caller-owned abort is seen once the start is done (a second or so), so
    // nothing is created after a concurrent teardown has run.
    graceful: () => (o.signal !== undefined ? Promise.resolve() : up === undefined ? teardown() : up.stop()),
    force: () => {
      if (up === undefined || !o.keep) embedded?.processes.forceKillAll();
    },
    forceOnExit: !o.keep,
    log: o.log,
    signal: o.signal,
  });

  try {
    // Claim the namespace before anything else exists in it, so a run killed at any point leaves
    // an owner record that the next run can judge. Leftovers of dead runs go first.
    await reapDeadRuns(o, o.runId, o.log);
    await createRunSchema(o.databaseUrl, schema, owner);
    namespaceCreated = true;
    lease = await OwnerLease.take(o.redisUrl, o.runId, owner);
    const upstreams: Upstreams = {
      redis: nodes.home,
      postgres: hostPortString(o.databaseUrl, DEFAULT_POSTGRES_PORT),
      ...(nodes.others.length > 0 && { otherRedis: nodes.others }),
    };
    let toxiproxyUrl: string;
    let proxies: AppProxies;
    if (o.toxiproxyUrl === undefined) {
      await reapDeadStacks(o.log);
      const dir = await createRunDir(o.runId);
      embedded = { dir, processes: new OwnedProcesses(dir, { ownerPid: process.pid, pids: [], keep: o.keep, startedAt: new Date(startedAt).toISOString() }) };
      await embedded.processes.save();
      toxiproxyUrl = await startEmbeddedProxy({ dir, processes: embedded.processes, exitWithUs: !o.keep, seed: o.seed });
      proxies = await createProxies(toxiproxyUrl, upstreams, 'cachelab');
    } else {
      toxiproxyUrl = o.toxiproxyUrl;
      if (o.seed !== undefined) o.log('the seed does not reach a Toxiproxy of yours: its toxicity and jitter draws are its own');
      proxies = await attachProxies(toxiproxyUrl, upstreams, o.runId, createdProxies);
    }
    const proxyUrl = toxiproxyUrl;
    // More apps: pairs of their own, run-scoped on a Toxiproxy of the user's (deleted on stop, reaped after a crash).
    const moreProxies = async (i: number): Promise<AppProxies> => {
      if (o.toxiproxyUrl === undefined) return createProxies(proxyUrl, upstreams, appProxyPrefix('cachelab', i));
      const prefix = appProxyPrefix(`cachelab_${o.runId}`, i);
      createdProxies.push(`${prefix}_redis`, `${prefix}_postgres`, ...nodes.others.map((_, n) => otherRedisProxyName(prefix, n)));
      return createProxies(proxyUrl, upstreams, prefix);
    };
    if (o.signal?.aborted) throw interruptedError(o.signal);
    o.log(`stack ready in ${Date.now() - startedAt} ms: keys ${keyPrefix}*, schema ${schema}, proxies ${proxies.redis.name}, ${proxies.postgres.name}`);

    // A Sentinel set or Cluster: the node that holds the run's keys (on a Cluster they are all in one slot).
    const at = nodes.home.lastIndexOf(':');
    const redisCli = nodes.kind === 'server' ? `redis-cli -u '${redactPassword(o.redisUrl)}'` : `redis-cli -h ${nodes.home.slice(0, at)} -p ${nodes.home.slice(at + 1)}`;
    let stopping: Promise<void> | undefined;
    return (up = {
      mode: 'external',
      runId: o.runId,
      keyPrefix,
      schema,
      redisUrl: o.redisUrl,
      databaseUrl: o.databaseUrl,
      toxiproxyUrl,
      proxies,
      appRedisUrl: proxiedRedisUrl(o.redisUrl, upstreams, proxies),
      appDatabaseUrl: withHostPort(o.databaseUrl, proxies.postgres.host, proxies.postgres.port),
      appLinks: appLinkPool(proxies, { redisUrl: o.redisUrl, databaseUrl: o.databaseUrl, upstreams }, moreProxies),
      redisPersistence: persistence,
      canKillRedis: o.redisKillCommand !== undefined,
      readReplicaMissing: replicaMissing(o.replicaDatabaseUrl),
      readReplica: () => Promise.reject(new LabError('usage', `no read replica whose lag the lab can inject: ${replicaMissing(o.replicaDatabaseUrl) ?? ''}`, {
        hint: 'run the scenario on the local stack (--stack local), which starts a replica behind the fault proxy',
      })),
      useRedisPersistence: () => Promise.resolve(persistence),
      killRedis: async () => {
        if (o.redisKillCommand === undefined) {
          throw new LabError('usage', 'killing Redis in the external stack needs a kill command', {
            hint: 'pass --redis-kill-command (e.g. "docker compose kill redis") and --redis-start-command',
          });
        }
        await runCommand('kill', o.redisKillCommand, o.log);
      },
      startRedis: async () => {
        if (o.redisStartCommand !== undefined) await runCommand('start', o.redisStartCommand, o.log);
        await waitUntil('the external Redis to answer PING', () => checkRedis(o.redisUrl), {
          timeoutMs: REDIS_RESTART_TIMEOUT_MS,
          intervalMs: 100,
        }).catch((err: unknown) => {
          throw environmentError(
            `Redis at ${redactPassword(o.redisUrl)} did not come back within ${REDIS_RESTART_TIMEOUT_MS} ms`,
            o.redisStartCommand === undefined ? 'pass --redis-start-command (e.g. "docker compose start redis")' : `check that "${o.redisStartCommand}" starts it`,
            err,
          );
        });
      },
      describe: () => [
        `Redis        ${redisCli}   (${nodes.kind === 'server' ? '' : `${nodes.detail}; `}keys ${keyPrefix}*; the app connects through ${proxies.redis.host}:${proxies.redis.port})`,
        `PostgreSQL   psql '${redactPassword(o.databaseUrl)}'   (schema ${schema}; the app connects through ${proxies.postgres.host}:${proxies.postgres.port})`,
        ...(o.replicaDatabaseUrl === undefined ? [] : [`Replica      psql '${redactPassword(o.replicaDatabaseUrl)}'   (yours: the lab reads it, never writes it)`]),
        `Fault proxy  ${redactPassword(toxiproxyUrl)}   (proxies ${proxies.redis.name}, ${proxies.postgres.name})`,
        ...(o.keep
          ? [`To remove    ${redisCli} --scan --pattern '${keyPrefix}*' | xargs ${redisCli} del; psql -c 'DROP SCHEMA ${schema} CASCADE' (and each kept result's ${schema}_<n>)`]
          : []),
      ],
      stop: () =>
        (stopping ??= (async () => {
          if (o.keep) {
            await embedded?.processes.keep();
            await lease?.release(true);
            o.log(`keeping run ${o.runId}: keys ${keyPrefix}*, schema ${schema}`);
          } else {
            await teardown();
          }
          uninstall();
        })()),
    });
  } catch (err) {
    await teardown().catch((cleanupErr: unknown) => o.log(String(cleanupErr)));
    uninstall();
    throw o.signal?.aborted ? interruptedError(o.signal) : err;
  }
}

/** Why an external stack cannot run a scenario that needs the replica's lag injected. */
function replicaMissing(replicaUrl: string | undefined): string {
  const why = 'the replication link of a replica the lab does not run does not go through the fault proxy, so no lag can be injected into it';
  return replicaUrl === undefined
    ? `needs a read replica whose lag the lab injects; this external stack has none (--replica-database-url), and even then ${why}`
    : `needs a read replica whose lag the lab injects: ${why} (--replica-database-url ${redactPassword(replicaUrl)})`;
}

/** The schema must be new: an existing one belongs to another run and stop() would drop it. */
async function createRunSchema(databaseUrl: string, schema: string, owner: OwnerRecord): Promise<void> {
  try {
    await createSchema(databaseUrl, schema, ownerComment(schema, owner));
  } catch (err) {
    if ((err as { code?: unknown }).code === '42P06') {
      throw new LabError('usage', `schema ${schema} already exists in ${redactPassword(databaseUrl)}`, {
        hint: 'another run uses this run id: pick another, or drop that schema if no run uses it',
        cause: err,
      });
    }
    throw environmentError(`cannot create schema ${schema} in ${redactPassword(databaseUrl)}: ${(err as Error).message}`, 'the database user needs the CREATE privilege on the database', err);
  }
}

/** Where the data of `url` lives, or an environment LabError saying why that cannot be known. */
async function redisTopology(url: string, keyPrefix: string): Promise<RedisNodes> {
  try {
    return await redisNodes(url, keyPrefix);
  } catch (err) {
    throw environmentError(
      `Redis at ${redactPassword(url)}: cannot tell where the run's keys live: ${(err as Error).message}`,
      'check the Sentinel master name or that every slot of the Cluster is served (redis-cli cluster info), or pass another --redis-url',
      err,
    );
  }
}

function hostPortString(url: string, defaultPort: number): string {
  const { host, port } = hostPort(url, defaultPort);
  return `${host}:${port}`;
}

async function runCommand(what: 'kill' | 'start', command: string, log: (line: string) => void): Promise<void> {
  log(`${what} Redis: ${command}`);
  const result = await execa(command, { shell: true, all: true, reject: false, timeout: COMMAND_TIMEOUT_MS });
  if (result.exitCode !== 0) {
    throw environmentError(
      `the Redis ${what} command failed (exit ${String(result.exitCode)}): ${command}\n${result.all ?? ''}`.trim(),
      `check --redis-${what}-command`,
    );
  }
}

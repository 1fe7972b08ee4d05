import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { environmentError, interruptedError } from '../errors.js';
import { appLinkPool, appProxyPrefix } from './app-links.js';
import { createProxies } from './app-proxies.js';
import { withHostPort } from './connection-urls.js';
import { startEmbeddedProxy } from './fault-proxy.js';
import { createSchema, keyPrefixFor, schemaFor } from './namespace.js';
import { OwnedProcesses } from './owned-processes.js';
import { ensurePostgresOsUser } from './postgres-os-user.js';
import { binariesReachableBy } from './postgres-binaries.js';
import { locatePostgresBinaries, PostgresServer } from './postgres-server.js';
import { reapDeadStacks } from './reaper.js';
import { redisFailoverPool } from './redis-failover.js';
import { locateRedisServer, RedisServer } from './redis-server.js';
import type { LocalOptions } from './resolve-options.js';
import { createRunDir } from './run-dir.js';
import type { Stack } from './contract.js';
import { startLocalReplica, startReplicaServer, type LocalReplica } from './read-replica.js';
import { onTerminationSignals } from './termination-signals.js';

/**
 * The throw-away stack: reap what killed runs left, then Redis, PostgreSQL and the fault proxy
 * started in parallel in os.tmpdir()/cachelab-<runId>, then the app's proxies and the schema.
 * Anything that fails on the way tears down what was started (also with keep).
 */
export async function startLocalStack(o: LocalOptions): Promise<Stack> {
  const startedAt = Date.now();
  if (o.signal?.aborted) throw interruptedError(o.signal);
  await reapDeadStacks(o.log);
  // Fail on a missing binary before creating anything, the postgres OS user included.
  const [redisBinary, pgBinaries] = await Promise.all([locateRedisServer(), locatePostgresBinaries()]);
  const osUser = await ensurePostgresOsUser(o.log);
  const reachableBinaries = await binariesReachableBy(pgBinaries, osUser, o.log);
  const dir = await createRunDir(o.runId);
  const processes = new OwnedProcesses(dir, {
    ownerPid: process.pid,
    pids: [],
    keep: o.keep,
    startedAt: new Date(startedAt).toISOString(),
  });
  /** The servers' start, settled or not: teardown waits for it, so initdb is not writing while we remove the dir. */
  let starting: Promise<unknown> = Promise.resolve();
  let tearingDown: Promise<void> | undefined;
  /** The read replica, once asked for (readReplica() or o.readReplica). */
  let replica: Promise<LocalReplica> | undefined;
  const teardown = (): Promise<void> =>
    (tearingDown ??= (async () => {
      // The servers go next anyway; dropping what follows first leaves neither a walsender nor a slot behind meanwhile.
      const following = await replica?.catch(() => undefined);
      await following?.stop().then(
        (followed) => followed && o.log(`removed the subscription, slot and publication cachelab_${o.runId}`),
        (err: unknown) => o.log(`could not remove the replication of run ${o.runId}: ${(err as Error).message}`),
      );
      await processes.stopAll(); // closes the set: a server that finishes starting now is stopped at once
      await starting.catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    })());
  let up: Stack | undefined;
  const uninstall = onTerminationSignals({
    // Until the stack is up there is nothing worth keeping; after that, stop() honours keep. A
    // caller that owns the signals (o.signal) stops its workload first and then calls stop().
    graceful: () => (up === undefined ? teardown() : o.signal === undefined ? up.stop() : Promise.resolve()),
    force: () => {
      if (up === undefined || !o.keep) processes.forceKillAll();
    },
    forceOnExit: !o.keep,
    log: o.log,
    signal: o.signal,
  });

  try {
    await processes.save();
    o.log(`starting Redis (AOF: ${o.redisPersistence}), PostgreSQL${o.readReplica ? ', its read replica' : ''} and the fault proxy in ${dir}`);
    const servers = allSettledOrThrow([
      RedisServer.start({ binary: redisBinary, dir, persistence: o.redisPersistence, processes }),
      PostgresServer.start({ binaries: reachableBinaries, dir, osUser, processes }),
      startEmbeddedProxy({ dir, processes, exitWithUs: !o.keep, seed: o.seed }),
      o.readReplica ? startReplicaServer({ binaries: reachableBinaries, dir, osUser, processes }) : Promise.resolve(undefined),
    ] as const);
    starting = servers;
    const [redis, postgres, proxyUrl, replicaServer] = await servers;
    const replicaOptions = { binaries: reachableBinaries, dir, osUser, processes, primary: postgres, proxyUrl, runId: o.runId };
    const followPrimary = async (server?: PostgresServer): Promise<LocalReplica> => {
      const started = await startLocalReplica({ ...replicaOptions, server });
      await writeFile(join(dir, 'replica.url'), `${started.databaseUrl}\n`, { mode: 0o600 });
      return started;
    };
    if (replicaServer !== undefined) replica = followPrimary(replicaServer);
    await replica;
    const upstreams = { redis: `127.0.0.1:${redis.port}`, postgres: `127.0.0.1:${postgres.port}` };
    const [proxies] = await Promise.all([
      createProxies(proxyUrl, upstreams, 'cachelab'),
      createSchema(postgres.url, schemaFor(o.runId)).catch((err: unknown) => {
        throw environmentError(`cannot create schema ${schemaFor(o.runId)} in the local PostgreSQL`, `see ${dir}/postgres.log`, err);
      }),
    ]);
    if (o.signal?.aborted) throw interruptedError(o.signal);
    await writeFile(join(dir, 'postgres.url'), `${postgres.url}\n`, { mode: 0o600 });
    o.log(`stack up in ${Date.now() - startedAt} ms: Redis :${redis.port}, PostgreSQL :${postgres.port}, proxy ${proxyUrl}`);

    let stopping: Promise<void> | undefined;
    const stack: Stack = (up = {
      mode: 'local',
      runId: o.runId,
      keyPrefix: keyPrefixFor(o.runId, redis.url),
      schema: schemaFor(o.runId),
      redisUrl: redis.url,
      databaseUrl: postgres.url,
      toxiproxyUrl: proxyUrl,
      proxies,
      appRedisUrl: withHostPort(redis.url, proxies.redis.host, proxies.redis.port),
      appDatabaseUrl: withHostPort(postgres.url, proxies.postgres.host, proxies.postgres.port),
      appLinks: appLinkPool(proxies, { redisUrl: redis.url, databaseUrl: postgres.url, upstreams }, (i) => createProxies(proxyUrl, upstreams, appProxyPrefix('cachelab', i))),
      redisFailover: redisFailoverPool({ binary: redisBinary, dir, processes, proxyUrl }),
      redisPersistence: o.redisPersistence,
      canKillRedis: true,
      readReplicaMissing: undefined,
      readReplica: () => {
        if (replica === undefined) {
          o.log('starting the read replica (a second PostgreSQL following the first by logical replication)');
          const replicaStartedAt = Date.now();
          replica = followPrimary();
          starting = Promise.allSettled([starting, replica]);
          void replica.then(() => o.log(`read replica up in ${Date.now() - replicaStartedAt} ms`), () => undefined);
        }
        return replica;
      },
      useRedisPersistence: async (persistence) => {
        if (await redis.usePersistence(persistence)) o.log(`redis-server restarted, empty, with AOF: ${persistence}`);
        stack.redisPersistence = persistence;
        return persistence;
      },
      killRedis: () => redis.kill(),
      startRedis: () => redis.restart(),
      describe: () => [
        `Redis        redis-cli -p ${redis.port}   (the app connects through ${proxies.redis.host}:${proxies.redis.port})`,
        // The password stays in a file of the run dir (mode 0600), never on the screen or in a log.
        `PostgreSQL   psql "$(cat ${join(dir, 'postgres.url')})"   (schema ${stack.schema}; the app connects through ${proxies.postgres.host}:${proxies.postgres.port})`,
        ...(replica === undefined
          ? []
          : [`Replica      psql "$(cat ${join(dir, 'replica.url')})"   (follows the primary through the replication proxy; subscription cachelab_${o.runId})`]),
        `Fault proxy  ${proxyUrl}   (curl ${proxyUrl}/proxies)`,
        `Files        ${dir}   (redis.log, postgres.log, proxy.log${replica === undefined ? '' : ', replica.log'})`,
        ...(o.keep
          ? [`To remove    kill ${processes.children.map((child) => child.pid).join(' ')}; then rm -rf ${dir}`]
          : []),
      ],
      stop: () =>
        (stopping ??= (async () => {
          const stopStartedAt = Date.now();
          if (o.keep) {
            await processes.keep();
            o.log(`keeping the stack in ${dir}`);
          } else {
            await teardown();
            o.log(`stack stopped in ${Date.now() - stopStartedAt} ms`);
          }
          uninstall();
        })()),
    });
    return stack;
  } catch (err) {
    await teardown();
    uninstall();
    throw o.signal?.aborted ? interruptedError(o.signal) : err;
  }
}

/**
 * Like Promise.all, but waits for every promise to settle before throwing the first failure, so
 * nothing is still starting while we tear down.
 */
async function allSettledOrThrow<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

import { withPostgres } from '../drivers/one-shot-clients.js';
import { environmentError } from '../errors.js';
import { createProxy } from './app-proxies.js';
import { withHostPort } from './connection-urls.js';
import type { ReadReplica } from './contract.js';
import type { OwnedProcesses } from './owned-processes.js';
import type { OsUser } from './postgres-os-user.js';
import { PostgresServer, type PostgresBinaries } from './postgres-server.js';
import { waitUntil } from './wait-until.js';

/** Proxy names on the local stack's own fault proxy. */
export const REPLICA_PROXY_NAMES = { replica: 'cachelab_replica', replication: 'cachelab_replication' } as const;

/**
 * The table whose rows mark a point in the primary's commit order: a replica that has the row has
 * applied every commit before it (commits apply in commit order). Comparing LSNs instead would
 * wait for ever after WAL that is never replicated (DDL, the bgwriter's running-xacts records).
 */
const MARKS = 'lab_replica_marks';
const MARKS_DDL = `CREATE TABLE IF NOT EXISTS ${MARKS} (id bigserial PRIMARY KEY)`;

export interface LocalReplicaOptions {
  binaries: PostgresBinaries;
  dir: string;
  osUser: OsUser | undefined;
  processes: OwnedProcesses;
  /** The primary it follows. */
  primary: { url: string; port: number };
  proxyUrl: string;
  /** Names the publication, the subscription and its slot: `cachelab_<runId>`. */
  runId: string;
  /** The replica's server, already started with startReplicaServer (in parallel with the stack's); else started here. */
  server?: PostgresServer;
}

/** The replica's PostgreSQL, in `<dir>/replica`, log `<dir>/replica.log`. */
export function startReplicaServer(o: Pick<LocalReplicaOptions, 'binaries' | 'dir' | 'osUser' | 'processes'>): Promise<PostgresServer> {
  return PostgresServer.start({ binaries: o.binaries, dir: o.dir, name: 'replica', osUser: o.osUser, processes: o.processes });
}

/** A local read replica; its server stops with the stack. */
export type LocalReplica = ReadReplica;

/**
 * Starts a second embedded PostgreSQL in `<dir>/replica` and the two proxies of the replica (the
 * app's reads, and the replica's replication connection to the primary). Following starts with
 * the first replicate(). The primary runs with wal_level=logical (postgres-server.ts).
 */
export async function startLocalReplica(o: LocalReplicaOptions): Promise<LocalReplica> {
  const server = o.server ?? (await startReplicaServer(o));
  const [proxy, replicationProxy] = await Promise.all([
    createProxy(o.proxyUrl, REPLICA_PROXY_NAMES.replica, `127.0.0.1:${server.port}`),
    createProxy(o.proxyUrl, REPLICA_PROXY_NAMES.replication, `127.0.0.1:${o.primary.port}`),
  ]);
  const name = `cachelab_${o.runId}`;
  const schemas = new Set<string>();
  let subscribed = false;
  const primaryUrl = new URL(o.primary.url);
  // The replica dials the primary through the fault proxy: a toxic there is the replica's lag.
  const conninfo = [
    `host=${replicationProxy.host}`,
    `port=${replicationProxy.port}`,
    `user=${decodeURIComponent(primaryUrl.username)}`,
    `password=${decodeURIComponent(primaryUrl.password)}`,
    `dbname=${primaryUrl.pathname.slice(1)}`,
  ].join(' ');
  const onReplica = <T>(fn: Parameters<typeof withPostgres<T>>[1]): Promise<T> => withPostgres(server.url, fn, 10_000);
  const onPrimary = <T>(fn: Parameters<typeof withPostgres<T>>[1]): Promise<T> => withPostgres(o.primary.url, fn, 10_000);

  const replica: LocalReplica = {
    databaseUrl: server.url,
    appDatabaseUrl: withHostPort(server.url, proxy.host, proxy.port),
    proxy,
    replicationProxy,
    subscription: name,

    async replicate(schema, ddl) {
      if (schemas.has(schema)) return;
      try {
        await onPrimary((c) => c.query(`SET search_path = ${schema}; ${MARKS_DDL}`));
        await onReplica(async (c) => {
          await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
          await c.query(`SET search_path = ${schema}`);
          for (const sql of [...ddl, MARKS_DDL]) await c.query(sql);
        });
        await onPrimary((c) => c.query(subscribed ? `ALTER PUBLICATION ${name} ADD TABLES IN SCHEMA ${schema}` : `CREATE PUBLICATION ${name} FOR TABLES IN SCHEMA ${schema}`));
        // copy_data = false: the caller writes the rows to follow afterwards; a copy would start
        // a table sync worker per table and take seconds.
        await onReplica((c) =>
          c.query(
            subscribed
              ? `ALTER SUBSCRIPTION ${name} REFRESH PUBLICATION WITH (copy_data = false)`
              : `CREATE SUBSCRIPTION ${name} CONNECTION '${conninfo.replaceAll("'", "''")}' PUBLICATION ${name} WITH (copy_data = false)`,
          ),
        );
        subscribed = true;
      } catch (err) {
        throw environmentError(`the read replica could not follow schema ${schema}: ${(err as Error).message}`, `see ${o.dir}/replica.log and ${o.dir}/postgres.log`, err);
      }
      schemas.add(schema);
    },

    async waitCaughtUp(timeoutMs) {
      const marks = [...schemas].map(async (schema) => {
        const rows = await onPrimary((c) => c.query<{ id: string }>(`INSERT INTO ${schema}.${MARKS} DEFAULT VALUES RETURNING id`));
        const id = rows.rows[0]?.id ?? '0';
        await waitUntil(
          `the read replica to apply the primary's commits (mark ${id} in ${schema})`,
          () => onReplica(async (c) => ((await c.query(`SELECT 1 FROM ${schema}.${MARKS} WHERE id >= $1`, [id])).rowCount ? true : undefined)),
          { timeoutMs, intervalMs: 10 },
        ).catch((err: unknown) => {
          throw environmentError(`the read replica did not catch up within ${timeoutMs} ms`, `see ${o.dir}/replica.log; is the ${REPLICA_PROXY_NAMES.replication} proxy enabled?`, err);
        });
      });
      await Promise.all(marks);
    },

    async stop() {
      if (!subscribed) return false;
      subscribed = false;
      schemas.clear();
      // Detach the slot first, so dropping the subscription does not need the replication link
      // (it may be down); then drop the slot on the primary once its walsender has let go.
      await onReplica(async (c) => {
        const exists = await c.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [name]);
        if (exists.rowCount === 0) return;
        await c.query(`ALTER SUBSCRIPTION ${name} DISABLE`);
        await c.query(`ALTER SUBSCRIPTION ${name} SET (slot_name = NONE)`);
        await c.query(`DROP SUBSCRIPTION ${name}`);
      });
      await dropPublicationAndSlot(o.primary.url, name, 10_000);
      return true;
    },
  };
  return replica;
}

/**
 * Drops publication `name` and replication slot `name` on the primary at `databaseUrl`, if they
 * exist; waits up to `timeoutMs` for a walsender still holding the slot to exit. Used by a
 * replica's stop() and by the reaper of a killed run's leftovers.
 */
export async function dropPublicationAndSlot(databaseUrl: string, name: string, timeoutMs: number): Promise<void> {
  await withPostgres(databaseUrl, (c) => c.query(`DROP PUBLICATION IF EXISTS ${name}`), timeoutMs);
  await waitUntil(
    `replication slot ${name} to be released`,
    () =>
      withPostgres(databaseUrl, async (c) => {
        const slot = await c.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [name]);
        const row = slot.rows[0];
        if (row === undefined) return true;
        if (row.active) return undefined;
        await c.query('SELECT pg_drop_replication_slot($1)', [name]);
        return true;
      }, timeoutMs),
    { timeoutMs, intervalMs: 50 },
  );
}

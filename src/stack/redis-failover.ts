import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withRedis } from '../drivers/one-shot-clients.js';
import { sentinelUrl } from '../drivers/redis-urls.js';
import { ToxiproxyApi } from '../drivers/toxiproxy-api.js';
import { environmentError } from '../errors.js';
import { listenPort } from './connection-urls.js';
import type { FailoverSet } from './contract.js';
import { freePort } from './free-port.js';
import { ManagedChild } from './managed-child.js';
import type { OwnedProcesses } from './owned-processes.js';
import { waitUntil } from './wait-until.js';

/** The master name Sentinel monitors. */
const MASTER = 'cachelab';
/** ms Sentinel waits before it calls an unanswering primary down (subjectively, then with quorum 1 objectively). */
const DOWN_AFTER_MS = 1000;
/**
 * ms, Sentinel's failover-timeout. Not shorter: Sentinel also repoints, after this long, a replica
 * that replicates from another address than the primary's, and ours replicates through the fault
 * proxy; a run is over long before.
 */
const FAILOVER_TIMEOUT_MS = 20_000;
const READY_TIMEOUT_MS = 10_000;

interface PoolOptions {
  binary: string;
  /** The run dir: the set lives in <dir>/failover. */
  dir: string;
  processes: OwnedProcesses;
  proxyUrl: string;
}

/**
 * A Redis primary, a replica and a Sentinel, started fresh for each run that asks (a failover
 * leaves the set changed), on ports and behind proxies kept for the stack's life: the app reaches
 * the primary and the replica through `cachelab_failover_primary` / `_replica` (Sentinel's answers
 * rewritten by natMap), and the replica replicates through `cachelab_failover_replication`.
 * The lab and Sentinel reach the servers directly.
 */
export function redisFailoverPool(o: PoolOptions): () => Promise<FailoverSet> {
  let fixed: Promise<{ ports: Record<'primary' | 'replica' | 'sentinel', number>; proxies: Record<'primary' | 'replica' | 'replication', { name: string; port: number }> }> | undefined;
  const setup = async (): Promise<NonNullable<Awaited<typeof fixed>>> => {
    const ports = { primary: await freePort(), replica: await freePort(), sentinel: await freePort() };
    const api = new ToxiproxyApi(o.proxyUrl);
    const create = async (name: string, port: number): Promise<{ name: string; port: number }> => ({
      name,
      port: listenPort((await api.createProxy({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${port}` })).listen),
    });
    const proxies = {
      primary: await create('cachelab_failover_primary', ports.primary),
      replica: await create('cachelab_failover_replica', ports.replica),
      replication: await create('cachelab_failover_replication', ports.primary),
    };
    return { ports, proxies };
  };

  return async () => {
    const { ports, proxies } = await (fixed ??= setup());
    const dir = join(o.dir, 'failover');
    await rm(dir, { recursive: true, force: true });
    const children: ManagedChild[] = [];
    const spawn = async (name: string, conf: string[], sentinel = false): Promise<ManagedChild> => {
      await mkdir(join(dir, name), { recursive: true });
      const file = join(dir, `${name}.conf`);
      await writeFile(file, [...conf, 'bind 127.0.0.1', 'daemonize no', `dir "${join(dir, name)}"`].join('\n') + '\n');
      const child = await ManagedChild.spawn({
        role: 'redis',
        file: o.binary,
        args: sentinel ? [file, '--sentinel'] : [file],
        cwd: dir,
        output: { logFile: join(dir, `${name}.log`) },
      });
      children.push(child);
      await o.processes.add(child);
      return child;
    };
    const stop = async (): Promise<void> => {
      // Sentinel first, so it does not act on the others going away.
      for (const child of [...children].reverse()) {
        await child.stop();
        await o.processes.remove(child);
      }
      await rm(dir, { recursive: true, force: true });
    };
    const url = (port: number): string => `redis://127.0.0.1:${port}`;
    const info = (port: number): Promise<string> => withRedis(url(port), (r) => r.info('replication'), 500);
    const field = (text: string, name: string): string | undefined => new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(text)?.[1];
    const wait = (what: string, probe: () => Promise<true | undefined>): Promise<true> =>
      waitUntil(what, probe, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 20 }).catch((err: unknown) => {
        throw environmentError(`the Redis failover set did not come up: ${(err as Error).message}`, `see the logs in ${dir}`, err);
      });

    try {
      const server = ['save ""', 'appendonly no', 'repl-diskless-sync yes', 'repl-diskless-sync-delay 0'];
      await spawn('primary', [...server, `port ${ports.primary}`]);
      await spawn('replica', [...server, `port ${ports.replica}`, `replicaof 127.0.0.1 ${proxies.replication.port}`]);
      await wait('the replica to sync with the primary', async () => (field(await info(ports.replica), 'master_link_status') === 'up' ? true : undefined));
      await spawn(
        'sentinel',
        [
          `port ${ports.sentinel}`,
          `sentinel monitor ${MASTER} 127.0.0.1 ${ports.primary} 1`,
          `sentinel down-after-milliseconds ${MASTER} ${DOWN_AFTER_MS}`,
          `sentinel failover-timeout ${MASTER} ${FAILOVER_TIMEOUT_MS}`,
        ],
        true,
      );
      await wait('Sentinel to see the replica', async () => {
        const replicas = (await withRedis(url(ports.sentinel), (r) => r.call('SENTINEL', 'REPLICAS', MASTER), 500)) as string[][];
        return replicas.some((fields) => fields.includes(String(ports.replica)) && !/s_down|disconnected/.test(fields.join(' '))) ? true : undefined;
      });
    } catch (err) {
      await stop();
      throw err;
    }

    const sentinels = [{ host: '127.0.0.1', port: ports.sentinel }];
    return {
      labUrl: sentinelUrl({ sentinels, name: MASTER, natMap: {} }),
      appUrl: sentinelUrl({
        sentinels,
        name: MASTER,
        natMap: {
          [`127.0.0.1:${ports.primary}`]: { host: '127.0.0.1', port: proxies.primary.port },
          [`127.0.0.1:${ports.replica}`]: { host: '127.0.0.1', port: proxies.replica.port },
        },
      }),
      replicationProxy: proxies.replication.name,
      proxyNames: [proxies.primary.name, proxies.replica.name, proxies.replication.name],
      killPrimary: async () => {
        const primary = children[0];
        if (primary === undefined) return;
        await primary.kill();
        await o.processes.remove(primary);
      },
      synced: () =>
        wait('the replica to catch up with the primary', async () => {
          const [p, r] = await Promise.all([info(ports.primary), info(ports.replica)]);
          const offset = field(p, 'master_repl_offset');
          return offset !== undefined && field(r, 'master_link_status') === 'up' && field(r, 'slave_repl_offset') === offset ? true : undefined;
        }).then(() => undefined),
      stop,
    };
  };
}

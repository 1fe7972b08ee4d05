import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freeTcpPort } from './helpers.js';

/*
 * A real Redis Cluster for tests of the external stack: three primaries (redis-server with
 * cluster-enabled, slots split in three, joined by CLUSTER MEET), no replicas, in a temp dir.
 * Written on the test side, without src/stack, so a bug there cannot hide itself.
 */

export interface TestCluster {
  /** redis-cluster://127.0.0.1:<p0>,127.0.0.1:<p1>,127.0.0.1:<p2> */
  url: string;
  ports: number[];
  /** Every key on every node matching `pattern` (SCAN per node). */
  keys(pattern: string): Promise<string[]>;
  stop(): Promise<void>;
}

const SLOTS: [number, number][] = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
];

export async function startTestCluster(): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'cachelab-test-cluster-'));
  const ports: number[] = [];
  const busPorts: number[] = [];
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  const client = (port: number): Redis => {
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    redis.on('error', () => undefined); // refused until the server listens
    return redis;
  };
  try {
    for (const [i] of SLOTS.entries()) {
      const port = await freeTcpPort();
      ports.push(port);
      // The bus port must be given: the default, port + 10000, may be taken or above 65535.
      const bus = await freeTcpPort();
      busPorts.push(bus);
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-port', String(bus), '--cluster-config-file', `nodes-${i}.conf`];
      args.push('--dir', dir, '--save', '', '--appendonly', 'no', '--cluster-node-timeout', '5000', '--logfile', join(dir, `redis-${i}.log`));
      children.push(spawn(process.env.CACHELAB_REDIS_SERVER ?? 'redis-server', args, { stdio: 'ignore' }));
    }
    const nodes = ports.map(client);
    try {
      await Promise.all(nodes.map((n) => n.connect().catch(() => undefined)));
      await until(async () => (await Promise.all(nodes.map((n) => n.ping().then(() => true, () => false)))).every(Boolean));
      await Promise.all(nodes.map((n, i) => n.call('CLUSTER', 'ADDSLOTSRANGE', String(SLOTS[i]?.[0]), String(SLOTS[i]?.[1]))));
      for (const [i, port] of ports.entries()) {
        if (i > 0) await nodes[0]?.call('CLUSTER', 'MEET', '127.0.0.1', String(port), String(busPorts[i]));
      }
      await until(async () => {
        const states = await Promise.all(nodes.map(async (n) => /cluster_state:ok/.test((await n.call('CLUSTER', 'INFO')) as string)));
        const maps = await Promise.all(nodes.map(async (n) => ((await n.call('CLUSTER', 'SLOTS')) as unknown[]).length));
        return states.every(Boolean) && maps.every((length) => length === SLOTS.length);
      });
    } finally {
      nodes.forEach((n) => n.disconnect());
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis-cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    keys: async (pattern) => {
      const found: string[] = [];
      for (const port of ports) {
        const node = client(port);
        try {
          found.push(...(await node.keys(pattern)));
        } finally {
          node.disconnect();
        }
      }
      return found;
    },
    stop,
  };
}

/** Polls `probe` every 50 ms until it is true; throws after 15 s. */
async function until(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('the test Redis Cluster did not come up within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

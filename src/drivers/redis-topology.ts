import { withRedis } from './one-shot-clients.js';
import { parseClusterUrl, parseSentinelUrl, redisKind, type RedisKind } from './redis-urls.js';

/** The data nodes behind a Redis URL, each as it announces itself ("host:port"). */
export interface RedisNodes {
  kind: RedisKind;
  /** The node that holds the keys of `keyPrefix`: the server, Sentinel's primary, or the Cluster primary owning the prefix's slot. */
  home: string;
  /** The other data nodes the app may be sent to: replicas, other Cluster nodes. */
  others: string[];
  /** Cluster: the hash slot of the key prefix (every key of a run is in it). */
  slot?: number;
  /** One line for doctor and the run log ("Cluster state ok: 3 primaries, 6 nodes"). */
  detail: string;
}

/** ms a probe of the topology may take. */
const TIMEOUT_MS = 3000;

/**
 * Asks where `url`'s data lives: nothing for one server; the sentinels (the first that answers) for
 * the primary and its replicas; any Cluster node for the slot map. Throws an Error saying what
 * failed; a Cluster whose state is not ok, or a slot with no primary, is such a failure.
 */
export async function redisNodes(url: string, keyPrefix: string): Promise<RedisNodes> {
  switch (redisKind(url)) {
    case 'server': {
      const { hostname, port } = new URL(url);
      return { kind: 'server', home: `${hostname}:${port || '6379'}`, others: [], detail: 'one server' };
    }
    case 'sentinel':
      return sentinelNodes(url);
    case 'cluster':
      return clusterNodes(url, keyPrefix);
  }
}

async function sentinelNodes(url: string): Promise<RedisNodes> {
  const target = parseSentinelUrl(url);
  const errors: string[] = [];
  for (const sentinel of target.sentinels) {
    const at = `${sentinel.host}:${sentinel.port}`;
    try {
      return await withRedis(`redis://${at}`, async (redis) => {
        const primary = (await redis.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', target.name)) as [string, string] | null;
        if (primary === null) throw new Error(`Sentinel ${at} monitors no primary named "${target.name}"`);
        const replicas = ((await redis.call('SENTINEL', 'REPLICAS', target.name)) as string[][]).map(fields);
        const home = `${primary[0]}:${primary[1]}`;
        const others = replicas.map((r) => `${r.ip}:${r.port}`);
        const down = replicas.filter((r) => /s_down|o_down|disconnected/.test(r.flags ?? '')).length;
        const replicaText = `${others.length} replica${others.length === 1 ? '' : 's'}${down > 0 ? ` (${down} down)` : ''}`;
        return { kind: 'sentinel', home, others, detail: `primary "${target.name}" at ${home}, ${replicaText}, per Sentinel ${at}` };
      }, TIMEOUT_MS);
    } catch (err) {
      errors.push(`${at}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no Sentinel answered for "${target.name}": ${errors.join('; ')}`);
}

/** CLUSTER SLOTS entries: [start, end, [host, port, id, ...], ...replicas]. */
type SlotRange = [number, number, ...[string, number, ...unknown[]][]];

async function clusterNodes(url: string, keyPrefix: string): Promise<RedisNodes> {
  const target = parseClusterUrl(url);
  return withRedis(url, async (redis) => {
    const info = (await redis.call('CLUSTER', 'INFO')) as string;
    const state = /cluster_state:(\w+)/.exec(info)?.[1];
    if (state !== 'ok') throw new Error(`the Cluster's state is ${state ?? 'unknown'}, not ok (CLUSTER INFO): some slots have no primary`);
    const slot = (await redis.call('CLUSTER', 'KEYSLOT', keyPrefix)) as number;
    const ranges = (await redis.call('CLUSTER', 'SLOTS')) as SlotRange[];
    const address = (node: [string, number, ...unknown[]]): string => `${announcedHost(node[0], target)}:${node[1]}`;
    const all = new Set<string>();
    const primaries = new Set<string>();
    let home: string | undefined;
    for (const [start, end, primary, ...replicas] of ranges) {
      if (primary === undefined) continue;
      primaries.add(address(primary));
      for (const node of [primary, ...replicas]) all.add(address(node));
      if (slot >= start && slot <= end) home = address(primary);
    }
    if (home === undefined) throw new Error(`no primary serves slot ${slot} (CLUSTER SLOTS)`);
    all.delete(home);
    return {
      kind: 'cluster',
      home,
      others: [...all],
      slot,
      detail: `Cluster state ok: ${primaries.size} primar${primaries.size === 1 ? 'y' : 'ies'}, ${all.size + 1} nodes`,
    };
  }, TIMEOUT_MS);
}

/** A node that announces an empty host means "the address you reached me at" (cluster-announce-ip unset, older Redis). */
function announcedHost(host: string, target: { nodes: { host: string }[] }): string {
  return host === '' ? (target.nodes[0]?.host ?? '127.0.0.1') : host;
}

/** SENTINEL REPLICAS gives each replica as a flat [name, value, ...] list. */
function fields(flat: string[]): Record<string, string | undefined> {
  const record: Record<string, string | undefined> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i] ?? ''] = flat[i + 1];
  return record;
}

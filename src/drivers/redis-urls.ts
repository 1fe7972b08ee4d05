/*
 * Redis reached through Sentinel or as a Cluster, each written as one URL so it travels wherever a
 * Redis URL does (flags, env, the app's config, the lab's stores):
 *   redis-sentinel://[:password@]host:port[,host:port]/<master name>[?nat=...]
 *   redis-cluster://[:password@]host:port[,host:port][?nat=...]
 * The hosts are the sentinels, or the Cluster's seed nodes. nat=<announced host:port>@<host:port to
 * dial>,... rewrites the addresses Sentinel or CLUSTER SLOTS announce (ioredis' natMap): the lab's
 * way to send the app through the fault proxy. The password is the data nodes' (Sentinel itself is
 * reached without one), percent-encoded like any URL's.
 */

export interface HostPort {
  host: string;
  port: number;
}

export type NatMap = Record<string, HostPort>;

export interface SentinelTarget {
  sentinels: HostPort[];
  name: string;
  password?: string;
  natMap: NatMap;
}

export interface ClusterTarget {
  /** Seed nodes: ioredis asks any of them for the slot map (CLUSTER SLOTS). */
  nodes: HostPort[];
  password?: string;
  natMap: NatMap;
}

/** How a Redis URL is reached: one server, a Sentinel-monitored primary, or a Cluster. */
export type RedisKind = 'server' | 'sentinel' | 'cluster';

const SENTINEL = 'redis-sentinel:';
const CLUSTER = 'redis-cluster:';

export const SENTINEL_FORM = 'redis-sentinel://[:password@]host:port[,host:port]/<master name>[?nat=host:port@host:port,...]';
export const CLUSTER_FORM = 'redis-cluster://[:password@]host:port[,host:port][?nat=host:port@host:port,...]';

export function isSentinelUrl(url: string): boolean {
  return url.startsWith(`${SENTINEL}//`);
}

export function isClusterUrl(url: string): boolean {
  return url.startsWith(`${CLUSTER}//`);
}

export function redisKind(url: string): RedisKind {
  if (isSentinelUrl(url)) return 'sentinel';
  return isClusterUrl(url) ? 'cluster' : 'server';
}

export function sentinelUrl(target: SentinelTarget): string {
  const hosts = target.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
  return `${SENTINEL}//${auth(target.password)}${hosts}/${encodeURIComponent(target.name)}${natQuery(target.natMap)}`;
}

export function clusterUrl(target: ClusterTarget): string {
  return `${CLUSTER}//${auth(target.password)}${target.nodes.map((n) => `${n.host}:${n.port}`).join(',')}${natQuery(target.natMap)}`;
}

/** The parts of a redis-sentinel:// URL; throws an Error naming the expected form. */
export function parseSentinelUrl(url: string): SentinelTarget {
  const match = /^redis-sentinel:\/\/(?:[^:@/?,]*:([^@/?,]*)@)?([^/?]+)\/([^?]+)(?:\?nat=(.*))?$/.exec(url);
  if (!match) throw new Error(`not a Sentinel URL: expected ${SENTINEL_FORM}`);
  const [, password, hosts = '', name = '', nat] = match;
  return {
    sentinels: hostList(hosts, SENTINEL_FORM),
    name: decodeURIComponent(name),
    ...(password ? { password: decodeURIComponent(password) } : {}),
    natMap: natMapOf(nat, SENTINEL_FORM),
  };
}

/** The parts of a redis-cluster:// URL; throws an Error naming the expected form. */
export function parseClusterUrl(url: string): ClusterTarget {
  const match = /^redis-cluster:\/\/(?:[^:@/?,]*:([^@/?,]*)@)?([^/?]+)\/?(?:\?nat=(.*))?$/.exec(url);
  if (!match) throw new Error(`not a Cluster URL: expected ${CLUSTER_FORM}`);
  const [, password, hosts = '', nat] = match;
  return {
    nodes: hostList(hosts, CLUSTER_FORM),
    ...(password ? { password: decodeURIComponent(password) } : {}),
    natMap: natMapOf(nat, CLUSTER_FORM),
  };
}

function auth(password: string | undefined): string {
  return password === undefined ? '' : `:${encodeURIComponent(password)}@`;
}

function natQuery(natMap: NatMap): string {
  const pairs = Object.entries(natMap).map(([from, to]) => `${from}@${to.host}:${to.port}`);
  return pairs.length > 0 ? `?nat=${pairs.join(',')}` : '';
}

function hostPort(text: string, form: string): HostPort {
  const at = text.lastIndexOf(':');
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad host:port "${text}": expected ${form}`);
  return { host: text.slice(0, at), port };
}

function hostList(hosts: string, form: string): HostPort[] {
  return hosts.split(',').map((text) => hostPort(text, form));
}

function natMapOf(nat: string | undefined, form: string): NatMap {
  const natMap: NatMap = {};
  for (const pair of nat ? nat.split(',') : []) {
    const [from = '', to = ''] = pair.split('@');
    hostPort(from, form);
    natMap[from] = hostPort(to, form);
  }
  return natMap;
}

import { clusterUrl, parseClusterUrl, parseSentinelUrl, redisKind, sentinelUrl, type HostPort } from '../drivers/redis-urls.js';

/** Host and port of a service URL, with the scheme's default port when the URL has none. */
export function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port === '' ? defaultPort : Number(parsed.port) };
}

/** `url` with its host and port replaced: same credentials, database and options, other address. */
export function withHostPort(url: string, host: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  parsed.port = String(port);
  return parsed.toString();
}

/** `url` with any password replaced by ***, for lines a user may paste into a ticket or CI log. */
export function redactPassword(url: string): string {
  // Several hosts (Sentinel, Cluster): WHATWG URL cannot parse them; the userinfo is all that matters.
  if (redisKind(url) !== 'server') return url.replace(/^([a-z-]+:\/\/[^:@/]*:)[^@/]+@/, '$1***@');
  const parsed = new URL(url);
  if (parsed.password === '') return url; // as given: URL would add a trailing slash to http://h:p
  parsed.password = '***';
  return parsed.toString();
}

/** The port of a Toxiproxy `listen` value: "127.0.0.1:41234", "[::]:41234", "0.0.0.0:8666". */
export function listenPort(listen: string): number {
  const port = Number(listen.slice(listen.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in listen address "${listen}"`);
  return port;
}

export const DEFAULT_REDIS_PORT = 6379;
export const DEFAULT_POSTGRES_PORT = 5432;

/**
 * The URL an app uses to reach the Redis of `url` through proxies: `via` maps each data node's
 * announced host:port to the proxy in front of it, `home` is the node holding the run's keys. One
 * server: its host:port is replaced. Sentinel and Cluster: the announced addresses are rewritten
 * (natMap), so whichever node ioredis is sent to, it goes through a proxy; a Cluster is also
 * seeded with the proxies, never the nodes themselves.
 */
export function routedRedisUrl(url: string, home: string, via: Record<string, HostPort>): string {
  const proxy = via[home];
  if (proxy === undefined) throw new Error(`no proxy for the Redis node ${home}`);
  switch (redisKind(url)) {
    case 'server':
      return withHostPort(url, proxy.host, proxy.port);
    case 'sentinel':
      return sentinelUrl({ ...parseSentinelUrl(url), natMap: via });
    case 'cluster':
      return clusterUrl({ ...parseClusterUrl(url), nodes: [proxy, ...Object.values(via).filter((p) => p !== proxy)], natMap: via });
  }
}

/*
 * A Redis reached through Sentinel, written as one URL so it travels wherever a Redis URL does
 * (the app's config, the lab's stores): redis-sentinel://[:password@]host:port[,host:port]/<master>
 * with an optional nat=<announced host:port>@<host:port to dial>,... that rewrites the addresses
 * Sentinel announces (ioredis' natMap): the lab's way to send the app through the fault proxy.
 */

export interface SentinelTarget {
  sentinels: { host: string; port: number }[];
  name: string;
  password?: string;
  natMap: Record<string, { host: string; port: number }>;
}

const SCHEME = 'redis-sentinel:';

export function isSentinelUrl(url: string): boolean {
  return url.startsWith(`${SCHEME}//`);
}

export function sentinelUrl(target: SentinelTarget): string {
  const auth = target.password === undefined ? '' : `:${encodeURIComponent(target.password)}@`;
  const hosts = target.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
  const nat = Object.entries(target.natMap).map(([from, to]) => `${from}@${to.host}:${to.port}`);
  return `${SCHEME}//${auth}${hosts}/${encodeURIComponent(target.name)}${nat.length > 0 ? `?nat=${nat.join(',')}` : ''}`;
}

/** The parts of a redis-sentinel:// URL; throws an Error naming the expected form. */
export function parseSentinelUrl(url: string): SentinelTarget {
  const form = 'expected redis-sentinel://[:password@]host:port[,host:port]/<master name>[?nat=host:port@host:port,...]';
  const match = /^redis-sentinel:\/\/(?:(?:[^:@/]*):([^@/]*)@)?([^/?]+)\/([^?]+)(?:\?nat=(.*))?$/.exec(url);
  if (!match) throw new Error(`not a Sentinel URL: ${form}`);
  const [, password, hosts = '', name = '', nat] = match;
  const hostPort = (text: string): { host: string; port: number } => {
    const at = text.lastIndexOf(':');
    const port = Number(text.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port <= 0) throw new Error(`bad host:port "${text}" in a Sentinel URL: ${form}`);
    return { host: text.slice(0, at), port };
  };
  const natMap: SentinelTarget['natMap'] = {};
  for (const pair of nat ? nat.split(',') : []) {
    const [from = '', to = ''] = pair.split('@');
    hostPort(from);
    natMap[from] = hostPort(to);
  }
  return {
    sentinels: hosts.split(',').map(hostPort),
    name: decodeURIComponent(name),
    ...(password ? { password: decodeURIComponent(password) } : {}),
    natMap,
  };
}

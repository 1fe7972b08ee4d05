import { environmentError } from '../errors.js';
import { listenPort, redactPassword, routedRedisUrl } from './connection-urls.js';
import type { ProxyEndpoint } from './contract.js';
import { ToxiproxyApi, type ToxiproxyProxy } from '../drivers/toxiproxy-api.js';

/** The proxies the app talks through. */
export interface AppProxies {
  /** To the Redis node holding the run's keys: a Redis fault is a fault here. */
  redis: ProxyEndpoint;
  postgres: ProxyEndpoint;
  /** To the other Redis data nodes (Upstreams.otherRedis, same order), so no traffic of the app bypasses the proxy. */
  otherRedis?: ProxyEndpoint[];
}

/** Upstream "host:port" per service, as Toxiproxy dials it. */
export interface Upstreams {
  /** The Redis node holding the run's keys (the server, Sentinel's primary, the Cluster node of the run's slot). */
  redis: string;
  postgres: string;
  /** Other Redis data nodes the app may be sent to: Sentinel's replicas, the other Cluster nodes. */
  otherRedis?: string[];
}

/** Names docker-compose.yml pre-populates on its Toxiproxy; the embedded proxy uses them too. */
export const SHARED_PROXY_NAMES = { redis: 'cachelab_redis', postgres: 'cachelab_postgres' } as const;

/**
 * Creates `<prefix>_redis` and `<prefix>_postgres` on the proxy at `apiUrl`, listening on an
 * ephemeral port of the API's host (the app reaches the proxy where the lab reaches its API).
 */
export async function createProxies(apiUrl: string, upstreams: Upstreams, prefix: string): Promise<AppProxies> {
  const api = new ToxiproxyApi(apiUrl);
  const [redis, postgres, ...otherRedis] = await Promise.all([
    createOne(api, `${prefix}_redis`, upstreams.redis),
    createOne(api, `${prefix}_postgres`, upstreams.postgres),
    ...(upstreams.otherRedis ?? []).map((node, i) => createOne(api, otherRedisProxyName(prefix, i), node)),
  ]);
  return { redis, postgres, ...(otherRedis.length > 0 && { otherRedis }) };
}

/** `<prefix>_redis_1`, `_2`, ...: the proxies to the Redis nodes other than the run's own. */
export const otherRedisProxyName = (prefix: string, index: number): string => `${prefix}_redis_${index + 1}`;

/**
 * The app's Redis URL through `proxies`: `directUrl` (a server, Sentinel or Cluster URL) with every
 * data node of `upstreams` reached through its proxy.
 */
export function proxiedRedisUrl(directUrl: string, upstreams: Upstreams, proxies: AppProxies): string {
  const via: Record<string, ProxyEndpoint> = { [upstreams.redis]: proxies.redis };
  (upstreams.otherRedis ?? []).forEach((node, i) => {
    const proxy = proxies.otherRedis?.[i];
    if (proxy !== undefined) via[node] = proxy;
  });
  return routedRedisUrl(directUrl, upstreams.redis, via);
}

/**
 * On a Toxiproxy we do not own: use `cachelab_redis` / `cachelab_postgres` as they are when
 * present (docker compose), else create run-scoped `cachelab_<runId>_*` ones. Each created name
 * is pushed to `created` as soon as it exists (even if the other one then fails): those are what
 * stop() deletes; pre-populated proxies are never deleted.
 */
export async function attachProxies(apiUrl: string, upstreams: Upstreams, runId: string, created: string[]): Promise<AppProxies> {
  const api = new ToxiproxyApi(apiUrl);
  let existing: Record<string, ToxiproxyProxy>;
  try {
    existing = await api.proxies();
  } catch (err) {
    throw environmentError(`cannot list the proxies of Toxiproxy at ${redactPassword(apiUrl)}: ${(err as Error).message}`, `check --toxiproxy-url`, err);
  }
  const own = async (name: string, upstream: string): Promise<ProxyEndpoint> => {
    const proxy = await createOne(api, name, upstream);
    created.push(name);
    return proxy;
  };
  // A Sentinel set or Cluster needs a proxy per node, all of them the run's own.
  const single = (upstreams.otherRedis ?? []).length === 0;
  const pick = (service: 'redis' | 'postgres'): Promise<ProxyEndpoint> => {
    const shared = existing[SHARED_PROXY_NAMES[service]];
    if (shared !== undefined && (service === 'postgres' || single)) return Promise.resolve(endpoint(api, shared));
    return own(`cachelab_${runId}_${service}`, upstreams[service]);
  };
  const [redis, postgres, ...otherRedis] = await Promise.all([
    pick('redis'),
    pick('postgres'),
    ...(upstreams.otherRedis ?? []).map((node, i) => own(otherRedisProxyName(`cachelab_${runId}`, i), node)),
  ]);
  return { redis, postgres, ...(otherRedis.length > 0 && { otherRedis }) };
}

/** One proxy `name` in front of `upstream`, on an ephemeral port of the API's host. */
export async function createProxy(apiUrl: string, name: string, upstream: string): Promise<ProxyEndpoint> {
  return createOne(new ToxiproxyApi(apiUrl), name, upstream);
}

async function createOne(api: ToxiproxyApi, name: string, upstream: string): Promise<ProxyEndpoint> {
  const host = new URL(api.baseUrl).hostname;
  try {
    return endpoint(api, await api.createProxy({ name, listen: `${host}:0`, upstream }));
  } catch (err) {
    throw environmentError(
      `the fault proxy at ${redactPassword(api.baseUrl)} did not create proxy ${name} (to ${upstream}): ${(err as Error).message}`,
      `check that ${redactPassword(api.baseUrl)} is a Toxiproxy v2 API that can listen on ${host}`,
      err,
    );
  }
}

/** Where the app connects: the API's host, the proxy's bound port ("0.0.0.0:8666" -> host:8666). */
function endpoint(api: ToxiproxyApi, proxy: ToxiproxyProxy): ProxyEndpoint {
  return { name: proxy.name, host: new URL(api.baseUrl).hostname, port: listenPort(proxy.listen) };
}

import { proxiedRedisUrl, type AppProxies, type Upstreams } from './app-proxies.js';
import { withHostPort } from './connection-urls.js';
import type { AppLink } from './contract.js';

/**
 * The links of app processes 0..count-1: app 0 keeps the stack's first pair of proxies; app i > 0
 * gets a pair of its own, created by `create(i)` the first time a run asks for that many apps and
 * kept for the stack's life (a fault on one pair cuts that app alone). Concurrent calls share the
 * creation of each pair.
 */
export function appLinkPool(
  first: AppProxies,
  direct: { redisUrl: string; databaseUrl: string; upstreams: Upstreams },
  create: (index: number) => Promise<AppProxies>,
): (count: number) => Promise<AppLink[]> {
  const toLink = (proxies: AppProxies): AppLink => ({
    proxies,
    redisUrl: proxiedRedisUrl(direct.redisUrl, direct.upstreams, proxies),
    databaseUrl: withHostPort(direct.databaseUrl, proxies.postgres.host, proxies.postgres.port),
  });
  const links: Promise<AppLink>[] = [Promise.resolve(toLink(first))];
  return async (count) => {
    for (let i = links.length; i < count; i++) links.push(create(i).then(toLink));
    return Promise.all(links.slice(0, Math.max(1, count)));
  };
}

/** The proxy-name prefix of app `index`'s pair (`<prefix>_app2_redis`). */
export const appProxyPrefix = (prefix: string, index: number): string => `${prefix}_app${index}`;

import { randomBytes } from 'node:crypto';
import type { ToxicSpec } from '../../src/drivers/toxiproxy-api.js';
import type { ProxyServer } from '../../src/proxy/server.js';
import { api, portOf, startTestServer } from '../proxy/helpers.js';

/*
 * The embedded fault proxy between a driver and a real server, driven through its raw HTTP API
 * (not ToxiproxyApi), so these tests depend on nothing from src/drivers but the driver under test.
 */

export interface TestProxy {
  name: string;
  port: number;
}

export class FaultProxies {
  private readonly names = new Set<string>();

  private constructor(private readonly server: ProxyServer) {}

  /** An embedded proxy server of its own, in-process on an ephemeral port. */
  static async start(): Promise<FaultProxies> {
    return new FaultProxies(await startTestServer());
  }

  /** A new, enabled proxy in front of `upstream` ("host:port"), listening on an ephemeral port. */
  async create(upstream: string): Promise<TestProxy> {
    const name = `drivers_${randomBytes(4).toString('hex')}`;
    const res = await this.call('POST', '/proxies', { name, listen: '127.0.0.1:0', upstream }, 201);
    this.names.add(name);
    return { name, port: portOf(res.json<{ listen: string }>().listen) };
  }

  /** Adds a toxic with toxicity 1; returns its name (`<type>_<stream>`). */
  async addToxic(proxy: TestProxy, toxic: Omit<ToxicSpec, 'name' | 'toxicity'>): Promise<string> {
    const name = `${toxic.type}_${toxic.stream}`;
    await this.call('POST', `/proxies/${proxy.name}/toxics`, { ...toxic, name, toxicity: 1 }, 200);
    return name;
  }

  async removeToxic(proxy: TestProxy, name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${proxy.name}/toxics/${name}`, undefined, 204);
  }

  /** false: the listener is closed and open connections are closed ("the link is down"). */
  async setEnabled(proxy: TestProxy, enabled: boolean): Promise<void> {
    await this.call('POST', `/proxies/${proxy.name}`, { enabled }, 200);
  }

  /** Deletes every proxy created so far, closing all their connections. */
  async deleteAll(): Promise<void> {
    for (const name of this.names) await this.call('DELETE', `/proxies/${name}`, undefined, 204);
    this.names.clear();
  }

  async close(): Promise<void> {
    await this.deleteAll();
    await this.server.close();
  }

  private async call(method: string, path: string, body: unknown, status: number): ReturnType<typeof api> {
    const res = await api(this.server.url, method, path, body);
    if (res.status !== status) throw new Error(`${method} ${path}: HTTP ${res.status} ${res.text.trim()}`);
    return res;
  }
}

/** `url` with its host and port replaced by the proxy's listen address. */
export function viaProxy(url: string, proxy: TestProxy): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return proxied.toString();
}

/** "host:port" of a server URL, for a proxy's upstream. */
export const upstreamOf = (url: string): string => new URL(url).host;

/** Polls `check` until it returns true or `timeoutMs` passes; answers whether it did. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 2000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Settles when `promise` does or after `timeoutMs`, whichever is first; for teardown only. */
export async function settleWithin(promise: Promise<unknown>, timeoutMs = 500): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}

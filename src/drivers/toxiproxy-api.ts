/** A toxic as the Toxiproxy v2 API takes it (docs/proxy.md lists each type's attributes). */
export interface ToxicSpec {
  type: 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data' | 'noop';
  /** upstream: bytes from the app to the server (requests); downstream: replies. */
  stream: 'upstream' | 'downstream';
  /** Integers; units per toxic (ms for latency/timeout/slow_close/reset_peer, KB/s for bandwidth). */
  attributes: Record<string, number>;
  /** 0..1; default 1. */
  toxicity?: number;
  /** Default <type>_<stream>. */
  name?: string;
}

/** A proxy as the Toxiproxy v2 API returns it. */
export interface ToxiproxyProxy {
  name: string;
  /** The bound address once enabled, e.g. "127.0.0.1:41234". */
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: (Required<Omit<ToxicSpec, 'attributes'>> & { attributes: Record<string, number> })[];
}

/**
 * The one client of a Toxiproxy-compatible API (ours or Shopify's) in the lab: the stack creates
 * and deletes proxies with it, the fault injector adds toxics and takes links down. Plain HTTP
 * rather than toxiproxy-node-client, because that client throws the server's error text away.
 * Every call fails with an Error naming the method, URL, status and the server's message.
 */
export class ToxiproxyApi {
  constructor(
    readonly baseUrl: string,
    /** Per request, ms. */
    private readonly timeoutMs = 3000,
  ) {}

  async version(): Promise<string> {
    const body = await this.request('GET', '/version');
    return typeof body === 'object' && body !== null && 'version' in body ? String(body.version) : String(body);
  }

  async proxies(): Promise<Record<string, ToxiproxyProxy>> {
    return (await this.request('GET', '/proxies')) as Record<string, ToxiproxyProxy>;
  }

  async proxy(name: string): Promise<ToxiproxyProxy> {
    return (await this.request('GET', proxyPath(name))) as ToxiproxyProxy;
  }

  async createProxy(input: { name: string; listen: string; upstream: string }): Promise<ToxiproxyProxy> {
    return (await this.request('POST', '/proxies', { ...input, enabled: true })) as ToxiproxyProxy;
  }

  /** enabled false: new connections refused, open ones closed ("the link is down"). */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    await this.request('POST', proxyPath(name), { enabled });
  }

  /** Returns the toxic's name (default `<type>_<stream>`), for removeToxic. */
  async addToxic(proxy: string, toxic: ToxicSpec): Promise<string> {
    const body = { ...toxic, name: toxic.name ?? `${toxic.type}_${toxic.stream}`, toxicity: toxic.toxicity ?? 1 };
    await this.request('POST', `${proxyPath(proxy)}/toxics`, body);
    return body.name;
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.request('DELETE', `${proxyPath(proxy)}/toxics/${encodeURIComponent(name)}`);
  }

  /** Deletes the proxy; one that is already gone is fine. */
  async deleteProxy(name: string): Promise<void> {
    await this.request('DELETE', proxyPath(name), undefined, [404]);
  }

  private async request(method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<unknown> {
    const url = new URL(path, this.baseUrl).toString();
    const response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok && !okStatuses.includes(response.status)) {
      throw new Error(`${method} ${url}: HTTP ${response.status} ${text.trim()}`);
    }
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
}

const proxyPath = (name: string): string => `/proxies/${encodeURIComponent(name)}`;

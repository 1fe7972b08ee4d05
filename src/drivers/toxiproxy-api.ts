/** A proxy as the Toxiproxy v2 API returns it (toxics left out: the stack does not read them). */
export interface ToxiproxyProxy {
  name: string;
  /** The bound address once enabled, e.g. "127.0.0.1:41234". */
  listen: string;
  upstream: string;
  enabled: boolean;
}

/**
 * The four calls the stack makes on a Toxiproxy-compatible API (ours or Shopify's): version,
 * list, create, delete. Faults and toxics are the drivers' business, not the stack's.
 * Every call fails with an Error naming the method, URL and status.
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

  async createProxy(input: { name: string; listen: string; upstream: string }): Promise<ToxiproxyProxy> {
    return (await this.request('POST', '/proxies', { ...input, enabled: true })) as ToxiproxyProxy;
  }

  /** Deletes the proxy; one that is already gone is fine. */
  async deleteProxy(name: string): Promise<void> {
    await this.request('DELETE', `/proxies/${encodeURIComponent(name)}`, undefined, [404]);
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

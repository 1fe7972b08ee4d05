import { internalError, proxyAlreadyExists, proxyNotFound, type ApiError } from './api-error.js';
import { Proxy, resolvedListen, type ProxyEnv, type ProxySettings } from './proxy.js';

/** A proxy to create, as the API reads it (create and populate). */
export interface ProxyInput extends ProxySettings {
  name: string;
}

/** What /populate did: the proxies handled, and the error that stopped it part-way, if any. */
export interface PopulateResult {
  proxies: Proxy[];
  error?: ApiError;
}

/** Every proxy by name (proxy_collection.go in the real server). Callers serialise all calls. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  constructor(private readonly env: ProxyEnv) {}

  list(): Proxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) throw proxyNotFound();
    return proxy;
  }

  /** 409 if the name is taken; a proxy that fails to start (500) is not added. */
  async add(input: ProxyInput): Promise<Proxy> {
    if (this.proxies.has(input.name)) throw proxyAlreadyExists();
    const proxy = new Proxy(input.name, input.listen, input.upstream, this.env);
    if (input.enabled) await proxy.start();
    this.proxies.set(input.name, proxy);
    return proxy;
  }

  remove(name: string): void {
    this.get(name).stop();
    this.proxies.delete(name);
  }

  /**
   * Creates or replaces each proxy in order, as the real server 2.12 does. An existing proxy with the
   * same resolved listen and upstream is kept untouched, toxics and enabled state included (a port-0
   * listen never matches); a different one is stopped and replaced by a fresh proxy. An error stops
   * the run part-way with no rollback: the proxies before it stay.
   */
  async populate(inputs: readonly ProxyInput[]): Promise<PopulateResult> {
    const done: Proxy[] = [];
    for (const input of inputs) {
      try {
        const existing = this.proxies.get(input.name);
        if (existing !== undefined) {
          const same = (await resolvedListen(input.listen)) === existing.listen && input.upstream === existing.upstream;
          if (same) {
            done.push(existing);
            continue;
          }
          existing.stop();
        }
        const proxy = new Proxy(input.name, input.listen, input.upstream, this.env);
        if (input.enabled) await proxy.start();
        this.proxies.set(input.name, proxy);
        done.push(proxy);
      } catch (err) {
        return { proxies: done, error: internalError(err) };
      }
    }
    return { proxies: done };
  }

  /**
   * Enables every proxy and removes every toxic; open connections stay (except where a timeout toxic
   * is removed). A proxy that fails to start stops the reset there (500), its toxics untouched.
   */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      await proxy.start();
      proxy.toxics.reset();
    }
  }

  /** Stops every proxy and forgets them (server shutdown). */
  closeAll(): void {
    for (const proxy of this.proxies.values()) proxy.stop();
    this.proxies.clear();
  }
}

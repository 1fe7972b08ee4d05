import { Toxiproxy, type ICreateToxicBody } from 'toxiproxy-node-client';

/** A toxic as the Toxiproxy API takes it (see shared toxiproxy-api.md for each type's attributes). */
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

/**
 * The fault injector's edge: the only code that talks to a Toxiproxy API (ours or the real one).
 * Unlike the store drivers it throws: a fault that cannot be injected makes the run unusable,
 * which the runner reports as an environment error.
 */
export interface FaultInjector {
  /** Returns the toxic's name, for removeToxic. */
  addToxic(proxy: string, toxic: ToxicSpec): Promise<string>;
  removeToxic(proxy: string, name: string): Promise<void>;
  /** enabled false: refuse new connections and close open ones ("the link is down"). */
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
  /** Removes every toxic of the given proxies and enables them. */
  heal(proxies: string[]): Promise<void>;
}

export function createFaultInjector(url: string): FaultInjector {
  const api = new Toxiproxy(url);
  return {
    async addToxic(proxy, toxic) {
      const name = toxic.name ?? `${toxic.type}_${toxic.stream}`;
      const body = { ...toxic, name, toxicity: toxic.toxicity ?? 1 } as ICreateToxicBody<unknown>;
      const created = await (await api.get(proxy)).addToxic(body);
      return created.name;
    },
    async removeToxic(proxy, name) {
      await (await (await api.get(proxy)).getToxic(name)).remove();
    },
    async setEnabled(proxy, enabled) {
      const p = await api.get(proxy);
      await p.update({ enabled, listen: p.listen, upstream: p.upstream });
    },
    async heal(proxies) {
      // Not POST /reset: in external mode the Toxiproxy may serve proxies that are not ours.
      for (const name of proxies) {
        const res = await fetch(`${url}/proxies/${encodeURIComponent(name)}`);
        if (!res.ok) throw new Error(`GET /proxies/${name}: HTTP ${res.status}`);
        const proxy = (await res.json()) as { enabled: boolean; toxics: { name: string }[] };
        for (const toxic of proxy.toxics) await this.removeToxic(name, toxic.name);
        if (!proxy.enabled) await this.setEnabled(name, true);
      }
    },
  };
}

import { environmentError } from '../errors.js';
import { ToxiproxyApi, type ToxicSpec } from './toxiproxy-api.js';

/**
 * The fault injector's edge: network faults on the app's proxied links. Unlike the store drivers
 * it throws: a fault that cannot be injected or undone makes the run unusable, so every failure
 * is an environment LabError naming the fault proxy and what was being done.
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
  const api = new ToxiproxyApi(url);
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw environmentError(
        `the fault proxy at ${url} failed to ${what}: ${err instanceof Error ? err.message : String(err)}`,
        'the fault proxy stopped answering or lost its proxies: run again; with --toxiproxy-url, check that Toxiproxy is up',
        err,
      );
    }
  };
  return {
    addToxic: (proxy, toxic) => attempt(`add a ${toxic.type} toxic to ${proxy}`, () => api.addToxic(proxy, toxic)),
    removeToxic: (proxy, name) => attempt(`remove toxic ${name} from ${proxy}`, () => api.removeToxic(proxy, name)),
    setEnabled: (proxy, enabled) => attempt(`${enabled ? 'enable' : 'disable'} ${proxy}`, () => api.setEnabled(proxy, enabled)),
    heal: (proxies) =>
      // Not POST /reset: in external mode the Toxiproxy may serve proxies that are not ours.
      attempt(`heal ${proxies.join(', ')}`, async () => {
        for (const name of proxies) {
          const proxy = await api.proxy(name);
          for (const toxic of proxy.toxics) await api.removeToxic(name, toxic.name);
          if (!proxy.enabled) await api.setEnabled(name, true);
        }
      }),
  };
}

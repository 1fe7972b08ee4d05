import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { populateInput } from './api-input.js';
import { createApiServer } from './api.js';
import { formatHostPort } from './listen-address.js';
import { ProxyCollection } from './proxy-collection.js';
import { createRandom } from './random.js';

export interface ProxyServerOptions {
  /** API address to bind; default 127.0.0.1 */
  host?: string;
  /** API port; default 8474 (Toxiproxy's), 0 = ephemeral */
  port?: number;
  /** Path of a JSON array in /populate format, applied before the API listens (like -config). */
  config?: string;
  /** Seed for toxicity draws, jitter and slicer splits (our extension); default: random. */
  seed?: number;
  /** Receives one line per lifecycle event (proxy started/stopped, unexpected errors). */
  log?: (line: string) => void;
}

export interface ProxyServer {
  /** API base URL, e.g. http://127.0.0.1:8474 */
  url: string;
  host: string;
  port: number;
  /** Stops the API, every proxy and every connection. */
  close(): Promise<void>;
}

/**
 * Starts the embedded Toxiproxy-compatible server: the v2 HTTP API plus the TCP proxies it creates.
 * Rejects if the config cannot be applied (a message naming the file) or the API cannot bind.
 */
export async function startProxyServer(opts: ProxyServerOptions = {}): Promise<ProxyServer> {
  const log = opts.log ?? ((): void => {});
  const proxies = new ProxyCollection({ random: createRandom(opts.seed), log });
  try {
    if (opts.config !== undefined) await applyConfig(proxies, opts.config);
    const api = createApiServer(proxies, log);
    await new Promise<void>((resolve, reject) => {
      api.once('error', reject);
      api.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8474 }, resolve);
    });
    api.on('error', (err) => log(`api: ${err.message}`));
    const address = api.address() as AddressInfo;
    const host = address.address;
    return {
      url: `http://${formatHostPort(host, address.port)}`,
      host,
      port: address.port,
      close: async () => {
        const closed = new Promise<void>((resolve) => api.close(() => resolve()));
        api.closeAllConnections();
        proxies.closeAll();
        await closed;
      },
    };
  } catch (err) {
    proxies.closeAll();
    throw err;
  }
}

/** The real server logs a bad config and carries on; we refuse to start, since a lab run needs it whole. */
async function applyConfig(proxies: ProxyCollection, path: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read config ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const result = await proxies.populate(populateInput(text));
    if (result.error !== undefined) throw result.error;
  } catch (err) {
    throw new Error(`config ${path}: ${(err as Error).message}`, { cause: err });
  }
}

import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { ApiError } from './api-error.js';
import { Connection } from './connection.js';
import { bindErrorMessage, formatHostPort, parsePort, resolveListen, splitHostPort } from './listen-address.js';
import { ToxicCollection, toxicJson, type ToxicJson } from './toxic-collection.js';

export interface ProxyEnv {
  /** Uniform in [0, 1): the server's seedable generator. */
  readonly random: () => number;
  readonly log: (line: string) => void;
}

/** The proxy as the API shows it; keys in the real server's order ("Logger":{} deliberately left out). */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

/** What create, update and populate may set on a proxy. */
export interface ProxySettings {
  listen: string;
  upstream: string;
  enabled: boolean;
}

/**
 * One named proxy: a listener on `listen` that connects each client to `upstream` through the
 * proxy's toxics (proxy.go in the real server). Callers serialise start, stop and update.
 */
export class Proxy {
  /** As given until the first start, then the bound address ("localhost:0" -> "127.0.0.1:41234"). */
  listen: string;
  /** Never resolved or checked: dialled as written for each client. */
  upstream: string;
  enabled = false;
  readonly toxics = new ToxicCollection();
  private listener: Server | undefined;
  private readonly connections = new Set<Connection>();
  /** Accepted clients whose upstream dial is still under way. */
  private readonly dialing = new Set<Socket>();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly env: ProxyEnv,
  ) {
    this.listen = listen;
    this.upstream = upstream;
  }

  /** Binds `listen` and accepts clients. Failure (500, Go's text) leaves the proxy disabled. */
  async start(): Promise<void> {
    if (this.enabled) return;
    let address;
    try {
      address = await resolveListen(this.listen);
    } catch (err) {
      throw new ApiError(`listen tcp: ${(err as Error).message}`, 500);
    }
    const listener = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (client) =>
      this.accept(client),
    );
    await new Promise<void>((resolve, reject) => {
      listener.once('error', (err: NodeJS.ErrnoException) => reject(new ApiError(bindErrorMessage(err, address), 500)));
      listener.listen({ host: address.host === '' ? undefined : address.host, port: address.port }, resolve);
    });
    listener.on('error', (err) => this.env.log(`proxy ${this.name}: listener error: ${err.message}`));
    const bound = listener.address() as AddressInfo;
    this.listener = listener;
    this.listen = formatHostPort(bound.address, bound.port);
    this.enabled = true;
    this.env.log(`proxy ${this.name}: listening on ${this.listen}, upstream ${this.upstream}`);
  }

  /** Closes the listener (new connects are refused) and every open connection. Toxics stay. */
  stop(): void {
    if (!this.enabled) return;
    this.enabled = false;
    this.listener?.close();
    this.listener = undefined;
    for (const client of this.dialing) client.destroy();
    this.dialing.clear();
    for (const connection of this.connections) connection.close();
    this.connections.clear();
    this.env.log(`proxy ${this.name}: stopped`);
  }

  /**
   * A changed (resolved) listen or upstream restarts the proxy, dropping its connections; an enabled
   * change alone starts or stops it. "localhost:P" over "127.0.0.1:P" is no change.
   */
  async update(input: ProxySettings): Promise<void> {
    if ((await resolvedListen(input.listen)) !== this.listen || input.upstream !== this.upstream) {
      this.stop();
      this.listen = input.listen;
      this.upstream = input.upstream;
    }
    if (input.enabled && !this.enabled) await this.start();
    else if (!input.enabled) this.stop();
  }

  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.all().map(toxicJson),
    };
  }

  /** Dials upstream for each client; if that fails the client is closed at once (it reads EOF). */
  private accept(client: Socket): void {
    client.on('error', ignore);
    let target;
    try {
      const { host, port } = splitHostPort(this.upstream);
      target = { host, port: parsePort(port, this.upstream) };
    } catch {
      client.destroy();
      return;
    }
    this.dialing.add(client);
    const upstream = connect({ ...target, allowHalfOpen: true, noDelay: true });
    const dialFailed = (): void => {
      this.dialing.delete(client);
      client.destroy();
    };
    upstream.once('error', dialFailed);
    upstream.once('connect', () => {
      upstream.off('error', dialFailed);
      this.dialing.delete(client);
      if (client.destroyed || !this.enabled) {
        upstream.destroy();
        client.destroy();
        return;
      }
      const connection = new Connection(client, upstream, this.toxics, this.env.random, (c) =>
        this.connections.delete(c),
      );
      this.connections.add(connection);
      client.resume();
    });
  }
}

/** The address a listen string stands for, without binding: what update and populate compare. */
export async function resolvedListen(listen: string): Promise<string> {
  try {
    const { host, port } = await resolveListen(listen);
    return formatHostPort(host, port);
  } catch (err) {
    throw new ApiError((err as Error).message, 500);
  }
}

function ignore(): void {}

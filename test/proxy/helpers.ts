import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { startProxyServer, type ProxyServer } from '../../src/proxy/server.js';

/** The embedded server on an ephemeral port, seeded so toxicity draws repeat. */
export function startTestServer(): Promise<ProxyServer> {
  return startProxyServer({ port: 0, seed: 42 });
}

/** Polls `check` every few ms until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 2000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface ApiResponse {
  status: number;
  text: string;
  headers: Headers;
  json<T = unknown>(): T;
}

/** A raw HTTP call to the API; an object body is sent as JSON, a string as is. */
export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, json: <T>() => JSON.parse(text) as T };
}

/** The port of a "host:port" listen value. */
export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

/** What one side of a TCP connection saw. */
export class Peer {
  received = Buffer.alloc(0);
  ended = false;
  closed = false;
  error: NodeJS.ErrnoException | undefined;

  constructor(readonly socket: Socket) {
    socket.on('data', (data: Buffer) => (this.received = Buffer.concat([this.received, data])));
    socket.on('end', () => (this.ended = true));
    socket.on('error', (err) => (this.error = err));
    socket.on('close', () => (this.closed = true));
  }

  /** Waits until `length` bytes arrived (event-driven, no polling) and takes them. */
  read(length: number, timeoutMs = 2000): Promise<Buffer> {
    return this.until(`${length} bytes`, () => this.received.length >= length, timeoutMs).then(() => {
      const data = this.received.subarray(0, length);
      this.received = this.received.subarray(length);
      return data;
    });
  }

  /** Waits for the connection to be closed by the other side (EOF or reset). */
  waitClosed(timeoutMs = 2000): Promise<void> {
    return this.until('the connection to close', () => this.closed, timeoutMs, true);
  }

  private until(what: string, done: () => boolean, timeoutMs: number, closeIsFine = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) finish();
        else if (this.closed && !closeIsFine) finish(new Error(`closed while waiting for ${what} (have ${this.received.length} bytes)`));
      };
      const timer = setTimeout(
        () => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.received.length} bytes)`)),
        timeoutMs,
      );
      const finish = (err?: Error): void => {
        clearTimeout(timer);
        this.socket.off('data', check);
        this.socket.off('close', check);
        if (err) reject(err);
        else resolve();
      };
      this.socket.on('data', check);
      this.socket.on('close', check);
      check();
    });
  }
}

/** A client connection; rejects with the connect error (e.g. ECONNREFUSED). */
export function connectClient(port: number): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(new Peer(socket));
    });
  });
}

/** The error code of a connect attempt, or 'connected'. */
export async function connectOutcome(port: number): Promise<string> {
  try {
    const peer = await connectClient(port);
    peer.socket.destroy();
    return 'connected';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'error';
  }
}

/** A TCP server on 127.0.0.1 that echoes, and remembers its side of every connection. */
export class EchoServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** The server side of each connection, in accept order. */
    readonly peers: Peer[],
  ) {}

  static async start(): Promise<EchoServer> {
    const peers: Peer[] = [];
    const server = createServer({ noDelay: true }, (socket) => {
      peers.push(new Peer(socket));
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    return new EchoServer(server, (server.address() as AddressInfo).port, peers);
  }

  get upstream(): string {
    return `127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on right now (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Round trip time of `message` through an echo path, in ms. */
export async function roundTrip(peer: Peer, message: Buffer | string, timeoutMs = 3000): Promise<number> {
  const data = Buffer.from(message);
  const start = performance.now();
  peer.socket.write(data);
  const echoed = await peer.read(data.length, timeoutMs);
  const elapsed = performance.now() - start;
  if (!echoed.equals(data)) throw new Error('echo differs from what was sent');
  return elapsed;
}

/**
 * The fastest of `tries` round trips. A toxic's delay is a lower bound and scheduling on a busy
 * machine only ever adds to it, so the minimum is the figure to hold to a tolerance.
 */
export async function fastestRoundTrip(peer: Peer, message: Buffer | string, tries = 3): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < tries; i++) best = Math.min(best, await roundTrip(peer, message));
  return best;
}

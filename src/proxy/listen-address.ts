import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * "host:port" strings as Go's net package reads them: the real server's `listen` and `upstream`.
 * Errors carry Go's wording ("address local373: missing port in address"), since the API returns
 * them as 500 messages.
 */

/** An address to bind: host '' means every interface. */
export interface BindAddress {
  host: string;
  port: number;
}

/** Go's net.SplitHostPort, checks and messages included. */
export function splitHostPort(hostport: string): { host: string; port: string } {
  const fail = (why: string): never => {
    throw new Error(`address ${hostport}: ${why}`);
  };
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) fail('missing port in address');
  let host = hostport.slice(0, colon);
  // No '[' may appear from `noOpen` on, no ']' from `noClose` on.
  let noOpen = 0;
  let noClose = 0;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) fail("missing ']' in address");
    if (close + 1 === hostport.length) fail('missing port in address');
    if (close + 1 !== colon) fail(hostport[close + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = hostport.slice(1, close);
    noOpen = 1;
    noClose = close + 1;
  } else if (host.includes(':')) {
    fail('too many colons in address');
  }
  if (hostport.indexOf('[', noOpen) >= 0) fail("unexpected '[' in address");
  if (hostport.indexOf(']', noClose) >= 0) fail("unexpected ']' in address");
  return { host, port: hostport.slice(colon + 1) };
}

/** A port as Go parses one: decimal 0..65535; "" is 0. Named services are not supported. */
export function parsePort(port: string, hostport: string): number {
  if (port === '') return 0;
  if (!/^\d+$/.test(port)) throw new Error(`lookup tcp/${port}: unknown port`);
  const n = Number(port);
  if (n > 65535) throw new Error(`address ${hostport}: invalid port`);
  return n;
}

/**
 * Resolves a listen string to the address to bind, as net.Listen does: '' is every interface on an
 * ephemeral port; a hostname resolves to its first IPv4 address (Go picks IPv4 for "localhost"), else
 * its first address of any family.
 */
export async function resolveListen(listen: string): Promise<BindAddress> {
  if (listen === '') return { host: '', port: 0 };
  const { host, port } = splitHostPort(listen);
  const portNumber = parsePort(port, listen);
  if (host === '' || isIP(host) !== 0) return { host, port: portNumber };
  try {
    return { host: (await lookup(host, { family: 4 })).address, port: portNumber };
  } catch {
    try {
      return { host: (await lookup(host)).address, port: portNumber };
    } catch {
      throw new Error(`lookup ${host}: no such host`);
    }
  }
}

/** "127.0.0.1:80", "[::1]:80", ":80" for every interface, as Go formats a TCP address. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's text for a failed bind, e.g. "listen tcp 127.0.0.1:3310: bind: address already in use". */
export function bindErrorMessage(err: NodeJS.ErrnoException, address: BindAddress): string {
  const where = formatHostPort(address.host, address.port);
  const reason: Record<string, string> = {
    EADDRINUSE: 'bind: address already in use',
    EACCES: 'bind: permission denied',
    EADDRNOTAVAIL: 'bind: cannot assign requested address',
  };
  return `listen tcp ${where}: ${reason[err.code ?? ''] ?? err.message}`;
}

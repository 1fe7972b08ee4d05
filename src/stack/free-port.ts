import { createServer } from 'node:net';

/**
 * A TCP port on `host` that was free a moment ago: bind :0, read the port, close. Another process
 * can take it before our server binds it, so callers retry on "address in use" (see
 * `isAddressInUse`) with a fresh port.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`no port from ${host}:0`))));
    });
  });
}

/** How many fresh ports a server start tries before giving up on "address in use". */
export const PORT_ATTEMPTS = 5;

/** True when a server's log says its port was taken (Redis and PostgreSQL both print this, C locale). */
export function isAddressInUse(logText: string): boolean {
  return /address already in use|EADDRINUSE/i.test(logText);
}

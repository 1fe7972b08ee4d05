/**
 * The reference row of the proxy benchmark: a bare Node TCP pipe, run as its own process like the
 * proxy. It is what any Node proxy costs at least.
 *
 *   node dist/src/bench/socket-pipe.js 127.0.0.1:6379
 *
 * Prints {"event":"listening","port":N} once listening on 127.0.0.1; exits when its IPC channel closes.
 */
import { connect, createServer, type AddressInfo } from 'node:net';

const [host, port] = (process.argv[2] ?? '127.0.0.1:6379').split(':');
const server = createServer({ noDelay: true }, (client) => {
  const upstream = connect({ host, port: Number(port), noDelay: true });
  client.pipe(upstream);
  upstream.pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen({ host: '127.0.0.1', port: 0 }, () => {
  const { port: listening } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: listening })}\n`);
});
process.on('disconnect', () => process.exit(0));

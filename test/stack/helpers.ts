import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { expect } from 'vitest';
import { LabError } from '../../src/errors.js';

/*
 * Test-side checks, written independently of the code under test (no src/stack helpers), so a bug
 * there cannot hide itself. Linux only: they read /proc.
 */

/** Alive = exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Polls until none of `pids` is alive or `timeoutMs` passes; returns those still alive. */
export async function pidsStillAlive(pids: number[], timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(pidAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * True once `path` is gone, polling until `timeoutMs`. Reaping is not instant when the test's
 * own reaper finds the dir already being removed by a concurrent run (another test worker).
 */
export async function goneWithin(path: string, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(path)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** Every descendant PID of `pid` (the postmaster's backends, for instance). */
export function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return []; // already gone
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** PIDs of processes whose working directory or command line is inside `dir`. */
export function processesInside(dir: string): number[] {
  const found: number[] = [];
  for (const name of readdirSafe('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const cwd = readlinkSafe(`/proc/${name}/cwd`);
      if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(dir + '/')) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export async function redisGetSet(url: string, key: string, value: string): Promise<string | null> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.set(key, value);
    return await redis.get(key);
  } finally {
    redis.disconnect();
  }
}

export async function redisGet(url: string, key: string): Promise<string | null> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await redis.get(key);
  } finally {
    redis.disconnect();
  }
}

export async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

/**
 * A separate Node process that starts a local stack from the built code (dist/, as a user runs
 * it), prints {"runId":...} when it is up, and then: waits; or calls process.exit(3) without
 * stopping the stack ('exit'); or starts it with keep, stops it and exits ('keep-and-exit').
 * Its stderr is its progress log.
 */
export async function spawnStackOwner(
  then: 'wait' | 'exit' | 'keep-and-exit' = 'wait',
  /** Also start the read replica and have it follow the run's schema (a walsender, an apply worker). */
  replica = false,
): Promise<{ child: ChildProcess; runId: string; dir: string; stderr: () => string }> {
  const stackModule = join(packageRoot(), 'dist', 'src', 'stack', 'stack.js');
  if (!existsSync(stackModule)) throw new Error(`${stackModule} is missing: run "npm run build" first`);
  const finish = {
    wait: 'setInterval(() => undefined, 60_000);',
    exit: 'process.exit(3);',
    'keep-and-exit': 'await stack.stop(); process.exit(0);',
  }[then];
  const script = `
    const { startStack } = await import(${JSON.stringify(pathToFileURL(stackModule).href)});
    const stack = await startStack({ mode: 'local', keep: ${then === 'keep-and-exit'}, log: (line) => process.stderr.write(line + '\\n') });
    ${replica ? 'await (await stack.readReplica()).replicate(stack.schema, []);' : ''}
    process.stdout.write(JSON.stringify({ runId: stack.runId }) + '\\n');
    ${finish}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const { runId } = JSON.parse(line) as { runId: string };
    return { child, runId, dir: join(tmpdir(), `cachelab-${runId}`), stderr: () => stderr };
  }
  throw new Error(`the stack owner exited before its stack was up:\n${stderr}`);
}

/** Resolves with how the child ended. */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** stack.json of a run dir: the PIDs to check, plus their descendants (the postmasters' backends). */
export function serverPids(dir: string): { pids: number[]; all: number[] } {
  const record = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as { pids: number[] };
  return { pids: record.pids, all: [...record.pids, ...record.pids.flatMap(descendants)] };
}

function packageRoot(): string {
  return fileURLToPath(new URL('../..', import.meta.url));
}

/** The LabError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function labErrorOf(promise: Promise<unknown>): Promise<LabError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(LabError);
  return error as LabError;
}

/** A 127.0.0.1 port that was free a moment ago. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

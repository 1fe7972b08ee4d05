import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { environmentError } from '../errors.js';
import { entryPoint } from './entry-points.js';
import { ManagedChild } from './managed-child.js';
import type { OwnedProcesses } from './owned-processes.js';
import { waitUntil } from './wait-until.js';

/** ms the proxy process gets to print its "listening" line (Node start-up included). */
const READY_TIMEOUT_MS = 10_000;

export interface EmbeddedProxyOptions {
  /** The run dir: cwd of the process and home of proxy.log. */
  dir: string;
  processes: OwnedProcesses;
  /**
   * true: spawn with an IPC channel, so the proxy exits when we die (its contract). false for
   * --keep, where it must outlive us.
   */
  exitWithUs: boolean;
  /** Seed of the proxy's random draws; undefined: a random one. */
  seed: number | undefined;
}

/**
 * Starts the embedded Toxiproxy-compatible fault proxy (src/proxy/main.ts) as our child process
 * and resolves with its API base URL, e.g. http://127.0.0.1:41234, once it listens.
 */
export async function startEmbeddedProxy(opts: EmbeddedProxyOptions): Promise<string> {
  let entry: string;
  try {
    entry = entryPoint('proxy/main');
  } catch (err) {
    throw environmentError('the fault proxy is not built', 'run "npm run build"', err);
  }
  const logFile = join(opts.dir, 'proxy.log');
  const child = await ManagedChild.spawn({
    role: 'proxy',
    file: process.execPath,
    args: [entry, '--host', '127.0.0.1', '--port', '0', ...(opts.seed === undefined ? [] : ['--seed', String(opts.seed)])],
    cwd: opts.dir,
    output: { logFile },
    ipc: opts.exitWithUs,
  });
  await opts.processes.add(child);
  try {
    const state = await waitUntil(
      'the fault proxy to listen',
      async () => {
        const url = listeningUrl(await readFile(logFile, 'utf8'), child.pid);
        return url !== undefined ? { url } : child.running ? undefined : 'exited';
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 20 },
    );
    if (state !== 'exited') return state.url;
    throw new Error(`exited with ${JSON.stringify(child.exitStatus)}`);
  } catch (err) {
    await child.stop();
    await opts.processes.remove(child);
    throw environmentError(`the fault proxy did not start:\n${await child.logTail()}`, `see ${logFile}`, err);
  }
}

/**
 * The proxy announces readiness with one stdout line
 * {"event":"listening","url":"http://127.0.0.1:PORT","pid":N}; other lines are its logs.
 */
function listeningUrl(output: string, pid: number): string | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const event = JSON.parse(line) as { event?: unknown; url?: unknown; pid?: unknown };
      if (event.event === 'listening' && typeof event.url === 'string' && event.pid === pid) return event.url;
    } catch {
      // not an event line
    }
  }
  return undefined;
}

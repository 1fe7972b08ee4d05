import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPids, isRunning, processIdentity, signalPid } from './process-status.js';
import { readStackRecord, RUN_DIR_PREFIX, type StackRecord } from './run-dir.js';
import { waitUntil } from './wait-until.js';

/** ms the left-over servers of one dead run get to exit after their signal, before SIGKILL. */
const EXIT_TIMEOUT_MS = 5000;

/**
 * Removes stacks left behind by runs that died without stopping (SIGKILL, OOM, a crash): every
 * os.tmpdir()/cachelab-* dir whose stack.json names an owner that is gone and that is not kept.
 * Its servers are signalled only if they still look like ours (their command line or working
 * directory is inside that dir), so a recycled PID is never hit. Returns the dirs removed.
 * Another reaper (a concurrent run) may be removing the same dir: both finish without error.
 */
export async function reapDeadStacks(log: (line: string) => void): Promise<string[]> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  const reaped: string[] = [];
  for (const name of names.filter((entry) => entry.startsWith(RUN_DIR_PREFIX))) {
    const dir = join(tmpdir(), name);
    // Another user's run (a shared /tmp) is theirs to clean up, and we could not anyway.
    const owner = await stat(dir).then((st) => st.uid, () => undefined);
    if (owner === undefined || (process.getuid !== undefined && owner !== process.getuid())) continue;
    const record = await readStackRecord(dir);
    if (record === undefined || record.keep || record.ownerPid === process.pid) continue;
    if (await isRunning(record.ownerPid)) continue;
    log(`removing a stack left by a run that died (pid ${record.ownerPid}, started ${record.startedAt}): ${dir}`);
    try {
      await stopLeftovers(dir, record);
      await rm(dir, { recursive: true, force: true });
      reaped.push(dir);
    } catch (err) {
      // Never fail a new run over an old one's debris.
      log(`could not remove ${dir}: ${(err as Error).message}`);
    }
  }
  return reaped;
}

async function stopLeftovers(dir: string, record: StackRecord): Promise<void> {
  const ours: number[] = [];
  for (const pid of record.pids) {
    if ((await isRunning(pid)) && isInside(await processIdentity(pid), dir)) ours.push(pid);
  }
  if (ours.length === 0) return;
  // SIGQUIT is the postmaster's immediate shutdown: it takes its backends with it, SIGKILL would not.
  const postmasters = new Set([...(record.postmasterPids ?? []), ...(record.postmasterPid === undefined ? [] : [record.postmasterPid])]);
  for (const pid of ours) signalPid(pid, postmasters.has(pid) ? 'SIGQUIT' : 'SIGKILL');
  const allGone = async (): Promise<true | undefined> =>
    (await Promise.all(ours.map(isRunning))).some(Boolean) ? undefined : true;
  try {
    await waitUntil(`the servers of ${dir} to exit`, allGone, { timeoutMs: EXIT_TIMEOUT_MS });
  } catch {
    // A postmaster stuck in shutdown: kill its backends and it by force.
    for (const pid of ours) {
      for (const child of await childPids(pid)) signalPid(child, 'SIGKILL');
      signalPid(pid, 'SIGKILL');
    }
    await waitUntil(`the servers of ${dir} to exit after SIGKILL`, allGone, { timeoutMs: EXIT_TIMEOUT_MS });
  }
}

function isInside(identity: { cmdline: string; cwd: string }, dir: string): boolean {
  return identity.cmdline.includes(dir) || identity.cwd === dir || identity.cwd.startsWith(dir + '/');
}

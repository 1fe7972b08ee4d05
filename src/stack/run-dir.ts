import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../errors.js';

/** Every run that spawns servers owns os.tmpdir()/cachelab-<runId>; the reaper scans for this prefix. */
export const RUN_DIR_PREFIX = 'cachelab-';

/**
 * <run dir>/stack.json: who owns the run dir and which PIDs to clean up if the owner dies without
 * stopping (SIGKILL, OOM). The reaper of a later run reads it.
 */
export interface StackRecord {
  ownerPid: number;
  /** Every server process of the stack that is running now. */
  pids: number[];
  /** The first postmaster among `pids` (the primary): stopped with SIGQUIT, not SIGKILL, so its backends go too. */
  postmasterPid?: number;
  /** Every postmaster among `pids` (the primary, and a read replica when one runs). */
  postmasterPids?: number[];
  /** --keep: the user wants it left up; the reaper never touches it. */
  keep: boolean;
  /** ISO 8601. */
  startedAt: string;
}

const STACK_RECORD_FILE = 'stack.json';

export function runDirPath(runId: string): string {
  return join(tmpdir(), RUN_DIR_PREFIX + runId);
}

/**
 * Creates the run dir, mode 0755: PostgreSQL runs as the `postgres` OS user and must traverse it
 * to reach its data dir. Fails if it exists: another run (or a kept one) uses that run id.
 */
export async function createRunDir(runId: string): Promise<string> {
  const dir = runDirPath(runId);
  try {
    await mkdir(dir, { mode: 0o755 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw usageError(`run id "${runId}" is in use: ${dir} exists`, `pick another run id, or remove ${dir} if no run uses it`);
    }
    throw err;
  }
  await chmod(dir, 0o755); // mkdir's mode is filtered through the umask
  return dir;
}

/** Writes stack.json atomically (temp file + rename), so the reaper never reads half a record. */
export async function writeStackRecord(dir: string, record: StackRecord): Promise<void> {
  const file = join(dir, STACK_RECORD_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(record, null, 2) + '\n');
  await rename(`${file}.tmp`, file);
}

/** The record in `dir`, or undefined when missing or not one of ours. */
export async function readStackRecord(dir: string): Promise<StackRecord | undefined> {
  try {
    const value = JSON.parse(await readFile(join(dir, STACK_RECORD_FILE), 'utf8')) as Partial<StackRecord>;
    if (typeof value.ownerPid !== 'number' || !Array.isArray(value.pids)) return undefined;
    return {
      ownerPid: value.ownerPid,
      pids: value.pids.filter((pid): pid is number => Number.isInteger(pid) && pid > 1),
      postmasterPid: typeof value.postmasterPid === 'number' ? value.postmasterPid : undefined,
      postmasterPids: Array.isArray(value.postmasterPids) ? value.postmasterPids.filter((pid): pid is number => Number.isInteger(pid) && pid > 1) : undefined,
      keep: value.keep === true,
      startedAt: String(value.startedAt),
    };
  } catch {
    return undefined;
  }
}

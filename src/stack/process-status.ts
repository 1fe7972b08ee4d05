import { readFile, readlink, readdir } from 'node:fs/promises';
import { execa } from 'execa';

/**
 * True while `pid` is a live process. A zombie (exited, not yet reaped by its parent) counts as
 * dead: kill(pid, 0) still succeeds on it. EPERM means it exists but belongs to someone else.
 */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Format: "pid (comm) S ...", where comm may itself contain spaces and parentheses.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return stat !== '' && state !== 'Z' && state !== 'X';
}

/** Sends `signal` to `pid`, ignoring a process that is already gone. */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * What identifies a process as one of ours: its command line and working directory. Redis
 * rewrites its command line to "redis-server 127.0.0.1:PORT" but keeps its `dir` as working
 * directory; the postmaster has "-D <datadir>" and the proxy its run dir as cwd.
 * Outside Linux only `ps` is asked, and cwd is unknown.
 */
export async function processIdentity(pid: number): Promise<{ cmdline: string; cwd: string }> {
  if (process.platform === 'linux') {
    const [cmdline, cwd] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
      readlink(`/proc/${pid}/cwd`).catch(() => ''),
    ]);
    return { cmdline: cmdline.replaceAll('\0', ' ').trim(), cwd };
  }
  const ps = await execa('ps', ['-o', 'command=', '-p', String(pid)], { reject: false });
  return { cmdline: ps.stdout.trim(), cwd: '' };
}

/** PIDs whose parent is `pid` (Linux only; [] elsewhere). */
export async function childPids(pid: number): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const children: number[] = [];
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) children.push(Number(name));
      }),
  );
  return children;
}

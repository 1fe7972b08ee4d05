import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';

export type ChildRole = 'redis' | 'postgres' | 'proxy' | 'app';

export interface SpawnSpec {
  role: ChildRole;
  file: string;
  args: string[];
  cwd: string;
  /**
   * Where stdout and stderr go. A file (servers): appended to, never piped to us, since a file
   * outlives our process (--keep, a killed run waiting for the reaper) where a pipe would break
   * and SIGPIPE the server. Lines (the app process, which dies with us): each non-empty line of
   * stderr is handed over; stdout is ignored.
   */
  output: { logFile: string } | { lines: (line: string) => void };
  /**
   * Give the child an IPC channel (JSON messages, see send and onMessage); the fault proxy and
   * the app exit when it disconnects (we died).
   */
  ipc?: boolean;
  /** Run as this OS user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
  env?: NodeJS.ProcessEnv;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Signals that stop each role, in order, each given `graceMs` to work. PostgreSQL: SIGINT is a
 * fast shutdown that waits for its backends; SIGQUIT the immediate one; SIGKILL only last, since
 * a SIGKILLed postmaster leaves its backends running.
 */
const STOP_SIGNALS: Record<ChildRole, NodeJS.Signals[]> = {
  redis: ['SIGTERM', 'SIGKILL'],
  postgres: ['SIGINT', 'SIGQUIT', 'SIGKILL'],
  proxy: ['SIGTERM', 'SIGKILL'],
  app: ['SIGTERM', 'SIGKILL'],
};

/**
 * A server process we spawned and own by PID. It runs in its own process group (detached), so a
 * Ctrl-C in the terminal reaches only us and we stop the stack in order.
 */
export class ManagedChild {
  readonly exited: Promise<ChildExit>;
  #exit: ChildExit | undefined;

  private constructor(
    readonly role: ChildRole,
    readonly pid: number,
    /** '' when output goes to lines. */
    readonly logFile: string,
    private readonly proc: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
  }

  /** Resolves once the process exists; rejects when it cannot be started (ENOENT, EACCES). */
  static spawn(spec: SpawnSpec): Promise<ManagedChild> {
    const logFile = 'logFile' in spec.output ? spec.output.logFile : '';
    const logFd = logFile === '' ? undefined : openSync(logFile, 'a');
    const stdio: StdioOptions = logFd === undefined ? ['ignore', 'ignore', 'pipe'] : ['ignore', logFd, logFd];
    if (spec.ipc) stdio.push('ipc');
    try {
      const proc = spawn(spec.file, spec.args, {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        stdio,
        detached: true,
        ...(spec.user ?? {}),
      });
      const { output } = spec;
      if ('lines' in output) {
        createInterface({ input: proc.stderr! }).on('line', (line) => {
          if (line.trim()) output.lines(line);
        });
      }
      return new Promise((resolve, reject) => {
        proc.once('error', reject);
        proc.once('spawn', () => {
          proc.off('error', reject);
          // Errors after spawn are failed kill()s or IPC hiccups; exit is what we watch.
          proc.on('error', () => undefined);
          resolve(new ManagedChild(spec.role, proc.pid ?? -1, logFile, proc));
        });
      });
    } finally {
      if (logFd !== undefined) closeSync(logFd); // the child holds its own copy
    }
  }

  get exitStatus(): ChildExit | undefined {
    return this.#exit;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Sends a JSON message over the IPC channel; false when the channel is gone. */
  send(message: unknown): boolean {
    if (!this.running || !this.proc.connected) return false;
    this.proc.send(message as object);
    return true;
  }

  onMessage(handler: (message: unknown) => void): void {
    this.proc.on('message', handler);
  }

  /** Sends `signal` unless the process is already gone. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(this.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  /** Stops the process politely, escalating per STOP_SIGNALS; resolves once it has exited. */
  async stop(graceMs = 5000): Promise<void> {
    for (const signal of STOP_SIGNALS[this.role]) {
      if (!this.running) return;
      this.signal(signal);
      if (await this.waitExit(graceMs)) return;
    }
  }

  /** SIGKILL, as a crash does; resolves once the process has exited. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /**
   * Synchronous last resort (second Ctrl-C, process 'exit'): cannot wait, so PostgreSQL gets
   * SIGQUIT, which takes its backends down with it, and the rest SIGKILL.
   */
  forceKill(): void {
    this.signal(this.role === 'postgres' ? 'SIGQUIT' : 'SIGKILL');
  }

  /**
   * Lets our process exit while this child keeps running (--keep). A child with an IPC channel
   * still exits with us: --keep spawns the proxy without one.
   */
  detach(): void {
    this.proc.unref();
  }

  /** The last `bytes` of the child's log, for error messages. */
  async logTail(bytes = 2000): Promise<string> {
    return readTail(this.logFile, bytes);
  }

  private async waitExit(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([this.exited.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The last `bytes` of a text file, '' when it does not exist. */
async function readTail(file: string, bytes = 2000): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - bytes);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8').trim();
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

import type { ManagedChild } from './managed-child.js';
import { writeStackRecord, type StackRecord } from './run-dir.js';

/**
 * The server processes one stack owns, mirrored into its stack.json on every change so that the
 * reaper of a later run can find them if we are SIGKILLed.
 *
 * Once `stopAll` has begun (stop(), Ctrl-C during start-up) the set is closed: a server that
 * finishes spawning afterwards is stopped at once instead of being leaked.
 */
export class OwnedProcesses {
  readonly #children = new Set<ManagedChild>();
  #closed = false;
  /** Saves run one after another: parallel server starts would otherwise race on stack.json.tmp. */
  #saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly record: StackRecord,
  ) {}

  get children(): ManagedChild[] {
    return [...this.#children];
  }

  async add(child: ManagedChild): Promise<void> {
    if (this.#closed) {
      await child.stop();
      throw new Error(`the stack is stopping: stopped ${child.role} (pid ${child.pid}) right after it started`);
    }
    this.#children.add(child);
    await this.save();
  }

  async remove(child: ManagedChild): Promise<void> {
    this.#children.delete(child);
    await this.save();
  }

  /**
   * Stops every child in parallel; resolves once all have exited and no stack.json write is in
   * flight, so the caller may remove the run dir.
   */
  async stopAll(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.children.map((child) => child.stop()));
    this.#children.clear();
    await this.#saving.catch(() => undefined);
  }

  /** Synchronous: for a second Ctrl-C or the process 'exit' event. */
  forceKillAll(): void {
    this.#closed = true;
    for (const child of this.#children) child.forceKill();
  }

  /** --keep: leave the children running after we exit, and tell the reaper to leave them alone. */
  async keep(): Promise<void> {
    this.record.keep = true;
    for (const child of this.#children) child.detach();
    await this.save();
  }

  /**
   * Once closed, stack.json is left as it is: the run dir is about to be removed, or (after a
   * force kill) it must keep listing the PIDs for the reaper.
   */
  save(): Promise<void> {
    const write = async (): Promise<void> => {
      if (this.#closed) return;
      const children = this.children;
      this.record.pids = children.map((child) => child.pid);
      const postmasters = children.filter((child) => child.role === 'postgres').map((child) => child.pid);
      this.record.postmasterPid = postmasters[0];
      this.record.postmasterPids = postmasters;
      await writeStackRecord(this.dir, this.record);
    };
    this.#saving = this.#saving.then(write, write);
    return this.#saving;
  }
}

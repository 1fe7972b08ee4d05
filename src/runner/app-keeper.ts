import type { AppConfig } from '../app/protocol.js';
import type { AppProcess } from './app-process.js';

/**
 * Keeps one app process between runs of the same strategy (cachelab explore), so a run starts no
 * process unless the last one was killed. A run hands its process back only when it is still
 * running and idle (its links answered and its background work was done when the run judged), and
 * only for a built-in strategy: those keep nothing in memory between operations once idle, and
 * every run empties the stores. A user's module may, so it gets a fresh process each run.
 */
export class AppKeeper {
  #app: AppProcess | undefined;
  #key: string | undefined;
  /** Processes started and runs that reused one, for the report. */
  readonly counts = { started: 0, reused: 0 };

  /** The kept process if it serves `config` and still runs (it is then the caller's), else undefined. */
  async take(config: AppConfig): Promise<AppProcess | undefined> {
    const app = this.#app;
    this.#app = undefined;
    if (app?.running && this.#key === JSON.stringify(config)) {
      this.counts.reused++;
      return app;
    }
    await app?.stop();
    return undefined;
  }

  started(): void {
    this.counts.started++;
  }

  keep(app: AppProcess, config: AppConfig): void {
    this.#app = app;
    this.#key = JSON.stringify(config);
  }

  /** Stops the kept process, if any (the caller's last step). */
  async close(): Promise<void> {
    const app = this.#app;
    this.#app = undefined;
    await app?.stop();
  }
}

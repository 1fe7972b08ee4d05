import type { AppConfig } from '../app/protocol.js';
import type { AppProcess } from './app-process.js';

/**
 * Keeps app processes between runs of the same strategy (cachelab explore), so a run starts no
 * process unless the last one was killed, and even then rarely waits for one: once a process had
 * to be replaced, a spare is started in the background for the next time. A run hands its process
 * back only when it is still running and idle (its links answered and its background work was
 * done when the run judged), and only for a built-in strategy: those keep nothing in memory
 * between operations once idle, and every run empties the stores. A user's module may, so the
 * runner gives it a fresh process each run.
 */
export class AppKeeper {
  #app: AppProcess | undefined;
  #key: string | undefined;
  #spare: { key: string; app: Promise<AppProcess | undefined> } | undefined;
  /** Processes started, and times a run got a process without waiting for one to start. */
  readonly counts = { started: 0, reused: 0 };

  /**
   * A running process serving `config`: the kept one, else a spare, else a new one from `start`
   * (which rejects when the process cannot start). Either way it is the caller's until keep().
   */
  async take(config: AppConfig, start: () => Promise<AppProcess>): Promise<AppProcess> {
    const key = JSON.stringify(config);
    const kept = this.#app;
    this.#app = undefined;
    if (kept?.running && this.#key === key) {
      this.counts.reused++;
      return kept;
    }
    await kept?.stop();
    const spare = this.#spare?.key === key ? await this.#spare.app : undefined;
    this.#spare = undefined;
    // A process had to be replaced: have one ready for the next time.
    this.#spare = {
      key,
      app: start().then(
        (app) => {
          this.counts.started++;
          return app;
        },
        () => undefined,
      ),
    };
    if (spare?.running) {
      this.counts.reused++;
      return spare;
    }
    await spare?.stop();
    const app = await start();
    this.counts.started++;
    return app;
  }

  /** A new process from `start`, never kept (a user's module): only counted. */
  async fresh(start: () => Promise<AppProcess>): Promise<AppProcess> {
    const app = await start();
    this.counts.started++;
    return app;
  }

  keep(app: AppProcess, config: AppConfig): void {
    this.#app = app;
    this.#key = JSON.stringify(config);
  }

  /** Stops the kept process and the spare, if any (the caller's last step). */
  async close(): Promise<void> {
    const app = this.#app;
    const spare = this.#spare?.app;
    this.#app = undefined;
    this.#spare = undefined;
    await Promise.all([app?.stop(), spare?.then((s) => s?.stop())]);
  }
}

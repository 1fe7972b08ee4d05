import type { AppConfig } from '../app/protocol.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import { AppProcess, type Hit } from './app-process.js';

/**
 * The app processes of one run, app 0..size-1, each its own OS process with its own config (its
 * own links through the fault proxy). A process that cannot start, or dies on its own, adds the
 * reason to `problems` (the result is then unknown).
 */
export class AppFleet {
  readonly #apps: (AppProcess | undefined)[];

  constructor(
    private readonly configs: AppConfig[],
    /** A fault point app `app` reached; the app goes on when this settles. */
    private readonly onHit: (app: number, hit: Hit) => Promise<void>,
    /** The points still to arm in a process that starts now. */
    private readonly toArm: () => { point: FaultPoint; opId: string }[],
    private readonly problems: string[],
    private readonly log: (line: string) => void,
  ) {
    this.#apps = configs.map(() => undefined);
  }

  get size(): number {
    return this.configs.length;
  }

  get(app: number): AppProcess | undefined {
    return this.#apps[app];
  }

  pid(app: number): number | undefined {
    return this.#apps[app]?.pid;
  }

  /** Throws for an index the run has no app for (a scenario bug: the workload stops, unknown). */
  check(app: number): void {
    if (!Number.isInteger(app) || app < 0 || app >= this.size) {
      throw new Error(`app ${app} does not exist: this run has ${this.size} app process${this.size === 1 ? '' : 'es'} (0..${this.size - 1}); set the scenario's apps`);
    }
  }

  /** Starts every app in parallel. */
  async startAll(): Promise<void> {
    await Promise.all(this.configs.map((_, i) => this.start(i)));
  }

  /** A fresh process for `app` (the old one SIGKILLed first), or undefined (reason in problems). */
  async start(app: number): Promise<AppProcess | undefined> {
    this.check(app);
    await this.#apps[app]?.kill();
    this.#apps[app] = undefined;
    const config = this.configs[app] as AppConfig;
    const label = this.size === 1 ? 'app' : `app ${app}`;
    let started: AppProcess;
    try {
      started = await AppProcess.start(config, (hit) => this.onHit(app, hit), (line) => this.log(this.size === 1 ? line : line.replace(/^app:/, `${label}:`)));
    } catch (err) {
      this.problems.push(`${this.size === 1 ? 'the app process' : label} could not start: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    void started.exited.then(() => {
      if (started.unexpectedExit !== undefined) this.problems.push(this.size === 1 ? started.unexpectedExit : `${label}: ${started.unexpectedExit}`);
    });
    started.arm(this.toArm());
    this.#apps[app] = started;
    return started;
  }

  /** SIGKILL one app; resolves once it is gone. */
  async kill(app: number): Promise<void> {
    this.check(app);
    await this.#apps[app]?.kill();
  }

  async killAll(): Promise<void> {
    await Promise.all(this.#apps.map(async (a) => a?.kill().catch(() => undefined)));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#apps.map(async (a) => a?.stop()));
  }

  /**
   * Polls every running app until its links answer and its strategy's background work is done, or
   * gives up at the deadline (the checkers still run). A dead app has nothing to wait for.
   */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      this.#apps.map(async (app) => {
        while (app?.running && Date.now() < deadline) {
          const h = await app.health();
          if (h.redis && h.db && h.idle) return;
          await new Promise((r) => setTimeout(r, 25));
        }
      }),
    );
  }
}

import type { AppConfig } from '../app/protocol.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import type { AppKeeper } from './app-keeper.js';
import { AppProcess, type AppHandlers, type Hit } from './app-process.js';

export interface FleetOptions {
  /** Serves a single-app run with the process a former run handed back (explore); see AppKeeper. */
  keeper?: AppKeeper;
  /** With a keeper: a fresh process every run, only counted (a user's module may keep state in memory). */
  freshEachRun?: boolean;
  /** While tracing: an unarmed point app `app` passed. */
  onPassed?: (app: number, hit: Hit) => void;
}

/**
 * The app processes of one run, app 0..size-1, each its own OS process with its own config (its
 * own links through the fault proxy). A process that cannot start, or dies on its own, adds the
 * reason to `problems` (the result is then unknown).
 */
export class AppFleet {
  readonly #apps: (AppProcess | undefined)[];
  /** App 0 went back to the keeper: a later run's, no longer ours to stop or kill. */
  #handedBack = false;

  constructor(
    private readonly configs: AppConfig[],
    /** A fault point app `app` reached; the app goes on when this settles. */
    private readonly onHit: (app: number, hit: Hit) => Promise<void>,
    /** The points still to arm in a process that starts now. */
    private readonly toArm: () => { point: FaultPoint; opId: string }[],
    private readonly problems: string[],
    private readonly log: (line: string) => void,
    private readonly options: FleetOptions = {},
  ) {
    this.#apps = configs.map(() => undefined);
  }

  /** The keeper, when this run may use it: one app only. */
  get #keeper(): AppKeeper | undefined {
    return this.size === 1 ? this.options.keeper : undefined;
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
    const { onPassed } = this.options;
    const handlers: AppHandlers = { onHit: (hit) => this.onHit(app, hit), ...(onPassed && { onPassed: (hit: Hit) => onPassed(app, hit) }) };
    const launch = (): Promise<AppProcess> =>
      AppProcess.start(config, handlers, (line) => this.log(this.size === 1 ? line : line.replace(/^app:/, `${label}:`)));
    let started: AppProcess;
    try {
      const keeper = this.#keeper;
      started = !keeper ? await launch() : this.options.freshEachRun ? await keeper.fresh(launch) : await keeper.take(config, launch);
    } catch (err) {
      this.problems.push(`${this.size === 1 ? 'the app process' : label} could not start: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    void started.exited.then(() => {
      if (started.unexpectedExit !== undefined && !this.#handedBack) this.problems.push(this.size === 1 ? started.unexpectedExit : `${label}: ${started.unexpectedExit}`);
    });
    // A kept process served another run: this run's handlers, its points disarmed first.
    started.attach(handlers, onPassed !== undefined);
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
    if (this.#handedBack) return;
    await Promise.all(this.#apps.map(async (a) => a?.kill().catch(() => undefined)));
  }

  /**
   * Stops every app; with a keeper, hands a running app back instead when `settled` (idle and
   * answering), so the next run serves with it.
   */
  async stopAll(settled = false): Promise<void> {
    const app = this.#apps[0];
    if (this.#keeper && !this.options.freshEachRun && app?.running && settled) {
      this.#keeper.keep(app, this.configs[0] as AppConfig);
      this.#handedBack = true;
      return;
    }
    await Promise.all(this.#apps.map(async (a) => a?.stop()));
  }

  /**
   * Polls every running app until its links answer and its strategy's background work is done, or
   * gives up at the deadline (the checkers still run). A dead app has nothing to wait for.
   * True when every app is running and settled.
   */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const settled = await Promise.all(
      this.#apps.map(async (app) => {
        while (app?.running && Date.now() < deadline) {
          const h = await app.health();
          if (h.redis && h.db && h.idle) return true;
          await new Promise((r) => setTimeout(r, 25));
        }
        return false;
      }),
    );
    return settled.every(Boolean);
  }
}

import type { LoadReport, LoadSpec } from '../app/load-spec.js';
import type { AppConfig, AppMessage, LabMessage } from '../app/protocol.js';
import type { ClientOp, Outcome } from '../history/history.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import { entryPoint } from '../stack/entry-points.js';
import { ManagedChild } from '../stack/managed-child.js';

export interface AppAnswer {
  outcome: Outcome;
  value?: number | string | null;
  error?: string;
  /** The strategy threw instead of answering: a bug in its code, not a fault (outcome unknown). */
  strategyThrew?: boolean;
  /** What the strategy did wrong while serving it (e.g. a module's unknown fault point): the run is unknown. */
  problems?: string[];
}

/** The app's links answer (through the proxy); its strategy has no background work left. */
export interface AppHealth {
  redis: boolean;
  db: boolean;
  idle: boolean;
}

export interface Hit {
  point: FaultPoint;
  opId: string;
}

/** What the process tells the run it serves: armed points reached, and (while tracing) the others passed. */
export interface AppHandlers {
  onHit: (hit: Hit) => Promise<void>;
  onPassed?: (hit: Hit) => void;
}

/**
 * The lab's handle on one application-server process. Operations are sent over IPC; a fault point
 * the app reaches is handed to `onHit`, and the app goes on when that promise settles. Killing the
 * process answers every operation still in flight with `unknown`. An exit the lab did not ask for
 * (a crash of the app itself) is kept in `unexpectedExit`.
 */
export class AppProcess {
  readonly #child: ManagedChild;
  readonly #pending = new Map<string, (answer: AppAnswer) => void>();
  readonly #health = new Map<number, (h: AppHealth) => void>();
  #nextHealth = 1;
  readonly #loads = new Map<number, { resolve: (r: LoadReport) => void; reject: (err: Error) => void; started?: () => void }>();
  #nextLoad = 1;
  #stopping = false;
  #unexpectedExit: string | undefined;
  #handlers: AppHandlers;
  /** Why the app said it cannot serve, before it exited. */
  #fatal: string | undefined;
  readonly exited: Promise<void>;

  /** `stderr`: the app's last lines of stderr, kept up to date by whoever reads its output. */
  private constructor(
    child: ManagedChild,
    handlers: AppHandlers,
    private readonly stderr: string[],
  ) {
    this.#child = child;
    this.#handlers = handlers;
    child.onMessage((raw) => {
      const message = raw as AppMessage;
      if (message.type === 'result') {
        const { id, outcome, value, error, strategyThrew, problems } = message;
        this.#pending.get(id)?.({ outcome, value, error, strategyThrew, problems });
        this.#pending.delete(id);
      } else if (message.type === 'hit') {
        void this.#handlers.onHit({ point: message.point, opId: message.opId }).finally(() =>
          this.#send({ type: 'resume', hitId: message.hitId }),
        );
      } else if (message.type === 'passed') {
        this.#handlers.onPassed?.({ point: message.point, opId: message.opId });
      } else if (message.type === 'fatal') {
        this.#fatal = message.error;
      } else if (message.type === 'health') {
        this.#health.get(message.id)?.(message);
        this.#health.delete(message.id);
      } else if (message.type === 'load-started') {
        this.#loads.get(message.id)?.started?.();
      } else if (message.type === 'load-report' || message.type === 'load-refused') {
        const load = this.#loads.get(message.id);
        this.#loads.delete(message.id);
        if (message.type === 'load-report') load?.resolve(message.report);
        else load?.reject(new Error(`the app refused the load: ${message.error}`));
      }
    });
    this.exited = child.exited.then((exit) => {
      if (!this.#stopping) {
        const how = exit.signal ?? `exit code ${String(exit.code)}`;
        this.#unexpectedExit =
          this.#fatal !== undefined
            ? `${this.#fatal} (app pid ${child.pid})`
            : `the app process (pid ${child.pid}) died unexpectedly (${how})${this.stderr.length > 0 ? `: ${this.stderr.join('\n')}` : ''}`;
      }
      for (const resolve of this.#pending.values()) {
        resolve({ outcome: 'unknown', error: 'the app process died before answering' });
      }
      this.#pending.clear();
      for (const resolve of this.#health.values()) resolve({ redis: false, db: false, idle: false });
      this.#health.clear();
      for (const load of this.#loads.values()) load.reject(new Error(`the app process (pid ${child.pid}) exited during the load`));
      this.#loads.clear();
    });
  }

  /** Starts the app and resolves once it has said ready; rejects if it exits first. */
  static async start(
    config: AppConfig,
    handlers: AppHandlers,
    onLog: (line: string) => void = () => undefined,
  ): Promise<AppProcess> {
    const stderr: string[] = [];
    const child = await ManagedChild.spawn({
      role: 'app',
      file: process.execPath,
      args: [entryPoint('app/main')],
      cwd: process.cwd(),
      env: { ...process.env, CACHELAB_APP_CONFIG: JSON.stringify(config) },
      ipc: true,
      output: {
        lines: (line) => {
          stderr.push(line);
          if (stderr.length > 20) stderr.shift();
          onLog(`app: ${line}`);
        },
      },
    });
    const started = new AppProcess(child, handlers, stderr);
    await new Promise<void>((resolve, reject) => {
      child.onMessage((m) => {
        if ((m as AppMessage).type === 'ready') resolve();
      });
      void started.exited.then(() => reject(new Error(started.#unexpectedExit ?? 'the app process exited before it was ready')));
    });
    return started;
  }

  get pid(): number {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.running;
  }

  /** Why the app died when nobody killed or stopped it; undefined while it runs or after kill/stop. */
  get unexpectedExit(): string | undefined {
    return this.#unexpectedExit;
  }

  invoke(id: string, op: ClientOp): Promise<AppAnswer> {
    if (!this.#child.running) return Promise.resolve({ outcome: 'fail', error: 'the app process is not running' });
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#send({ type: 'op', id, op });
    });
  }

  /**
   * Hands the process to a run (the next one, on a process kept between runs): its handlers, every
   * point disarmed, tracing of unarmed points on or off. Messages are ordered: arm() after this arms
   * for that run.
   */
  attach(handlers: AppHandlers, trace: boolean): void {
    this.#handlers = handlers;
    this.#send({ type: 'reset-points', trace });
  }

  arm(points: { point: FaultPoint; opId: string }[]): void {
    this.#send({ type: 'arm', points });
  }

  /** Asks the app whether its own links (through the proxy) answer, and whether its strategy is idle. */
  health(): Promise<AppHealth> {
    if (!this.#child.running) return Promise.resolve({ redis: false, db: false, idle: false });
    const id = this.#nextHealth++;
    return new Promise((resolve) => {
      this.#health.set(id, resolve);
      this.#send({ type: 'health', id });
    });
  }

  /**
   * Runs a closed-loop load inside the app (src/app/load.ts): no message per request. Resolves with
   * its report when the last request has answered; rejects when the spec is refused or the app
   * exits first. Loads may overlap; the store counters they report are the app's, shared.
   * `started` is called when the load's clock starts in the app (after its warm-up).
   */
  load(spec: LoadSpec, started?: () => void): Promise<LoadReport> {
    if (!this.#child.running) return Promise.reject(new Error('the app process is not running'));
    const id = this.#nextLoad++;
    return new Promise((resolve, reject) => {
      this.#loads.set(id, { resolve, reject, ...(started && { started }) });
      this.#send({ type: 'load', id, spec });
    });
  }

  /** SIGKILL: a real crash, memory and queues gone. */
  async kill(): Promise<void> {
    this.#stopping = true;
    await this.#child.kill();
    await this.exited;
  }

  /** Graceful stop (the app closes its clients); SIGKILL after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    this.#stopping = true;
    if (!this.#child.running) return;
    this.#send({ type: 'shutdown' });
    const timer = setTimeout(() => this.#child.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  #send(message: LabMessage): void {
    this.#child.send(message);
  }
}

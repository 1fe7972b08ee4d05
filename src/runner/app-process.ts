import { execaNode, type ResultPromise } from 'execa';
import type { AppConfig, AppMessage, FaultPoint, LabMessage } from '../app/protocol.js';
import { entryPoint } from '../stack/entry-points.js';
import type { ClientOp, Outcome } from './history.js';

export interface AppAnswer {
  outcome: Outcome;
  value?: number | string | null;
  error?: string;
}

export interface Hit {
  point: FaultPoint;
  opId: string;
}

/**
 * The lab's handle on one application-server process. Operations are sent over IPC; a fault point
 * the app reaches is handed to `onHit`, and the app goes on when that promise settles. Killing the
 * process answers every operation still in flight with `unknown`.
 */
const spawnOptions = {
  ipc: true,
  serialization: 'json',
  reject: false,
  stdin: 'ignore',
  stdout: 'ignore',
  stderr: 'pipe',
  cleanup: true,
} as const;

export class AppProcess {
  readonly #child: ResultPromise<typeof spawnOptions & { env: Record<string, string> }>;
  readonly #pending = new Map<string, (answer: AppAnswer) => void>();
  readonly #health = new Map<number, (h: { redis: boolean; db: boolean }) => void>();
  #nextHealth = 1;
  #exited = false;
  readonly exited: Promise<void>;
  readonly pid: number;

  private constructor(config: AppConfig, onHit: (hit: Hit) => Promise<void>, onLog: (line: string) => void) {
    this.#child = execaNode(entryPoint('app/main'), [], {
      ...spawnOptions,
      env: { CACHELAB_APP_CONFIG: JSON.stringify(config) },
    });
    this.pid = this.#child.pid ?? -1;
    this.#child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) onLog(`app: ${line}`);
    });
    this.#child.on('message', (raw) => {
      const message = raw as AppMessage;
      if (message.type === 'result') {
        const { id, outcome, value, error } = message;
        this.#pending.get(id)?.({ outcome, value, error });
        this.#pending.delete(id);
      } else if (message.type === 'hit') {
        void onHit({ point: message.point, opId: message.opId }).finally(() =>
          this.#send({ type: 'resume', hitId: message.hitId }),
        );
      } else if (message.type === 'health') {
        this.#health.get(message.id)?.(message);
        this.#health.delete(message.id);
      }
    });
    this.exited = this.#child.then(() => {
      this.#exited = true;
      for (const resolve of this.#pending.values()) {
        resolve({ outcome: 'unknown', error: 'the app process died before answering' });
      }
      this.#pending.clear();
    });
  }

  /** Starts the app and resolves once it has said ready; rejects if it exits first. */
  static async start(
    config: AppConfig,
    onHit: (hit: Hit) => Promise<void>,
    onLog: (line: string) => void = () => undefined,
  ): Promise<AppProcess> {
    const app = new AppProcess(config, onHit, onLog);
    await new Promise<void>((resolve, reject) => {
      app.#child.on('message', (m) => {
        if ((m as AppMessage).type === 'ready') resolve();
      });
      void app.exited.then(async () => {
        const result = await app.#child;
        reject(new Error(`app process exited before it was ready: ${String(result.stderr).slice(-2000)}`));
      });
    });
    return app;
  }

  invoke(id: string, op: ClientOp): Promise<AppAnswer> {
    if (this.#exited) return Promise.resolve({ outcome: 'fail', error: 'the app process is not running' });
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#send({ type: 'op', id, op });
    });
  }

  arm(points: { point: FaultPoint; opId: string }[]): void {
    this.#send({ type: 'arm', points });
  }

  /** Asks the app whether its own links (through the proxy) answer. */
  health(): Promise<{ redis: boolean; db: boolean }> {
    if (this.#exited) return Promise.resolve({ redis: false, db: false });
    const id = this.#nextHealth++;
    return new Promise((resolve) => {
      this.#health.set(id, resolve);
      this.#send({ type: 'health', id });
    });
  }

  /** SIGKILL: a real crash, memory and queues gone. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful stop; SIGKILL after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.#exited) return;
    this.#send({ type: 'shutdown' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  #send(message: LabMessage): void {
    if (this.#exited || !this.#child.connected) return;
    this.#child.send(message);
  }
}

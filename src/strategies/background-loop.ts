/**
 * What one pass of background work did: 'worked' (go on at once), 'idle' (nothing left to do: poll
 * again later), 'waiting' (work is outstanding but cannot be taken yet: poll again, not idle),
 * 'broken' (a store failed: back off, then try again).
 */
export type PassResult = 'worked' | 'idle' | 'waiting' | 'broken';

/** ms between passes that found nothing to do. */
const POLL_MS = 50;
/** ms to wait after the n-th failed pass in a row: 100, 200, 400, 800, then 1000. */
export const backoffMs = (failures: number): number => Math.min(100 * 2 ** (failures - 1), 1000);

/**
 * Runs `pass` over and over in the app process, as a queue worker or an outbox relay does; it dies
 * with the process. Idle once a pass found nothing to do and no work was handed in since it began
 * (notify), so a caller who just enqueued never sees a stale idle. A pass that throws (a bug in
 * the strategy) is logged and counted as broken.
 */
export class BackgroundLoop {
  #closed = false;
  #idle = false;
  #handedIn = 0;
  #failures = 0;
  #wake: (() => void) | undefined;

  constructor(
    private readonly name: string,
    private readonly pass: () => Promise<PassResult>,
  ) {
    void this.#run();
  }

  /** Work was handed in: not idle until a pass that began after this finds nothing; an idle wait ends now. */
  notify(): void {
    this.#handedIn += 1;
    this.#idle = false;
    this.#wake?.();
  }

  get idle(): boolean {
    return this.#idle;
  }

  /** Consecutive failed passes so far (0 after a pass that did not fail). */
  get failures(): number {
    return this.#failures;
  }

  /** Stops after the pass in progress. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const handedIn = this.#handedIn;
      let result: PassResult;
      try {
        result = await this.pass();
      } catch (err) {
        console.error(`${this.name}: a pass threw: ${err instanceof Error ? err.stack : String(err)}`);
        result = 'broken';
      }
      this.#idle = result === 'idle' && handedIn === this.#handedIn;
      this.#failures = result === 'broken' ? this.#failures + 1 : 0;
      if (result === 'worked') continue;
      await this.#sleep(result === 'broken' ? backoffMs(this.#failures) : POLL_MS, result !== 'broken');
    }
  }

  /** Waits `ms`; a wait for work (wakeable) also ends when work is handed in or on close. */
  #sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = wakeable ? done : () => this.#closed && done();
    });
  }
}

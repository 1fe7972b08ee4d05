import { MAX_TIMER_MS, type Chunk, type StageOutput, type ToxicStage } from './toxic.js';

/**
 * ms: chunks due in less than this are released now. Node timers have 1 ms resolution and may fire a
 * fraction of a ms early; waiting out such a remainder would cost a whole extra ms.
 */
const TIMER_RESOLUTION_MS = 1;

/**
 * Base for toxics that release chunks at computed times (latency, bandwidth, slicer). Chunks leave in
 * the order they were queued, each no earlier than its due time; one timer per stage, never one per
 * chunk, and a chunk already due on an empty queue goes out synchronously (no timer, no allocation).
 */
export abstract class TimedQueueStage implements ToxicStage {
  private readonly queue: { chunk: Chunk; dueAt: number }[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(protected readonly out: StageOutput) {}

  abstract write(chunk: Chunk): void;

  /** Sends `chunk` at `dueAt` (ms, out.now() clock), after everything queued before it. */
  protected enqueue(chunk: Chunk, dueAt: number): void {
    if (this.queue.length === 0 && dueAt <= this.out.now()) {
      this.out.push(chunk);
      return;
    }
    this.queue.push({ chunk, dueAt });
    this.queuedBytes += chunk.data.length;
    if (this.timer === undefined) this.schedule();
  }

  end(): void {
    this.ended = true;
    if (this.queue.length === 0) this.out.close();
  }

  flush(): void {
    this.cancel();
    const queued = this.queue.splice(0);
    this.queuedBytes = 0;
    for (const { chunk } of queued) this.out.push(chunk);
  }

  stop(): void {
    this.cancel();
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  pendingBytes(): number {
    return this.queuedBytes;
  }

  private schedule(): void {
    const head = this.queue[0];
    // Clamped: latency + jitter can exceed Node's longest timer; the release re-checks and waits on.
    if (head !== undefined) this.timer = setTimeout(this.release, Math.min(MAX_TIMER_MS, Math.max(0, head.dueAt - this.out.now())));
  }

  private readonly release = (): void => {
    this.timer = undefined;
    const now = this.out.now();
    // Shift before pushing: a push can reach the end of the link and stop() this stage.
    for (let head = this.queue[0]; head !== undefined && head.dueAt - now < TIMER_RESOLUTION_MS; head = this.queue[0]) {
      this.queue.shift();
      this.queuedBytes -= head.chunk.data.length;
      this.out.push(head.chunk);
    }
    if (this.queue.length > 0) this.schedule();
    else if (this.ended) this.out.close();
  };

  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

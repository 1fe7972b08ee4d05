import { TimedQueueStage } from './timed-queue.js';
import { defineToxic, durationMs, type Chunk, type StageOutput } from './toxic.js';

/** latency: holds each chunk until its arrival time plus latency ± jitter. */
export interface LatencyAttributes {
  /** ms added to every chunk */
  readonly latency: number;
  /** ms; each chunk's delay is drawn uniformly from [latency - jitter, latency + jitter); below 0 means none */
  readonly jitter: number;
}

/**
 * The delay counts from the chunk's arrival, not from when the previous chunk left, so a steady stream
 * keeps its throughput and delays do not pile up. Order is kept: with jitter, a chunk drawn shorter
 * than the one before it leaves right after that one.
 */
class LatencyStage extends TimedQueueStage {
  constructor(
    private readonly attrs: LatencyAttributes,
    out: StageOutput,
  ) {
    super(out);
  }

  write(chunk: Chunk): void {
    const delay = this.delayMs();
    if (delay <= 0) return this.enqueue(chunk, chunk.arrivedAt);
    const dueAt = chunk.arrivedAt + delay;
    // Stamped with its due time, so a latency toxic after this one adds its delay to ours.
    this.enqueue({ data: chunk.data, arrivedAt: dueAt }, dueAt);
  }

  private delayMs(): number {
    const { latency, jitter } = this.attrs;
    if (jitter <= 0) return latency;
    return latency + Math.floor(this.out.random() * 2 * jitter) - jitter;
  }
}

export const latency = defineToxic<LatencyAttributes>({
  type: 'latency',
  goStruct: 'LatencyToxic',
  attributes: { latency: durationMs, jitter: durationMs },
  createStage: (attrs, out) => new LatencyStage(attrs, out),
});

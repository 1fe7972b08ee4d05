import { TimedQueueStage } from './timed-queue.js';
import { defineToxic, type Chunk, type StageOutput } from './toxic.js';

/** bandwidth: passes data at a limited rate. */
export interface BandwidthAttributes {
  /** KB/s, where 1 KB = 1000 bytes (rate 1000 = 1,000,000 bytes/s); at least 1 */
  readonly rate: number;
}

/** A piece never holds more than 100 ms worth of bytes, so a slow rate still trickles steadily. */
const MAX_PIECE_MS = 100;

/**
 * Each byte costs 1/rate ms of link time. Due times come from a running clock that only restarts from
 * "now" when the link was idle, so a late timer is caught up on the next piece (the real server's
 * carry-over correction) and the long-run rate stays exact.
 */
class BandwidthStage extends TimedQueueStage {
  /** ms: when the bytes queued so far have used up their link time */
  private freeAt = -Infinity;

  constructor(
    private readonly attrs: BandwidthAttributes,
    out: StageOutput,
  ) {
    super(out);
  }

  write(chunk: Chunk): void {
    const bytesPerMs = this.attrs.rate;
    const maxPiece = bytesPerMs * MAX_PIECE_MS;
    let dueAt = Math.max(this.freeAt, this.out.now());
    for (let offset = 0; offset < chunk.data.length; offset += maxPiece) {
      const data = chunk.data.subarray(offset, offset + maxPiece);
      dueAt += data.length / bytesPerMs;
      this.enqueue({ data, arrivedAt: chunk.arrivedAt }, dueAt);
    }
    this.freeAt = dueAt;
  }
}

export const bandwidth = defineToxic<BandwidthAttributes>({
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  // The real server stalls the direction for good on rate <= 0; we refuse it.
  attributes: { rate: { goType: 'int64', unit: 'KB/s', min: 1, max: Number.MAX_SAFE_INTEGER } },
  createStage: (attrs, out) => new BandwidthStage(attrs, out),
});

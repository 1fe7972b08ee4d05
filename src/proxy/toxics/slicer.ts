import { TimedQueueStage } from './timed-queue.js';
import { defineToxic, type Chunk, type StageOutput } from './toxic.js';

/** slicer: splits each chunk into smaller pieces, optionally with a delay between them. */
export interface SlicerAttributes {
  /** bytes: average piece size; at least 1 */
  readonly average_size: number;
  /** bytes: pieces vary by up to ± this much; at most average_size + 1 */
  readonly size_variation: number;
  /** µs (not ms) waited after each piece */
  readonly delay: number;
}

/** Largest Go `int` on the 32-bit builds of the real server; plenty for sizes. */
const MAX_INT32 = 2_147_483_647;

/**
 * Piece boundaries for `length` bytes, as the real server computes them: halve around the middle,
 * shifted by up to ± size_variation, until a piece is within size_variation of average_size. With
 * 1 <= average_size and size_variation <= average_size + 1 every split point lies within the piece
 * (at worst on its start: an empty half, dropped, and the other half split again with a new draw),
 * so this terminates; the real server recurses forever or panics outside that range, we refuse it.
 */
export function sliceOffsets(length: number, attrs: SlicerAttributes, random: () => number): number[] {
  const ends: number[] = [];
  const split = (start: number, end: number): void => {
    if (end <= start) return;
    if (end - start - attrs.average_size <= attrs.size_variation) {
      ends.push(end);
      return;
    }
    const v = attrs.size_variation;
    const shift = v > 0 ? Math.floor(random() * 2 * v) - v : 0;
    const mid = start + Math.floor((end - start) / 2) + shift;
    split(start, mid);
    split(mid, end);
  };
  if (length > 0) split(0, length);
  return ends;
}

class SlicerStage extends TimedQueueStage {
  /** ms: when the delay after the last queued piece is over */
  private freeAt = -Infinity;

  constructor(
    private readonly attrs: SlicerAttributes,
    out: StageOutput,
  ) {
    super(out);
  }

  write(chunk: Chunk): void {
    const delayMs = this.attrs.delay / 1000;
    let dueAt = Math.max(this.freeAt, this.out.now());
    let start = 0;
    for (const end of sliceOffsets(chunk.data.length, this.attrs, () => this.out.random())) {
      this.enqueue({ data: chunk.data.subarray(start, end), arrivedAt: chunk.arrivedAt }, dueAt);
      start = end;
      dueAt += delayMs;
    }
    this.freeAt = dueAt;
  }
}

export const slicer = defineToxic<SlicerAttributes>({
  type: 'slicer',
  goStruct: 'SlicerToxic',
  attributes: {
    average_size: { goType: 'int', unit: 'bytes', min: 1, max: MAX_INT32 },
    size_variation: { goType: 'int', unit: 'bytes', min: 0, max: MAX_INT32 },
    delay: { goType: 'int', unit: 'µs', min: 0, max: MAX_INT32 },
  },
  validate: (attrs) =>
    attrs.size_variation <= attrs.average_size + 1
      ? undefined
      : `slicer size_variation (${attrs.size_variation}) must be at most average_size + 1 (${attrs.average_size + 1}): the real Toxiproxy panics beyond that`,
  createStage: (attrs, out) => new SlicerStage(attrs, out),
});

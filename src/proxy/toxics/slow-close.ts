import { defineToxic, durationMs, type Chunk, type StageOutput, type ToxicStage } from './toxic.js';

/** slow_close: passes data at once but delays the close after end-of-stream. */
export interface SlowCloseAttributes {
  /** ms between the source's end-of-stream and the close reaching the other peer */
  readonly delay: number;
}

class SlowCloseStage implements ToxicStage {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly attrs: SlowCloseAttributes,
    private readonly out: StageOutput,
  ) {}

  write(chunk: Chunk): void {
    this.out.push(chunk);
  }

  end(): void {
    if (this.attrs.delay === 0) this.out.close();
    else this.timer = setTimeout(() => this.out.close(), this.attrs.delay);
  }

  /** Removed during the wait, the close then goes out at once (the link re-delivers end-of-stream to a pass-through). */
  flush(): void {
    this.stop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export const slowClose = defineToxic<SlowCloseAttributes>({
  type: 'slow_close',
  goStruct: 'SlowCloseToxic',
  attributes: { delay: durationMs },
  createStage: (attrs, out) => new SlowCloseStage(attrs, out),
});

import { defineToxic, durationMs, type StageOutput, type ToxicStage } from './toxic.js';

/** timeout: discards all data in its direction, and closes the connection after a silence. */
export interface TimeoutAttributes {
  /** ms without any chunk arriving before the connection is closed; 0 = discard forever, never close */
  readonly timeout: number;
}

class TimeoutStage implements ToxicStage {
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    attrs: TimeoutAttributes,
    private readonly out: StageOutput,
  ) {
    // The silence is counted from the moment the toxic starts on the link.
    if (attrs.timeout > 0) this.timer = setTimeout(() => this.out.close(), attrs.timeout);
  }

  /** Discards the chunk; a chatty peer is never closed, because each chunk restarts the silence. */
  write(): void {
    this.timer?.refresh();
  }

  end(): void {
    this.stop();
    this.out.close();
  }

  flush(): void {
    this.stop();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

export const timeout = defineToxic<TimeoutAttributes>({
  type: 'timeout',
  goStruct: 'TimeoutToxic',
  attributes: { timeout: durationMs },
  createStage: (attrs, out) => new TimeoutStage(attrs, out),
  // As in the real server: removing it (also by /reset) closes its links, noop draws included.
  closesLinkOnRemove: true,
});

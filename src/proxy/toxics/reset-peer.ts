import { defineToxic, durationMs, type StageOutput, type ToxicStage } from './toxic.js';

/** reset_peer: on the first chunk (or end-of-stream), waits, then resets the connection. */
export interface ResetPeerAttributes {
  /** ms between the first chunk in this direction and the close */
  readonly timeout: number;
}

/**
 * The close is a TCP RST (the peer's read fails with ECONNRESET) on connections accepted while the
 * toxic was on the proxy: those sockets got SO_LINGER 0 (see lingerZero). Added to an open connection,
 * the same close is a normal FIN. An idle direction is never reset.
 */
class ResetPeerStage implements ToxicStage {
  private armed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly attrs: ResetPeerAttributes,
    private readonly out: StageOutput,
  ) {}

  /** The first chunk is discarded and starts the wait; later ones are discarded too. */
  write(): void {
    this.arm();
  }

  end(): void {
    this.arm();
  }

  /** Once started, the wait cannot be cut short by an update or removal, as in the real server. */
  flush(): void {}

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    if (this.attrs.timeout === 0) this.out.close();
    else this.timer = setTimeout(() => this.out.close(), this.attrs.timeout);
  }
}

export const resetPeer = defineToxic<ResetPeerAttributes>({
  type: 'reset_peer',
  goStruct: 'ResetToxic',
  attributes: { timeout: durationMs },
  createStage: (attrs, out) => new ResetPeerStage(attrs, out),
  lingerZero: true,
});

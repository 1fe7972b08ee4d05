import { defineToxic, type Chunk, type StageOutput, type ToxicStage } from './toxic.js';

/** limit_data: closes the connection once a number of bytes went through in its direction. */
export interface LimitDataAttributes {
  /** bytes forwarded on each connection before it is closed; 0 closes on the first chunk */
  readonly bytes: number;
}

/** Per link; survives updates, so raising `bytes` lets more through on the same connection. */
export interface LimitDataState {
  /** bytes forwarded so far */
  transmitted: number;
}

class LimitDataStage implements ToxicStage {
  constructor(
    private readonly attrs: LimitDataAttributes,
    private readonly out: StageOutput,
    private readonly state: LimitDataState,
  ) {}

  /** The chunk that crosses the limit is cut to fit, then the link closes. */
  write(chunk: Chunk): void {
    const remaining = Math.max(0, this.attrs.bytes - this.state.transmitted);
    const data = remaining < chunk.data.length ? chunk.data.subarray(0, remaining) : chunk.data;
    if (data.length > 0) {
      this.state.transmitted += data.length;
      this.out.push(data === chunk.data ? chunk : { data, arrivedAt: chunk.arrivedAt });
    }
    if (this.state.transmitted >= this.attrs.bytes) this.out.close();
  }

  end(): void {
    this.out.close();
  }

  flush(): void {}

  stop(): void {}
}

export const limitData = defineToxic<LimitDataAttributes, LimitDataState>({
  type: 'limit_data',
  goStruct: 'LimitDataToxic',
  attributes: { bytes: { goType: 'int64', unit: 'bytes', min: 0, max: Number.MAX_SAFE_INTEGER } },
  newState: () => ({ transmitted: 0 }),
  createStage: (attrs, out, state) => new LimitDataStage(attrs, out, state),
});

import { defineToxic, type Chunk, type StageOutput, type ToxicStage } from './toxic.js';

/** Passes every chunk on unchanged. Also what a toxic runs as on a link where its toxicity draw failed. */
export class PassThrough implements ToxicStage {
  constructor(private readonly out: StageOutput) {}

  write(chunk: Chunk): void {
    this.out.push(chunk);
  }

  end(): void {
    this.out.close();
  }

  flush(): void {}

  stop(): void {}
}

/** noop: no attributes; accepted by the API like any toxic. */
export type NoopAttributes = Record<never, number>;

export const noop = defineToxic<NoopAttributes>({
  type: 'noop',
  goStruct: 'NoopToxic',
  attributes: {},
  createStage: (_attrs, out) => new PassThrough(out),
});

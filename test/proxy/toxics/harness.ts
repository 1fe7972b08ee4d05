import { createRandom } from '../../../src/proxy/random.js';
import type { AnyToxicDefinition, Attributes, Chunk, StageOutput, ToxicStage } from '../../../src/proxy/toxics/toxic.js';

/**
 * Runs one toxic stage on in-memory chunks. Use with vi.useFakeTimers(): the stage's clock is
 * Date.now(), which fake timers move with the timers.
 */
export class StageHarness {
  readonly pushed: { data: Buffer; at: number; arrivedAt: number }[] = [];
  closedAt: number | undefined;
  readonly out: StageOutput;
  readonly stage: ToxicStage;

  constructor(definition: AnyToxicDefinition, attributes: Attributes, state?: unknown, seed = 1) {
    const random = createRandom(seed);
    this.out = {
      push: (chunk: Chunk) => this.pushed.push({ data: chunk.data, at: Date.now(), arrivedAt: chunk.arrivedAt }),
      close: () => {
        this.closedAt ??= Date.now();
      },
      random,
      now: () => Date.now(),
    };
    this.stage = definition.createStage(attributes, this.out, state ?? definition.newState?.());
  }

  /** Writes `data` as a chunk that arrived now (or `ageMs` ago). */
  write(data: Buffer | string, ageMs = 0): void {
    this.stage.write({ data: Buffer.from(data), arrivedAt: Date.now() - ageMs });
  }

  /** Everything pushed so far, concatenated. */
  output(): Buffer {
    return Buffer.concat(this.pushed.map((p) => p.data));
  }
}

/** Deterministic bytes: 0, 1, 2, ... 255, 0, ... */
export function pattern(length: number): Buffer {
  const buf = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buf[i] = i & 0xff;
  return buf;
}

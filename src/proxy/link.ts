import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Toxic } from './toxic-collection.js';
import { PassThrough } from './toxics/noop.js';
import type { Chunk, StageOutput, ToxicStage } from './toxics/toxic.js';

export type Direction = 'upstream' | 'downstream';

/**
 * Bytes held inside a link's toxics beyond which the source socket is paused: the real server's
 * latency buffer, 1024 chunks of 32 KiB. Large, so a 100 ms latency still carries ~100 MB/s.
 */
const HIGH_WATER_BYTES = 32 * 1024 * 1024;

/** Takes chunks from the stage before it. */
interface Input {
  write(chunk: Chunk): void;
  end(): void;
}

export interface LinkEnv {
  random(): number;
  /** The link's output ended: close its destination socket (this tears the connection down). */
  finish(): void;
}

/**
 * One direction of one connection, source socket -> toxics -> destination socket (link.go in the real
 * server). With no toxics, bytes go straight from the source's 'data' event into the destination
 * socket: no timestamps, no allocations, nearly a bare pipe. With toxics, each chunk runs through a
 * chain of slots, one per toxic in creation order, each running its toxic's stage (or a pass-through
 * where the toxicity draw failed). Toxics added, updated and removed apply at once to the open link;
 * chunks are never lost or reordered, because every change first flushes the affected stage onward
 * synchronously and only then rewires the chain.
 */
export class ToxicLink {
  private readonly slots: Slot[] = [];
  /** First stage, or null for the fast path straight into the destination. */
  private head: Input | null = null;
  private readonly sink: Input;
  /** No more input is taken: the source ended, or the link finished or was stopped. */
  private inputEnded = false;
  private closed = false;
  private paused = false;

  constructor(
    readonly direction: Direction,
    private readonly source: Socket,
    private readonly dest: Socket,
    toxics: readonly Toxic[],
    private readonly env: LinkEnv,
  ) {
    this.sink = { write: (chunk) => this.writeDest(chunk.data), end: () => this.finish() };
    let next = this.sink;
    for (let i = toxics.length - 1; i >= 0; i--) {
      const slot = new Slot(toxics[i] as Toxic, next, env);
      this.slots.unshift(slot);
      next = slot;
    }
    this.head = this.slots[0] ?? null;
    source.on('data', this.onData);
    source.on('end', this.sourceEnded);
    dest.on('drain', this.onDrain);
  }

  /** End-of-stream from the source: a FIN, an error, or the socket closed (by us or the peer). */
  readonly sourceEnded = (): void => {
    if (this.inputEnded) return;
    this.inputEnded = true;
    if (this.head === null) this.finish();
    else this.head.end();
  };

  /** The connection is being closed from outside (proxy disabled or deleted): drop everything. */
  stop(): void {
    this.inputEnded = true;
    this.closed = true;
    for (const slot of this.slots) slot.stage.stop();
  }

  /** Appends a toxic to the end of the chain; the toxic before it restarts (new toxicity draw). */
  addToxic(toxic: Toxic): void {
    if (this.closed) return;
    const slot = new Slot(toxic, this.sink, this.env);
    const last = this.slots.at(-1);
    this.slots.push(slot);
    if (last === undefined) this.head = slot;
    else last.restart(() => (last.next = slot));
  }

  /** Restarts the toxic's stage with its new attributes and toxicity (a new draw); state is kept. */
  updateToxic(toxic: Toxic): void {
    if (!this.closed) this.slots.find((slot) => slot.toxic === toxic)?.restart();
  }

  /** Takes a toxic out: its held chunks go on first, then the toxic before it restarts. */
  removeToxic(toxic: Toxic): void {
    const index = this.slots.findIndex((slot) => slot.toxic === toxic);
    const slot = this.slots[index];
    if (this.closed || slot === undefined) return;
    slot.retire();
    if (toxic.definition.closesLinkOnRemove) slot.close();
    this.slots.splice(index, 1);
    const prev = this.slots[index - 1];
    if (prev === undefined) this.head = this.slots[0] ?? null;
    else if (!this.closed) prev.restart(() => (prev.next = slot.next));
  }

  private readonly onData = (data: Buffer): void => {
    if (this.inputEnded) return;
    const head = this.head;
    if (head === null) {
      if (!this.dest.write(data)) this.pause();
      return;
    }
    head.write({ data, arrivedAt: performance.now() });
    if (!this.paused && (this.dest.writableNeedDrain || this.pendingBytes() > HIGH_WATER_BYTES)) this.pause();
  };

  private writeDest(data: Buffer): void {
    if (this.closed) return;
    if (!this.dest.write(data)) this.pause();
    else if (this.paused) this.onDrain();
  }

  private finish(): void {
    if (this.closed) return;
    this.stop();
    this.env.finish();
  }

  private pause(): void {
    this.paused = true;
    this.source.pause();
  }

  private readonly onDrain = (): void => {
    if (!this.paused || this.dest.writableNeedDrain || this.pendingBytes() > HIGH_WATER_BYTES) return;
    this.paused = false;
    this.source.resume();
  };

  private pendingBytes(): number {
    let bytes = 0;
    for (const slot of this.slots) bytes += slot.stage.pendingBytes?.() ?? 0;
    return bytes;
  }
}

/** One toxic on one link: runs the toxic's stage, or a pass-through where the toxicity draw failed. */
class Slot implements Input, StageOutput {
  stage: ToxicStage;
  /** Per-link toxic state (limit_data's count): survives restarts. */
  private readonly state: unknown;
  private inputEnded = false;
  private outputClosed = false;

  constructor(
    readonly toxic: Toxic,
    public next: Input,
    private readonly env: LinkEnv,
  ) {
    this.state = toxic.definition.newState?.();
    this.stage = this.draw();
  }

  write(chunk: Chunk): void {
    if (!this.inputEnded && !this.outputClosed) this.stage.write(chunk);
  }

  end(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    if (!this.outputClosed) this.stage.end();
  }

  push(chunk: Chunk): void {
    if (!this.outputClosed) this.next.write(chunk);
  }

  close(): void {
    if (this.outputClosed) return;
    this.outputClosed = true;
    this.next.end();
  }

  random(): number {
    return this.env.random();
  }

  now(): number {
    return performance.now();
  }

  /**
   * Flushes the running stage onward, applies `rewire` (pointing `next` elsewhere), and starts a fresh
   * stage with a new toxicity draw, as the real server does whenever it interrupts a toxic. An
   * end-of-stream that already arrived goes to the fresh stage, so it flows through the new wiring.
   */
  restart(rewire?: () => void): void {
    this.stage.flush();
    rewire?.();
    if (this.outputClosed) return;
    this.stage = this.draw();
    if (this.inputEnded) this.stage.end();
  }

  /** The toxic is removed: held chunks go on, then everything passes straight through. */
  retire(): void {
    this.stage.flush();
    this.stage = new PassThrough(this);
    if (this.inputEnded) this.stage.end();
  }

  /** Toxicity is drawn per link and per start: r < toxicity runs the toxic, otherwise a pass-through. */
  private draw(): ToxicStage {
    const { definition, toxicity, attributes } = this.toxic;
    if (this.env.random() < toxicity) return definition.createStage(attributes, this, this.state);
    return new PassThrough(this);
  }
}

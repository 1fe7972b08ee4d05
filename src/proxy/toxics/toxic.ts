/**
 * The toxic model, after Shopify/toxiproxy's toxics/toxic.go.
 *
 * A toxic type is a definition registered by name: its attributes (a plain struct of integers, units in
 * the names and comments) and a factory for stages. A stage is one toxic running on one link (one
 * direction of one connection). It receives chunks and pushes them on, possibly later, split, or not at
 * all, and may close the link. Stages are plain objects driven by calls, so every toxic can be tested
 * on in-memory chunks without sockets.
 */

/** One socket read, as it moves along a link. */
export interface Chunk {
  readonly data: Buffer;
  /**
   * ms on the StageOutput.now() clock: when the chunk was read from the source, or when a delaying
   * toxic before this one was due to release it (so chained latencies add up instead of overlapping).
   */
  readonly arrivedAt: number;
}

/** What a stage may do to the rest of its link. */
export interface StageOutput {
  /** Pass a chunk to the next stage (or the destination socket). Synchronous. */
  push(chunk: Chunk): void;
  /**
   * End this stage's output: the stages after it see end-of-stream, then the link closes its
   * destination socket and the connection goes down (there is no half-close). Idempotent.
   */
  close(): void;
  /** Uniform in [0, 1), from the server's generator (seedable with --seed). */
  random(): number;
  /** ms, monotonic; the clock of Chunk.arrivedAt. */
  now(): number;
}

/**
 * One toxic running on one link. Calls arrive in stream order; a stage must keep the order of the bytes
 * it passes on.
 */
export interface ToxicStage {
  /** A chunk arrived from the previous stage. */
  write(chunk: Chunk): void;
  /** The previous stage ended (end-of-stream). Called at most once. */
  end(): void;
  /**
   * The toxic is being updated, removed, or restarted because its neighbour changed: cancel timers and
   * push every chunk still held, now and in order. Do not close: if end() already arrived, the link
   * hands it to whatever replaces this stage. The stage gets no further calls. (Only reset_peer's
   * wait, once started, cannot be cut short.)
   */
  flush(): void;
  /** The link is gone: drop whatever is held and cancel timers. No further output. */
  stop(): void;
  /** Bytes held and not yet pushed, for backpressure on the source socket. Omitted: holds nothing. */
  pendingBytes?(): number;
}

/** One integer attribute of a toxic type. */
export interface AttributeSpec {
  /** Go type in the real server, used in decoder error messages: int64, or int for the slicer. */
  readonly goType: 'int64' | 'int';
  /** What the number counts, e.g. "ms", "bytes", "KB/s": printed in validation errors. */
  readonly unit: string;
  /** Smallest value we accept (the real server accepts anything and may stall or crash). */
  readonly min: number;
  /** Largest value we accept, e.g. Node's longest timer for durations. */
  readonly max: number;
}

/** Longest duration a Node timer can wait: 2^31 - 1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A duration in ms, the unit of every toxic time except the slicer's delay. */
export const durationMs: AttributeSpec = { goType: 'int64', unit: 'ms', min: 0, max: MAX_TIMER_MS };

/** Attribute values, keyed like the JSON; every toxic's attributes are integers. */
export type Attributes = Readonly<Record<string, number>>;

/** A toxic's attribute struct: any object type whose fields are all numbers. */
export type AttributeStruct<A> = { readonly [K in keyof A]: number };

export interface ToxicDefinition<A extends AttributeStruct<A> = Attributes, S = undefined> {
  /** The registered type name, as in the API. */
  readonly type: string;
  /** Go struct name in the real server, used in decoder error messages. */
  readonly goStruct: string;
  /** Attribute specs in JSON output order. Missing attributes are 0. */
  readonly attributes: { readonly [K in keyof A]: AttributeSpec };
  /** Checks across attributes; returns what is wrong and what is valid, or undefined. */
  validate?(attrs: A): string | undefined;
  /** Per-link state that survives updates and restarts of the stage (limit_data's byte count). */
  newState?(): S;
  /** Starts the toxic on a link. */
  createStage(attrs: A, out: StageOutput, state: S): ToxicStage;
  /** Removing the toxic closes every link it was attached to, even where toxicity made it a noop (timeout). */
  readonly closesLinkOnRemove?: boolean;
  /**
   * Connections accepted while the toxic is on the proxy get SO_LINGER 0 on both sockets, so every
   * close of them is a TCP RST (reset_peer).
   */
  readonly lingerZero?: boolean;
}

/** A definition with its attribute and state types erased, as stored in the registry. */
export type AnyToxicDefinition = ToxicDefinition<Attributes, unknown>;

/** A definition, type-checked against its own attribute struct, as the registry stores it. */
export function defineToxic<A extends AttributeStruct<A>, S = undefined>(def: ToxicDefinition<A, S>): AnyToxicDefinition {
  return def;
}

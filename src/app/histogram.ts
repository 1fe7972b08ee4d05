import * as hdr from 'hdr-histogram-js';

/** Latency figures of one histogram, ms. All 0 when it holds no value. */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/**
 * An HDR histogram of latencies (hdr-histogram-js), recorded in whole microseconds: values are
 * kept to `digits` significant decimal digits whatever their size (3: within 0.1%), from 1 µs up,
 * growing as needed. Encoded as the library's compressed base64, readable by any HdrHistogram.
 */
export class LatencyHistogram {
  readonly #h: hdr.Histogram;

  constructor(digits: 1 | 2 | 3 | 4 | 5 = 3, h?: hdr.Histogram) {
    this.#h = h ?? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: digits, autoResize: true });
  }

  static decode(encoded: string): LatencyHistogram {
    return new LatencyHistogram(3, hdr.decodeFromCompressedBase64(encoded));
  }

  /** One latency, ms (sub-ms precision kept to the µs; below 1 µs counts as 1 µs). */
  record(ms: number): void {
    this.#h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.#h.totalCount;
  }

  /** The value at `percentile` (0-100), ms. */
  percentileMs(percentile: number): number {
    return this.#h.totalCount === 0 ? 0 : this.#h.getValueAtPercentile(percentile) / 1000;
  }

  /** Adds every value of `other` to this one. */
  add(other: LatencyHistogram): void {
    this.#h.add(other.#h);
  }

  summary(): LatencySummary {
    const h = this.#h;
    if (h.totalCount === 0) return { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
    const ms = (us: number): number => round3(us / 1000);
    return {
      count: h.totalCount,
      meanMs: ms(h.mean),
      p50Ms: ms(h.getValueAtPercentile(50)),
      p90Ms: ms(h.getValueAtPercentile(90)),
      p99Ms: ms(h.getValueAtPercentile(99)),
      p999Ms: ms(h.getValueAtPercentile(99.9)),
      maxMs: ms(h.maxValue),
    };
  }

  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#h);
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

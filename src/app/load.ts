import { copyCounters, countersSince, type StoreCounters } from '../drivers/counters.js';
import type { Outcome } from '../history/history.js';
import type { AppResult } from './app-server.js';
import { LatencyHistogram } from './histogram.js';
import { keyChooser, keyChoiceProblem, seededRandom } from './key-chooser.js';
import { DEFAULT_BUCKET_MS, type LoadBucket, type LoadReport, type LoadSpec } from './load-spec.js';

/** What the load generator drives: the app's strategy and its clients' counters. */
export interface LoadTarget {
  read(id: string, key: string): Promise<AppResult>;
  /** The baseline: a bare GET (op 'redis-get'). */
  redisGet(key: string): Promise<{ outcome: Outcome; error?: string }>;
  /** Live counters of the app's store clients (read, never reset). */
  counters: StoreCounters;
}

/** What is wrong with a spec, or undefined. */
export function loadSpecProblem(spec: LoadSpec): string | undefined {
  if (!(Number.isInteger(spec.concurrency) && spec.concurrency >= 1)) return 'concurrency must be a whole number of at least 1';
  if (!(spec.durationMs > 0)) return 'durationMs must be above 0';
  if (spec.bucketMs !== undefined && !(spec.bucketMs >= 1)) return 'bucketMs must be at least 1';
  if (spec.thinkMs !== undefined && !(spec.thinkMs >= 0)) return 'thinkMs must be 0 or more';
  if (spec.deadlineMs !== undefined && !(spec.deadlineMs > 0)) return 'deadlineMs must be above 0';
  if (spec.op !== 'read' && spec.op !== 'redis-get') return "op must be 'read' or 'redis-get'";
  return keyChoiceProblem(spec.keys);
}

/**
 * Runs a closed loop of spec.concurrency workers inside the app process (no message per request)
 * and reports what it measured. `id` names the load; request ids are `${id}:${n}`. Never rejects
 * for what the stores do: a failed request is counted and timed like any other.
 */
export async function runLoad(target: LoadTarget, spec: LoadSpec, id: string, onStart: () => void = () => undefined): Promise<LoadReport> {
  const random = seededRandom(spec.seed ?? 1);
  const next = keyChooser(spec.keys, random);
  const think = spec.thinkMs ?? 0;
  let n = 0;
  const issue = (key: string): Promise<AppResult> =>
    spec.op === 'read' ? target.read(`${id}:${n++}`, key) : target.redisGet(key);

  let warmedKeys = 0;
  if (spec.warmHotKeys && spec.keys.kind === 'hot-cold') {
    const { prefix, hotKeys } = spec.keys;
    let i = 0;
    await workers(spec.concurrency, async () => {
      while (i < hotKeys) await target.read(`${id}:warm:${i}`, `${prefix}${i++}`);
    });
    warmedKeys = hotKeys;
  }

  // The baseline's connection is opened on first use: open it before the clock (and the counters) start.
  if (spec.op === 'redis-get') await target.redisGet(next());

  const all = new LatencyHistogram();
  const hits = new LatencyHistogram();
  const misses = new LatencyHistogram();
  const counts = { requests: 0, ok: 0, fail: 0, unknown: 0, late: 0, hits: 0, misses: 0 };
  const errors = new Set<string>();
  const timeline = new Timeline(spec.bucketMs ?? DEFAULT_BUCKET_MS, target.counters);
  const before = copyCounters(target.counters);
  const start = performance.now();
  timeline.start(start);
  onStart();
  const deadline = start + spec.durationMs;
  let last = start;

  await workers(spec.concurrency, async () => {
    if (think > 0) await pause(random() * think);
    while (performance.now() < deadline) {
      const key = next();
      const began = performance.now();
      const answer = await issue(key);
      const ended = performance.now();
      last = Math.max(last, ended);
      const ms = ended - began;
      all.record(ms);
      counts.requests += 1;
      counts[answer.outcome] += 1;
      if (answer.outcome !== 'ok' && answer.error !== undefined && errors.size < 5) errors.add(answer.error);
      const late = spec.deadlineMs !== undefined && ms > spec.deadlineMs;
      if (late) {
        counts.late += 1;
        if (errors.size < 5) errors.add(`answered after the deadline of ${spec.deadlineMs} ms`);
      }
      const hit = answer.outcome === 'ok' ? answer.cacheHit : undefined;
      if (hit === true) {
        counts.hits += 1;
        hits.record(ms);
      } else if (hit === false) {
        counts.misses += 1;
        misses.record(ms);
      }
      timeline.completed(ended, ms, answer.outcome !== 'ok' || late, hit);
      if (think > 0 && performance.now() < deadline) await pause(think);
    }
  });
  timeline.stop(last);

  const elapsedMs = last - start;
  return {
    spec,
    elapsedMs: round3(elapsedMs),
    warmedKeys,
    counts,
    throughput: elapsedMs > 0 ? round3((counts.requests * 1000) / elapsedMs) : 0,
    latency: { all: all.summary(), hits: hits.summary(), misses: misses.summary() },
    histograms: { all: all.encode(), hits: hits.encode(), misses: misses.encode() },
    stores: roundCounters(countersSince(before, target.counters)),
    timeline: timeline.buckets,
    errors: [...errors],
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function workers(count: number, body: () => Promise<void>): Promise<void> {
  return Promise.all(Array.from({ length: count }, body)).then(() => undefined);
}

/**
 * Fixed buckets of the load's clock. A bucket closes (its store counters read) when a request
 * completes after its end or when a timer a bucket wide fires, whichever is first; the last one
 * closes when the load ends.
 */
class Timeline {
  readonly buckets: LoadBucket[] = [];
  #open: { bucket: LoadBucket; latencies: LatencyHistogram; since: StoreCounters } | undefined;
  #start = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bucketMs: number,
    private readonly counters: StoreCounters,
  ) {}

  start(at: number): void {
    this.#start = at;
    this.#openAt(0);
    this.#timer = setInterval(() => this.#rollTo(performance.now()), this.bucketMs);
  }

  completed(at: number, ms: number, error: boolean, hit: boolean | undefined): void {
    this.#rollTo(at);
    const open = this.#open;
    if (!open) return;
    open.bucket.requests += 1;
    if (error) open.bucket.errors += 1;
    if (hit === true) open.bucket.hits += 1;
    if (hit === false) open.bucket.misses += 1;
    open.latencies.record(ms);
  }

  stop(at: number): void {
    clearInterval(this.#timer);
    this.#rollTo(at);
    this.#close();
  }

  #rollTo(at: number): void {
    const index = Math.floor((at - this.#start) / this.bucketMs);
    while (this.#open && this.#open.bucket.startMs / this.bucketMs < index) {
      const nextIndex = this.#open.bucket.startMs / this.bucketMs + 1;
      this.#close();
      this.#openAt(nextIndex);
    }
  }

  #openAt(index: number): void {
    this.#open = {
      bucket: { startMs: index * this.bucketMs, requests: 0, errors: 0, hits: 0, misses: 0, meanMs: 0, p99Ms: 0, stores: countersSince(this.counters, this.counters) },
      latencies: new LatencyHistogram(2),
      since: copyCounters(this.counters),
    };
  }

  #close(): void {
    const open = this.#open;
    if (!open) return;
    const { meanMs, p99Ms } = open.latencies.summary();
    this.buckets.push({ ...open.bucket, meanMs, p99Ms, stores: roundCounters(countersSince(open.since, this.counters)) });
    this.#open = undefined;
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const roundCounters = (c: StoreCounters): StoreCounters => ({ ...c, dbStatementMs: round3(c.dbStatementMs), poolWaitMs: round3(c.poolWaitMs) });

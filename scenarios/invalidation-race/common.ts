import type { CheckResult } from '../../src/checkers/checker.js';
import type { ScenarioContract, WorkloadContext } from '../../src/runner/scenario.js';

/** The one register both interleavings race on: a price, 100 before the workload. */
export const PRICE = 'price:book';
export const INITIAL_PRICE = 100;

/** The data contract both interleavings share (the register checker reads the history and both stores). */
export const priceTable: ScenarioContract['tables'][number] = {
  name: 'records',
  columns: ['key', 'value'],
  rule: `the price: one row, key ${PRICE}, ${INITIAL_PRICE} at the start. The last acknowledged write must be what it holds at the end`,
};
export const priceCache =
  `${PRICE} in the cache holds the price as a decimal string. A read that starts after a write was acknowledged must return ` +
  'that price or a later one; after the readers stop the cache must equal records.value or miss the key (stale is inconsistent, ' +
  'even with a TTL). Keep any other key under _meta: (never compared)';

/** How long readers keep reading once the interleaving is over, ms, and how often each reads. */
export const READ_FOR_MS = 300;
const READ_EVERY_MS = 25;
const READERS = ['reader-a', 'reader-b'];

/**
 * Readers keep reading the price through the cache for READ_FOR_MS after the race, so the history
 * shows what customers saw: the old price, or the new one. Op ids a1, a2, ..., b1, b2, ...
 */
export async function keepReading(ctx: WorkloadContext): Promise<void> {
  const until = performance.now() + READ_FOR_MS;
  await Promise.all(
    READERS.map(async (client) => {
      const prefix = client.slice(-1);
      // The last read starts at READ_FOR_MS or after, so the reads span the whole stretch.
      for (let n = 1; ; n++) {
        await ctx.invoke(client, `${prefix}${n}`, { kind: 'read', key: PRICE });
        const left = until - performance.now();
        if (left <= 0) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(READ_EVERY_MS, left)));
      }
    }),
  );
}

export const figure = (checks: CheckResult[], name: string): number => checks.find((c) => c.checker === 'register')?.figures[name] ?? 0;

/** "350 ms", "30.2 s". */
const duration = (ms: number): string => (ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** How long the cache stayed stale, in words, from the register check's figures. */
export function staleness(checks: CheckResult[]): string {
  const window = figure(checks, 'staleWindowMs');
  if (window === -1) return 'stale with no end, until the next price change (no TTL)';
  if (window === 0) return 'never stale';
  if (figure(checks, 'finalStale') > 0) return `stale for ${duration(window)}, until its TTL expires`;
  return `healed after ${duration(window)}`;
}

/** The cost in the scenario's terms: customers shown an old price, and for how long. */
export function impact(checks: CheckResult[]): string[] {
  const lines: string[] = [];
  const staleReads = figure(checks, 'staleReads');
  if (staleReads > 0) {
    lines.push(`${staleReads} read(s) showed an old price after the new one was confirmed (up to ${duration(figure(checks, 'maxStaleReadAgeMs'))} after)`);
  }
  if (staleReads > 0 || figure(checks, 'finalStale') > 0) lines.push(`the cached price was ${staleness(checks)}`);
  if (figure(checks, 'lostWrites') > 0) lines.push('the database lost a confirmed price change');
  return lines;
}

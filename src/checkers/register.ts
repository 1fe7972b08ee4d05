import type { ClientOp, CompletedOp } from '../history/history.js';
import type { CheckInput, CheckResult, Checker } from './checker.js';
import { sameValue } from './compare.js';
import { RECORD_COMPARISON } from './diff.js';
import { versionsOf, type Version, type WriteOp } from './register-order.js';

type ReadOp = CompletedOp & { op: Extract<ClientOp, { kind: 'read' }> };

/** Stale reads named in one finding; the rest are counted. */
const LISTED = 5;

/**
 * A single-value register per key, read through the cache. (a) Every read that starts after a
 * write was acknowledged returns that write's value or a later one's; an older one is a stale read
 * (a read that overlaps the write may return either; see register-order.ts for how writes are
 * ordered and how unknown ones widen what is allowed). (b) After the last write and the quiet
 * period (the final snapshot), cache = database; a stale entry is inconsistent even when a TTL
 * bounds it: the TTL only sets the window reported. A key missing from the cache is fine.
 *
 * Figures (over all keys): staleReads; maxStaleReadAgeMs (how long after the write that made its
 * value old the latest stale read started); staleWindowMs (from the first acknowledged write the
 * cache missed until it was right again: 0 never stale, -1 no end, else ms; a TTL's end is computed
 * from the TTL left at the snapshot, never waited for); ttlLeftMs (of a stale final entry: -1 none,
 * 0 not stale); finalStale (keys stale after the quiet period); lostWrites (keys whose database
 * value no last acknowledged write explains).
 */
export const registerChecker: Checker = { name: 'register', check };

interface KeyTally {
  findings: string[];
  staleReads: number;
  maxAge: number;
  windowMs: number;
  ttlLeftMs: number;
  finalStale: boolean;
  lostWrite: boolean;
}

function check(input: CheckInput): CheckResult {
  const keys = [...new Set(input.history.filter((o) => o.op.kind === 'read' || o.op.kind === 'write').map((o) => o.op.key))].sort();
  const tallies = keys.map((key) => checkKey(key, input));
  const windows = tallies.map((t) => t.windowMs);
  const figures = {
    staleReads: sum(tallies.map((t) => t.staleReads)),
    maxStaleReadAgeMs: Math.max(0, ...tallies.map((t) => t.maxAge)),
    staleWindowMs: windows.includes(-1) ? -1 : Math.max(0, ...windows),
    ttlLeftMs: tallies.some((t) => t.finalStale && t.ttlLeftMs === -1) ? -1 : Math.max(0, ...tallies.map((t) => t.ttlLeftMs)),
    finalStale: tallies.filter((t) => t.finalStale).length,
    lostWrites: tallies.filter((t) => t.lostWrite).length,
  };
  const violated = figures.staleReads + figures.finalStale + figures.lostWrites > 0;
  const stale = figures.staleWindowMs === -1 ? 'stale, no end' : figures.finalStale > 0 ? `stale ${Math.round(figures.staleWindowMs / 1000)} s` : '';
  const summary = [figures.staleReads > 0 && `${figures.staleReads} stale reads`, stale, figures.lostWrites > 0 && `${figures.lostWrites} writes lost`].filter(Boolean).join(', ');
  return {
    checker: 'register',
    verdict: violated ? 'inconsistent' : 'consistent',
    findings: tallies.flatMap((t) => t.findings),
    figures,
    ...(violated ? { summary } : {}),
  };
}

function checkKey(key: string, input: CheckInput): KeyTally {
  const onKey = input.history.filter((o) => o.op.key === key);
  const writes = onKey.filter((o): o is WriteOp => o.op.kind === 'write' && o.outcome !== 'fail');
  const reads = onKey.filter((o): o is ReadOp => o.op.kind === 'read' && o.outcome === 'ok');
  const dbValue = input.final.db[key];
  const { versions, firstAckAt, lostWrite } = versionsOf(input.initial.db[key], writes, dbValue);
  const tally: KeyTally = { findings: [], staleReads: 0, maxAge: 0, windowMs: 0, ttlLeftMs: 0, finalStale: false, lostWrite: false };
  if (lostWrite) {
    tally.lostWrite = true;
    tally.findings.push(`${key}: ${lostWrite}`);
  }

  // (a) stale reads, grouped by the old value they returned.
  const stale = reads.flatMap((r) => {
    const since = staleSince(r, versions);
    return since === undefined ? [] : [{ read: r, since }];
  });
  tally.staleReads = stale.length;
  for (const value of [...new Set(stale.map((s) => s.read.value))]) {
    const group = stale.filter((s) => s.read.value === value);
    const ages = group.map((s) => Math.round((s.read.invokedAt - s.since) * 10) / 10);
    tally.maxAge = Math.max(tally.maxAge, ...ages);
    const names = group.slice(0, LISTED).map((s) => s.read.id).join(', ') + (group.length > LISTED ? ` and ${group.length - LISTED} more` : '');
    const when = group.length > 1 ? `${ms(Math.min(...ages))} to ${ms(Math.max(...ages))}` : ms(ages[0] ?? 0);
    tally.findings.push(
      `${key}: ${group.length} stale read${group.length > 1 ? 's' : ''} returned ${String(value)} ${when} after a later write was acknowledged (${names})`,
    );
  }

  // (b) the final state, and the staleness window.
  const cached = input.final.cache[key];
  const starts = stale.map((s) => s.since);
  if (cached !== undefined && (dbValue === undefined || !sameValue(String(dbValue), cached.value, RECORD_COMPARISON))) {
    tally.finalStale = true;
    const start = Math.min(...starts, oldSince(Number(cached.value), versions, firstAckAt));
    const values = `cache ${cached.value}, database ${dbValue === undefined ? 'has no row' : dbValue}`;
    if (cached.ttlMs === null) {
      tally.windowMs = -1;
      tally.ttlLeftMs = -1;
      tally.findings.push(`${key}: ${values} after the quiet period, no TTL: stale with no end (until the next write)`);
    } else {
      tally.ttlLeftMs = cached.ttlMs;
      tally.windowMs = Math.round(input.finalAt + cached.ttlMs - start);
      tally.findings.push(
        `${key}: ${values} after the quiet period: stale until the TTL expires in ${ms(cached.ttlMs)}, ` +
          `${ms(tally.windowMs)} in all; without a TTL it would stay stale until the next write`,
      );
    }
  } else if (stale.length > 0) {
    const start = Math.min(...starts);
    const lastStale = Math.max(...stale.map((s) => s.read.invokedAt));
    const right = reads.find((r) => r.invokedAt > lastStale && staleSince(r, versions) === undefined);
    const healedAt = right?.completedAt ?? input.finalAt;
    tally.windowMs = Math.round(healedAt - start);
    tally.findings.push(`${key}: healed after ${ms(tally.windowMs)}: ${right ? `${right.id} read ${String(right.value)}` : 'the cache agrees with the database'}`);
  } else {
    const now = cached === undefined ? 'not cached' : `cache = database = ${cached.value}`;
    tally.findings.push(`${key}: never stale: ${reads.length} reads, none older than the last acknowledged write; ${now} after the quiet period`);
  }
  return tally;
}

/**
 * undefined when `read` may return its value: some version holding it was invoked before the read
 * completed and was not old yet when the read started. Otherwise when its value became old (ms),
 * from the version that held it longest; a value no write had written is wrong from the read on.
 */
function staleSince(read: ReadOp, versions: Version[]): number | undefined {
  const holders = versions.filter((v) => v.value === (read.value ?? null) && v.invokedAt < read.completedAt);
  if (holders.some((v) => v.supersededAt >= read.invokedAt)) return undefined;
  return holders.length > 0 ? Math.max(...holders.map((v) => v.supersededAt)) : read.invokedAt;
}

/** When a cached `value` became old: as staleSince, for the final entry; unexplained: from the first ack. */
function oldSince(value: number, versions: Version[], firstAckAt: number): number {
  const holders = versions.filter((v) => v.value === value && v.supersededAt !== Infinity);
  return holders.length > 0 ? Math.max(...holders.map((v) => v.supersededAt)) : firstAckAt;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** "350 ms", "29.7 s": whole ms below 10 s, tenths of seconds above. */
function ms(value: number): string {
  return value < 10_000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

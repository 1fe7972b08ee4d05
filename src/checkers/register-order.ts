import type { ClientOp, CompletedOp } from '../history/history.js';

export type WriteOp = CompletedOp & { op: Extract<ClientOp, { kind: 'write' }> };

/** A value the register may have held: the initial value or one write's. Times in ms of the run. */
export interface Version {
  /** "w1", or "the initial value". */
  label: string;
  value: number | null;
  /** -Infinity for the initial value. */
  invokedAt: number;
  completedAt: number;
  /**
   * When an acknowledged write that comes after it had completed: from then on a read that starts
   * must not return it. Infinity while nothing supersedes it (and always for an unknown write).
   */
  supersededAt: number;
}

export interface Versions {
  versions: Version[];
  /** When the first ok write completed, ms; 0 when none did. */
  firstAckAt: number;
  /** Set when the database holds a value none of the last acknowledged writes wrote. */
  lostWrite?: string;
}

/**
 * The versions of one key and when each became old. Ok writes are ordered by real time (one that
 * completed before another was invoked comes first). Writes that overlap are ordered by the
 * database, which serialized them: of the last overlapping ok writes, the one whose value the
 * database holds is last, and the others became old when it completed. That rule is skipped when
 * any write is unknown (it may have landed last), and an unknown write never makes another old:
 * unknown outcomes only widen what a read may return.
 */
export function versionsOf(initial: number | undefined, writes: WriteOp[], dbValue: number | undefined): Versions {
  const ok = writes.filter((w) => w.outcome === 'ok');
  const unknown = writes.filter((w) => w.outcome === 'unknown');
  const firstAck = Math.min(...ok.map((w) => w.completedAt));
  const initialVersion: Version = {
    label: 'the initial value',
    value: initial ?? null,
    invokedAt: -Infinity,
    completedAt: -Infinity,
    supersededAt: firstAck,
  };
  const okVersions: Version[] = ok.map((w) => ({
    label: w.id,
    value: w.op.value,
    invokedAt: w.invokedAt,
    completedAt: w.completedAt,
    supersededAt: Math.min(...ok.filter((later) => later.invokedAt > w.completedAt).map((later) => later.completedAt)),
  }));
  const unknownVersions: Version[] = unknown.map((w) => ({
    label: `${w.id} (outcome unknown)`,
    value: w.op.value,
    invokedAt: w.invokedAt,
    completedAt: w.completedAt,
    supersededAt: Infinity,
  }));

  const result: Versions = { versions: [initialVersion, ...okVersions, ...unknownVersions], firstAckAt: Number.isFinite(firstAck) ? firstAck : 0 };
  if (unknown.length > 0 || dbValue === undefined) return result;
  const maximal = [initialVersion, ...okVersions].filter((v) => v.supersededAt === Infinity);
  const last = maximal.filter((v) => v.value === dbValue);
  if (last.length === 0) {
    result.lostWrite = `the database holds ${dbValue}, but the last acknowledged write${maximal.length > 1 ? 's' : ''} wrote ${maximal
      .map((v) => `${String(v.value)} (${v.label})`)
      .join(' and ')}`;
    return result;
  }
  const lastAck = Math.max(...last.map((v) => v.completedAt));
  for (const v of maximal) if (v.value !== dbValue) v.supersededAt = lastAck;
  return result;
}

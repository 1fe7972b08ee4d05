import { usageError } from '../errors.js';
import { faultPoints, isFaultPoint, type FaultPoint } from '../strategies/fault-points.js';
import type { Fault, FaultRule, Link } from './scenario.js';

/**
 * The kinds of fault a schedule can hold (`explore --faults`), simplest first: a reset loses the
 * connection's bytes in flight, latency slows every reply past the Redis command timeout, a link
 * down also refuses new connections, a kill loses a whole process. Shrinking moves toward the
 * front of this list.
 */
export const faultKinds = ['reset', 'latency', 'link-down', 'kill-app', 'kill-redis'] as const;
export type FaultKind = (typeof faultKinds)[number];

const links: Link[] = ['redis', 'postgres'];

/** A fault as a schedule names it: `reset-redis`, `link-down-postgres`, `kill-app`. */
export type ScheduleFault = `${'reset' | 'latency' | 'link-down'}-${Link}` | 'kill-app' | 'kill-redis';

/** Every fault name of these kinds, simplest first (the order shrinking prefers). */
export function faultNames(kinds: readonly FaultKind[] = faultKinds): ScheduleFault[] {
  const ordered = faultKinds.filter((k) => kinds.includes(k));
  return ordered.flatMap((kind): ScheduleFault[] =>
    kind === 'kill-app' || kind === 'kill-redis' ? [kind] : links.map((link): ScheduleFault => `${kind}-${link}`),
  );
}

/** One entry: when op `op` reaches `point`, inject `fault` (network faults last until the op completes). */
export interface ScheduleEntry {
  op: string;
  point: FaultPoint;
  fault: ScheduleFault;
}
export type Schedule = ScheduleEntry[];

/** ms of the latency fault: above the default Redis command timeout (1000 ms), below PostgreSQL's query timeout (2000 ms). */
export const LATENCY_MS = 1100;

/** The fault the runner injects for a schedule's fault name. */
export function faultOf(name: ScheduleFault): Fault {
  if (name === 'kill-app' || name === 'kill-redis') return { kind: name };
  const link: Link = name.endsWith('-redis') ? 'redis' : 'postgres';
  if (name.startsWith('link-down')) return { kind: 'link-down', link };
  if (name.startsWith('latency')) {
    return { kind: 'toxic', link, toxic: { type: 'latency', stream: 'downstream', attributes: { latency: LATENCY_MS, jitter: 0 } } };
  }
  // As payment-double-spend's scripted fault: what the app sends next is swallowed and the link reset.
  return { kind: 'toxic', link, toxic: { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } } };
}

/** `p1@after-db-commit:reset-redis;p2@after-cache-read:kill-app`: entries joined by `;`. */
export function formatSchedule(schedule: Schedule): string {
  return schedule.map((e) => `${e.op}@${e.point}:${e.fault}`).join(';');
}

/** Op ids as workloads name them: p1, w2, r0, and background jobs such as write:o7. */
const opPattern = /^[A-Za-z0-9][A-Za-z0-9_:.-]*$/;

/**
 * Parses the compact form (whitespace around entries allowed, a trailing `;` too). Throws a usage
 * LabError naming the entry at fault and what is valid there. An op id is checked only for its
 * form: whether the workload runs such an op shows in the run (an entry never reached is listed).
 */
export function parseSchedule(text: string): Schedule {
  const parts = text.split(';').map((p) => p.trim()).filter((p) => p.length > 0);
  const example = "e.g. --schedule 'p1@after-db-commit:reset-redis;p2@after-cache-read:kill-app'";
  if (parts.length === 0) throw usageError('--schedule is empty', `give op@point:fault entries joined by ';', ${example}`);
  const names = faultNames();
  const schedule: Schedule = [];
  for (const part of parts) {
    const at = part.lastIndexOf('@');
    const colon = part.indexOf(':', at);
    if (at <= 0 || colon < 0) throw usageError(`--schedule entry "${part}" is not op@point:fault`, example);
    const op = part.slice(0, at);
    const point = part.slice(at + 1, colon);
    const fault = part.slice(colon + 1);
    if (!opPattern.test(op)) throw usageError(`--schedule entry "${part}": "${op}" is not an op id`, 'op ids are the ids a workload gives its operations (p1, w2, write:o7): cachelab explore prints them');
    if (!isFaultPoint(point)) throw usageError(`--schedule entry "${part}": unknown fault point "${point}"`, `fault points: ${faultPoints.join(', ')}`);
    if (!(names as string[]).includes(fault)) throw usageError(`--schedule entry "${part}": unknown fault "${fault}"`, `faults: ${names.join(', ')}`);
    if (schedule.some((e) => e.op === op && e.point === point)) {
      throw usageError(`--schedule names ${op}@${point} twice`, 'one fault per op and point: drop one of the two entries');
    }
    schedule.push({ op, point, fault: fault as ScheduleFault });
  }
  return schedule;
}

/** `--faults reset,latency`: the kinds explore may draw; throws a usage error naming the valid ones. */
export function parseFaultKinds(raw: string[]): FaultKind[] {
  const unknown = raw.filter((k) => !(faultKinds as readonly string[]).includes(k));
  if (unknown.length > 0) throw usageError(`--faults: unknown fault kind ${unknown.map((k) => `"${k}"`).join(', ')}`, `fault kinds: ${faultKinds.join(', ')}`);
  if (raw.length === 0) throw usageError('--faults names no fault kind', `fault kinds: ${faultKinds.join(', ')}`);
  return faultKinds.filter((k) => raw.includes(k));
}

/**
 * The fault rules of a run under `schedule`: the scenario's own rules keep only their holds (the
 * orderings stay, the scripted faults go); a rule left with nothing to inject still arms its point,
 * which a workload may wait for; each entry adds its fault at its op and point, before any hold
 * there, lasting until that op completes.
 */
export function scheduledRules(rules: FaultRule[], schedule: Schedule): FaultRule[] {
  const out: FaultRule[] = rules.map(({ until: _until, ...r }) => ({ ...r, inject: r.inject.filter((f) => f.kind === 'hold-until') }));
  for (const [i, entry] of schedule.entries()) {
    const fault = faultOf(entry.fault);
    // A name of its own: two toxics of one type on one link (two entries of an op) may be in force at once.
    if (fault.kind === 'toxic') fault.toxic.name = `schedule${i + 1}_${fault.toxic.type}`;
    const rule = out.find((r) => r.op === entry.op && r.point === entry.point);
    if (rule) rule.inject.unshift(fault);
    else out.push({ op: entry.op, point: entry.point, inject: [fault] });
  }
  return out;
}

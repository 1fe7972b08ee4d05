import { usageError } from '../errors.js';

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest valid name, if it is close enough to be a plausible typo (or a prefix). */
export function closest(name: string, valid: readonly string[]): string | undefined {
  const prefixed = valid.filter((v) => v.startsWith(name));
  if (prefixed.length === 1) return prefixed[0];
  let best: { v: string; d: number } | undefined;
  for (const v of valid) {
    const d = distance(name, v);
    if (!best || d < best.d) best = { v, d };
  }
  return best && best.d <= Math.max(2, Math.floor(best.v.length / 3)) ? best.v : undefined;
}

/** The groups of names "group/name": "invalidation-race" for "invalidation-race/stale-fill". */
export function groupsOf(valid: readonly string[]): string[] {
  return [...new Set(valid.filter((v) => v.includes('/')).map((v) => v.slice(0, v.lastIndexOf('/'))))];
}

/**
 * Checks names against the valid ones and returns them, each group name expanded to its members
 * (in the order of `valid`), without repeats. An unknown name is a usage error that lists them all.
 */
export function resolveNames(kind: string, names: readonly string[], valid: readonly string[]): string[] {
  const groups = groupsOf(valid);
  const resolved: string[] = [];
  for (const name of names) {
    if (valid.includes(name)) {
      resolved.push(name);
      continue;
    }
    if (groups.includes(name)) {
      resolved.push(...valid.filter((v) => v.startsWith(`${name}/`)));
      continue;
    }
    const guess = closest(name, [...valid, ...groups]);
    const listed = groups.length > 0 ? `${valid.join(', ')} (groups: ${groups.join(', ')})` : valid.join(', ');
    const plural = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
    throw usageError(`unknown ${kind} "${name}"${guess ? `: did you mean "${guess}"?` : ''}`, `valid ${plural}: ${listed}`);
  }
  return [...new Set(resolved)];
}

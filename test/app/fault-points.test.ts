import { describe, expect, it } from 'vitest';
import { FaultPoints } from '../../src/app/fault-points.js';

describe('fault points', () => {
  it('let an unarmed point pass at once without announcing it', () => {
    const announced: string[] = [];
    const points = new FaultPoints((_id, point, op) => announced.push(`${op}@${point}`));
    expect(points.reach('after-db-commit', 'p1')).toBeUndefined();
    expect(announced).toEqual([]);
  });

  it('hold an armed point for its op only, until the lab resumes it, and fire once', async () => {
    const hits: number[] = [];
    const points = new FaultPoints((id) => hits.push(id));
    points.arm([{ point: 'after-db-commit', opId: 'p1' }]);
    expect(points.reach('after-db-commit', 'p2')).toBeUndefined();

    let passed = false;
    const waiting = points.reach('after-db-commit', 'p1')?.then(() => (passed = true));
    expect(waiting).toBeDefined();
    await Promise.resolve();
    expect(passed).toBe(false);
    expect(hits).toHaveLength(1);

    points.resume(hits[0] ?? -1);
    await waiting;
    expect(passed).toBe(true);
    expect(points.reach('after-db-commit', 'p1')).toBeUndefined();
  });
});

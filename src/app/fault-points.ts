import type { FaultPoint } from '../strategies/fault-points.js';

/**
 * The app side of fault points. An unarmed point costs one Map lookup and resolves at once; an
 * armed one announces itself and waits until the lab sends `resume` (or kills the process).
 */
export class FaultPoints {
  readonly #armed = new Map<FaultPoint, Set<string>>();
  readonly #waiting = new Map<number, () => void>();
  #nextHit = 1;

  constructor(private readonly announce: (hitId: number, point: FaultPoint, opId: string) => void) {}

  arm(points: { point: FaultPoint; opId: string }[]): void {
    for (const { point, opId } of points) {
      const ops = this.#armed.get(point) ?? new Set<string>();
      ops.add(opId);
      this.#armed.set(point, ops);
    }
  }

  /** Called by strategy code. Each arming fires once. */
  reach(point: FaultPoint, opId: string): Promise<void> | undefined {
    const ops = this.#armed.get(point);
    if (!ops?.delete(opId)) return undefined;
    const hitId = this.#nextHit++;
    return new Promise((resolve) => {
      this.#waiting.set(hitId, resolve);
      this.announce(hitId, point, opId);
    });
  }

  resume(hitId: number): void {
    this.#waiting.get(hitId)?.();
    this.#waiting.delete(hitId);
  }
}

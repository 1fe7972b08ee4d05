import type { FaultPoint } from '../strategies/fault-points.js';

/**
 * The app side of fault points. An unarmed point costs one Map lookup and resolves at once; an
 * armed one announces itself and waits until the lab sends `resume` (or kills the process).
 */
export class FaultPoints {
  readonly #armed = new Map<FaultPoint, Set<string>>();
  readonly #waiting = new Map<number, () => void>();
  #nextHit = 1;
  #trace = false;

  constructor(
    private readonly announce: (hitId: number, point: FaultPoint, opId: string) => void,
    /** Told of every point reached that is not armed, while tracing (the lab learns the windows). */
    private readonly passed: (point: FaultPoint, opId: string) => void = () => undefined,
  ) {}

  /** Forgets every arming (a new run on the same process) and sets whether unarmed points are traced. */
  reset(trace: boolean): void {
    this.#armed.clear();
    this.#trace = trace;
  }

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
    if (!ops?.delete(opId)) {
      if (this.#trace) this.passed(point, opId);
      return undefined;
    }
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

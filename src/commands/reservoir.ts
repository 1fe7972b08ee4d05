/**
 * A uniform random sample of at most `size` items from a stream of unknown length, in O(size)
 * memory (Vitter's algorithm R): after n items, each is in the sample with probability size / n.
 * Every item is kept while fewer than `size` have been offered. `random` returns [0, 1).
 */
export class Reservoir<T> {
  private readonly kept: T[] = [];
  /** Items offered so far. */
  seen = 0;

  constructor(
    private readonly size: number,
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a reservoir holds at least 1 item, not ${size}`);
  }

  offer(item: T): void {
    this.seen += 1;
    if (this.kept.length < this.size) {
      this.kept.push(item);
      return;
    }
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.size) this.kept[slot] = item;
  }

  /** The sample, in no meaningful order. */
  items(): readonly T[] {
    return this.kept;
  }
}

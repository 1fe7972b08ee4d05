import type { Direction, ToxicLink } from './link.js';
import type { AnyToxicDefinition, Attributes } from './toxics/toxic.js';

/** A toxic as configured on a proxy (ToxicWrapper in the real server). */
export interface Toxic {
  readonly name: string;
  readonly definition: AnyToxicDefinition;
  /** As given in the request: parsed case-insensitively, echoed back as spelled. */
  readonly stream: string;
  readonly direction: Direction;
  /** Chance per link and start that the toxic runs, as a float32 like the real server: 0 never, >= 1 always. */
  toxicity: number;
  /** Every attribute of the type, missing ones 0. */
  attributes: Attributes;
}

/** The toxic as the API shows it; keys in the real server's order. */
export interface ToxicJson {
  attributes: Attributes;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

/**
 * A proxy's toxics: one chain per direction, in creation order, and the open links they run on.
 * Every change is applied to the open links at once (toxic_collection.go in the real server).
 */
export class ToxicCollection {
  private readonly chains: Record<Direction, Toxic[]> = { upstream: [], downstream: [] };
  private readonly links = new Set<ToxicLink>();

  chain(direction: Direction): readonly Toxic[] {
    return this.chains[direction];
  }

  /** Upstream toxics first, then downstream ones, each in chain order. */
  all(): Toxic[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  /** Names are unique across both directions. */
  find(name: string): Toxic | undefined {
    return this.chains.upstream.find((t) => t.name === name) ?? this.chains.downstream.find((t) => t.name === name);
  }

  /** New connections get SO_LINGER 0 while a reset_peer toxic is present. */
  lingerZero(): boolean {
    const resets = (toxic: Toxic): boolean => toxic.definition.lingerZero === true;
    return this.chains.upstream.some(resets) || this.chains.downstream.some(resets);
  }

  add(toxic: Toxic): void {
    this.chains[toxic.direction].push(toxic);
    for (const link of this.linksOf(toxic.direction)) link.addToxic(toxic);
  }

  update(toxic: Toxic, change: { toxicity: number; attributes: Attributes }): void {
    toxic.toxicity = change.toxicity;
    toxic.attributes = change.attributes;
    for (const link of this.linksOf(toxic.direction)) link.updateToxic(toxic);
  }

  remove(toxic: Toxic): void {
    const chain = this.chains[toxic.direction];
    const index = chain.indexOf(toxic);
    if (index < 0) return;
    chain.splice(index, 1);
    for (const link of this.linksOf(toxic.direction)) link.removeToxic(toxic);
  }

  /** Removes every toxic, first to last, as the real server's /reset does. */
  reset(): void {
    for (const toxic of this.all()) this.remove(toxic);
  }

  addLink(link: ToxicLink): void {
    this.links.add(link);
  }

  removeLink(link: ToxicLink): void {
    this.links.delete(link);
  }

  /** A snapshot: applying a change can close links, which leave the set. */
  private linksOf(direction: Direction): ToxicLink[] {
    return [...this.links].filter((link) => link.direction === direction);
  }
}

export function toxicJson(toxic: Toxic): ToxicJson {
  const attributes: Record<string, number> = {};
  for (const key of Object.keys(toxic.definition.attributes)) attributes[key] = toxic.attributes[key] ?? 0;
  return { attributes, name: toxic.name, type: toxic.definition.type, stream: toxic.stream, toxicity: float32Json(toxic.toxicity) };
}

/** The shortest decimal that reads back as the same float32, as Go prints a float32 (0.2 -> 0.2, not 0.20000000298). */
export function float32Json(value: number): number {
  const f = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const shortest = Number(f.toPrecision(digits));
    if (Math.fround(shortest) === f) return shortest;
  }
  return f;
}

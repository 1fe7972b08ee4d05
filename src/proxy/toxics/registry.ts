import { bandwidth } from './bandwidth.js';
import { latency } from './latency.js';
import { limitData } from './limit-data.js';
import { noop } from './noop.js';
import { resetPeer } from './reset-peer.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow-close.js';
import { timeout } from './timeout.js';
import type { AnyToxicDefinition } from './toxic.js';

/** Every toxic type the API accepts, by name. As in the real server, there is no "down" type. */
const registry: ReadonlyMap<string, AnyToxicDefinition> = new Map(
  [noop, latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData].map((def) => [def.type, def]),
);

export function toxicType(name: string): AnyToxicDefinition | undefined {
  return registry.get(name);
}

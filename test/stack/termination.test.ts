import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { reapDeadStacks } from '../../src/stack/reaper.js';
import { exitOf, goneWithin, pidAlive, pidsStillAlive, serverPids, spawnStackOwner } from './helpers.js';

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a stack owner that is interrupted or exits', () => {
  it('on SIGINT tears the stack down, then dies of SIGINT', async () => {
    const owner = await spawnStackOwner();
    const { all } = serverPids(owner.dir);

    owner.child.kill('SIGINT');

    expect(await exitOf(owner.child)).toEqual({ code: null, signal: 'SIGINT' });
    expect(await pidsStillAlive(all, 0)).toEqual([]);
    expect(existsSync(owner.dir)).toBe(false);
  });

  it('on a second SIGINT kills the servers at once and leaves the dir to the reaper', async () => {
    const owner = await spawnStackOwner();
    const { all } = serverPids(owner.dir);

    owner.child.kill('SIGINT');
    // The second one must arrive after the first was handled, or the kernel merges them.
    await waitFor(() => owner.stderr().includes('stopping the stack'));
    owner.child.kill('SIGINT');

    expect(await exitOf(owner.child)).toEqual({ code: null, signal: 'SIGINT' });
    expect(await pidsStillAlive(all)).toEqual([]);
    await reapDeadStacks(() => undefined);
    expect(await goneWithin(owner.dir)).toBe(true);
  });

  it('on process.exit without stop() kills the servers and keeps the exit code', async () => {
    const owner = await spawnStackOwner('exit');
    const { all } = serverPids(owner.dir);

    expect(await exitOf(owner.child)).toEqual({ code: 3, signal: null });
    expect(await pidsStillAlive(all)).toEqual([]);
    await reapDeadStacks(() => undefined);
    expect(await goneWithin(owner.dir)).toBe(true);
  });

  it('with keep, leaves the servers running after the owner exits, and the reaper leaves them too', async () => {
    const owner = await spawnStackOwner('keep-and-exit');
    expect(await exitOf(owner.child)).toEqual({ code: 0, signal: null });
    const { pids, all } = serverPids(owner.dir);
    try {
      expect(pids).toHaveLength(3);
      expect(pids.every(pidAlive)).toBe(true);
      await reapDeadStacks(() => undefined);
      expect(pids.every(pidAlive)).toBe(true);
      expect(existsSync(owner.dir)).toBe(true);
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGTERM');
      expect(await pidsStillAlive(all, 10_000)).toEqual([]);
      await rm(owner.dir, { recursive: true, force: true });
    }
  });
});

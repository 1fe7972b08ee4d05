import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reapDeadStacks } from '../../src/stack/reaper.js';
import { startStack } from '../../src/stack/stack.js';
import { exitOf, goneWithin, pidAlive, pidsStillAlive, serverPids, spawnStackOwner } from './helpers.js';

describe('reaper', () => {
  it('removes the stack of a SIGKILLed run at the start of the next one', async () => {
    const owner = await spawnStackOwner();
    const { pids, all } = serverPids(owner.dir);
    expect(pids).toHaveLength(3);

    owner.child.kill('SIGKILL');
    await exitOf(owner.child);
    // Redis and the postmaster run on: nothing else stops them.
    expect(pids.filter(pidAlive).length).toBeGreaterThanOrEqual(2);

    const next = await startStack({ mode: 'local' });
    await next.stop();

    // Deadlines, not 0: a concurrent test worker's reaper may be the one doing the work.
    expect(await pidsStillAlive(all)).toEqual([]);
    expect(await goneWithin(owner.dir)).toBe(true);
  });

  it('removes both postmasters of a SIGKILLed run that had a read replica following, with their backends', async () => {
    const owner = await spawnStackOwner('wait', true);
    const { pids, all } = serverPids(owner.dir);
    expect(pids).toHaveLength(4);
    expect(existsSync(join(owner.dir, 'replica'))).toBe(true);

    owner.child.kill('SIGKILL');
    await exitOf(owner.child);
    expect(pids.filter(pidAlive).length).toBeGreaterThanOrEqual(3);

    await reapDeadStacks(() => undefined);
    expect(await pidsStillAlive(all)).toEqual([]);
    expect(await goneWithin(owner.dir)).toBe(true);
  });

  it('never signals a recorded PID that is no longer one of ours, nor a kept or live stack', async () => {
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    const deadOwner = spawn('true');
    await exitOf(deadOwner);
    const id = randomBytes(4).toString('hex');
    const dirs = {
      recycled: join(tmpdir(), `cachelab-reaptest_${id}_recycled`),
      kept: join(tmpdir(), `cachelab-reaptest_${id}_kept`),
      live: join(tmpdir(), `cachelab-reaptest_${id}_live`),
    };
    const record = (ownerPid: number, keep: boolean): string =>
      JSON.stringify({ ownerPid, pids: [bystander.pid], keep, startedAt: new Date().toISOString() });
    await Promise.all(Object.values(dirs).map((dir) => mkdir(dir)));
    await writeFile(join(dirs.recycled, 'stack.json'), record(deadOwner.pid!, false));
    await writeFile(join(dirs.kept, 'stack.json'), record(deadOwner.pid!, true));
    await writeFile(join(dirs.live, 'stack.json'), record(bystander.pid!, false));
    try {
      await reapDeadStacks(() => undefined);

      expect(pidAlive(bystander.pid!)).toBe(true);
      expect(existsSync(dirs.recycled)).toBe(false);
      expect(existsSync(dirs.kept)).toBe(true);
      expect(existsSync(dirs.live)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
      await Promise.all(Object.values(dirs).map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });
});

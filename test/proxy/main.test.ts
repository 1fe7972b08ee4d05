import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entryPoint } from '../../src/stack/entry-points.js';
import { api, waitFor } from './helpers.js';

/** The child-process contract of dist/src/proxy/main.js (needs `npm run build`). */
const children: ChildProcess[] = [];
let dir: string | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function start(args: string[], ipc = false): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [entryPoint('proxy/main'), ...args], {
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

async function listening(stdout: () => string): Promise<{ event: string; url: string; pid: number }> {
  const line = await waitFor('the listening line', () => stdout().includes('\n') && stdout(), 10_000);
  return JSON.parse(line.split('\n')[0] ?? '') as { event: string; url: string; pid: number };
}

describe('proxy main.ts', () => {
  it('prints exactly one listening line, serves the API, and exits 0 on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cachelab-proxy-'));
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify([{ name: 'from_config', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }]));
    const { child, stdout } = start(['--port', '0', '--seed', '7', '--config', config]);
    const event = await listening(stdout);
    expect(event).toEqual({ event: 'listening', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) as unknown, pid: child.pid });
    expect(stdout().split('\n')).toEqual([expect.any(String), '']);
    const proxies = await api(event.url, 'GET', '/proxies');
    expect(Object.keys(proxies.json<object>())).toEqual(['from_config']);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('exits when its IPC channel to the parent disconnects', async () => {
    const { child, stdout } = start(['--port', '0'], true);
    await listening(stdout);
    child.disconnect();
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('rejects bad arguments on stderr with exit 2', async () => {
    for (const args of [['--port', 'x'], ['--port', '70000'], ['--seed', '-1'], ['--bogus'], ['positional']]) {
      const { child, stderr } = start(args);
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, args.join(' ')).toBe(2);
      expect(stderr(), args.join(' ')).toMatch(/^cachelab proxy: /);
    }
  });

  it('exits 3 with the reason when the config cannot be applied', async () => {
    const { child, stderr } = start(['--port', '0', '--config', '/nonexistent/cachelab.json']);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(3);
    expect(stderr()).toMatch(/cannot read config \/nonexistent\/cachelab.json/);
  });
});

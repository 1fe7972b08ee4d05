import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  [field: string]: unknown;
}

/**
 * Makes `project` a project that depends on cachelab, installed from `npm pack` of `root` with
 * `npm ci --ignore-scripts` (no install script of any package runs). Offline: every production
 * dependency is packed from `root`'s node_modules and pinned in a lockfile, at the place and
 * version it has in `root`'s package-lock.json; nothing comes from a registry or the npm cache.
 * Linux (GNU tar), like the rest of the suite.
 */
export async function installScratchProject(root: string, project: string): Promise<void> {
  const deps = join(project, 'deps');
  await mkdir(deps);
  const own = (await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', project], { cwd: root })).stdout.trim().split('\n').at(-1) ?? '';
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const installed = Object.keys(lock.packages).filter((path) => path !== '' && !lock.packages[path]?.dev && existsSync(join(root, path, 'package.json')));
  await Promise.all(installed.map((path) => tarball(join(root, path), deps)));
  const tarballs = await readdir(deps);

  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; bin: unknown };
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { cachelab: `file:${own}` } },
    'node_modules/cachelab': { version: pkg.version, resolved: `file:${own}`, dependencies: pkg.dependencies, bin: pkg.bin },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev) continue;
    if (!installed.includes(path)) {
      packages[path] = entry; // another platform's optional package: skipped by os/cpu, never fetched
      continue;
    }
    const { name, version } = JSON.parse(await readFile(join(root, path, 'package.json'), 'utf8')) as { name: string; version: string };
    const file = `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
    if (!tarballs.includes(file)) throw new Error(`npm pack made no ${file} for ${path}`);
    // The registry's integrity is not the local tarball's: npm checks what it is given.
    packages[path] = { ...entry, resolved: `file:deps/${file}`, integrity: undefined };
  }
  // What `npm init -y` writes (npm 11: "type": "commonjs"), with the dependency npm install adds.
  const manifest = { name: 'consumer', version: '1.0.0', main: 'index.js', type: 'commonjs', dependencies: { cachelab: `file:${own}` } };
  await writeFile(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(project, 'package-lock.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
  await execa('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', join(project, '.npm-cache')], { cwd: project });
}

/**
 * An installed package as its registry tarball holds it: its regular files under package/, no
 * symlinks (a tarball cannot hold the ones an install script makes), no nested node_modules.
 * tar with fast compression: npm pack takes half a minute over the 80 MB of PostgreSQL binaries.
 */
async function tarball(dir: string, into: string): Promise<void> {
  const { name, version } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
  const file = join(into, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
  await execa('sh', ['-c', `find . -path ./node_modules -prune -o -type f -print0 | tar --null -T - --transform 's,^\\./,package/,' -I 'gzip -1' -cf "$0"`, file], { cwd: dir });
}

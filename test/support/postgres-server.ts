import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../src/temporal/dev-server';

/**
 * A real PostgreSQL server for the tests: Debian's `postgresql` package (.ci/run installs it
 * when missing), a cluster made with initdb in a temporary folder, on a free port of
 * 127.0.0.1, trusting local connections. initdb refuses to run as root, so as root the
 * cluster belongs to the `postgres` user the package creates.
 */
export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/<version>/bin; a clear error when neither. */
export function findPostgresBinaries(): { initdb: string; pgCtl: string } {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb && command -v pg_ctl'], { encoding: 'utf8' });
  const found = onPath.status === 0 ? onPath.stdout.trim().split('\n') : [];
  if (found.length === 2) return { initdb: found[0]!, pgCtl: found[1]! };
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) {
    const bin = path.join(root, versions[0]!, 'bin');
    return { initdb: path.join(bin, 'initdb'), pgCtl: path.join(bin, 'pg_ctl') };
  }
  throw new Error(
    'No PostgreSQL server found (initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin): ' +
      "the settings-store tests need one; install Debian's with `apt-get install -y postgresql` (.ci/run does)",
  );
}

function asOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      "initdb refuses to run as root, and there is no `postgres` user to run it as: install Debian's " +
        '`postgresql` package (it creates the user), or run the tests as another user',
    );
  }
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const { initdb, pgCtl } = findPostgresBinaries();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-pg-'));
  const dataDir = path.join(dir, 'data');
  const owner = asOwner();
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const run = (file: string, args: string[]) =>
    execFileSync(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
      env: { ...process.env, LC_ALL: 'C' },
    });
  run(initdb, ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  run(pgCtl, [
    '-D',
    dataDir,
    '-l',
    path.join(dir, 'server.log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    '-w',
    '-t',
    '60',
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop: async () => {
      try {
        run(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The server the global setup started (TEST_POSTGRES_URL); fails loudly without it. */
export function testPostgresUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) {
    throw new Error(
      'TEST_POSTGRES_URL is not set: run this test through jest (a *.postgres.test.ts file, or test/reliability) so that its globalSetup starts PostgreSQL',
    );
  }
  return url;
}

/** A database of its own for one test, so that test files running side by side never meet. */
export async function createTestDatabase(): Promise<string> {
  const server = testPostgresUrl();
  const name = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

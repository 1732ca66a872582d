import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  clearStaleDevServer,
  DevServerStartError,
  findListeningPid,
  freePort,
  isProcessAlive,
  processCommandLine,
  readDevServerPidFile,
  startDevServer,
} from '../../src/temporal/dev-server';

/**
 * What `npm start` says and does when the dev server's ports are taken, and with a dev
 * server that a killed Smart Sync left behind, against stand-in processes: a plain TCP
 * listener, and a listener whose command line reads like `temporal server start-dev`.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'dev-server-ports-'));
const dbFile = path.join(dir, 'temporal.db');
const children: ChildProcess[] = [];

/** A process listening on `port`, with `args` on its command line. */
async function listener(port: number, args: string[] = []): Promise<ChildProcess> {
  const script = path.join(dir, 'listen.js');
  writeFileSync(
    script,
    "require('node:net').createServer().listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('up'));",
  );
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`listener exited with ${code}`)));
  });
  return child;
}

/** A pid that no process has any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once('exit', () => r()));

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('a taken dev server port', () => {
  it('finds the pid listening on a port and its command line', async () => {
    const port = await freePort();
    const child = await listener(port, ['--marker']);
    expect(findListeningPid(port)).toBe(child.pid);
    expect(processCommandLine(child.pid!)).toContain('listen.js --marker');
    child.kill('SIGKILL');
    await exited(child);
    expect(findListeningPid(port)).toBeUndefined();
  });

  it('refuses in one line that names the process holding it and what to do', async () => {
    const port = await freePort();
    const child = await listener(port);
    const err = await startDevServer({
      cliPath: '/nonexistent/temporal',
      port,
      portSetting: 'TEMPORAL_DEV_SERVER_PORT',
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(DevServerStartError);
    expect((err as Error).message).not.toContain('\n');
    expect((err as Error).message).toBe(
      `port ${port} (TEMPORAL_DEV_SERVER_PORT) is already in use by pid ${child.pid} ` +
        `(${process.execPath} ${path.join(dir, 'listen.js')}): stop it with \`kill ${child.pid}\` ` +
        `or set TEMPORAL_DEV_SERVER_PORT to a free port, or set TEMPORAL_ADDRESS=127.0.0.1:${port} to use that server instead`,
    );
  });

  it('names the Web UI port and its setting', async () => {
    const [port, uiPort] = [await freePort(), await freePort()];
    const child = await listener(uiPort);
    const err = await startDevServer({
      cliPath: '/nonexistent/temporal',
      port,
      uiPort,
      uiPortSetting: 'TEMPORAL_UI_PORT',
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^port ${uiPort} \\(TEMPORAL_UI_PORT, the Temporal Web UI\\) is already in use by pid ${child.pid} .*` +
          'or set TEMPORAL_UI_PORT to a free port$',
      ),
    );
  });

  it('tells a Temporal dev server it did not start from other programs', async () => {
    const port = await freePort();
    const child = await listener(port, ['server', 'start-dev', '--db-filename', '/elsewhere/temporal.db']);
    const err = await startDevServer({
      cliPath: '/nonexistent/temporal',
      port,
      pidFile: path.join(dir, 'a.json'),
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^port ${port} \\(the dev server port\\) is held by a Temporal dev server that this Smart Sync did not start, ` +
          `pid ${child.pid} \\(.*server start-dev --db-filename /elsewhere/temporal.db\\): stop it with \`kill ${child.pid}\``,
      ),
    );
  });

  it('says in one line why the dev server exited while starting', async () => {
    const cli = path.join(dir, 'failing-temporal');
    writeFileSync(
      cli,
      '#!/bin/sh\n' +
        'echo \'{"level":"INFO","msg":"starting"}\'\n' +
        'echo \'{"level":"ERROR","msg":"can\'"\'"\'t set frontend port 7233: listen tcp 127.0.0.1:7233: bind: address already in use"}\' >&2\n' +
        'exit 1\n',
    );
    chmodSync(cli, 0o755);
    await expect(startDevServer({ cliPath: cli, port: await freePort() })).rejects.toThrow(
      /^the Temporal dev server exited with code 1 while starting: can't set frontend port 7233: listen tcp 127\.0\.0\.1:7233: bind: address already in use$/,
    );
  });

  it('says so when the binary cannot run at all, instead of crashing on the spawn error', async () => {
    await expect(
      startDevServer({ cliPath: path.join(dir, 'missing'), port: await freePort() }),
    ).rejects.toThrow(/^the Temporal dev server could not run \(spawn .*missing ENOENT\) while starting/);
  });
});

describe('a dev server left behind', () => {
  const devServerArgs = ['server', 'start-dev', '--port', '0', '--db-filename', dbFile];

  it('stops one whose owner is gone, and removes the record', async () => {
    const port = await freePort();
    const orphan = await listener(port, devServerArgs);
    const pidFile = path.join(dir, 'stale.json');
    const ownerPid = await deadPid();
    writeFileSync(pidFile, JSON.stringify({ pid: orphan.pid, ownerPid, port, dbFile, startedAt: '' }));
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, msg: string) => warnings.push(msg) } as never;

    await expect(clearStaleDevServer(pidFile, dbFile, logger)).resolves.toBe('stopped');
    await exited(orphan);
    expect(isProcessAlive(orphan.pid!)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    expect(warnings).toEqual([
      `found the Temporal dev server (pid ${orphan.pid}, port ${port}) that an earlier Smart Sync ` +
        `(pid ${ownerPid}, no longer running) left behind; stopping it and starting a fresh one on the same history`,
    ]);
  });

  it('refuses to start beside the Smart Sync that still owns it', async () => {
    const port = await freePort();
    // This test process is its parent, as a running Smart Sync is of its dev server.
    const owned = await listener(port, devServerArgs);
    const pidFile = path.join(dir, 'owned.json');
    writeFileSync(
      pidFile,
      JSON.stringify({ pid: owned.pid, ownerPid: process.pid, port, dbFile, startedAt: '' }),
    );
    await expect(clearStaleDevServer(pidFile, dbFile)).rejects.toThrow(
      `another Smart Sync, pid ${process.pid}, is running on this data folder (${dir}) with its Temporal dev server, ` +
        `pid ${owned.pid}, on port ${port}: stop it first (Ctrl-C where it runs, or \`kill ${process.pid}\`), ` +
        'or give this one its own SMART_SYNC_DATA_DIR and ports',
    );
    expect(isProcessAlive(owned.pid!)).toBe(true);
    expect(readDevServerPidFile(pidFile)?.pid).toBe(owned.pid);
  });

  it('leaves a process alone that is not a dev server on our db file, and drops the outdated record', async () => {
    const port = await freePort();
    const other = await listener(port, ['server', 'start-dev', '--db-filename', '/someone/else.db']);
    const pidFile = path.join(dir, 'other.json');
    writeFileSync(
      pidFile,
      JSON.stringify({ pid: other.pid, ownerPid: await deadPid(), port, dbFile, startedAt: '' }),
    );
    await expect(clearStaleDevServer(pidFile, dbFile)).resolves.toBe('none');
    expect(isProcessAlive(other.pid!)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('drops a record of a dev server that is gone', async () => {
    const pidFile = path.join(dir, 'gone.json');
    writeFileSync(
      pidFile,
      JSON.stringify({ pid: await deadPid(), ownerPid: await deadPid(), port: 1, startedAt: '' }),
    );
    await expect(clearStaleDevServer(pidFile, dbFile)).resolves.toBe('none');
    expect(existsSync(pidFile)).toBe(false);
  });
});

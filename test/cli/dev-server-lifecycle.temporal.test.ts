import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEV_SERVER_PID_FILE } from '../../src/runtime/service';
import { freePort, isProcessAlive, readDevServerPidFile } from '../../src/temporal/dev-server';

/**
 * `smart-sync start` and its embedded dev server's life: after a run that was killed
 * (SIGKILL: no chance to stop its dev server), next to a program that holds one of its
 * ports, and when its dev server dies and cannot be brought back.
 */
const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'src', 'cli', 'smart-sync.ts');
const ADMIN = { Authorization: 'Bearer demo-admin-token' };

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'start'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function ready(port: string, started: Started): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (started.child.exitCode !== null) throw new Error(`exited early:\n${started.output()}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`not ready within 90 s:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-stale-'));
const running: Started[] = [];
let leftBehind: number | undefined;

afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  if (leftBehind !== undefined && isProcessAlive(leftBehind)) process.kill(leftBehind, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

type Ports = Record<
  'PORT' | 'TEMPORAL_DEV_SERVER_PORT' | 'TEMPORAL_UI_PORT' | 'DEMO_ONEFLOW_PORT' | 'DEMO_SUPEROFFICE_PORT',
  string
>;

async function environment(): Promise<Ports> {
  return {
    PORT: String(await freePort()),
    TEMPORAL_DEV_SERVER_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    DEMO_ONEFLOW_PORT: String(await freePort()),
    DEMO_SUPEROFFICE_PORT: String(await freePort()),
  };
}

describe('smart-sync start and its dev server', () => {
  it('stops the dev server a killed run left behind, starts a fresh one on the same history, and says so', async () => {
    const env = { ...(await environment()), SMART_SYNC_DATA_DIR: dataDir };
    const first = start(env);
    running.push(first);
    await ready(env.PORT, first);
    const resync = await fetch(`http://127.0.0.1:${env.PORT}/api/contracts/9001/resync`, {
      method: 'POST',
      headers: ADMIN,
    });
    const { workflowId } = (await resync.json()) as { workflowId: string };

    const record = readDevServerPidFile(path.join(dataDir, DEV_SERVER_PID_FILE))!;
    expect(record).toMatchObject({ ownerPid: first.child.pid, port: Number(env.TEMPORAL_DEV_SERVER_PORT) });
    leftBehind = record.pid;
    first.child.kill('SIGKILL');
    await first.exited;
    // Its dev server outlives it, holding the port and the db file.
    expect(isProcessAlive(record.pid)).toBe(true);

    const second = start(env);
    running.push(second);
    await ready(env.PORT, second);
    expect(second.output()).toContain(
      `found the Temporal dev server (pid ${record.pid}, port ${env.TEMPORAL_DEV_SERVER_PORT}) that an earlier ` +
        `Smart Sync (pid ${first.child.pid}, no longer running) left behind; stopping it and starting a fresh one on the same history`,
    );
    expect(isProcessAlive(record.pid)).toBe(false);
    expect(readDevServerPidFile(path.join(dataDir, DEV_SERVER_PID_FILE))).toMatchObject({
      ownerPid: second.child.pid,
    });
    const runs = await fetch(`http://127.0.0.1:${env.PORT}/api/contracts/9001/runs`, { headers: ADMIN });
    const body = (await runs.json()) as { runs: Array<{ workflowId: string }> };
    expect(body.runs.map((r) => r.workflowId)).toContain(workflowId);

    // A second `npm start` on the same data folder, while this one runs, is refused.
    const third = start({ ...(await environment()), SMART_SYNC_DATA_DIR: dataDir });
    running.push(third);
    expect(await third.exited).toBe(1);
    expect(third.output()).toContain(
      `Smart Sync could not start: another Smart Sync, pid ${second.child.pid}, is running on this data folder`,
    );

    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 240_000);

  it('refuses a port held by another program in one line that names it', async () => {
    const env = {
      ...(await environment()),
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-port-')),
    };
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(Number(env.TEMPORAL_UI_PORT), '127.0.0.1', r));
    try {
      const s = start(env);
      running.push(s);
      expect(await s.exited).toBe(1);
      const line = s
        .output()
        .split('\n')
        .find((l) => l.startsWith('Smart Sync could not start'));
      expect(line).toMatch(
        new RegExp(
          `^Smart Sync could not start: port ${env.TEMPORAL_UI_PORT} \\(TEMPORAL_UI_PORT, the Temporal Web UI\\) ` +
            `is already in use by pid ${process.pid} \\(.*\\): stop it with \`kill ${process.pid}\` ` +
            'or set TEMPORAL_UI_PORT to a free port$',
        ),
      );
      expect(s.output()).not.toMatch(/^\s+at /m);
    } finally {
      holder.close();
      rmSync(env.SMART_SYNC_DATA_DIR, { recursive: true, force: true });
    }
  }, 120_000);

  it('exits with code 1, saying why, when its dev server dies and cannot be restarted', async () => {
    const env = {
      ...(await environment()),
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-exit-')),
    };
    const s = start(env);
    running.push(s);
    await ready(env.PORT, s);
    const record = readDevServerPidFile(path.join(env.SMART_SYNC_DATA_DIR, DEV_SERVER_PID_FILE))!;
    // Killed, and its port taken before the first restart (after 0.5 s) can have it.
    const holder = net.createServer();
    process.kill(record.pid, 'SIGKILL');
    const killedAt = Date.now();
    for (;;) {
      const bound = await new Promise<boolean>((resolve) => {
        holder.once('error', () => resolve(false));
        holder.listen(Number(env.TEMPORAL_DEV_SERVER_PORT), '127.0.0.1', () => resolve(true));
      });
      if (bound) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    try {
      // The child's exit reaches the supervisor a moment after the kill, so /readyz may
      // still say "running" for that moment; what it says once it knows is what matters.
      let readyz: { status: number; devServer: string } = { status: 0, devServer: 'running' };
      for (const until = Date.now() + 10_000; Date.now() < until;) {
        const answer = await fetch(`http://127.0.0.1:${env.PORT}/readyz`);
        readyz = {
          status: answer.status,
          devServer: ((await answer.json()) as { checks: { devServer: string } }).checks.devServer,
        };
        if (readyz.devServer !== 'running') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(readyz.status).toBe(503);
      expect(readyz.devServer).toMatch(
        /^(was killed by SIGKILL|could not be restarted \(.*\)); restarting it \(attempt \d of 5\)$/,
      );
      expect(await s.exited).toBe(1);
      const seconds = ((Date.now() - killedAt) / 1000).toFixed(1);
      expect(s.output()).toContain(
        'Smart Sync is stopping: the embedded Temporal dev server could not be restarted (port ' +
          `${env.TEMPORAL_DEV_SERVER_PORT} (TEMPORAL_DEV_SERVER_PORT) is already in use by pid ${process.pid}`,
      );
      expect(s.output()).toContain('and 5 restarts in a row did not keep it running.\nExiting with code 1');
      process.stderr.write(
        `  dev server killed and its port taken: smart-sync exited with code 1 after ${seconds} s\n`,
      );
    } finally {
      holder.close();
      rmSync(env.SMART_SYNC_DATA_DIR, { recursive: true, force: true });
    }
  }, 120_000);
});

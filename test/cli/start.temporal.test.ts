import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { freePort } from '../../src/temporal/dev-server';

/**
 * `smart-sync start` as a user runs it (through tsx instead of the compiled dist/):
 * the embedded dev server with its Web UI and a history file, health routes, a clean
 * stop on Ctrl-C, history that survives a restart, and clear refusals of bad settings.
 */
const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'src', 'cli', 'smart-sync.ts');

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

async function waitFor(url: string, ms: number, started: Started): Promise<Response> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`exited early:\n${started.output()}`);
    try {
      return await fetch(url);
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms} ms (${String(last)}):\n${started.output()}`);
}

describe('smart-sync start', () => {
  it('refuses a malformed PORT, naming it', async () => {
    const s = start({ PORT: 'eighty' });
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain('PORT must be a whole number between 1 and 65535');
  });

  it('refuses an unreachable TEMPORAL_ADDRESS, naming it', async () => {
    const port = await freePort();
    const s = start({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, PORT: String(await freePort()) });
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain(`TEMPORAL_ADDRESS=127.0.0.1:${port}: cannot reach Temporal there`);
  });

  it('runs the dev server with its Web UI, stops on Ctrl-C, and keeps history across a restart', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-start-'));
    const ports = {
      PORT: String(await freePort()),
      TEMPORAL_DEV_SERVER_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
    };
    const env = {
      ...ports,
      SMART_SYNC_DATA_DIR: dataDir,
      DEMO_ONEFLOW_PORT: String(await freePort()),
      DEMO_SUPEROFFICE_PORT: String(await freePort()),
    };
    const first = start(env);
    const health = await waitFor(`http://127.0.0.1:${ports.PORT}/healthz`, 90_000, first);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.PORT}/readyz`)).status).toBe(200);
    expect((await waitFor(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`, 10_000, first)).status).toBe(200);

    // A manual run leaves history behind.
    const resync = await fetch(`http://127.0.0.1:${ports.PORT}/api/contracts/9001/resync`, {
      method: 'POST',
      headers: { Authorization: 'Bearer demo-admin-token' },
    });
    expect(resync.status).toBe(202);
    const { workflowId } = (await resync.json()) as { workflowId: string };
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_DEV_SERVER_PORT}` });
    await new Client({ connection }).workflow.getHandle(workflowId).result();
    await connection.close();

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopped');
    // The demo keeps its state apart from a live deployment's, and says where.
    const demoDir = path.join(dataDir, 'demo');
    expect(first.output()).toContain(`mapping store: ${path.join(demoDir, 'settings.db')}`);
    expect(existsSync(path.join(demoDir, 'settings.db'))).toBe(true);
    expect(existsSync(path.join(demoDir, 'temporal.db'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'settings.db'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'temporal.db'))).toBe(false);

    const second = start(env);
    await waitFor(`http://127.0.0.1:${ports.PORT}/healthz`, 90_000, second);
    const runs = await fetch(`http://127.0.0.1:${ports.PORT}/api/contracts/9001/runs`, {
      headers: { Authorization: 'Bearer demo-admin-token' },
    });
    const body = (await runs.json()) as { runs: Array<{ workflowId: string; status: string }> };
    expect(body.runs.map((r) => r.workflowId)).toContain(workflowId);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 240_000);
});

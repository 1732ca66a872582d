import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import {
  DEMO_SUPEROFFICE_TOKEN,
  type RunningSuperOfficeEmulator,
  startSuperOfficeEmulator,
} from '../../src/emulators/superoffice';
import { freePort } from '../../src/temporal/dev-server';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'src', 'cli', 'smart-sync.ts');

interface Started {
  child: ChildProcess;
  output: () => string;
}

function run(command: string, env: NodeJS.ProcessEnv): Started {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', cli, command], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

async function untilReady(started: Started, port: number): Promise<void> {
  for (let i = 0; ; i++) {
    if (started.child.exitCode !== null) throw new Error(`exited:\n${started.output()}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (ready?.status === 200) return;
    if (i > 240) throw new Error(`not ready:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stop(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null) return;
  started.child.kill('SIGTERM');
  await new Promise((r) => started.child.once('exit', r));
}

/**
 * The scale-out deployment: `smart-sync api` takes the webhooks and starts the runs,
 * `smart-sync worker` (another process, with no HTTP API) runs them, both against the
 * test run's Temporal server and configured as a customer configures them.
 */
describe('smart-sync api and smart-sync worker as separate processes', () => {
  let oneflow: RunningOneflowEmulator;
  let superoffice: RunningSuperOfficeEmulator;
  let api: Started;
  let worker: Started;
  let apiPort = 0;
  let workerPort = 0;

  beforeAll(async () => {
    apiPort = await freePort();
    workerPort = await freePort();
    superoffice = await startSuperOfficeEmulator({ port: 0 });
    oneflow = await startOneflowEmulator({
      port: 0,
      webhookUrl: `http://127.0.0.1:${apiPort}/webhooks/oneflow`,
      signKey: 'customer-sign-key',
      retryScale: 0.01,
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-split-'));
    const config = path.join(dir, 'smart-sync.json');
    const namespace = await createTestNamespace();
    writeFileSync(
      config,
      JSON.stringify({
        smartSync: { dataFields: true, products: false },
        links: { sale: 'superoffice_sale_id' },
        mappings: [{ object: 'Sale', property: 'Number', dataField: 'po_number' }],
      }),
    );
    // The worker finds Temporal through a profile of the SDK's config file, the api through the variables.
    const profiles = path.join(dir, 'temporal.toml');
    writeFileSync(
      profiles,
      `[profile.cluster]\naddress = "${testTemporalTarget().address}"\nnamespace = "${namespace}"\n`,
    );
    const env = {
      TEMPORAL_TASK_QUEUE: 'smart-sync-split',
      ONEFLOW_API_URL: oneflow.apiUrl,
      ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
      ONEFLOW_WEBHOOK_SIGN_KEY: 'customer-sign-key',
      SUPEROFFICE_API_URL: superoffice.apiUrl,
      SUPEROFFICE_ACCESS_TOKEN: DEMO_SUPEROFFICE_TOKEN,
      SMART_SYNC_ADMIN_TOKEN: 'a-long-admin-token-for-this-test-0123456789',
      SMART_SYNC_CONFIG: config,
      SMART_SYNC_RETRY_POLICIES: '{"sale":{"initialIntervalMs":100},"outcome":{"initialIntervalMs":100}}',
    };
    // Each its own data folder, as two containers have.
    api = run('api', {
      ...env,
      TEMPORAL_ADDRESS: testTemporalTarget().address,
      TEMPORAL_NAMESPACE: namespace,
      PORT: String(apiPort),
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-api-')),
    });
    worker = run('worker', {
      ...env,
      TEMPORAL_CONFIG_FILE: profiles,
      TEMPORAL_PROFILE: 'cluster',
      // PORT is the api's: the worker must not take it.
      PORT: String(apiPort),
      SMART_SYNC_WORKER_HEALTH_PORT: String(workerPort),
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-worker-')),
    });
    await Promise.all([untilReady(api, apiPort), untilReady(worker, workerPort)]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([stop(api), stop(worker)]);
    await oneflow?.close();
    await superoffice?.close();
  });

  it('answers each its own /readyz: the api checks Temporal, the worker its workers and Temporal', async () => {
    const apiReady = await fetch(`http://127.0.0.1:${apiPort}/readyz`);
    expect(apiReady.status).toBe(200);
    expect(((await apiReady.json()) as { checks: unknown }).checks).toEqual({ temporal: 'ok' });
    const workerReady = await fetch(`http://127.0.0.1:${workerPort}/readyz`);
    expect(workerReady.status).toBe(200);
    expect(((await workerReady.json()) as { checks: unknown }).checks).toEqual({
      temporal: 'ok',
      workers: 'running',
    });
  });

  it('serves no webhooks, admin API or settings page from the worker, and metrics from both', async () => {
    for (const route of ['/webhooks/oneflow', '/api/config', '/settings']) {
      expect((await fetch(`http://127.0.0.1:${workerPort}${route}`)).status).toBe(404);
    }
    expect((await fetch(`http://127.0.0.1:${workerPort}/metrics`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${apiPort}/metrics`)).status).toBe(200);
  });

  it('syncs a webhook the api accepted in the worker', async () => {
    oneflow.sign(9001);
    await oneflow.settled();
    expect(oneflow.emulator.deliveries().at(-1)!.attempts.at(-1)!.status).toBe(200);
    let sale: Record<string, unknown> | undefined;
    for (let i = 0; i < 150 && !sale; i++) {
      const state = (await (await fetch(`${superoffice.origin}/_emulator/state`)).json()) as {
        sales: Array<Record<string, unknown>>;
        appointments: unknown[];
      };
      if (state.appointments.length > 0) sale = state.sales.find((s) => s.SaleId === 2001);
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(sale).toMatchObject({ Number: 'PO-2026-0042' });
    expect(worker.output()).toMatch(/Smart Sync worker is running/);
  });
});

describe('smart-sync api and worker outside a cluster', () => {
  const exitOf = (started: Started) =>
    new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));

  it.each(['api', 'worker'])('%s refuses demo mode with a clear message', async (command) => {
    const started = run(command, {
      TEMPORAL_ADDRESS: testTemporalTarget().address,
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-demo-')),
    });
    expect(await exitOf(started)).toBe(1);
    expect(started.output()).toContain(`smart-sync ${command} does not run in demo mode`);
    expect(started.output()).toContain('smart-sync start');
  });

  it('refuses to start an api without TEMPORAL_ADDRESS', async () => {
    const started = run('api', {
      PORT: String(await freePort()),
      ONEFLOW_API_URL: 'http://127.0.0.1:1',
      ONEFLOW_API_TOKEN: 'token',
      ONEFLOW_WEBHOOK_SIGN_KEY: 'key',
      SUPEROFFICE_API_URL: 'http://127.0.0.1:1',
      SUPEROFFICE_ACCESS_TOKEN: 'token',
      SMART_SYNC_ADMIN_TOKEN: 'a-long-admin-token-for-this-test-0123456789',
      SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-noaddr-')),
    });
    expect(await exitOf(started)).toBe(1);
    expect(started.output()).toContain('smart-sync api needs a Temporal cluster: set TEMPORAL_ADDRESS');
  });
});

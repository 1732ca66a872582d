import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { DEMO_ONEFLOW_TOKEN, DEMO_ONEFLOW_USER_EMAIL } from '../../src/emulators/oneflow';
import { DEMO_SUPEROFFICE_TOKEN } from '../../src/emulators/superoffice';
import { createLogger } from '../../src/logging/logger';
import { createApp } from '../../src/server/app';
import { webhookRouter } from '../../src/server/webhooks';
import { connectClient } from '../../src/temporal/connection';
import { freePort } from '../../src/temporal/dev-server';
import { ensureSearchAttributes } from '../../src/temporal/ensure-search-attributes';
import { TemporalSyncStarter } from '../../src/temporal/sync-starter';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import {
  ADMIN_TOKEN,
  type Emulators,
  problemsWithAll,
  report,
  SIGN_KEY,
  startEmulators,
  stepOptions,
  waitForOutcomes,
} from './harness';

/**
 * Two `smart-sync worker` processes (the CLI, as a Deployment runs it) share a batch; one is
 * sent SIGTERM, as Kubernetes does on a rollout, while SuperOffice calls are under way. It
 * stops polling, lets its in-flight activities finish within SMART_SYNC_SHUTDOWN_GRACE_SECONDS
 * and exits 0; the other worker takes the rest. Every contract is synced once, with the right
 * values, and no activity needed a second attempt: the drain lost nothing and cut nothing.
 */
jest.setTimeout(240_000);

const CONTRACTS = 16;
const ROOT = path.join(__dirname, '..', '..');

interface CliWorker {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let emulators: Emulators;
let client: Client;
let connection: Connection;
let server: Server;
const workers: CliWorker[] = [];

afterAll(async () => {
  for (const w of workers)
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await connection?.close();
  await emulators?.close();
});

async function startCliWorker(env: Record<string, string>): Promise<CliWorker> {
  const port = await freePort();
  let output = '';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'smart-sync.ts'), 'worker'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...env,
        SMART_SYNC_WORKER_HEALTH_PORT: String(port),
        SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-sigterm-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const worker = { child, port, output: () => output, exited };
  workers.push(worker);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the worker exited while starting:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (ready?.status === 200) return worker;
    if (i > 480) throw new Error(`the worker was not ready within 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it('drains a worker sent SIGTERM mid-batch: every sync once, none retried, the other worker takes the rest', async () => {
  emulators = await startEmulators(CONTRACTS);
  // Each SuperOffice call takes a moment, so that SIGTERM finds activities under way.
  emulators.superoffice.control.addFault({ path: '**', latencyMs: 150 });
  const target = { address: testTemporalTarget().address, namespace: await createTestNamespace() };
  const taskQueue = `sigterm-${randomUUID()}`;
  ({ client, connection } = await connectClient(target));
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  await ensureSearchAttributes(connection, target.namespace, logger);
  const starter = new TemporalSyncStarter({
    client,
    taskQueue,
    namespace: target.namespace,
    uiUrl: 'http://localhost:8233',
    steps: stepOptions({ initialIntervalMs: 100, maximumIntervalMs: 1_000 }),
  });
  const app = createApp({
    logger,
    health: { temporalReachable: async () => true, workersRunning: () => true },
    routers: [webhookRouter({ starter, signKey: SIGN_KEY, logger })],
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  emulators.oneflow.emulator.configureWebhook({
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/oneflow`,
  });

  const env = {
    TEMPORAL_ADDRESS: target.address,
    TEMPORAL_NAMESPACE: target.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ONEFLOW_API_URL: emulators.oneflow.apiUrl,
    ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
    ONEFLOW_USER_EMAIL: DEMO_ONEFLOW_USER_EMAIL,
    ONEFLOW_WEBHOOK_SIGN_KEY: SIGN_KEY,
    SUPEROFFICE_API_URL: emulators.superoffice.apiUrl,
    SUPEROFFICE_ACCESS_TOKEN: DEMO_SUPEROFFICE_TOKEN,
    SMART_SYNC_ADMIN_TOKEN: ADMIN_TOKEN,
    SMART_SYNC_CONFIG: path.join(ROOT, 'config', 'demo-mapping.json'),
    SMART_SYNC_SHUTDOWN_GRACE_SECONDS: '20',
    LOG_LEVEL: 'info',
  };
  const [leaving, staying] = await Promise.all([startCliWorker(env), startCliWorker(env)]);

  for (const c of emulators.contracts) emulators.oneflow.sign(c.contractId);
  await emulators.oneflow.settled();

  let doneAtSignal = 0;
  let callsInFlight = 0;
  let signalledAt = 0;
  await waitForOutcomes(emulators, {
    timeoutMs: 60_000,
    diagnose: () => `leaving worker:\n${leaving!.output()}`,
    onProgress: (done) => {
      if (signalledAt || done < 2) return;
      callsInFlight = emulators.superoffice.control.requests().filter((r) => r.status === null).length;
      if (callsInFlight === 0) return;
      doneAtSignal = done;
      signalledAt = Date.now();
      leaving!.child.kill('SIGTERM');
    },
  });
  expect(signalledAt).toBeGreaterThan(0);
  expect(doneAtSignal).toBeLessThan(CONTRACTS);

  // It drained and exited cleanly, well within the grace period.
  const exit = await leaving!.exited;
  const drainSeconds = ((Date.now() - signalledAt) / 1000).toFixed(1);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(leaving!.output()).toContain('stopping: in-flight webhooks and activities get up to 20 s');
  expect(leaving!.output()).toMatch(/"msg":"stopped"/);
  // The one left is still serving.
  expect((await fetch(`http://127.0.0.1:${staying!.port}/readyz`)).status).toBe(200);
  // Both ran the same workflow code, and say which on /metrics and in their log.
  const buildIds = [leaving!, staying!].map(
    (w) => /workers running workflow build (wf-[0-9a-f]{16})/.exec(w.output())?.[1],
  );
  expect(buildIds[0]).toBeDefined();
  expect(buildIds[1]).toBe(buildIds[0]);
  const metrics = await (await fetch(`http://127.0.0.1:${staying!.port}/metrics`)).text();
  expect(metrics).toContain(
    `smart_sync_workflow_build_info{build_id="${buildIds[0]}",deployment="",deployment_build_id=""} 1`,
  );

  await new Promise((r) => setTimeout(r, 1_000));
  expect(problemsWithAll(emulators)).toEqual([]);
  let retried = 0;
  for (const c of emulators.contracts) {
    const ids: string[] = [];
    for await (const wf of client.workflow.list({
      query: `WorkflowType = 'smartSync' AND SmartSyncContractId = ${c.contractId}`,
    })) {
      ids.push(wf.workflowId);
    }
    expect(ids).toHaveLength(1);
    const handle = client.workflow.getHandle(ids[0]!);
    expect(((await handle.result()) as { outcome: string }).outcome).toBe('succeeded');
    // A drained activity completes on its first attempt; a cut one would be retried.
    const { events } = await handle.fetchHistory();
    retried += (events ?? []).filter(
      (e) =>
        e.activityTaskFailedEventAttributes ||
        e.activityTaskTimedOutEventAttributes ||
        (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
    ).length;
  }
  expect(retried).toBe(0);
  report(
    'worker SIGTERM',
    `SIGTERM to one of two \`smart-sync worker\` processes with ${doneAtSignal} of ${CONTRACTS} syncs done and ` +
      `${callsInFlight} SuperOffice calls in flight; it drained and exited 0 in ${drainSeconds} s, the other ` +
      `finished the batch → ${CONTRACTS} runs, all succeeded, no activity retried, one Activity per Sale`,
  );
});

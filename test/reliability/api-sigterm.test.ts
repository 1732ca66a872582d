import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { DEMO_ONEFLOW_TOKEN, DEMO_ONEFLOW_USER_EMAIL } from '../../src/emulators/oneflow';
import { DEMO_SUPEROFFICE_TOKEN } from '../../src/emulators/superoffice';
import { createLogger } from '../../src/logging/logger';
import { freePort } from '../../src/temporal/dev-server';
import { ensureSearchAttributes } from '../../src/temporal/ensure-search-attributes';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import { startTlsGrpcProxy, type TlsGrpcProxy } from '../support/tls-grpc-proxy';
import {
  ADMIN_TOKEN,
  type Emulators,
  problemsWithAll,
  report,
  SIGN_KEY,
  spawnWorker,
  startEmulators,
  waitForOutcomes,
  type WorkerChild,
} from './harness';

/**
 * A `smart-sync api` process is sent SIGTERM while Oneflow's webhooks are being answered
 * (each one waits on Temporal: the proxy in front of it holds the start of a run for a
 * moment). Every webhook the process had accepted is answered 200 and its sync runs; those
 * that arrive after the signal find the port closed (connection refused, never a reset) and
 * Oneflow delivers them again, to the replica that replaces it. The api reaches Temporal over
 * TLS with an API key, as on Temporal Cloud.
 */
jest.setTimeout(240_000);

const CONTRACTS = 24;
const ROOT = path.join(__dirname, '..', '..');
const API_KEY = `api-sigterm-${randomUUID()}`;

interface ApiProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let emulators: Emulators;
let proxy: TlsGrpcProxy;
let worker: WorkerChild | undefined;
const apis: ApiProcess[] = [];

afterAll(async () => {
  for (const a of apis) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  await Promise.all(apis.map((a) => a.exited));
  await worker?.kill('SIGKILL');
  await proxy?.close();
  await emulators?.close();
});

async function startApi(port: number, env: Record<string, string>): Promise<ApiProcess> {
  let output = '';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'smart-sync.ts'), 'api'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...env,
        PORT: String(port),
        SMART_SYNC_HOST: '127.0.0.1',
        SMART_SYNC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'smart-sync-api-sigterm-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const api = { child, output: () => output, exited };
  apis.push(api);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the api exited while starting:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (ready?.status === 200) return api;
    if (i > 480) throw new Error(`the api was not ready within 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it('answers every webhook it accepted before stopping on SIGTERM, and each of them is synced once', async () => {
  emulators = await startEmulators(CONTRACTS, { retryScale: 0.002 });
  const namespace = await createTestNamespace();
  const taskQueue = `api-sigterm-${randomUUID()}`;
  const direct = await Connection.connect({ address: testTemporalTarget().address });
  await ensureSearchAttributes(direct, namespace, createLogger('silent'));
  await direct.close();
  // Starting a run takes 800 ms through the proxy, so that SIGTERM finds webhooks under way.
  proxy = await startTlsGrpcProxy(testTemporalTarget().address, API_KEY, {
    delayMs: (method) => (/Start/.test(method) ? 800 : 0),
  });
  worker = await spawnWorker({
    address: testTemporalTarget().address,
    namespace,
    taskQueue,
    oneflow: {
      apiUrl: emulators.oneflow.apiUrl,
      apiToken: DEMO_ONEFLOW_TOKEN,
      userEmail: DEMO_ONEFLOW_USER_EMAIL,
    },
    superoffice: { apiUrl: emulators.superoffice.apiUrl, accessToken: DEMO_SUPEROFFICE_TOKEN },
    oneflowActivitiesPerSecond: 100,
  });
  const port = await freePort();
  const env = {
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_API_KEY: API_KEY,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: proxy.caFile,
    TEMPORAL_TLS_SERVER_NAME: proxy.serverName,
    ONEFLOW_API_URL: emulators.oneflow.apiUrl,
    ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
    ONEFLOW_USER_EMAIL: DEMO_ONEFLOW_USER_EMAIL,
    ONEFLOW_WEBHOOK_SIGN_KEY: SIGN_KEY,
    SUPEROFFICE_API_URL: emulators.superoffice.apiUrl,
    SUPEROFFICE_ACCESS_TOKEN: DEMO_SUPEROFFICE_TOKEN,
    SMART_SYNC_ADMIN_TOKEN: ADMIN_TOKEN,
    SMART_SYNC_SHUTDOWN_GRACE_SECONDS: '15',
    LOG_LEVEL: 'info',
  };
  const first = await startApi(port, env);
  emulators.oneflow.emulator.configureWebhook({ url: `http://127.0.0.1:${port}/webhooks/oneflow` });

  for (const c of emulators.contracts) emulators.oneflow.sign(c.contractId);
  // SIGTERM once the first answers are back and more webhooks are under way.
  const attempts = () => emulators.oneflow.emulator.deliveries().flatMap((d) => d.attempts);
  for (let i = 0; i < 400 && !attempts().some((a) => a.status === 200); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  const signalledAt = Date.now();
  first.child.kill('SIGTERM');
  const exit = await first.exited;
  const stoppedAt = Date.now();
  expect(exit).toEqual({ code: 0, signal: null });
  expect(first.output()).toMatch(/"msg":"stopped"/);

  // What the first process answered, and how.
  const byFirst = attempts().filter((a) => Date.parse(a.startedAt) < stoppedAt);
  const inFlightAtSignal = byFirst.filter(
    (a) =>
      Date.parse(a.startedAt) < signalledAt &&
      (a.finishedAt === null || Date.parse(a.finishedAt) >= signalledAt),
  );
  expect(inFlightAtSignal.length).toBeGreaterThan(0);
  // Every webhook under way at the signal was answered 200, none cut off.
  expect(inFlightAtSignal.map((a) => a.status ?? a.error)).toEqual(inFlightAtSignal.map(() => 200));
  // The rest found the port closed: refused before anything was accepted, never reset.
  const notAnswered = byFirst.filter((a) => a.status !== 200);
  for (const a of notAnswered) expect(a.error).toBe('ECONNREFUSED');

  // The replacement takes the redeliveries; every contract is synced once.
  await startApi(port, env);
  await waitForOutcomes(emulators, { timeoutMs: 120_000, diagnose: () => worker!.output() });
  await new Promise((r) => setTimeout(r, 1_000));
  expect(problemsWithAll(emulators)).toEqual([]);
  expect(emulators.oneflow.emulator.deliveries().every((d) => d.status === 'delivered')).toBe(true);
  report(
    'api SIGTERM',
    `SIGTERM to \`smart-sync api\` with ${inFlightAtSignal.length} webhooks under way: all answered 200 before it ` +
      `exited 0 in ${((stoppedAt - signalledAt) / 1000).toFixed(1)} s; ${notAnswered.length} deliveries refused ` +
      `meanwhile were redelivered to its replacement → ${CONTRACTS} contracts synced once, one Activity per Sale`,
  );
});

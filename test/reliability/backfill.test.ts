import type { Client } from '@temporalio/client';
import { createLogger } from '../../src/logging/logger';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { type RunningParts, startParts } from '../../src/runtime/service';
import type { BackfillStatus } from '../../src/temporal/backfills';
import { signingWorkflowId } from '../../src/workflow-contract';
import { demoMappingDocument } from '../support/sync-stack';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import {
  ADMIN,
  activitiesBySale,
  type Emulators,
  problemsWith,
  report,
  serviceSettings,
  spawnWorker,
  startEmulators,
  type WorkerChild,
} from './harness';
import { DEMO_ONEFLOW_TOKEN, DEMO_ONEFLOW_USER_EMAIL } from '../../src/emulators/oneflow';
import { DEMO_SUPEROFFICE_TOKEN } from '../../src/emulators/superoffice';
import type { WorkerConfig } from './worker-process';

/**
 * A backfill of 500 signed contracts through the admin API, with the workers in a child
 * process that is killed with SIGKILL halfway: 10 were synced by webhook before, 5 are not
 * signed (never listed), one is listed but Oneflow answers 404 for it. Every eligible
 * contract ends synced once (one run, one outcome Activity), the backfill reports its
 * counts, and a dry run first writes nothing to SuperOffice.
 */
jest.setTimeout(600_000);

const SIGNED = 500;
const PENDING = 5;
const WEBHOOK_SYNCED = 10;

let emulators: Emulators;
let api: RunningParts | undefined;
let worker: WorkerChild | undefined;

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await api?.stop();
  await emulators?.close();
});

async function call<T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${api!.url}${path}`, {
    method,
    headers: { ...ADMIN, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, diagnose = () => '') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}\n${diagnose()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function runsOf(client: Client, contractId: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({
    query: `WorkflowType = 'smartSync' AND SmartSyncContractId = ${contractId}`,
  })) {
    ids.push(wf.workflowId);
  }
  return ids;
}

it('syncs every eligible signed contract once, survives a worker SIGKILL, reports its counts; its dry run writes nothing', async () => {
  emulators = await startEmulators(SIGNED + PENDING, { state: 'signed' });
  const { emulator, control } = emulators.oneflow;
  const pending = emulators.contracts.slice(SIGNED);
  for (const c of pending) {
    const seed = emulators.data.oneflow.contracts!.find((s) => s.id === c.contractId)!;
    emulator.putContract({ ...seed, state: 'pending' });
  }
  const gone = emulators.contracts[SIGNED - 1]!;
  control.addFault({ path: `/v1/contracts/${gone.contractId}/**`, status: 404 });
  control.addFault({ path: `/v1/contracts/${gone.contractId}`, status: 404 });
  const eligible = emulators.contracts.slice(0, SIGNED - 1);

  const target = { address: testTemporalTarget().address, namespace: await createTestNamespace() };
  const environment = serviceSettings(target, emulators);
  api = await startParts('api', environment, createLogger(environment.logLevel), {
    mappingStore: new InMemoryMappingStore(demoMappingDocument()),
  });
  emulator.configureWebhook({ url: `${api.url}/webhooks/oneflow` });
  const config: WorkerConfig = {
    ...target,
    taskQueue: environment.temporal.taskQueue,
    oneflow: {
      apiUrl: emulators.oneflow.apiUrl,
      apiToken: DEMO_ONEFLOW_TOKEN,
      userEmail: DEMO_ONEFLOW_USER_EMAIL,
    },
    superoffice: { apiUrl: emulators.superoffice.apiUrl, accessToken: DEMO_SUPEROFFICE_TOKEN },
    oneflowActivitiesPerSecond: 60,
  };
  worker = await spawnWorker(config);
  const diagnose = () => `worker output:\n${worker?.output() ?? ''}`;

  // Ten were synced by their webhooks before the backfill.
  const byWebhook = eligible.slice(0, WEBHOOK_SYNCED);
  for (const c of byWebhook) emulator.emitEvent(c.contractId, 'contract:sign');
  await until(
    'the webhook syncs recorded their outcomes',
    async () => byWebhook.every((c) => activitiesBySale(emulators.superoffice).has(c.saleId)),
    60_000,
    diagnose,
  );

  // A dry run first: it lists what would be synced and writes nothing to SuperOffice.
  const writesBefore = emulators.writes().length;
  const dry = await call<{ backfillId: string }>('POST', '/api/backfills', {
    signedSince: '2020-01-01',
    dryRun: true,
  });
  expect(dry.status).toBe(202);
  let dryStatus: BackfillStatus | undefined;
  await until(
    'the dry run ended',
    async () => {
      dryStatus = (await call<BackfillStatus>('GET', `/api/backfills/${dry.body.backfillId}`)).body;
      return dryStatus.status !== 'RUNNING';
    },
    120_000,
    diagnose,
  );
  expect(dryStatus!.progress).toMatchObject({
    phase: 'completed',
    dryRun: true,
    counts: { listed: SIGNED, started: 0 },
  });
  expect(dryStatus!.progress!.wouldSync).toHaveLength(SIGNED);
  expect(emulators.writes().length).toBe(writesBefore);

  // The backfill itself, killed halfway.
  const started = await call<{ backfillId: string }>('POST', '/api/backfills', {
    signedSince: '2020-01-01',
    maxInFlight: 8,
  });
  expect(started.status).toBe(202);
  const id = started.body.backfillId;
  const status = async () => (await call<BackfillStatus>('GET', `/api/backfills/${id}`)).body;
  let doneAtKill = 0;
  await until(
    'a third of the backfill is done',
    async () => {
      const p = (await status()).progress;
      doneAtKill = p?.done ?? 0;
      return doneAtKill >= SIGNED / 3;
    },
    300_000,
    diagnose,
  );
  await worker.kill('SIGKILL');
  const whileDown = await status();
  expect(whileDown.status).toBe('RUNNING');
  await new Promise((r) => setTimeout(r, 1_000));
  worker = await spawnWorker(config);
  let final: BackfillStatus | undefined;
  await until(
    'the backfill ended',
    async () => {
      final = await status();
      return final.status !== 'RUNNING';
    },
    400_000,
    diagnose,
  );
  expect(final!.status).toBe('COMPLETED');
  const counts = final!.progress!.counts;
  expect(final!.progress).toMatchObject({
    phase: 'completed',
    inFlight: 0,
    total: SIGNED,
    totalIsEstimate: false,
  });
  expect(counts.listed).toBe(SIGNED);
  expect(counts.notFound).toBe(1);
  expect(counts.failedToStart).toBe(0);
  // A start cut off by the kill may have started its sync before the answer was recorded;
  // its retry then finds it already synced. Either way, each eligible contract once:
  expect(counts.started + counts.alreadySynced).toBe(SIGNED - 1);
  expect(counts.alreadySynced).toBeGreaterThanOrEqual(WEBHOOK_SYNCED);
  expect(counts.finished).toBe(counts.started);

  // Every eligible contract has exactly one run and one right outcome Activity; the pending ones none.
  await new Promise((r) => setTimeout(r, 2_000));
  expect(eligible.flatMap((c) => problemsWith(emulators, c))).toEqual([]);
  const client = api.client;
  const runCounts = await Promise.all(eligible.map(async (c) => (await runsOf(client, c.contractId)).length));
  expect(runCounts.filter((n) => n !== 1)).toEqual([]);
  for (const c of [...pending, gone]) {
    expect(await runsOf(client, c.contractId)).toEqual([]);
    expect(activitiesBySale(emulators.superoffice).has(c.saleId)).toBe(false);
  }
  // The webhook-synced ones kept their webhook run (the backfill started none for them).
  for (const c of byWebhook) {
    const [run] = await runsOf(client, c.contractId);
    expect(run).toBe(signingWorkflowId(c.contractId, emulator.contractEvents(c.contractId)!.at(-1)!.id));
  }
  report(
    'backfill with worker SIGKILL',
    `${SIGNED} signed + ${PENDING} pending contracts; killed the worker at ${doneAtKill} done; ` +
      `the backfill completed with ${counts.started} started, ${counts.alreadySynced} already synced, ` +
      `${counts.notFound} not found; every eligible contract synced once; the dry run wrote nothing`,
  );
});

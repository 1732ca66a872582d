import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createOneflowActivities, createSuperOfficeActivities } from '../../src/activities';
import type { RecordOutcomeOptions } from '../../src/activities/record-outcome';
import { DEMO_ONEFLOW_TOKEN, DEMO_ONEFLOW_USER_EMAIL } from '../../src/emulators/oneflow';
import { DEMO_SUPEROFFICE_TOKEN } from '../../src/emulators/superoffice';
import { createLogger } from '../../src/logging/logger';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { OneflowClient } from '../../src/oneflow/client';
import { SuperOfficeClient } from '../../src/superoffice/client';
import { connectClient, connectWorker } from '../../src/temporal/connection';
import { ensureSearchAttributes } from '../../src/temporal/ensure-search-attributes';
import { type RunningWorkers, startWorkers } from '../../src/temporal/workers';
import { demoMappingDocument } from '../support/sync-stack';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import {
  activitiesBySale,
  type Emulators,
  quietTemporalRuntime,
  report,
  startEmulators,
  stepOptions,
} from './harness';
import {
  SMART_SYNC_WORKFLOW,
  type SmartSyncInput,
  type SmartSyncResult,
  type StepOptions,
} from '../../src/workflow-contract';

/**
 * The late commit: the outcome Activity's POST is answered, and committed, only after its
 * client gave up and after the step's own timeout, as a real server may still commit a
 * request whose client went away. Scaled down: the outcome step's start-to-close is 2 s, the
 * client's timeout 1 s, and the emulator holds that POST for 3 s before it carries it out.
 * With the outcome step's wait for an earlier attempt's create (grace 6 s), the Sale gets
 * exactly one Activity; without it (grace 0), the retry creates a second one beside the
 * late one, which is the defect the wait fixes.
 */
jest.setTimeout(120_000);

const SCALE = {
  stepStartToCloseMs: 2_000,
  clientTimeoutMs: 1_000,
  postLatencyMs: 3_000,
  createGraceMs: 6_000,
  recheckMs: 200,
};

let emulators: Emulators;
let client: Client;
let connection: Connection;
let workerConnection: NativeConnection;
const running: RunningWorkers[] = [];

afterAll(async () => {
  for (const w of running) await w.shutdown();
  await workerConnection?.close();
  await connection?.close();
  await emulators?.close();
});

/** Smart Sync's workers on a task queue of their own, their clients and outcome step scaled down. */
async function workersWith(namespace: string, recordOutcome: Partial<RecordOutcomeOptions>) {
  const taskQueue = `reliability-late-commit-${randomUUID()}`;
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const workers = await startWorkers({
    connection: workerConnection,
    namespace,
    taskQueue,
    activities: createSuperOfficeActivities({
      superoffice: new SuperOfficeClient({
        apiUrl: emulators.superoffice.apiUrl,
        accessToken: DEMO_SUPEROFFICE_TOKEN,
        timeoutMs: SCALE.clientTimeoutMs,
      }),
      mappingStore: new InMemoryMappingStore(demoMappingDocument()),
      logger,
      recordOutcome,
    }),
    oneflowActivities: createOneflowActivities({
      oneflow: new OneflowClient({
        apiUrl: emulators.oneflow.apiUrl,
        apiToken: DEMO_ONEFLOW_TOKEN,
        userEmail: DEMO_ONEFLOW_USER_EMAIL,
        timeoutMs: SCALE.clientTimeoutMs,
      }),
      logger,
    }),
    oneflowActivitiesPerSecond: 200,
    logger,
  });
  running.push(workers);
  return taskQueue;
}

/** One sync of a contract whose outcome POST commits late; what it left on the Sale. */
async function syncWithLateCommit(taskQueue: string, contract: Emulators['contracts'][number]) {
  const { control } = emulators.superoffice;
  control.clearRequests();
  control.addFault({ method: 'POST', path: '**/Appointment', latencyMs: SCALE.postLatencyMs, times: 1 });
  const retries: StepOptions = { initialIntervalMs: 100, maximumIntervalMs: 500 };
  const input: SmartSyncInput = {
    contractId: contract.contractId,
    trigger: 'manual',
    steps: {
      ...stepOptions(retries),
      recordOutcome: { ...retries, startToCloseTimeoutMs: SCALE.stepStartToCloseMs },
    },
  };
  const started = Date.now();
  const handle = await client.workflow.start<(i: SmartSyncInput) => Promise<SmartSyncResult>>(
    SMART_SYNC_WORKFLOW,
    { taskQueue, workflowId: `late-commit-${contract.contractId}-${randomUUID()}`, args: [input] },
  );
  const result = await handle.result();
  const seconds = (Date.now() - started) / 1000;
  // Past the late commit, whatever the run did meanwhile.
  const lateCommitAt = control.requests().find((r) => r.method === 'POST' && r.faultId !== undefined);
  const settleUntil = Date.parse(lateCommitAt?.at ?? new Date().toISOString()) + SCALE.postLatencyMs + 500;
  while (Date.now() < settleUntil) await new Promise((r) => setTimeout(r, 100));

  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const scheduled = events.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordOutcome',
  );
  const attempts = events.find(
    (e) =>
      e.activityTaskStartedEventAttributes &&
      String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(scheduled?.eventId),
  )?.activityTaskStartedEventAttributes?.attempt;
  const requests = control.requests();
  return {
    result,
    seconds,
    attempts: attempts ?? 0,
    posts: requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Appointment')).length,
    looks: requests.filter(
      (r) => r.method === 'GET' && r.path.endsWith(`/Sale/${contract.saleId}/Activities`),
    ).length,
    deletes: requests.filter((r) => r.method === 'DELETE').length,
    activities: activitiesBySale(emulators.superoffice).get(contract.saleId)?.length ?? 0,
  };
}

it('records exactly one outcome Activity when its POST commits after the step timed out', async () => {
  quietTemporalRuntime();
  emulators = await startEmulators(2, { state: 'signed' });
  const target = { address: testTemporalTarget().address, namespace: await createTestNamespace() };
  ({ client, connection } = await connectClient(target));
  await ensureSearchAttributes(connection, target.namespace, createLogger('silent'));
  workerConnection = await connectWorker(target);
  const [guardedContract, unguardedContract] = emulators.contracts;

  const guarded = await syncWithLateCommit(
    await workersWith(target.namespace, { createGraceMs: SCALE.createGraceMs, recheckMs: SCALE.recheckMs }),
    guardedContract!,
  );
  const unguarded = await syncWithLateCommit(
    await workersWith(target.namespace, { createGraceMs: 0, recheckMs: SCALE.recheckMs }),
    unguardedContract!,
  );

  const scale =
    `outcome step start-to-close ${SCALE.stepStartToCloseMs / 1000} s, client timeout ${SCALE.clientTimeoutMs / 1000} s, ` +
    `Appointment POST held ${SCALE.postLatencyMs / 1000} s then committed`;
  const line = (r: typeof guarded) =>
    `${r.activities} Activity(ies) on the Sale, ${r.posts} POSTs, ${r.looks} filtered looks, ${r.deletes} deletes, ` +
    `recordOutcome attempt ${r.attempts}, outcome ${r.result.outcome}, ${r.seconds.toFixed(1)} s`;
  report(
    'late commit',
    `${scale}; with the wait (grace ${SCALE.createGraceMs / 1000} s, re-check every ${SCALE.recheckMs} ms): ${line(guarded)}; ` +
      `without it (grace 0): ${line(unguarded)}`,
  );

  expect(guarded.result.outcome).toBe('succeeded');
  expect(guarded.attempts).toBeGreaterThan(1);
  expect(guarded.posts).toBe(1);
  expect(guarded.activities).toBe(1);
  // The defect the wait fixes, reproduced: the retry's create beside the late one.
  expect(unguarded.posts).toBe(2);
  expect(unguarded.activities).toBe(2);
});

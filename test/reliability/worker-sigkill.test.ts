import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { DEMO_ONEFLOW_TOKEN, DEMO_ONEFLOW_USER_EMAIL } from '../../src/emulators/oneflow';
import { DEMO_SUPEROFFICE_TOKEN } from '../../src/emulators/superoffice';
import { createLogger } from '../../src/logging/logger';
import { createApp } from '../../src/server/app';
import { webhookRouter } from '../../src/server/webhooks';
import { connectClient } from '../../src/temporal/connection';
import { ensureSearchAttributes } from '../../src/temporal/ensure-search-attributes';
import { TemporalSyncStarter } from '../../src/temporal/sync-starter';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import {
  type Emulators,
  problemsWithAll,
  report,
  SIGN_KEY,
  spawnWorker,
  startEmulators,
  stepOptions,
  waitForOutcomes,
  type WorkerChild,
} from './harness';
import type { WorkerConfig } from './worker-process';

/**
 * The worker process is killed with SIGKILL in the middle of a batch: activities are cut
 * off mid-call (some after SuperOffice applied their change), workflow tasks are lost with
 * it. A new worker takes over; every sync completes, and none records its Activity twice.
 * The webhook side (HTTP server and Temporal client) runs here, the workers in a child.
 */
jest.setTimeout(180_000);

const CONTRACTS = 20;

let emulators: Emulators;
let client: Client;
let connection: Connection;
let server: Server;
let worker: WorkerChild | undefined;

afterAll(async () => {
  await worker?.kill('SIGKILL');
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await connection?.close();
  await emulators?.close();
});

it('completes every sync exactly once after the worker is killed with SIGKILL mid-batch', async () => {
  emulators = await startEmulators(CONTRACTS);
  // Each SuperOffice call takes a moment, so that the kill finds syncs half-done.
  emulators.superoffice.control.addFault({ path: '**', latencyMs: 40 });
  const target = { address: testTemporalTarget().address, namespace: await createTestNamespace() };
  const taskQueue = `reliability-${randomUUID()}`;
  ({ client, connection } = await connectClient(target));
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  await ensureSearchAttributes(connection, target.namespace, logger);
  const starter = new TemporalSyncStarter({
    client,
    taskQueue,
    namespace: target.namespace,
    uiUrl: 'http://localhost:8233',
    // A call cut off by the kill is retried once its 5 s start-to-close timeout passes.
    steps: stepOptions({ startToCloseTimeoutMs: 5_000, initialIntervalMs: 100, maximumIntervalMs: 1_000 }),
  });
  const app = createApp({
    logger,
    health: { temporalReachable: async () => true, workersRunning: () => true },
    routers: [webhookRouter({ starter, signKey: SIGN_KEY, logger })],
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  emulators.oneflow.emulator.configureWebhook({ url: `http://127.0.0.1:${port}/webhooks/oneflow` });

  const config: WorkerConfig = {
    ...target,
    taskQueue,
    oneflow: {
      apiUrl: emulators.oneflow.apiUrl,
      apiToken: DEMO_ONEFLOW_TOKEN,
      userEmail: DEMO_ONEFLOW_USER_EMAIL,
    },
    superoffice: { apiUrl: emulators.superoffice.apiUrl, accessToken: DEMO_SUPEROFFICE_TOKEN },
    // Contracts are fetched a few per second, so the batch is still going when the kill comes.
    oneflowActivitiesPerSecond: 4,
  };
  worker = await spawnWorker(config);
  for (const c of emulators.contracts) emulators.oneflow.sign(c.contractId);
  await emulators.oneflow.settled();

  let killedAt = 0;
  let doneAtKill = 0;
  let callsInFlight = 0;
  const diagnose = () => `worker output:\n${worker?.output() ?? ''}`;
  await waitForOutcomes(emulators, {
    timeoutMs: 30_000,
    diagnose,
    onProgress: async (done) => {
      if (killedAt || done < 4) return;
      // Kill while SuperOffice calls are under way, so that activities die mid-call.
      callsInFlight = emulators.superoffice.control.requests().filter((r) => r.status === null).length;
      if (callsInFlight === 0) return;
      doneAtKill = done;
      killedAt = Date.now();
      await worker!.kill('SIGKILL');
      throw new Error('killed');
    },
  }).catch((err: Error) => {
    if (err.message !== 'killed') throw err;
  });
  // The kill came, and in the middle of the batch.
  expect(killedAt).toBeGreaterThan(0);
  expect(doneAtKill).toBeLessThan(CONTRACTS);

  // A few moments without any worker, then a new one on the same task queue.
  await new Promise((r) => setTimeout(r, 1_000));
  worker = await spawnWorker(config);
  const restartedAt = Date.now();
  await waitForOutcomes(emulators, { timeoutMs: 120_000, diagnose });
  const recoveredSeconds = ((Date.now() - restartedAt) / 1000).toFixed(1);

  // Give a duplicate that is on its way a chance to land before counting.
  await new Promise((r) => setTimeout(r, 2_000));
  expect(problemsWithAll(emulators)).toEqual([]);
  const results = await Promise.all(
    emulators.contracts.map(async (c) => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({
        query: `WorkflowType = 'smartSync' AND SmartSyncContractId = ${c.contractId}`,
      })) {
        ids.push(wf.workflowId);
      }
      expect(ids).toHaveLength(1);
      return client.workflow.getHandle(ids[0]!).result();
    }),
  );
  expect(results.map((r) => r.outcome)).toEqual(emulators.contracts.map(() => 'succeeded'));
  const posts = emulators.superoffice.control
    .requests()
    .filter((r) => r.method === 'POST' && r.path.endsWith('/Appointment'));
  report(
    'worker SIGKILL',
    `killed the worker with ${doneAtKill} of ${CONTRACTS} syncs done and ${callsInFlight} SuperOffice calls in flight; ` +
      `a new worker finished the other ${CONTRACTS - doneAtKill} in ${recoveredSeconds} s → ` +
      `${results.length} runs, all succeeded, ${posts.length} Activities created (one per Sale), values right`,
  );
});

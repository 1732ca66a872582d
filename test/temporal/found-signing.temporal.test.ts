import { randomUUID } from 'node:crypto';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { TemporalSyncStarter } from '../../src/temporal/sync-starter';
import {
  contractSyncsWorkflowId,
  oneflowTaskQueue,
  queueQuery,
  signingWorkflowId,
  type SmartSyncResult,
} from '../../src/workflow-contract';
import { CONTRACT_ID, contractFacts, fakeActivities } from '../workflows/fake-activities';
import { type WorkflowBundle, workflowTestEnv } from '../workflows/workflow-test-env';

/**
 * TemporalSyncStarter.startFoundSigning, what startSigningSync starts a found signing with,
 * on the real dev server with the real workflows: a signing without a run is started in its
 * contract's queue with the found trigger; one that has a run (finished, or still waiting in
 * the queue behind another run of its contract) is answered as a duplicate and nothing more
 * is started.
 */
let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  ({ env, workflowBundle } = await workflowTestEnv());
});
afterAll(async () => {
  await env?.teardown();
});

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('starts a signing without a run once, and answers duplicate for a finished or a queued one', async () => {
  const taskQueue = `found-signing-${randomUUID()}`;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const fakes = fakeActivities({
    // The first sync of the contract waits, so that a second signing waits in the queue.
    fetchSignedContract: async (input) => {
      const eventId = typeof input === 'number' ? undefined : input.eventId;
      if (eventId === 1) await held;
      return contractFacts(CONTRACT_ID);
    },
  });
  const common = {
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    shutdownForceTime: 10_000,
  };
  const main = await Worker.create({
    ...common,
    taskQueue,
    workflowBundle,
    activities: fakes.superofficeActivities,
  });
  const oneflow = await Worker.create({
    ...common,
    taskQueue: oneflowTaskQueue(taskQueue),
    activities: fakes.oneflowActivities,
  });
  const starter = new TemporalSyncStarter({
    client: env.client,
    taskQueue,
    namespace: env.namespace ?? 'default',
    uiUrl: 'http://localhost:8233',
  });
  const queue = env.client.workflow.getHandle(contractSyncsWorkflowId(CONTRACT_ID));

  await main.runUntil(
    oneflow.runUntil(async () => {
      expect(await starter.startFoundSigning(CONTRACT_ID, 1, 'reconcile')).toEqual({
        workflowId: signingWorkflowId(CONTRACT_ID, 1),
        duplicate: false,
      });
      expect(await starter.startFoundSigning(CONTRACT_ID, 2, 'backfill')).toMatchObject({ duplicate: false });
      await eventually('signing 2 waits behind signing 1', async () => {
        const q = await queue.query(queueQuery);
        return (
          q.active === signingWorkflowId(CONTRACT_ID, 1) &&
          q.pending.includes(signingWorkflowId(CONTRACT_ID, 2))
        );
      });
      // Running (1) and waiting in the queue (2): both already have their sync.
      expect(await starter.startFoundSigning(CONTRACT_ID, 1, 'reconcile')).toMatchObject({ duplicate: true });
      expect(await starter.startFoundSigning(CONTRACT_ID, 2, 'reconcile')).toMatchObject({ duplicate: true });
      release();
      const second = env.client.workflow.getHandle(signingWorkflowId(CONTRACT_ID, 2));
      await eventually('signing 2 has run', () =>
        second.describe().then(
          (d) => d.status.name === 'COMPLETED',
          () => false,
        ),
      );
      const results = await Promise.all(
        [1, 2].map(
          async (eventId) =>
            (await env.client.workflow
              .getHandle(signingWorkflowId(CONTRACT_ID, eventId))
              .result()) as SmartSyncResult,
        ),
      );
      expect(results.map((r) => r.trigger)).toEqual(['reconcile', 'backfill']);
      expect(await starter.startFoundSigning(CONTRACT_ID, 2, 'reconcile')).toMatchObject({ duplicate: true });
      // One fetch per signing: nothing was started twice.
      expect(
        fakes.callsTo('fetchSignedContract').map((c) => (c.input as { eventId: number }).eventId),
      ).toEqual([1, 2]);
    }),
  );
});

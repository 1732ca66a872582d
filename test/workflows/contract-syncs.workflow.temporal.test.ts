import { randomUUID } from 'node:crypto';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  type EntityUpdate,
  oneflowTaskQueue,
  queueQuery,
  requestRunUpdate,
  type SigningRequest,
  signingSignal,
  signingWorkflowId,
  STEP_NAMES,
  type StepOptions,
} from '../../src/workflow-contract';
import { contractSyncs, smartSync } from '../../src/workflows';
import { CONTRACT_ID, type FakeActivities, fakeActivities, writtenResource } from './fake-activities';
import { type WorkflowBundle, workflowTestEnv } from './workflow-test-env';

/**
 * contractSyncs, the queue of one contract's runs, on the test run's real dev server with
 * the real workflow code (it starts real smartSync children) and fake activities.
 */
const FAST: StepOptions = { initialIntervalMs: 20, maximumIntervalMs: 50, maximumAttempts: 3 };
const steps = Object.fromEntries(STEP_NAMES.map((s) => [s, FAST]));

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  ({ env, workflowBundle } = await workflowTestEnv());
});

afterAll(async () => {
  await env?.teardown();
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The result of a run the queue starts when its turn comes. */
async function resultOf(workflowId: string) {
  const handle = env.client.workflow.getHandle<typeof smartSync>(workflowId);
  await eventually(`${workflowId} has started`, () =>
    handle.describe().then(
      () => true,
      () => false,
    ),
  );
  return handle.result();
}

/** Workers for both task queues while `body` runs. */
async function withWorkers<T>(fakes: FakeActivities, body: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `contract-syncs-test-${randomUUID()}`;
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
  return main.runUntil(oneflow.runUntil(body(taskQueue)));
}

const contractId = () => CONTRACT_ID * 1000 + Math.floor(Math.random() * 1000);
const signing = (id: number, eventId: number): SigningRequest => ({
  workflowId: signingWorkflowId(id, eventId),
  trigger: 'webhook',
  eventId,
  callbackId: `cb-${eventId}`,
});

describe('contractSyncs: the runs of one contract, one at a time', () => {
  it('starts a second signing only after the first run has ended, and a redelivery starts nothing', async () => {
    const firstSale = gate();
    let saleUpdates = 0;
    const fakes = fakeActivities({
      updateSale: async (update: EntityUpdate) => {
        if (++saleUpdates === 1) await firstSale.opened;
        return writtenResource(update);
      },
    });
    const id = contractId();
    try {
      await withWorkers(fakes, async (taskQueue) => {
        const options = {
          workflowId: `queue-${randomUUID()}`,
          taskQueue,
          args: [{ contractId: id, steps }] as const,
        };
        const queue = await env.client.workflow.signalWithStart(contractSyncs, {
          ...options,
          args: [{ contractId: id, steps }],
          signal: signingSignal,
          signalArgs: [signing(id, 1)],
        });
        await eventually('the first run updates the Sale', () => saleUpdates === 1);
        await queue.signal(signingSignal, signing(id, 2));
        await queue.signal(signingSignal, signing(id, 1)); // a redelivery of the first
        await new Promise((r) => setTimeout(r, 500));
        expect(await queue.query(queueQuery)).toEqual({
          active: signingWorkflowId(id, 1),
          pending: [signingWorkflowId(id, 2)],
        });
        // The second run has not started: its fetch would be the second call.
        expect(fakes.callsTo('fetchSignedContract')).toHaveLength(1);
        firstSale.open();
        const second = env.client.workflow.getHandle(signingWorkflowId(id, 2));
        await eventually('the second run exists', async () => {
          try {
            await second.describe();
            return true;
          } catch {
            return false;
          }
        });
        expect((await second.result()).outcome).toBe('succeeded');
        const first = await env.client.workflow.getHandle(signingWorkflowId(id, 1)).describe();
        // The first had closed before the second started.
        const secondDescribed = await second.describe();
        expect(first.closeTime!.getTime()).toBeLessThanOrEqual(secondDescribed.startTime.getTime());
        expect(fakes.callsTo('fetchSignedContract').map((c) => c.input)).toEqual([
          { contractId: id, eventId: 1, checkSigning: false },
          { contractId: id, eventId: 2, checkSigning: false },
        ]);
        await queue.terminate('test done');
      });
    } finally {
      firstSale.open();
    }
  });

  it('answers a run request with its run id when nothing runs, and as queued behind the active run otherwise', async () => {
    const hold = gate();
    let saleUpdates = 0;
    const fakes = fakeActivities({
      updateSale: async (update: EntityUpdate) => {
        if (++saleUpdates === 1) await hold.opened;
        return writtenResource(update);
      },
    });
    const id = contractId();
    try {
      await withWorkers(fakes, async (taskQueue) => {
        const queue = await env.client.workflow.start(contractSyncs, {
          workflowId: `queue-${randomUUID()}`,
          taskQueue,
          args: [{ contractId: id, steps }],
        });
        const first = await queue.executeUpdate(requestRunUpdate, {
          args: [{ workflowId: `manual-a-${id}`, trigger: 'manual', requestedBy: 'test' }],
        });
        expect(first).toEqual({ workflowId: `manual-a-${id}`, duplicate: false, runId: expect.any(String) });
        await eventually('the first run updates the Sale', () => saleUpdates === 1);
        const second = await queue.executeUpdate(requestRunUpdate, {
          args: [{ workflowId: `manual-b-${id}`, trigger: 'manual', requestedBy: 'test' }],
        });
        expect(second).toEqual({
          workflowId: `manual-b-${id}`,
          duplicate: false,
          queuedBehind: `manual-a-${id}`,
        });
        const again = await queue.executeUpdate(requestRunUpdate, {
          args: [{ workflowId: `manual-a-${id}`, trigger: 'manual', requestedBy: 'test' }],
        });
        expect(again).toMatchObject({ workflowId: `manual-a-${id}`, duplicate: true });
        hold.open();
        expect((await resultOf(`manual-b-${id}`)).outcome).toBe('succeeded');
        await queue.terminate('test done');
      });
    } finally {
      hold.open();
    }
  });

  it('skips a signing whose run already ended before this queue (an earlier queue, or 0.1), and goes on', async () => {
    const fakes = fakeActivities();
    const id = contractId();
    await withWorkers(fakes, async (taskQueue) => {
      // A run of signing 7 as version 0.1 started it: by itself, with the same id.
      await env.client.workflow.execute(smartSync, {
        workflowId: signingWorkflowId(id, 7),
        taskQueue,
        args: [{ contractId: id, trigger: 'webhook', eventId: 7, steps }],
      });
      const queue = await env.client.workflow.start(contractSyncs, {
        workflowId: `queue-${randomUUID()}`,
        taskQueue,
        args: [{ contractId: id, steps, pending: [signing(id, 7), signing(id, 8)] }],
      });
      expect((await resultOf(signingWorkflowId(id, 8))).outcome).toBe('succeeded');
      expect(fakes.callsTo('fetchSignedContract')).toHaveLength(2);
      await queue.terminate('test done');
    });
  });
});

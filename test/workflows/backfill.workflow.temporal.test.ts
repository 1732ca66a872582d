import { randomUUID } from 'node:crypto';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createBackfillActivities } from '../../src/activities';
import {
  type BackfillInput,
  backfillProgressQuery,
  backfillWorkflowId,
  type EntityUpdate,
  oneflowTaskQueue,
  STEP_NAMES,
  type StepOptions,
  stopBackfillSignal,
} from '../../src/workflow-contract';
import { backfill } from '../../src/workflows';
import { contractFacts, fakeActivities, writtenResource } from './fake-activities';
import { type FakeSigning, fakeSigningSync, signingsEveryMinute } from './fake-signing-sync';
import { type WorkflowBundle, workflowTestEnv } from './workflow-test-env';

/**
 * The backfill workflow on the test run's real dev server, with the real workflow code,
 * the real awaitSyncs activity, real smartSync runs (fake SuperOffice activities) and
 * fakes of the two signing-sync activities (test/workflows/fake-signing-sync.ts).
 */
const FAST: StepOptions = { initialIntervalMs: 20, maximumIntervalMs: 50, maximumAttempts: 3 };
const steps = Object.fromEntries(STEP_NAMES.map((s) => [s, FAST]));
const NEWEST = '2026-11-30T12:00:00.000Z';

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  ({ env, workflowBundle } = await workflowTestEnv());
});

afterAll(async () => {
  await env?.teardown();
});

async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Setup {
  signings: FakeSigning[];
  /** How long each sync's Sale update takes, so that syncs overlap. */
  saleMs?: number;
  maxOffset?: number;
}

/** Workers for both task queues, the fakes, and the most syncs seen running at once. */
async function withBackfillWorkers<T>(
  setup: Setup,
  body: (ctx: {
    taskQueue: string;
    signing: ReturnType<typeof fakeSigningSync>;
    peakSyncs: () => number;
    /** The contracts whose sync fetched them, in order. */
    contractsSynced: () => number[];
  }) => Promise<T>,
): Promise<T> {
  const taskQueue = `backfill-test-${randomUUID()}`;
  let running = 0;
  let peak = 0;
  const synced: number[] = [];
  const fakes = fakeActivities({
    fetchSignedContract: async (input) => {
      const contractId = typeof input === 'number' ? input : input.contractId;
      synced.push(contractId);
      return contractFacts(contractId);
    },
    updateSale: async (update: EntityUpdate) => {
      running += 1;
      peak = Math.max(peak, running);
      try {
        await new Promise((r) => setTimeout(r, setup.saleMs ?? 0));
        return writtenResource(update);
      } finally {
        running -= 1;
      }
    },
  });
  const signing = fakeSigningSync({
    signings: setup.signings,
    client: env.client,
    taskQueue,
    steps,
    ...(setup.maxOffset !== undefined ? { maxOffset: setup.maxOffset } : {}),
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
    activities: {
      ...fakes.superofficeActivities,
      ...createBackfillActivities({ client: env.client, pollMs: 50 }),
    },
  });
  const oneflow = await Worker.create({
    ...common,
    taskQueue: oneflowTaskQueue(taskQueue),
    activities: { ...fakes.oneflowActivities, ...signing.activities },
  });
  return main.runUntil(
    oneflow.runUntil(body({ taskQueue, signing, peakSyncs: () => peak, contractsSynced: () => synced })),
  );
}

const request = (over: Partial<BackfillInput> = {}): BackfillInput => ({
  signedSince: '2026-11-01T00:00:00.000Z',
  signedUntil: '2026-12-01T00:00:00.000Z',
  dryRun: false,
  ...over,
});

describe('backfill: the syncs of a period of past signings', () => {
  it('starts each eligible signing once, never more than maxInFlight at a time, across pages and continue-as-new', async () => {
    const signings = signingsEveryMinute(60, 810_000, NEWEST);
    signings[3]!.kind = 'already-synced';
    signings[10]!.kind = 'reset';
    signings[20]!.kind = 'deleted';
    signings[30]!.kind = 'broken';
    // One outside the period on either side: never listed, never started.
    signings.push({ contractId: 819_001, signedAt: '2026-10-31T23:59:59.000Z', eventId: 1 });
    signings.push({ contractId: 819_002, signedAt: '2026-12-01T00:00:00.000Z', eventId: 2 });
    await withBackfillWorkers(
      { signings, saleMs: 300 },
      async ({ taskQueue, signing, peakSyncs, contractsSynced }) => {
        const handle = await env.client.workflow.start(backfill, {
          workflowId: backfillWorkflowId(randomUUID()),
          taskQueue,
          args: [request({ maxInFlight: 3, pageSize: 25, historyLimit: 200 })],
        });
        const result = await handle.result();
        expect(result).toMatchObject({
          phase: 'completed',
          total: 60,
          totalIsEstimate: false,
          done: 60,
          inFlight: 0,
          counts: {
            listed: 60,
            started: 56,
            alreadySynced: 1,
            notSigned: 1,
            notFound: 1,
            failedToStart: 1,
            finished: 56,
            syncsFailed: 0,
          },
        });
        expect(result.errors).toEqual([
          { contractId: 810_030, error: expect.stringContaining('403 Forbidden') },
        ]);
        // Every listed contract was asked for once; those outside the period never.
        const asked = signing.starts.map((s) => s.contractId).sort();
        expect(asked).toEqual(
          signings
            .slice(0, 60)
            .map((s) => s.contractId)
            .sort(),
        );
        expect(new Set(contractsSynced()).size).toBe(56);
        expect(contractsSynced()).toHaveLength(56);
        expect(peakSyncs()).toBeLessThanOrEqual(3);
        expect(peakSyncs()).toBeGreaterThan(1);
        // It did continue as new (the history limit is low) and kept its counts over it.
        const described = await handle.describe();
        expect(described.runId).not.toBe(handle.firstExecutionRunId);
        expect(signing.pages.map((p) => p.offset)).toEqual([0, 25, 50]);
      },
    );
  });

  it('reads past the paging cap with a narrower window ending where the reading got', async () => {
    const signings = signingsEveryMinute(30, 820_000, NEWEST);
    await withBackfillWorkers({ signings, maxOffset: 10 }, async ({ taskQueue, signing }) => {
      const result = await env.client.workflow.execute(backfill, {
        workflowId: backfillWorkflowId(randomUUID()),
        taskQueue,
        args: [request({ maxInFlight: 5, pageSize: 10 })],
      });
      expect(result.counts).toMatchObject({ listed: 30, started: 30, finished: 30 });
      // Pages at offsets 0 and 10 of the whole period (10 is as deep as the fake lets it
      // go); then the rest from 0 again, in a window ending at the 20th signing.
      expect(signing.pages.map((p) => [p.offset, p.signedUntil])).toEqual([
        [0, '2026-12-01T00:00:00.000Z'],
        [10, '2026-12-01T00:00:00.000Z'],
        [0, signings[19]!.signedAt],
      ]);
      expect(new Set(signing.starts.map((s) => s.contractId)).size).toBe(30);
    });
  });

  it('a dry run lists what would be synced and starts nothing', async () => {
    const signings = signingsEveryMinute(12, 830_000, NEWEST);
    await withBackfillWorkers({ signings }, async ({ taskQueue, signing, contractsSynced }) => {
      const result = await env.client.workflow.execute(backfill, {
        workflowId: backfillWorkflowId(randomUUID()),
        taskQueue,
        args: [request({ dryRun: true, pageSize: 5 })],
      });
      expect(result).toMatchObject({ phase: 'completed', dryRun: true, total: 12, done: 12 });
      expect(result.counts).toMatchObject({ listed: 12, started: 0 });
      expect(result.wouldSync).toEqual(
        signings.map((s) => ({ contractId: s.contractId, signedAt: s.signedAt })),
      );
      expect(signing.starts).toEqual([]);
      expect(contractsSynced()).toEqual([]);
    });
  });

  it('shows its progress while it runs, and a stop lets the started syncs finish and starts no more', async () => {
    const signings = signingsEveryMinute(40, 840_000, NEWEST);
    await withBackfillWorkers({ signings, saleMs: 300 }, async ({ taskQueue, signing }) => {
      const handle = await env.client.workflow.start(backfill, {
        workflowId: backfillWorkflowId(randomUUID()),
        taskQueue,
        args: [request({ maxInFlight: 2, pageSize: 100 })],
      });
      await eventually('two syncs have been started', () => signing.starts.length >= 2);
      const progress = await handle.query(backfillProgressQuery);
      expect(progress).toMatchObject({
        phase: 'syncing',
        maxInFlight: 2,
        total: 40,
        counts: { listed: 40 },
      });
      expect(progress.inFlight).toBeGreaterThan(0);
      expect(progress.inFlight).toBeLessThanOrEqual(2);
      await handle.signal(stopBackfillSignal);
      const result = await handle.result();
      expect(result.phase).toBe('cancelled');
      expect(result.inFlight).toBe(0);
      expect(result.counts.started).toBeLessThan(40);
      expect(result.counts.finished).toBe(result.counts.started);
      expect(signing.starts.length).toBe(result.counts.started);
    });
  });

  it('a cancelled backfill ends at once with what it did, phase cancelled', async () => {
    const signings = signingsEveryMinute(20, 850_000, NEWEST);
    await withBackfillWorkers({ signings, saleMs: 500 }, async ({ taskQueue, signing }) => {
      const handle = await env.client.workflow.start(backfill, {
        workflowId: backfillWorkflowId(randomUUID()),
        taskQueue,
        args: [request({ maxInFlight: 1 })],
      });
      await eventually('one sync has been started', () => signing.starts.length >= 1);
      await handle.cancel();
      const result = await handle.result();
      expect(result.phase).toBe('cancelled');
      expect(result.counts.started).toBeLessThan(20);
      const startsAtCancel = signing.starts.length;
      await new Promise((r) => setTimeout(r, 500));
      expect(signing.starts.length).toBe(startsAtCancel);
    });
  });
});

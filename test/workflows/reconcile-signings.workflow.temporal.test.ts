import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  emptyReconcileResult,
  oneflowTaskQueue,
  type ReconcileInput,
  type SignedContractsPage,
  type SignedContractsPageInput,
  type SigningSyncActivities,
  signingWorkflowId,
  type StartSigningSyncInput,
  type StartSigningSyncResult,
} from '../../src/workflow-contract';
import { reconcileSignings } from '../../src/workflows';
import { type WorkflowBundle, workflowTestEnv } from './workflow-test-env';

/**
 * reconcileSignings on the test run's dev server with the real workflow code and typed
 * fake activities on the Oneflow task queue: what it asks for, in which window, and what
 * its result says it looked at and started.
 */
let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  ({ env, workflowBundle } = await workflowTestEnv());
});
afterAll(async () => {
  await env?.teardown();
});

const HOUR = 3_600_000;

/** Two pages of signings; contract 3 already has its sync, 4 was reset, 5 fails for good. */
function fakes() {
  const pages: SignedContractsPageInput[] = [];
  const starts: StartSigningSyncInput[] = [];
  const inFlight = { now: 0, most: 0 };
  const activities: SigningSyncActivities = {
    async listSignedContracts(input): Promise<SignedContractsPage> {
      pages.push(input);
      if (input.offset === 0) {
        return {
          contracts: [1, 2, 3].map((id) => ({ contractId: id, signedAt: '2026-12-01T10:00:00.000Z' })),
          total: 5,
          nextOffset: 3,
        };
      }
      return {
        contracts: [4, 5].map((id) => ({ contractId: id, signedAt: '2026-12-01T09:00:00.000Z' })),
        total: 5,
      };
    },
    async startSigningSync(input): Promise<StartSigningSyncResult> {
      starts.push(input);
      inFlight.now += 1;
      inFlight.most = Math.max(inFlight.most, inFlight.now);
      await new Promise((r) => setTimeout(r, 50));
      inFlight.now -= 1;
      const { contractId } = input;
      if (contractId === 5)
        throw ApplicationFailure.nonRetryable('Oneflow refused the token', 'Unauthorized');
      if (contractId === 4) return { outcome: 'not-signed', contractId };
      const eventId = 100 + contractId;
      const workflowId = signingWorkflowId(contractId, eventId);
      return { outcome: contractId === 3 ? 'already-synced' : 'started', contractId, eventId, workflowId };
    },
  };
  return { activities, pages, starts, inFlight };
}

async function run(input: ReconcileInput, fake = fakes()) {
  const taskQueue = `reconcile-test-${randomUUID()}`;
  const common = {
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    shutdownForceTime: 10_000,
  };
  const main = await Worker.create({ ...common, taskQueue, workflowBundle });
  const oneflow = await Worker.create({
    ...common,
    taskQueue: oneflowTaskQueue(taskQueue),
    activities: fake.activities,
  });
  const started = Date.now();
  const result = await main.runUntil(
    oneflow.runUntil(
      env.client.workflow.execute(reconcileSignings, {
        taskQueue,
        workflowId: `reconcile-${randomUUID()}`,
        args: [input],
      }),
    ),
  );
  return { result, started, ...fake };
}

describe('reconcileSignings', () => {
  it('pages through the window up to its start, checks every signing once with trigger reconcile, a few at a time, and reports it', async () => {
    const { result, started, pages, starts, inFlight } = await run({
      windowMs: 26 * HOUR,
      pageSize: 3,
      maxInFlight: 2,
    });

    // A page of three, two at a time: a live webhook's fetch never waits behind many of them.
    expect(inFlight.most).toBeLessThanOrEqual(2);
    const until = Date.parse(result.signedUntil);
    expect(until).toBeGreaterThanOrEqual(started - 1_000);
    expect(until).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(result.signedSince)).toBe(until - 26 * HOUR);
    expect(pages).toEqual([
      { signedSince: result.signedSince, signedUntil: result.signedUntil, offset: 0, limit: 3 },
      { signedSince: result.signedSince, signedUntil: result.signedUntil, offset: 3, limit: 3 },
    ]);
    // Side by side within a page: in whatever order the worker took them.
    expect(starts.map((s) => [s.contractId, s.trigger]).sort()).toEqual([
      [1, 'reconcile'],
      [2, 'reconcile'],
      [3, 'reconcile'],
      [4, 'reconcile'],
      [5, 'reconcile'],
    ]);
    expect(result).toEqual({
      signedSince: result.signedSince,
      signedUntil: result.signedUntil,
      listed: 5,
      pages: 2,
      counts: { started: 2, 'already-synced': 1, 'not-signed': 1, 'not-found': 0, failed: 1 },
      started: [
        { contractId: 1, eventId: 101, workflowId: signingWorkflowId(1, 101) },
        { contractId: 2, eventId: 102, workflowId: signingWorkflowId(2, 102) },
      ],
      // One signing that cannot be checked does not stop the others; the next run tries again.
      failed: [{ contractId: 5, error: 'Oneflow refused the token' }],
    });
  });

  it('goes on from where a continued run left off, in the same window', async () => {
    const carried = {
      signedSince: '2026-12-01T00:00:00.000Z',
      signedUntil: '2026-12-02T02:00:00.000Z',
      offset: 3,
      result: {
        ...emptyReconcileResult('2026-12-01T00:00:00.000Z', '2026-12-02T02:00:00.000Z'),
        listed: 3,
        pages: 1,
      },
    };
    const { result, pages } = await run({ windowMs: 26 * HOUR, carried });
    expect(pages).toEqual([
      { signedSince: carried.signedSince, signedUntil: carried.signedUntil, offset: 3 },
    ]);
    expect(result).toMatchObject({ listed: 5, pages: 2, counts: { 'not-signed': 1, failed: 1 } });
  });
});

import { oneflowDemoSeed } from '../../src/emulators/oneflow';
import {
  RECONCILE_WORKFLOW,
  type ReconcileResult,
  reconcileScheduleId,
  signingWorkflowId,
} from '../../src/workflow-contract';
import { startSyncStack, type SyncStack } from '../support/sync-stack';

/**
 * Reconciliation end to end: the service as `npm start` runs it in demo mode, with its
 * schedule firing every 2 seconds, on the real dev server, against the emulators over HTTP.
 * Webhooks are switched off in the Oneflow emulator while contracts are signed; the
 * schedule's runs find the signings and sync each of them once; a webhook that comes
 * after all (Oneflow retrying it) starts nothing; a signing synced through its webhook is
 * never synced again.
 */
let stack: SyncStack;
const FIRST = 9001;
const SECOND = 9003;
const THIRD = 9004;

async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function webhook(settings: { url: string | null }) {
  const res = await fetch(`${stack.oneflowOrigin}/_emulator/webhook`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(settings),
  });
  expect(res.status).toBe(200);
}

/** The reconciliation runs that have finished, oldest first. */
async function finishedReconciliations(): Promise<Array<{ startTime: Date; result: ReconcileResult }>> {
  const { client } = stack.service;
  const runs = [];
  for await (const wf of client.workflow.list({
    query: `WorkflowType = '${RECONCILE_WORKFLOW}' AND ExecutionStatus = 'Completed'`,
  })) {
    runs.push({
      startTime: wf.startTime,
      result: (await client.workflow.getHandle(wf.workflowId, wf.runId).result()) as ReconcileResult,
    });
  }
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/** Waits for a reconciliation that started after `since` to finish, and answers its result. */
async function nextReconciliation(since: number): Promise<ReconcileResult> {
  return eventually(
    'a reconciliation has run',
    async () => (await finishedReconciliations()).find((r) => r.startTime.getTime() > since)?.result,
  );
}

beforeAll(async () => {
  stack = await startSyncStack({ reconcileEvery: '2s', reconcileWindow: '26h' });
  const oneflow = stack.service.demo!.oneflowEmulator.emulator;
  // Two more contracts of the demo deal, so that more than one signing is lost at once.
  for (const id of [SECOND, THIRD]) oneflow.putContract({ ...oneflowDemoSeed.contracts![0]!, id });
});
afterAll(async () => {
  await stack?.stop();
});

describe('reconciliation of lost webhooks', () => {
  it('is a schedule the service created at start-up, visible by its fixed id', async () => {
    const desc = await stack.service.client.schedule
      .getHandle(reconcileScheduleId(stack.service.environment.temporal.taskQueue))
      .describe();
    expect(desc.spec.intervals).toMatchObject([{ every: 2_000 }]);
    expect(desc.action).toMatchObject({
      workflowType: RECONCILE_WORKFLOW,
      args: [{ windowMs: 26 * 3_600_000 }],
    });
    expect(desc.state.paused).toBe(false);
  });

  it('syncs each signing whose webhook never came exactly once, and a redelivered webhook starts nothing', async () => {
    const oneflow = stack.service.demo!.oneflowEmulator;
    const webhookUrl = oneflow.emulator.webhookSettings().url;
    await webhook({ url: null });
    const signings = [FIRST, SECOND].map((id) => oneflow.sign(id).delivery);
    expect(signings.map((d) => d.status)).toEqual(['no_webhook', 'no_webhook']);

    for (const delivery of signings) {
      const workflowId = signingWorkflowId(delivery.contractId, delivery.eventId);
      const result = await eventually(`${workflowId} has run`, async () => {
        const run = (await stack.runs(delivery.contractId)).find((r) => r.workflowId === workflowId);
        return run && (await stack.waitForResult(workflowId));
      });
      expect(result).toMatchObject({
        contractId: delivery.contractId,
        trigger: 'reconcile',
        outcome: 'succeeded',
      });
    }

    // Later runs find both signings synced and start nothing more.
    const after = await nextReconciliation(Date.now());
    expect(after.counts).toMatchObject({ started: 0, 'already-synced': 2, failed: 0 });
    expect(after.listed).toBe(2);

    // Oneflow's webhook comes after all (its retries reach us once the URL is back): 200, nothing started.
    await webhook({ url: webhookUrl });
    for (const delivery of signings) {
      const res = await fetch(`${stack.oneflowOrigin}/_emulator/webhooks/${delivery.callbackId}/redeliver`, {
        method: 'POST',
      });
      expect(res.status).toBe(200);
    }
    await oneflow.settled();
    const redelivered = oneflow.emulator
      .deliveries()
      .filter((d) => signings.some((s) => s.callbackId === d.callbackId) && d.attempts.length > 0);
    expect(redelivered.map((d) => d.attempts.map((a) => a.status))).toEqual([[200], [200]]);
    for (const { contractId } of signings) {
      const runs = await stack.runs(contractId);
      expect(runs.map((r) => r.trigger)).toEqual(['reconcile']);
    }
  });

  it('never syncs again a signing that its webhook synced', async () => {
    // Paused while the webhook is delivered, so that no run can find the signing first.
    const schedule = stack.service.client.schedule.getHandle(
      reconcileScheduleId(stack.service.environment.temporal.taskQueue),
    );
    await schedule.pause('the test signs a contract');
    await eventually('no reconciliation is running', async () => {
      for await (const _ of stack.service.client.workflow.list({
        query: `WorkflowType = '${RECONCILE_WORKFLOW}' AND ExecutionStatus = 'Running'`,
      })) {
        return undefined;
      }
      return true;
    });
    const { workflowId, result } = await stack.signAndWait(THIRD);
    expect(result.trigger).toBe('webhook');
    await schedule.unpause();
    const after = await nextReconciliation(Date.now());
    expect(after.counts['already-synced']).toBe(3);
    expect(after.counts.started).toBe(0);
    expect((await stack.runs(THIRD)).map((r) => r.workflowId)).toEqual([workflowId]);
  });

  it('counts what it found in smart_sync_reconciled_total', async () => {
    const text = await (await fetch(`${stack.service.url}/metrics`)).text();
    const count = (outcome: string) =>
      Number(
        new RegExp(`smart_sync_reconciled_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`).exec(text)?.[1],
      );
    // Two signings were found unsynced; every later run found them (and the third) synced.
    expect(count('started')).toBe(2);
    expect(count('already-synced')).toBeGreaterThanOrEqual(5);
  });
});

import { Worker } from '@temporalio/worker';
import { superofficeDemoSeed } from '../../src/emulators/superoffice';
import { workflowsPath } from '../../src/temporal/workers';
import { startSyncStack, type SyncStack } from '../support/sync-stack';

/**
 * Determinism: the histories of real runs (a clean one and one with retries and a
 * failure) replay against today's workflow code without a non-determinism error. A
 * change to the workflow that would break running syncs fails here first.
 */
describe('workflow replay', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('replays the history of a successful and of a partly failed sync', async () => {
    const ok = await stack.signAndWait();
    expect(ok.result.outcome).toBe('succeeded');
    stack.service.demo!.oneflowEmulator.signatureReset(9001);
    await stack.service.demo!.oneflowEmulator.settled();
    // SuperOffice back to the demo data, so that the second sync has something to write.
    await fetch(`${stack.superofficeOrigin}/_emulator/reset`, { method: 'POST' });
    await fetch(`${stack.superofficeOrigin}/_emulator/seed`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(superofficeDemoSeed),
    });
    await stack.fault(stack.superofficeOrigin, {
      method: 'PATCH',
      path: '/Cust12345/api/v1/Sale/2001',
      status: 503,
      times: 1,
    });
    await stack.fault(stack.superofficeOrigin, {
      method: 'PATCH',
      path: '/Cust12345/api/v1/Contact/101',
      status: 404,
    });
    const partial = await stack.signAndWait();
    expect(partial.result.outcome).toBe('partially_failed');

    for (const { workflowId } of [ok, partial]) {
      const history = await stack.service.client.workflow.getHandle(workflowId).fetchHistory();
      expect(history.events?.length).toBeGreaterThan(10);
      await expect(
        Worker.runReplayHistory({ workflowsPath: workflowsPath() }, history, workflowId),
      ).resolves.toBeUndefined();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { Client, Connection, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { ensureReconcileSchedule } from '../../src/temporal/reconcile-schedule';
import { RECONCILE_WORKFLOW, reconcileScheduleId } from '../../src/workflow-contract';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';

/**
 * The reconciliation schedule as start-up keeps it, on the real dev server: created once,
 * left alone while the settings are the same, updated when they change (an operator's
 * pause kept), and removed when reconciliation is turned off.
 */
let connection: Connection;
let client: Client;

beforeAll(async () => {
  const namespace = await createTestNamespace();
  connection = await Connection.connect({ address: testTemporalTarget().address });
  client = new Client({ connection, namespace });
});
afterAll(async () => {
  await connection?.close();
});

const MINUTE = 60_000;

describe('ensureReconcileSchedule', () => {
  it('creates, keeps, updates (keeping a pause) and removes the schedule', async () => {
    const taskQueue = `schedule-test-${randomUUID()}`;
    const handle = client.schedule.getHandle(reconcileScheduleId(taskQueue));
    const settings = { taskQueue, everyMs: 15 * MINUTE, windowMs: 26 * 60 * MINUTE };

    expect(await ensureReconcileSchedule(client, settings)).toBe('created');
    const created = await handle.describe();
    expect(created.spec.intervals).toMatchObject([{ every: 15 * MINUTE }]);
    expect(created.action).toMatchObject({
      workflowType: RECONCILE_WORKFLOW,
      taskQueue,
      args: [{ windowMs: 26 * 60 * MINUTE }],
    });
    expect(created.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(created.state.paused).toBe(false);

    expect(await ensureReconcileSchedule(client, settings)).toBe('unchanged');

    await handle.pause('paused from the Web UI');
    expect(await ensureReconcileSchedule(client, { ...settings, everyMs: 5 * MINUTE })).toBe('updated');
    const updated = await handle.describe();
    expect(updated.spec.intervals).toMatchObject([{ every: 5 * MINUTE }]);
    expect(updated.state).toMatchObject({ paused: true, note: 'paused from the Web UI' });
    expect(
      await ensureReconcileSchedule(client, { ...settings, everyMs: 5 * MINUTE, windowMs: 2 * MINUTE }),
    ).toBe('updated');
    expect((await handle.describe()).action.args).toEqual([{ windowMs: 2 * MINUTE }]);

    expect(await ensureReconcileSchedule(client, { ...settings, everyMs: null })).toBe('deleted');
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await ensureReconcileSchedule(client, { ...settings, everyMs: null })).toBe('absent');
  });
});

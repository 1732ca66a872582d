import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleDescription,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Logger } from '../logging/logger';
import { RECONCILE_WORKFLOW, type ReconcileInput, reconcileScheduleId } from '../workflow-contract';

export interface ReconcileScheduleSettings {
  taskQueue: string;
  /** How often a run starts; null: reconciliation is off and its schedule is removed. */
  everyMs: number | null;
  /** How far back each run looks. */
  windowMs: number;
}

export type ReconcileScheduleChange = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent';

/** Schedule calls at start-up must not hang while Temporal is slow. */
const DEADLINE_MS = 10_000;

/**
 * A run that cannot finish (no worker on its task queue, Oneflow down for hours) ends
 * after this long, so that the schedule, which skips a run while the last one is still
 * going, starts fresh ones again.
 */
const RUN_TIMEOUT = '6h' as const;

function action(settings: ReconcileScheduleSettings, scheduleId: string) {
  const input: ReconcileInput = { windowMs: settings.windowMs };
  return {
    type: 'startWorkflow' as const,
    workflowType: RECONCILE_WORKFLOW,
    taskQueue: settings.taskQueue,
    // The schedule appends each run's start time to this id.
    workflowId: scheduleId,
    args: [input],
    workflowExecutionTimeout: RUN_TIMEOUT,
    staticSummary: 'Smart Sync reconciliation: syncs signings whose webhook never arrived',
  };
}

function policies(everyMs: number) {
  return {
    // A run still going when the next is due (a long list, Oneflow slow): the next is skipped.
    overlap: ScheduleOverlapPolicy.SKIP,
    // After an outage, one catch-up run covers the missed ones: each looks back a whole window.
    catchupWindow: Math.max(everyMs, 60_000),
    pauseOnFailure: false,
  };
}

/** Whether the schedule as described already does what the settings ask. */
function matches(desc: ScheduleDescription, settings: ReconcileScheduleSettings): boolean {
  const intervals = desc.spec.intervals ?? [];
  const args = desc.action.args as unknown[] | undefined;
  const input = args?.[0] as Partial<ReconcileInput> | undefined;
  return (
    intervals.length === 1 &&
    intervals[0]!.every === settings.everyMs &&
    (intervals[0]!.offset ?? 0) === 0 &&
    (desc.spec.calendars ?? []).length === 0 &&
    desc.action.workflowType === RECONCILE_WORKFLOW &&
    desc.action.taskQueue === settings.taskQueue &&
    input?.windowMs === settings.windowMs &&
    desc.policies.overlap === ScheduleOverlapPolicy.SKIP
  );
}

/**
 * Creates the reconciliation schedule, brings it up to date with the settings, or removes
 * it when reconciliation is off. Run at every start-up, by every process that starts the
 * service: the calls are idempotent, and an update keeps the schedule's state, so a
 * schedule an operator paused in the Web UI stays paused.
 */
export async function ensureReconcileSchedule(
  client: Client,
  settings: ReconcileScheduleSettings,
  logger?: Logger,
): Promise<ReconcileScheduleChange> {
  const scheduleId = reconcileScheduleId(settings.taskQueue);
  const handle = client.schedule.getHandle(scheduleId);
  const within = <T>(fn: () => Promise<T>) => client.connection.withDeadline(Date.now() + DEADLINE_MS, fn);
  let change: ReconcileScheduleChange;
  if (settings.everyMs === null) {
    try {
      await within(() => handle.delete());
      change = 'deleted';
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      change = 'absent';
    }
    logger?.info({ scheduleId, change }, 'reconciliation is off (SMART_SYNC_RECONCILE_EVERY=off)');
    return change;
  }
  const everyMs = settings.everyMs;
  try {
    await within(() =>
      client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: everyMs }] },
        action: action(settings, scheduleId),
        policies: policies(everyMs),
        state: { note: 'Created by Smart Sync at start-up (SMART_SYNC_RECONCILE_EVERY).' },
      }),
    );
    change = 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const desc = await within(() => handle.describe());
    if (matches(desc, settings)) {
      change = 'unchanged';
    } else {
      await within(() =>
        handle.update((previous): ScheduleUpdateOptions => ({
          ...previous,
          spec: { intervals: [{ every: everyMs }] },
          action: action(settings, scheduleId),
          policies: policies(everyMs),
          // Paused or not, and the operator's note, stay as they were.
          state: { paused: previous.state.paused, note: previous.state.note },
        })),
      );
      change = 'updated';
    }
  }
  logger?.info(
    { scheduleId, change, everyMs, windowMs: settings.windowMs },
    'reconciliation schedule is in place',
  );
  return change;
}

import { proxyActivities } from '@temporalio/workflow';

/**
 * The one workflow of bench/task-priority.ts: schedules `count` activities at once, each
 * with the task-queue priority `priorityKey`, and waits for them all.
 */
export async function prioritizedTicks(input: {
  label: string;
  count: number;
  priorityKey: number;
  taskQueue: string;
}): Promise<void> {
  const { tick } = proxyActivities<{ tick(label: string): Promise<void> }>({
    taskQueue: input.taskQueue,
    startToCloseTimeout: '1 minute',
    priority: { priorityKey: input.priorityKey },
  });
  await Promise.all(Array.from({ length: input.count }, () => tick(input.label)));
}

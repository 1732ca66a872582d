/**
 * Oneflow's activities get a task queue of their own, so that a task-queue rate limit
 * can hold them under Oneflow's API limit without slowing the SuperOffice calls.
 */
export function oneflowTaskQueue(taskQueue: string): string {
  return `${taskQueue}-oneflow`;
}
